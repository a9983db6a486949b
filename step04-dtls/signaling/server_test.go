package signaling

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gorilla/websocket"

	"nutsandbolts/step04-dtls/config"
	"nutsandbolts/step04-dtls/logging"
	"nutsandbolts/step04-dtls/sdp"
)

// fakeMedia records what the server hands to the layers below it.
type fakeMedia struct {
	mu       sync.Mutex
	answers  []string // session ids whose answer arrived
	closed   []string // session ids that ended
	answered chan *Session
	fail     error // returned by Answer
}

func (m *fakeMedia) Offer(s *Session) []ICEServer {
	return []ICEServer{{URLs: []string{"stun:" + s.Host}}}
}

func (m *fakeMedia) Answer(s *Session) error {
	m.mu.Lock()
	m.answers = append(m.answers, s.ID)
	m.mu.Unlock()
	m.answered <- s
	return m.fail
}

func (m *fakeMedia) Closed(s *Session) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = append(m.closed, s.ID)
}

func (m *fakeMedia) closedIDs() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.closed...)
}

type harness struct {
	srv   *Server
	http  *httptest.Server
	media *fakeMedia
	logMu sync.Mutex
	log   strings.Builder
}

// logText returns what the server has logged so far.
func (h *harness) logText() string {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	return h.log.String()
}

func newHarness(t *testing.T, change func(*config.Signaling)) *harness {
	t.Helper()
	cfg := config.Default().Signaling
	if change != nil {
		change(&cfg)
	}
	h := &harness{media: &fakeMedia{answered: make(chan *Session, 10)}}
	w := writerFunc(func(p []byte) (int, error) { h.logMu.Lock(); defer h.logMu.Unlock(); return h.log.Write(p) })
	h.srv = New(Options{
		Config:      cfg,
		Fingerprint: sdp.Fingerprint{Algorithm: "sha-256", Value: strings.TrimSuffix(strings.Repeat("AB:", 32), ":")},
		Step:        "step01-test",
		UI:          fstest.MapFS{"index.html": {Data: []byte("<h1>page</h1>")}},
		Media:       h.media,
		Log:         slog.New(logging.New(w, slog.LevelInfo, false)),
	})
	h.http = httptest.NewServer(h.srv.Handler())
	t.Cleanup(h.http.Close)
	return h
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// dial opens a WebSocket as the page would, and reads the offer.
func (h *harness) dial(t *testing.T) (*websocket.Conn, Offer) {
	t.Helper()
	c, resp, err := h.dialOrigin(h.http.URL)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	t.Cleanup(func() { c.Close() })
	var o Offer
	readJSON(t, c, &o)
	if o.Type != TypeOffer {
		t.Fatalf("first message is %q, want an offer", o.Type)
	}
	return c, o
}

func (h *harness) dialOrigin(origin string) (*websocket.Conn, *http.Response, error) {
	hdr := http.Header{}
	hdr.Set("Origin", origin)
	return websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(h.http.URL, "http")+"/ws", hdr)
}

func readJSON(t *testing.T, c *websocket.Conn, v any) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := c.ReadJSON(v); err != nil {
		t.Fatalf("read: %v", err)
	}
}

func send(t *testing.T, c *websocket.Conn, v any) {
	t.Helper()
	if err := c.WriteJSON(v); err != nil {
		t.Fatal(err)
	}
}

// wantError reads the next message and checks it is an error mentioning want.
func wantError(t *testing.T, c *websocket.Conn, want string) {
	t.Helper()
	var e Error
	readJSON(t, c, &e)
	if e.Type != TypeError || !strings.Contains(e.Message, want) {
		t.Fatalf("got %+v, want an error containing %q", e, want)
	}
}

// chromeAnswer is an answer in the shape Chromium writes, for the offer o.
func chromeAnswer(o Offer) string {
	return strings.Join([]string{
		"v=0",
		"o=- 4215775240449105457 2 IN IP4 127.0.0.1",
		"s=-",
		"t=0 0",
		"a=group:BUNDLE 0",
		"a=msid-semantic: WMS camera",
		"m=video 9 UDP/TLS/RTP/SAVPF 96",
		"c=IN IP4 0.0.0.0",
		"a=rtcp:9 IN IP4 0.0.0.0",
		"a=ice-ufrag:Xk3p",
		"a=ice-pwd:q1w2e3r4t5y6u7i8o9p0a1s2",
		"a=ice-options:trickle",
		"a=fingerprint:sha-256 " + strings.TrimSuffix(strings.Repeat("1F:", 32), ":"),
		"a=setup:active",
		"a=mid:0",
		"a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid",
		"a=sendonly",
		"a=msid:camera track",
		"a=rtcp-mux",
		"a=rtcp-rsize",
		"a=rtpmap:96 VP8/90000",
		"a=rtcp-fb:96 nack",
		"a=rtcp-fb:96 nack pli",
		"a=rtcp-fb:96 ccm fir",
		"a=ssrc:1540848376 cname:abc",
		"",
	}, "\r\n")
}

func TestOfferFirst(t *testing.T) {
	h := newHarness(t, nil)
	_, o := h.dial(t)
	if o.Session == "" || o.Step != "step01-test" || len(o.ICEServers) != 1 {
		t.Errorf("offer message %+v", o)
	}
	s, err := sdp.Parse(o.SDP)
	if err != nil {
		t.Fatalf("the offer does not parse: %v\n%s", err, o.SDP)
	}
	for _, want := range []string{"a=ice-lite", "a=setup:actpass", "a=recvonly", "a=rtpmap:96 VP8/90000", "a=fingerprint:sha-256 AB:AB", "a=rtcp-fb:96 nack pli", "a=rtcp-fb:96 ccm fir", "a=rtcp-mux", "a=rtcp-rsize"} {
		if !strings.Contains(o.SDP, want) {
			t.Errorf("offer lacks %q", want)
		}
	}
	_ = s
	_, o2 := h.dial(t)
	if o2.Session == o.Session || o2.SDP == o.SDP {
		t.Error("two sessions got the same id or offer")
	}
}

func TestGoodAnswer(t *testing.T) {
	h := newHarness(t, nil)
	c, o := h.dial(t)
	send(t, c, map[string]string{"type": "answer", "sdp": chromeAnswer(o)})
	select {
	case s := <-h.media.answered:
		if s.ID != o.Session || s.Answer.Ufrag != "Xk3p" || s.Answer.VP8PayloadType != 96 || s.Answer.Setup != "active" {
			t.Errorf("answer handed down as %+v", s.Answer)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the answer did not reach the media layers")
	}
	// A second answer in the same session is refused.
	send(t, c, map[string]string{"type": "answer", "sdp": chromeAnswer(o)})
	wantError(t, c, "already")
}

// TestBadMessages sends one bad message after another: each is answered with
// an error, and the session goes on to accept a good answer at the end.
func TestBadMessages(t *testing.T) {
	h := newHarness(t, func(c *config.Signaling) { c.MaxMessageBytes = 20000 })
	c, o := h.dial(t)
	// Another session, to check it is not disturbed.
	other, otherOffer := h.dial(t)

	c.WriteMessage(websocket.TextMessage, []byte(`{"type":`))
	wantError(t, c, "bad JSON")
	send(t, c, map[string]string{"type": "hello"})
	wantError(t, c, `unknown message type "hello"`)
	c.WriteMessage(websocket.TextMessage, []byte(`{"type":"answer","sdp":"`+strings.Repeat("x", 30000)+`"}`))
	wantError(t, c, "too large")
	c.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3})
	wantError(t, c, "binary")
	send(t, c, map[string]any{"type": "answer", "sdp": 42})
	wantError(t, c, "bad answer message")
	send(t, c, map[string]string{"type": "answer", "sdp": strings.Replace(chromeAnswer(o), "a=fingerprint:sha-256", "a=fingerprint:sha-1", 1)})
	wantError(t, c, "fingerprint")
	noVP8 := strings.Replace(chromeAnswer(o), "a=rtpmap:96 VP8/90000", "a=rtpmap:96 H264/90000", 1)
	send(t, c, map[string]string{"type": "answer", "sdp": noVP8})
	wantError(t, c, "VP8")
	send(t, c, map[string]string{"type": "answer", "sdp": strings.Replace(chromeAnswer(o), "a=sendonly", "a=inactive", 1)})
	wantError(t, c, "camera track")
	send(t, c, map[string]string{"type": "answer", "sdp": strings.Replace(chromeAnswer(o), "a=setup:active", "a=setup:passive", 1)})
	wantError(t, c, "setup")
	send(t, c, map[string]string{"type": "candidate", "candidate": "candidate:bogus"})
	wantError(t, c, "candidate")
	if got := h.srv.Stats().BadMessages.Load(); got != 10 {
		t.Errorf("counted %d bad messages, want 10", got)
	}

	// Both sessions still work.
	send(t, c, map[string]string{"type": "candidate", "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0", "sdpMid": "0"})
	send(t, c, map[string]string{"type": "answer", "sdp": chromeAnswer(o)})
	send(t, other, map[string]string{"type": "answer", "sdp": chromeAnswer(otherOffer)})
	got := map[string]bool{}
	for len(got) < 2 {
		select {
		case s := <-h.media.answered:
			got[s.ID] = true
		case <-time.After(5 * time.Second):
			t.Fatalf("answers accepted: %v; log:\n%s", got, h.logText())
		}
	}
	if !strings.Contains(h.logText(), "browser candidate") {
		t.Error("the trickled candidate was not logged")
	}
}

func TestMediaRefusesAnswer(t *testing.T) {
	h := newHarness(t, nil)
	h.media.fail = errors.New("ice: no room")
	c, o := h.dial(t)
	send(t, c, map[string]string{"type": "answer", "sdp": chromeAnswer(o)})
	<-h.media.answered
	wantError(t, c, "ice: no room")
}

func TestCloseFreesSession(t *testing.T) {
	h := newHarness(t, nil)
	c, o := h.dial(t)
	if h.srv.Sessions() != 1 {
		t.Fatalf("%d sessions, want 1", h.srv.Sessions())
	}
	c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye"))
	c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for h.srv.Sessions() != 0 || len(h.media.closedIDs()) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("session not freed: %d live, closed %v", h.srv.Sessions(), h.media.closedIDs())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if h.media.closedIDs()[0] != o.Session {
		t.Errorf("closed %v, want %s", h.media.closedIDs(), o.Session)
	}
}

func TestServerCloses(t *testing.T) {
	h := newHarness(t, nil)
	c, _ := h.dial(t)
	h.srv.CloseAll("consent expired")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Text != "consent expired" {
		t.Errorf("read after close: %v", err)
	}
}

func TestOrigin(t *testing.T) {
	h := newHarness(t, nil)
	if _, resp, err := h.dialOrigin("http://evil.example"); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin WebSocket: err %v, response %v", err, resp)
	}
	if h.srv.Stats().Refused.Load() != 1 {
		t.Error("refusal not counted")
	}
	h2 := newHarness(t, func(c *config.Signaling) { c.AllowedOrigins = []string{"http://good.example"} })
	c, _, err := h2.dialOrigin("http://good.example")
	if err != nil {
		t.Fatalf("allowed origin refused: %v", err)
	}
	c.Close()
}

func TestServerFull(t *testing.T) {
	h := newHarness(t, func(c *config.Signaling) { c.MaxSessions = 1 })
	h.dial(t)
	c, _, err := h.dialOrigin(h.http.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	wantError(t, c, "server full")
	if _, _, err := c.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseTryAgainLater) {
		t.Errorf("want close 1013, got %v", err)
	}
}

func TestServesPage(t *testing.T) {
	h := newHarness(t, nil)
	resp, err := http.Get(h.http.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "page") || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("GET / = %q, headers %v", body, resp.Header)
	}
}

func TestMessagesAreJSON(t *testing.T) {
	b, _ := json.Marshal(Offer{Type: TypeOffer, SDP: "v=0", Session: "1"})
	if string(b) != `{"type":"offer","sdp":"v=0","session":"1"}` {
		t.Errorf("offer JSON %s", b)
	}
}

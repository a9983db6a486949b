package signaling

import (
	"encoding/json"
	"errors"
	"fmt"
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

	"nutsandbolts/final/config"
	"nutsandbolts/final/logging"
	"nutsandbolts/final/sdp"
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
	// Then the page's timeline: the WebSocket at 0 ms, and the offer.
	for _, want := range []string{MilestoneWebSocket, MilestoneOffer} {
		var m Milestone
		readJSON(t, c, &m)
		if m.Type != TypeMilestone || m.Name != want || m.MS < 0 || m.Text == "" || (want == MilestoneWebSocket && m.MS != 0) {
			t.Fatalf("got %+v, want the milestone %q", m, want)
		}
	}
	return c, o
}

// session returns the live session with this id.
func (h *harness) session(t *testing.T, id string) *Session {
	t.Helper()
	h.srv.mu.Lock()
	defer h.srv.mu.Unlock()
	s := h.srv.sessions[id]
	if s == nil {
		t.Fatalf("no session %s", id)
	}
	return s
}

// waitAnswer waits for an answer to reach the media layers.
func (h *harness) waitAnswer(t *testing.T) *Session {
	t.Helper()
	select {
	case s := <-h.media.answered:
		return s
	case <-time.After(5 * time.Second):
		t.Fatalf("no answer reached the media layers; log:\n%s", h.logText())
		return nil
	}
}

// waitLog waits until the log holds text.
func (h *harness) waitLog(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(h.logText(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("the log does not show %q:\n%s", text, h.logText())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitSessions waits until n sessions are live.
func (h *harness) waitSessions(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for h.srv.Sessions() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions live, want %d; log:\n%s", h.srv.Sessions(), n, h.logText())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *harness) dialOrigin(origin string) (*websocket.Conn, *http.Response, error) {
	hdr := http.Header{}
	hdr.Set("Origin", origin)
	return dialWS(h, hdr)
}

// dialWS opens the WebSocket with these request headers ("Host" too).
func dialWS(h *harness, hdr http.Header) (*websocket.Conn, *http.Response, error) {
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

// wantError reads the next message but milestones and checks it is an
// error mentioning want.
func wantError(t *testing.T, c *websocket.Conn, want string) {
	t.Helper()
	var e Error
	for readJSON(t, c, &e); e.Type == TypeMilestone; readJSON(t, c, &e) {
	}
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
	if s := h.waitAnswer(t); s.ID != o.Session || s.Answer.Ufrag != "Xk3p" || s.Answer.VP8PayloadType != 96 || s.Answer.Setup != "active" {
		t.Errorf("answer handed down as %+v", s.Answer)
	}
	// A second answer in the same session is refused, and counts as a bad message.
	send(t, c, map[string]string{"type": "answer", "sdp": chromeAnswer(o)})
	wantError(t, c, "already")
	if h.srv.Stats().BadMessages.Load() != 1 {
		t.Error("the second answer was not counted as a bad message")
	}
	// The answer is logged once, when accepted.
	if n := strings.Count(h.logText(), "answer received"); n != 1 {
		t.Errorf("%d answers logged, want 1", n)
	}
}

// TestBadMessages sends each kind of bad message: each is answered with an
// error naming what is wrong, and a session that has had fewer than
// maxBadMessages goes on to accept a good answer.
func TestBadMessages(t *testing.T) {
	h := newHarness(t, func(c *config.Signaling) { c.MaxMessageBytes = 20000 })
	// Another session, to check it is not disturbed.
	other, otherOffer := h.dial(t)

	answer := chromeAnswer(Offer{})
	answerMsg := func(sdp string) string {
		b, _ := json.Marshal(map[string]string{"type": "answer", "sdp": sdp})
		return string(b)
	}
	bad := []struct {
		kind       int // websocket.TextMessage or BinaryMessage
		data, want string
	}{
		{websocket.TextMessage, `{"type":`, "bad JSON"},
		{websocket.TextMessage, `{"type":"hello"}`, `unknown message type "hello"`},
		{websocket.TextMessage, `{"type":"answer","sdp":"` + strings.Repeat("x", 30000) + `"}`, "too large"},
		{websocket.BinaryMessage, "\x01\x02\x03", "binary"},
		{websocket.TextMessage, `{"type":"answer","sdp":42}`, "bad answer message"},
		{websocket.TextMessage, answerMsg(strings.Replace(answer, "a=fingerprint:sha-256", "a=fingerprint:sha-1", 1)), "fingerprint"},
		{websocket.TextMessage, answerMsg(strings.Replace(answer, "a=rtpmap:96 VP8/90000", "a=rtpmap:96 H264/90000", 1)), "VP8"},
		{websocket.TextMessage, answerMsg(strings.Replace(answer, "a=sendonly", "a=inactive", 1)), "camera track"},
		{websocket.TextMessage, answerMsg(strings.Replace(answer, "a=setup:active", "a=setup:passive", 1)), "setup"},
		{websocket.TextMessage, `{"type":"candidate","candidate":"candidate:bogus"}`, "candidate"},
	}
	for len(bad) > 0 {
		// As many as a session may send without being closed.
		n := min(len(bad), maxBadMessages-1)
		c, o := h.dial(t)
		for _, m := range bad[:n] {
			c.WriteMessage(m.kind, []byte(m.data))
			wantError(t, c, m.want)
		}
		bad = bad[n:]
		send(t, c, map[string]string{"type": "candidate", "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0", "sdpMid": "0"})
		send(t, c, map[string]string{"type": "answer", "sdp": chromeAnswer(o)})
		if s := h.waitAnswer(t); s.ID != o.Session {
			t.Fatalf("answer of session %s accepted, want %s", s.ID, o.Session)
		}
		c.Close()
	}
	if got := h.srv.Stats().BadMessages.Load(); got != 10 {
		t.Errorf("counted %d bad messages, want 10", got)
	}
	send(t, other, map[string]string{"type": "answer", "sdp": chromeAnswer(otherOffer)})
	if s := h.waitAnswer(t); s.ID != otherOffer.Session {
		t.Errorf("answer of session %s accepted, want %s", s.ID, otherOffer.Session)
	}
	if !strings.Contains(h.logText(), "browser candidate") {
		t.Error("the trickled candidate was not logged")
	}
}

// TestTooManyBadMessages is a client sending answers of 60 KB of garbage,
// which used to be logged in full, each of them, for as long as it went on.
// Now only an accepted answer is logged in full, the first few bad messages
// are logged short, and the maxBadMessages-th ends the session.
func TestTooManyBadMessages(t *testing.T) {
	h := newHarness(t, nil)
	c, _ := h.dial(t)
	garbage := "v=0\r\n" + strings.Repeat("garbage ", 60000/8)
	for i := 0; i < 20; i++ {
		if c.WriteJSON(map[string]string{"type": "answer", "sdp": garbage}) != nil {
			break // the server has closed the socket
		}
	}
	for i := 0; i < maxBadMessages; i++ {
		wantError(t, c, "")
	}
	wantError(t, c, "5 bad messages: closing the session")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := c.ReadMessage(); !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
		t.Errorf("want close 1008, got %v", err)
	}
	h.waitLog(t, "session closed")
	log := h.logText()
	t.Logf("20 answers of %d bytes: the session logged %d bytes, its offer included", len(garbage), len(log))
	if len(log) > 4000 || strings.Contains(log, strings.Repeat("garbage ", 20)) {
		t.Errorf("the log grew by %d bytes:\n%.4000s", len(log), log)
	}
	if n := strings.Count(log, "bad message from browser"); n != loggedBadMessages {
		t.Errorf("%d bad messages logged, want %d", n, loggedBadMessages)
	}
	if !strings.Contains(log, "bad_messages=5") || !strings.Contains(log, `first_line="v=0"`) || strings.Contains(log, "answer received") {
		t.Errorf("log:\n%s", log)
	}
	if got := h.srv.Stats().BadMessages.Load(); got != maxBadMessages {
		t.Errorf("counted %d bad messages, want %d", got, maxBadMessages)
	}
}

// TestChattyBrowser: state and candidate messages are good messages, but a
// client sending them in a loop cannot fill the log, and what it writes in
// them is logged short.
func TestChattyBrowser(t *testing.T) {
	h := newHarness(t, nil)
	c, _ := h.dial(t)
	for i := range 300 {
		send(t, c, map[string]string{"type": "state", "signalingState": fmt.Sprint("state-", i%2, strings.Repeat("x", 1000))})
	}
	send(t, c, map[string]string{"type": "hello"}) // answered after the 300 are handled
	wantError(t, c, "unknown message type")
	log := h.logText()
	if n := strings.Count(log, "browser state"); n != maxBrowserLines || strings.Count(log, "too many state and candidate messages") != 1 {
		t.Errorf("%d state lines logged, want %d and one warning", n, maxBrowserLines)
	}
	if strings.Contains(log, strings.Repeat("x", 40)) {
		t.Error("a state value was logged in full")
	}
}

// TestAnswerTimeout: a WebSocket that never answers gives its slot back.
func TestAnswerTimeout(t *testing.T) {
	h := newHarness(t, func(c *config.Signaling) { c.AnswerTimeout = 300 * time.Millisecond })
	silent, _ := h.dial(t)
	good, o := h.dial(t)
	send(t, good, map[string]string{"type": "answer", "sdp": chromeAnswer(o)})
	h.waitAnswer(t)
	wantError(t, silent, "no answer within 300ms: closing the session")
	silent.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := silent.ReadMessage(); !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
		t.Errorf("want close 1008, got %v", err)
	}
	h.waitSessions(t, 1)
	time.Sleep(300 * time.Millisecond)
	if h.srv.Sessions() != 1 {
		t.Error("the session that answered was closed too")
	}
	h.waitLog(t, `reason="no answer within 300ms"`)
}

// TestSessionsPerAddress: one address cannot take every slot.
func TestSessionsPerAddress(t *testing.T) {
	h := newHarness(t, func(c *config.Signaling) { c.MaxSessionsPerAddress = 2 })
	first, _ := h.dial(t)
	h.dial(t)
	c, _, err := h.dialOrigin(h.http.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	wantError(t, c, "server full for your address")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := c.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseTryAgainLater) {
		t.Errorf("want close 1013, got %v", err)
	}
	if h.srv.Stats().Refused.Load() != 1 {
		t.Error("refusal not counted")
	}
	// A slot given back can be taken again.
	first.Close()
	h.waitSessions(t, 1)
	h.dial(t)
}

func TestAddressKey(t *testing.T) {
	for _, tc := range []struct{ remote, want string }{
		{"192.0.2.7:5000", "192.0.2.7"},
		{"[::ffff:192.0.2.7]:5000", "192.0.2.7"},
		{"[2001:db8:1:2:aaaa::1]:5000", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:bbbb::9%eth0]:6000", "2001:db8:1:2::/64"},
		{"@", "@"},
	} {
		if got := addressKey(tc.remote); got != tc.want {
			t.Errorf("addressKey(%q) = %q, want %q", tc.remote, got, tc.want)
		}
	}
}

func TestMediaRefusesAnswer(t *testing.T) {
	h := newHarness(t, nil)
	h.media.fail = errors.New("ice: no room")
	c, o := h.dial(t)
	send(t, c, map[string]string{"type": "answer", "sdp": chromeAnswer(o)})
	h.waitAnswer(t)
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
	h.srv.CloseAll("server shutting down")
	var e Error
	readJSON(t, c, &e)
	if e.Type != TypeError || !e.Fatal || e.Message != "server shutting down" {
		t.Errorf("got %+v, want a fatal error", e)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway || ce.Text != "server shutting down" {
		t.Errorf("read after close: %v, want 1001 (going away: the page comes back)", err)
	}
	// No new session until the server is gone.
	c2, _, err := h.dialOrigin(h.http.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	wantError(t, c2, "shutting down")
	if _, _, err := c2.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Errorf("new socket after CloseAll: %v, want 1001", err)
	}
	if n := h.srv.Wait(time.Now().Add(5 * time.Second)); n != 0 {
		t.Errorf("%d sessions left after Wait", n)
	}
}

// TestConnectRate: an address may open connect_burst sockets at once, then
// connect_rate a second; the next is refused with a clear error and 1013.
func TestConnectRate(t *testing.T) {
	h := newHarness(t, func(c *config.Signaling) { c.ConnectRate, c.ConnectBurst, c.MaxSessionsPerAddress = 0.5, 3, 100 })
	for range 3 {
		h.dial(t)
	}
	c, _, err := h.dialOrigin(h.http.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var e Error
	readJSON(t, c, &e)
	if e.Type != TypeError || !e.Fatal || !strings.Contains(e.Message, "too many connections from your address") {
		t.Fatalf("got %+v, want a fatal error about the rate", e)
	}
	if _, _, err := c.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseTryAgainLater) {
		t.Errorf("got %v, want 1013 (try again later)", err)
	}
	if n := h.srv.Stats().Refused.Load(); n != 1 {
		t.Errorf("refused %d, want 1", n)
	}
}

// TestBucketsBounded: a flood from ever new addresses cannot grow the map
// of buckets past maxBuckets.
func TestBucketsBounded(t *testing.T) {
	h := newHarness(t, nil)
	now := time.Now()
	h.srv.mu.Lock()
	defer h.srv.mu.Unlock()
	for i := range 3 * maxBuckets {
		if !h.srv.allow(fmt.Sprintf("198.51.%d.%d", i/256, i%256), now) {
			t.Fatal("a new address refused")
		}
	}
	if n := len(h.srv.buckets); n > maxBuckets {
		t.Errorf("%d buckets, more than %d", n, maxBuckets)
	}
	// Tokens come back at the rate.
	for range h.srv.opt.Config.ConnectBurst {
		h.srv.allow("192.0.2.1", now)
	}
	if h.srv.allow("192.0.2.1", now) {
		t.Error("burst+1 allowed")
	}
	if !h.srv.allow("192.0.2.1", now.Add(time.Duration(float64(time.Second)/h.srv.opt.Config.ConnectRate))) {
		t.Error("no token back after 1/rate")
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

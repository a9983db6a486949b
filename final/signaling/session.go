package signaling

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"nutsandbolts/final/sdp"
)

var (
	errServerFull   = errors.New("server full: too many sessions, try again later")
	errShuttingDown = errors.New("server shutting down: try again in a moment")
)

// Bad messages: the first loggedBadMessages of a session are logged, the
// rest only counted (the count is in the "session closed" line), and the
// maxBadMessages-th closes the session. A browser running our page sends
// none; a client that sends several is broken or hostile, and each one may
// cost a parse of up to max_message_bytes. Constants, not settings: no
// honest client needs more.
const (
	loggedBadMessages = 3
	maxBadMessages    = 5
	maxReasonBytes    = 200 // of a reason quoted in the log and to the browser
	maxBrowserLines   = 200 // log lines of state and candidate messages per session (see mayLog)
)

// Session is one browser, from the WebSocket opening to its closing.
type Session struct {
	ID     string       // short random id, in every log line of the session
	Host   string       // the host name the browser used to reach us (for ICE server URLs)
	Origin string       // the page's origin, from the Origin header
	Log    *slog.Logger // the [ws] logger with session=ID
	Offer  *sdp.Offer   // what the server offered
	Answer *sdp.Answer  // the browser's checked answer, nil until it arrives

	srv         *Server
	conn        *websocket.Conn
	addr        string // the browser's addressKey, for the per-address limit
	sdpLog      *slog.Logger
	opened      time.Time
	state       State       // the browser's last reported state; read loop only
	bad         int         // bad messages so far; read loop only
	lines       int         // log lines asked for by state and candidate messages; read loop only
	keyframe    time.Time   // when the page last asked for a keyframe; read loop only
	tooSoon     int         // keyframe requests refused by keyframeGap; read loop only
	statsLogged time.Time   // when the browser's stats were last logged; read loop only
	answered    atomic.Bool // an answer has been accepted (the answer timer reads it)

	out     chan any      // the outbox: messages for writeLoop to send (writer.go)
	written chan struct{} // closed when writeLoop has returned
	dropped atomic.Int64  // messages not queued: the browser was not reading

	milestones sync.Mutex
	reached    map[string]bool // milestones sent, each once

	closeOnce sync.Once
	closeCode int    // of the close frame (RFC 6455 §7.4.1), set once by closeWith
	reason    string // why the session ended, set once by closeWith
	done      chan struct{}
}

func newSession(srv *Server, id string, conn *websocket.Conn, r *http.Request) *Session {
	return &Session{
		ID:      id,
		Host:    r.Host,
		Origin:  r.Header.Get("Origin"),
		Log:     srv.log.With("session", id),
		srv:     srv,
		conn:    conn,
		sdpLog:  srv.sdpLog.With("session", id),
		opened:  time.Now(),
		out:     make(chan any, outboxSize),
		written: make(chan struct{}),
		done:    make(chan struct{}),
	}
}

// run is the session's goroutine: send the offer, then read until the
// socket closes. The writer goroutine (writer.go) does all the writing.
func (s *Session) run() {
	defer s.end()
	go s.writeLoop()
	s.Log.Info("session opened", "remote", s.conn.RemoteAddr().String(), "origin", s.Origin)
	offered := s.sendOffer()
	// The offer goes first (the server speaks first), then the timeline:
	// the WebSocket as accepted (0 ms), and the offer.
	s.milestone(MilestoneWebSocket, "connected to "+s.Host, 0)
	s.milestone(MilestoneOffer, fmt.Sprintf("%d candidates", len(s.Offer.Candidates)), offered)
	// A session holds a slot of max_sessions: one that never answers gives
	// it back after answer_timeout.
	timeout := s.srv.opt.Config.AnswerTimeout
	timer := time.AfterFunc(timeout, func() {
		if !s.answered.Load() {
			s.send(Error{Type: TypeError, Message: fmt.Sprintf("no answer within %v: closing the session", timeout), Fatal: true})
			s.closeWith(websocket.ClosePolicyViolation, fmt.Sprintf("no answer within %v", timeout))
		}
	})
	defer timer.Stop()
	if err := s.read(); err != nil {
		// The socket failed or the browser closed it: nothing more can be
		// written, so close it now rather than wait for the writer's deadline.
		s.Close(closeReason(err))
		s.conn.Close()
	}
}

// read reads messages until the socket fails (the error) or the session is
// closed (nil).
func (s *Session) read() error {
	max := s.srv.opt.Config.MaxMessageBytes
	// gorilla closes a socket whose message exceeds the read limit: a hard
	// bound on what one message may cost, above the soft limit checked below.
	s.conn.SetReadLimit(int64(16 * max))
	s.conn.SetPongHandler(func(string) error { return s.conn.SetReadDeadline(time.Now().Add(readTimeout)) })
	for {
		select {
		case <-s.done:
			return nil
		default:
		}
		s.conn.SetReadDeadline(time.Now().Add(readTimeout))
		kind, r, err := s.conn.NextReader()
		if err != nil {
			return err
		}
		// Read one byte more than allowed to tell "too large" from "just fits".
		data, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
		if err != nil {
			return err
		}
		if len(data) > max {
			// Drain the rest so the next message starts cleanly; gorilla's
			// read limit ends a socket that sends without end.
			if _, err := io.Copy(io.Discard, r); err != nil {
				return err
			}
			s.reject(fmt.Sprintf("message too large (over %d bytes)", max))
			continue
		}
		if kind != websocket.TextMessage {
			s.reject("binary message: the protocol is JSON text")
			continue
		}
		s.handle(data)
	}
}

// handle acts on one message. A bad message is answered with an error; a
// few of them end the session (see reject).
func (s *Session) handle(data []byte) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		s.reject("bad JSON: " + err.Error())
		return
	}
	switch env.Type {
	case TypeAnswer:
		var m Answer
		if err := json.Unmarshal(data, &m); err != nil {
			s.reject("bad answer message: " + err.Error())
			return
		}
		s.handleAnswer(m.SDP)
	case TypeCandidate:
		var m Candidate
		if err := json.Unmarshal(data, &m); err != nil {
			s.reject("bad candidate message: " + err.Error())
			return
		}
		s.handleCandidate(m)
	case TypeState:
		var m State
		if err := json.Unmarshal(data, &m); err != nil {
			s.reject("bad state message: " + err.Error())
			return
		}
		s.handleState(m)
	case TypeKeyframe:
		s.handleKeyframe(time.Now(), false)
	case TypeSnapshot:
		s.handleKeyframe(time.Now(), true)
	case TypeStats:
		var m BrowserStats
		if err := json.Unmarshal(data, &m); err != nil {
			s.reject("bad stats message: " + err.Error())
			return
		}
		s.handleStats(time.Now(), m)
	default:
		s.reject(fmt.Sprintf("unknown message type %q (ignored)", truncate(env.Type, 40)))
	}
}

// sendOffer sends the offer: fresh ICE credentials, the certificate's
// fingerprint, and whatever the media layers add. It returns when, after
// the WebSocket opened, the offer was queued.
func (s *Session) sendOffer() time.Duration {
	ufrag, pwd := sdp.NewICECredentials()
	s.Offer = &sdp.Offer{
		SessionID:   randomSessionID(),
		Ufrag:       ufrag,
		Pwd:         pwd,
		Fingerprint: s.srv.opt.Fingerprint,
		PayloadType: VP8PayloadType,
		MID:         "0",
	}
	servers := s.srv.opt.Media.Offer(s)
	text := s.Offer.Marshal()
	s.sdpLog.Info("offer", "ufrag", s.Offer.Ufrag, "candidates", len(s.Offer.Candidates), "sdp", text)
	s.send(Offer{Type: TypeOffer, SDP: text, Session: s.ID, Step: s.srv.opt.Step, ICEServers: servers})
	return s.Elapsed()
}

// handleAnswer parses and checks the browser's answer, then hands it to the
// media layers. Only an accepted answer is logged in full: a rejected one
// may be anything up to max_message_bytes.
func (s *Session) handleAnswer(text string) {
	if s.Answer != nil {
		s.reject("answer already received: one offer, one answer per session")
		return
	}
	a, err := sdp.ParseAnswer(text)
	if err == nil {
		err = s.Offer.Check(a)
	}
	if err != nil {
		s.reject(err.Error(), "first_line", truncate(firstLine(text), 80))
		return
	}
	s.Answer = a
	s.answered.Store(true)
	s.sdpLog.Info("answer received", "sdp", text)
	s.sdpLog.Info("answer accepted",
		"ufrag", a.Ufrag,
		"fingerprint", a.Fingerprint.Algorithm+" "+a.Fingerprint.Value,
		"setup", a.Setup,
		"direction", a.Direction,
		"vp8", a.VP8PayloadType,
		"ssrcs", fmt.Sprint(a.SSRCs),
		"extmaps", len(a.Extmaps),
		"candidates", len(a.Candidates))
	if err := s.srv.opt.Media.Answer(s); err != nil {
		s.reject(err.Error())
		return
	}
	s.Milestone(MilestoneAnswer, fmt.Sprintf("%s, VP8 as payload type %d", a.Direction, a.VP8PayloadType))
}

// handleCandidate logs a trickled candidate. The server is ICE-lite, so it
// needs none: the browser's connectivity checks tell it where the browser is.
func (s *Session) handleCandidate(m Candidate) {
	if m.Candidate == "" {
		if s.mayLog() {
			s.sdpLog.Info("browser finished gathering candidates")
		}
		return
	}
	c, err := sdp.ParseCandidate(m.Candidate)
	if err != nil {
		s.reject(err.Error())
		return
	}
	if s.mayLog() {
		s.sdpLog.Info("browser candidate", "type", truncate(c.Type, 20), "address", truncate(c.Address, 80), "port", c.Port, "transport", truncate(c.Transport, 20), "priority", c.Priority)
	}
}

// handleState logs the parts of the browser's state that changed.
func (s *Session) handleState(m State) {
	// The W3C names of states are short words: keep no more of them.
	for _, v := range []*string{&m.SignalingState, &m.ICEGatheringState, &m.ICEConnectionState, &m.ConnectionState} {
		*v = truncate(*v, 32)
	}
	old := s.state
	s.state = m
	var attrs []any
	for _, f := range []struct{ name, was, now string }{
		{"signaling", old.SignalingState, m.SignalingState},
		{"gathering", old.ICEGatheringState, m.ICEGatheringState},
		{"ice", old.ICEConnectionState, m.ICEConnectionState},
		{"connection", old.ConnectionState, m.ConnectionState},
	} {
		if f.was != f.now {
			attrs = append(attrs, f.name, f.now)
		}
	}
	if len(attrs) > 0 && s.mayLog() {
		s.Log.Info("browser state", attrs...)
	}
}

// statsEvery is how often the browser's stats are logged: the page sends
// them every second.
const statsEvery = 5 * time.Second

// handleStats logs what the browser says of its stream, now and then: its
// count of our PLIs and NACKs, and the round trip it measured with our
// receiver reports, which show that both reached it.
func (s *Session) handleStats(now time.Time, m BrowserStats) {
	if !s.statsLogged.IsZero() && now.Sub(s.statsLogged) < statsEvery {
		return
	}
	s.statsLogged = now
	attrs := []any{"frames", m.FramesEncoded, "keyframes", m.KeyFramesEncoded, "pli", m.PLICount, "nack", m.NACKCount}
	if m.RoundTripTime != nil {
		attrs = append(attrs, "rtt", time.Duration(*m.RoundTripTime*float64(time.Second)).Round(100*time.Microsecond).String())
	}
	if m.FractionLost != nil {
		attrs = append(attrs, "fraction_lost", *m.FractionLost)
	}
	if s.mayLog() {
		s.Log.Info("browser's stats of its stream (webrtc-stats)", attrs...)
	}
}

// keyframeGap is the least time between two keyframe requests of a session.
const keyframeGap = time.Second

// handleKeyframe passes the page's "request a keyframe" button, or its
// "take snapshot" button, to the media layers, at most once per
// keyframeGap. A keyframe is many times the size of another frame, so a
// page clicking away would make the browser send little else. A request
// that comes too soon is answered with an error and counted, but it is not
// a bad message: a person may click twice.
func (s *Session) handleKeyframe(now time.Time, snapshot bool) {
	if !s.keyframe.IsZero() && now.Sub(s.keyframe) < keyframeGap {
		s.tooSoon++
		if s.tooSoon == 1 {
			s.Log.Info("keyframe request refused: too soon after the last one (further ones are only counted)", "gap", keyframeGap)
		}
		s.send(Error{Type: TypeError, Message: fmt.Sprintf("keyframe requests: at most one every %v", keyframeGap)})
		return
	}
	s.keyframe = now
	if snapshot {
		t, ok := s.srv.opt.Media.(Snapshotter)
		if !ok {
			s.send(Error{Type: TypeError, Message: "this server does not take snapshots"})
			return
		}
		s.Log.Info("the page asks for a snapshot")
		if err := t.Snapshot(s); err != nil {
			s.send(Error{Type: TypeError, Message: "snapshot: " + err.Error()})
		}
		return
	}
	k, ok := s.srv.opt.Media.(KeyframeRequester)
	if !ok {
		s.send(Error{Type: TypeError, Message: "this step of the server does not ask for keyframes"})
		return
	}
	s.Log.Info("the page asks for a keyframe")
	if err := k.Keyframe(s); err != nil {
		s.send(Error{Type: TypeError, Message: "keyframe request: " + err.Error()})
	}
}

// mayLog counts a line that a state or candidate message asks for, and
// says whether to write it: a browser sends a few dozen of these at most,
// so a session that sends hundreds is not allowed to fill the log.
func (s *Session) mayLog() bool {
	s.lines++
	if s.lines == maxBrowserLines+1 {
		s.Log.Warn("too many state and candidate messages: no longer logging them", "logged", maxBrowserLines)
	}
	return s.lines <= maxBrowserLines
}

// reject answers a bad message with an error and counts it. The first
// loggedBadMessages of a session are logged; the maxBadMessages-th ends the
// session, with an error that says so. attrs are logged with the reason.
func (s *Session) reject(reason string, attrs ...any) {
	s.srv.stats.BadMessages.Add(1)
	s.bad++
	reason = truncate(reason, maxReasonBytes)
	if s.bad <= loggedBadMessages {
		s.Log.Warn("bad message from browser", append([]any{"reason", reason}, attrs...)...)
	}
	s.send(Error{Type: TypeError, Message: reason})
	if s.bad >= maxBadMessages {
		s.send(Error{Type: TypeError, Message: fmt.Sprintf("%d bad messages: closing the session", s.bad), Fatal: true})
		s.closeWith(websocket.ClosePolicyViolation, "too many bad messages")
	}
}

// Notify shows a line in the page's event log. It never blocks (see send):
// the UDP loop calls it.
func (s *Session) Notify(layer, text string) {
	s.send(Event{Type: TypeEvent, Layer: layer, Text: text})
}

// Milestone tells the page that the session has reached a layer, once per
// name: later calls with the same name do nothing. It never blocks (see
// send); the UDP loop and the JPEG workers call it.
func (s *Session) Milestone(name, text string) { s.milestone(name, text, s.Elapsed()) }

// milestone is Milestone at a given time since the WebSocket opened.
func (s *Session) milestone(name, text string, at time.Duration) {
	s.milestones.Lock()
	if s.reached == nil {
		s.reached = map[string]bool{}
	}
	first := !s.reached[name]
	s.reached[name] = true
	s.milestones.Unlock()
	if first {
		s.send(Milestone{Type: TypeMilestone, Name: name, MS: at.Milliseconds(), Text: text})
	}
}

// Elapsed is the time since the server accepted the session's WebSocket.
func (s *Session) Elapsed() time.Duration { return time.Since(s.opened) }

// Push sends the page one of the messages the media layers make (Shot,
// MediaStats). Like Notify, it never blocks.
func (s *Session) Push(v any) { s.send(v) }

// Close ends the session: the writer sends what is queued and a close
// frame, and closes the socket; the read loop then returns and frees the
// session. Safe to call from any goroutine, any number of times; it never
// blocks.
func (s *Session) Close(reason string) {
	s.closeWith(websocket.CloseNormalClosure, reason)
}

// closeWith is Close with the close frame's status code (RFC 6455 §7.4.1).
func (s *Session) closeWith(code int, reason string) {
	s.closeOnce.Do(func() {
		s.closeCode = code
		s.reason = reason
		close(s.done)
	})
}

// Done is closed when the session is closing: from then on nothing more is
// sent to the browser.
func (s *Session) Done() <-chan struct{} { return s.done }

// end runs when the read loop returns: it waits for the writer to finish,
// then frees everything the session held.
func (s *Session) end() {
	s.Close("ended")
	<-s.written
	s.srv.forget(s)
	s.srv.opt.Media.Closed(s)
	attrs := []any{"reason", s.reason, "lasted", time.Since(s.opened).Round(time.Millisecond)}
	if s.bad > 0 {
		attrs = append(attrs, "bad_messages", s.bad)
	}
	if n := s.dropped.Load(); n > 0 {
		attrs = append(attrs, "dropped", n)
	}
	if s.tooSoon > 0 {
		attrs = append(attrs, "keyframe_requests_refused", s.tooSoon)
	}
	s.Log.Info("session closed", attrs...)
}

// closeReason turns a read error into a short reason for the log.
func closeReason(err error) string {
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &ce):
		if ce.Code == websocket.CloseGoingAway || ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseNoStatusReceived {
			return "browser closed the socket"
		}
		return fmt.Sprintf("browser closed the socket (%d %s)", ce.Code, ce.Text)
	case errors.Is(err, websocket.ErrReadLimit):
		return "message over the hard size limit"
	case strings.Contains(err.Error(), "use of closed network connection"):
		return "closed by the server"
	}
	return err.Error()
}

// randomSessionID is the o= line's sess-id: RFC 8866 §5.2 suggests an NTP
// timestamp; JSEP (RFC 8829 §5.2.1) asks for a random 63-bit number.
func randomSessionID() uint64 {
	n, _ := rand.Int(rand.Reader, big.NewInt(math.MaxInt64))
	return n.Uint64()
}

// truncate cuts s to at most n bytes, on a UTF-8 character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// firstLine is text up to its first line break.
func firstLine(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	return strings.TrimSuffix(line, "\r")
}

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
	"time"

	"github.com/gorilla/websocket"

	"nutsandbolts/step04-dtls/sdp"
)

var errServerFull = errors.New("server full: too many sessions, try again later")

// Session is one browser, from the WebSocket opening to its closing.
type Session struct {
	ID     string       // short random id, in every log line of the session
	Host   string       // the host name the browser used to reach us (for ICE server URLs)
	Origin string       // the page's origin, from the Origin header
	Log    *slog.Logger // the [ws] logger with session=ID
	Offer  *sdp.Offer   // what the server offered
	Answer *sdp.Answer  // the browser's checked answer, nil until it arrives

	srv     *Server
	conn    *websocket.Conn
	sdpLog  *slog.Logger
	opened  time.Time
	state   State      // the browser's last reported state
	writeMu sync.Mutex // gorilla allows one writer at a time

	closeOnce sync.Once
	reason    string // why the session ended, set once by Close
	done      chan struct{}
}

func newSession(srv *Server, id string, conn *websocket.Conn, r *http.Request) *Session {
	return &Session{
		ID:     id,
		Host:   r.Host,
		Origin: r.Header.Get("Origin"),
		Log:    srv.log.With("session", id),
		srv:    srv,
		conn:   conn,
		sdpLog: srv.sdpLog.With("session", id),
		opened: time.Now(),
		done:   make(chan struct{}),
	}
}

// run is the session's goroutine: send the offer, then read until the socket closes.
func (s *Session) run() {
	defer s.end()
	s.Log.Info("session opened", "remote", s.conn.RemoteAddr().String(), "origin", s.Origin)
	if err := s.sendOffer(); err != nil {
		s.Close("offer: " + err.Error())
		return
	}
	max := s.srv.opt.Config.MaxMessageBytes
	// gorilla closes a socket whose message exceeds the read limit: a hard
	// bound on what one message may cost, above the soft limit checked below.
	s.conn.SetReadLimit(int64(16 * max))
	s.conn.SetPongHandler(func(string) error { return s.conn.SetReadDeadline(time.Now().Add(readTimeout)) })
	go s.keepAlive()
	for {
		s.conn.SetReadDeadline(time.Now().Add(readTimeout))
		kind, r, err := s.conn.NextReader()
		if err != nil {
			s.Close(closeReason(err))
			return
		}
		// Read one byte more than allowed to tell "too large" from "just fits".
		data, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
		if err != nil {
			s.Close(closeReason(err))
			return
		}
		if len(data) > max {
			// Drain the rest so the next message starts cleanly; gorilla's
			// read limit ends a socket that sends without end.
			if _, err := io.Copy(io.Discard, r); err != nil {
				s.Close(closeReason(err))
				return
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

// handle acts on one message. Nothing a browser sends ends the session:
// a bad message is answered with an error and logged.
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
	default:
		s.reject(fmt.Sprintf("unknown message type %q (ignored)", env.Type))
	}
}

// sendOffer writes the offer: fresh ICE credentials, the certificate's
// fingerprint, and whatever the media layers add.
func (s *Session) sendOffer() error {
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
	return s.send(Offer{Type: TypeOffer, SDP: text, Session: s.ID, Step: s.srv.opt.Step, ICEServers: servers})
}

// handleAnswer parses and checks the browser's answer, then hands it to the media layers.
func (s *Session) handleAnswer(text string) {
	if s.Answer != nil {
		s.reject("answer already received: one offer, one answer per session")
		return
	}
	s.sdpLog.Info("answer received", "sdp", text)
	a, err := sdp.ParseAnswer(text)
	if err == nil {
		err = s.Offer.Check(a)
	}
	if err != nil {
		s.reject(err.Error())
		return
	}
	s.Answer = a
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
	}
}

// handleCandidate logs a trickled candidate. The server is ICE-lite, so it
// needs none: the browser's connectivity checks tell it where the browser is.
func (s *Session) handleCandidate(m Candidate) {
	if m.Candidate == "" {
		s.sdpLog.Info("browser finished gathering candidates")
		return
	}
	c, err := sdp.ParseCandidate(m.Candidate)
	if err != nil {
		s.reject(err.Error())
		return
	}
	s.sdpLog.Info("browser candidate", "type", c.Type, "address", c.Address, "port", c.Port, "transport", c.Transport, "priority", c.Priority)
}

// handleState logs the parts of the browser's state that changed.
func (s *Session) handleState(m State) {
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
	if len(attrs) > 0 {
		s.Log.Info("browser state", attrs...)
	}
}

// reject answers a bad message with an error, logs it once and counts it.
func (s *Session) reject(reason string) {
	s.srv.stats.BadMessages.Add(1)
	s.Log.Warn("bad message from browser", "reason", reason)
	s.send(Error{Type: TypeError, Message: reason})
}

// Notify shows a line in the page's event log.
func (s *Session) Notify(layer, text string) {
	s.send(Event{Type: TypeEvent, Layer: layer, Text: text})
}

// send writes one JSON message.
func (s *Session) send(v any) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return writeJSON(s.conn, v)
}

func writeJSON(conn *websocket.Conn, v any) error {
	conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	return conn.WriteJSON(v)
}

// keepAlive pings the browser so that a vanished one is noticed: its pongs
// extend the read deadline (see run).
func (s *Session) keepAlive() {
	t := time.NewTicker(pingEvery)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			s.writeMu.Lock()
			err := s.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout))
			s.writeMu.Unlock()
			if err != nil {
				s.Close("ping: " + err.Error())
				return
			}
		}
	}
}

// Close ends the session: the socket closes, the read loop returns and
// frees the session. Safe to call from any goroutine, any number of times.
func (s *Session) Close(reason string) {
	s.closeOnce.Do(func() {
		s.reason = reason
		close(s.done)
		s.writeMu.Lock()
		s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, truncate(reason, 120)), time.Now().Add(time.Second))
		s.writeMu.Unlock()
		s.conn.Close()
	})
}

// Done is closed when the session has ended.
func (s *Session) Done() <-chan struct{} { return s.done }

// end runs when the read loop returns: it frees everything the session held.
func (s *Session) end() {
	s.Close("ended")
	s.srv.forget(s)
	s.srv.opt.Media.Closed(s)
	s.Log.Info("session closed", "reason", s.reason, "lasted", time.Since(s.opened).Round(time.Millisecond))
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

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

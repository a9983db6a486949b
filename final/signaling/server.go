package signaling

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"nutsandbolts/final/config"
	"nutsandbolts/final/logging"
	"nutsandbolts/final/sdp"
)

// Options are what the server needs besides its config.
type Options struct {
	Config      config.Signaling        // limits and allowed origins
	Fingerprint sdp.Fingerprint         // of the DTLS certificate, for every offer
	Step        string                  // the tutorial step serving, shown by the page
	UI          fs.FS                   // the page, served at /
	Media       Media                   // the layers below signaling
	Log         *slog.Logger            // the program's logger
	Handlers    map[string]http.Handler // more routes ("GET /healthz"), behind the same Host check
}

// Server serves the page and the signaling WebSocket.
type Server struct {
	opt      Options
	log      *slog.Logger // [ws]
	sdpLog   *slog.Logger // [sdp]
	upgrader websocket.Upgrader
	stats    Stats

	hostname string // this machine's name in lower case, accepted as a Host (host.go)

	refusedHost, refusedOrigin, refusedSession rateLog // one log line per kind and interval

	mu         sync.Mutex
	sessions   map[string]*Session // live sessions by id
	perAddress map[string]int      // live sessions by addressKey
	buckets    map[string]*bucket  // new connections by addressKey (rate.go)
	closing    bool                // CloseAll has run: no new sessions
}

// Stats counts what the server has seen, for tests and the curious.
type Stats struct {
	Sessions    atomic.Int64 // sessions opened
	Refused     atomic.Int64 // requests refused (host, origin, server full, too fast)
	BadMessages atomic.Int64 // messages answered with an error
	Dropped     atomic.Int64 // messages to browsers dropped: the browser was not reading
}

// VP8PayloadType is the dynamic RTP payload type (RFC 3551 §3) the server
// offers for VP8.
const VP8PayloadType = 96

// New returns a server; serve it with [Server.Handler].
func New(opt Options) *Server {
	s := &Server{
		opt:        opt,
		log:        logging.Layer(opt.Log, "ws"),
		sdpLog:     logging.Layer(opt.Log, "sdp"),
		sessions:   map[string]*Session{},
		perAddress: map[string]int{},
		buckets:    map[string]*bucket{},
	}
	if name, err := os.Hostname(); err == nil {
		s.hostname = strings.ToLower(name)
	}
	s.upgrader = websocket.Upgrader{CheckOrigin: s.checkOrigin}
	return s
}

// Handler serves the page at / and the signaling WebSocket at /ws, to
// requests that name this server in their Host header (see checkHost).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	files := http.FileServerFS(s.opt.UI)
	mux.Handle("GET /", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	}))
	mux.HandleFunc("GET /ws", s.serveWS)
	for pattern, h := range s.opt.Handlers {
		mux.Handle(pattern, h)
	}
	if fs, ok := s.opt.Media.(FileServer); ok {
		mux.HandleFunc("GET /shots/{name}", func(w http.ResponseWriter, r *http.Request) {
			path, ok := fs.File(r.PathValue("name"))
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Cache-Control", "no-cache")
			http.ServeFile(w, r, path)
		})
	}
	return s.checkHost(mux)
}

// Stats returns the server's counters.
func (s *Server) Stats() *Stats { return &s.stats }

// Sessions returns how many sessions are live.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// checkOrigin accepts a WebSocket from the page's own origin and from the
// configured allow-list. Without this check any web site a user visits could
// open a session on the user's server (cross-site WebSocket hijacking).
func (s *Server) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true // not a browser: no page to protect the user from
	}
	for _, o := range s.opt.Config.AllowedOrigins {
		if o == "*" || strings.EqualFold(o, origin) {
			return true
		}
	}
	u, err := url.Parse(origin)
	ok := err == nil && strings.EqualFold(u.Host, r.Host)
	if !ok {
		s.stats.Refused.Add(1)
		s.refusedOrigin.warn(s.log, "refused WebSocket from another origin", "origin", truncate(origin, 80), "host", truncate(r.Host, 80))
	}
	return ok
}

// serveWS upgrades the request and runs the session until the socket closes.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered with an HTTP error
	}
	sess, err := s.open(conn, r)
	if err != nil {
		// No session, so this goroutine is the socket's only writer.
		s.stats.Refused.Add(1)
		s.refusedSession.warn(s.log, "refused session", "reason", err.Error(), "remote", r.RemoteAddr)
		deadline := time.Now().Add(closeTimeout)
		code := websocket.CloseTryAgainLater
		if errors.Is(err, errShuttingDown) {
			code = websocket.CloseGoingAway
		}
		writeJSON(conn, Error{Type: TypeError, Message: err.Error(), Fatal: true}, deadline)
		conn.WriteControl(websocket.CloseMessage, closeFrame(code, err.Error()), deadline)
		conn.Close()
		return
	}
	sess.run()
}

// open registers a new session, unless the server is full or the browser's
// address already holds its share of the sessions.
func (s *Server) open(conn *websocket.Conn, r *http.Request) (*Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	addr := addressKey(r.RemoteAddr)
	if s.closing {
		return nil, errShuttingDown
	}
	if !s.allow(addr, time.Now()) {
		return nil, fmt.Errorf("too many connections from your address: at most %v a second (burst %d); try again in a moment",
			s.opt.Config.ConnectRate, s.opt.Config.ConnectBurst)
	}
	if len(s.sessions) >= s.opt.Config.MaxSessions {
		return nil, errServerFull
	}
	if max := s.opt.Config.MaxSessionsPerAddress; s.perAddress[addr] >= max {
		return nil, fmt.Errorf("server full for your address: it has %d sessions already, the most allowed; close one or try again later", max)
	}
	var id string
	for id == "" || s.sessions[id] != nil {
		var b [4]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	sess := newSession(s, id, conn, r)
	sess.addr = addr
	s.sessions[id] = sess
	s.perAddress[addr]++
	s.stats.Sessions.Add(1)
	return sess, nil
}

// forget removes a session that has ended.
func (s *Server) forget(sess *Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, sess.ID)
	if s.perAddress[sess.addr]--; s.perAddress[sess.addr] <= 0 {
		delete(s.perAddress, sess.addr)
	}
}

// CloseAll ends every session, for shutdown: each page is told (a fatal
// error, then a close frame 1001, "going away", which tells it to come back
// later), and no new session is opened from now on.
func (s *Server) CloseAll(reason string) {
	s.mu.Lock()
	s.closing = true
	all := make([]*Session, 0, len(s.sessions))
	for _, sess := range s.sessions {
		all = append(all, sess)
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b *Session) int { return strings.Compare(a.ID, b.ID) })
	for _, sess := range all {
		sess.send(Error{Type: TypeError, Message: reason, Fatal: true})
		sess.closeWith(websocket.CloseGoingAway, reason)
	}
}

// Wait waits until every session has ended and freed what it held, or
// until the deadline; it reports how many sessions are left.
func (s *Server) Wait(deadline time.Time) int {
	for {
		n := s.Sessions()
		if n == 0 || !time.Now().Before(deadline) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}

package signaling

import (
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// Every message to the browser goes through the session's outbox: a small
// queue drained by one writer goroutine (writeLoop), the only goroutine that
// writes to the socket. Gorilla allows one writer at a time; more to the
// point, the UDP loop calls Notify for every session it serves, and a write
// to a browser that has stopped reading blocks until the write deadline. A
// queue that cannot block the caller keeps one stuck page from stalling
// every other session's media.
//
// The one exception is gorilla itself: its default ping and close handlers,
// which run on the read loop, answer with WriteControl, which gorilla allows
// concurrently with every other method.
const (
	outboxSize   = 32 // messages queued for a browser before new ones are dropped
	pingEvery    = 15 * time.Second
	readTimeout  = 3 * pingEvery // the browser's pongs extend it: see run
	writeTimeout = 5 * time.Second
	closeTimeout = time.Second // for the last queued messages and the close frame together
)

// send queues one message for the browser. It never blocks: when the queue
// is full (the browser is not reading), the message is dropped and counted,
// and the first drop of the session is logged. After Close, messages are
// not sent at all.
func (s *Session) send(v any) {
	if s.out == nil {
		return // a Session not made by the server (a test's): nobody to tell
	}
	select {
	case <-s.done:
		return
	default:
	}
	select {
	case s.out <- v:
	default:
		s.srv.stats.Dropped.Add(1)
		if s.dropped.Add(1) == 1 {
			s.Log.Warn("browser is not reading: dropping messages to it", "queue", outboxSize)
		}
	}
}

// writeLoop is the session's writer goroutine: it writes queued messages and
// the keep-alive pings until the session is closed, then writes what is still
// queued and the close frame, and closes the socket.
func (s *Session) writeLoop() {
	defer close(s.written)
	defer s.conn.Close() // also ends the read loop, if it is still reading
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case v := <-s.out:
			if err := writeJSON(s.conn, v, time.Now().Add(writeTimeout)); err != nil {
				s.Close("write: " + err.Error())
				return
			}
		case <-ping.C:
			// A vanished browser is noticed by its missing pongs (see run).
			if err := s.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)); err != nil {
				s.Close("ping: " + err.Error())
				return
			}
		case <-s.done:
			s.flush()
			return
		}
	}
}

// flush writes the messages still queued (typically the error that explains
// why the server is closing), then the close frame (RFC 6455 §5.5.1), all
// within closeTimeout.
func (s *Session) flush() {
	deadline := time.Now().Add(closeTimeout)
	for more := true; more; {
		select {
		case v := <-s.out:
			if writeJSON(s.conn, v, deadline) != nil {
				return
			}
		default:
			more = false
		}
	}
	s.conn.WriteControl(websocket.CloseMessage, closeFrame(s.closeCode, s.reason), deadline)
}

// closeFrame is the payload of a close frame. RFC 6455 §5.5 limits a control
// frame's payload to 125 bytes, the 2-byte code included, and §5.5.1 wants
// the reason in UTF-8.
func closeFrame(code int, reason string) []byte {
	return websocket.FormatCloseMessage(code, truncate(strings.ToValidUTF8(reason, "?"), 120))
}

func writeJSON(conn *websocket.Conn, v any, deadline time.Time) error {
	conn.SetWriteDeadline(deadline)
	return conn.WriteJSON(v)
}

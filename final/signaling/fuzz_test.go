package signaling

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"nutsandbolts/final/config"
	"nutsandbolts/final/logging"
	"nutsandbolts/final/sdp"
)

// FuzzHandle feeds a session messages from a browser, separated by NUL
// bytes: none may panic, and what a message costs in the log stays small
// whatever its size. Only the accepted answer is logged in full.
func FuzzHandle(f *testing.F) {
	answer := chromeAnswer(Offer{})
	for _, seed := range []string{
		`{"type":"answer","sdp":` + quote(answer) + `}`,
		`{"type":"answer","sdp":` + quote(answer) + "}\x00" + `{"type":"answer","sdp":` + quote(answer) + `}`,
		`{"type":"answer","sdp":"v=0\r\nx"}`,
		`{"type":"candidate","candidate":"candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host","sdpMid":"0"}`,
		`{"type":"candidate","candidate":""}`,
		`{"type":"state","signalingState":"stable","iceConnectionState":"checking"}`,
		`{"type":"hello"}` + "\x00{\x00[]\x00null\x00\"\"\x00{\"type\":1}",
		`{"type":"answer","sdp":` + quote(strings.Replace(answer, "a=setup:active", "a=setup:passive", 1)) + `}`,
	} {
		f.Add([]byte(seed))
	}
	cfg := config.Default().Signaling
	f.Fuzz(func(t *testing.T, data []byte) {
		var log bytes.Buffer
		msgs := bytes.Split(data, []byte{0})
		srv := New(Options{
			Config: cfg,
			Media:  &fakeMedia{answered: make(chan *Session, len(msgs))},
			Log:    slog.New(logging.New(&log, slog.LevelInfo, false)),
		})
		// No socket: nothing is written without a writer goroutine, and
		// what is sent stays in the outbox or is dropped.
		s := newSession(srv, "fuzz", nil, httptest.NewRequest("GET", "/ws", nil))
		s.Offer = &sdp.Offer{Ufrag: "abcd", Pwd: "0123456789abcdef0123456789", PayloadType: VP8PayloadType, MID: "0"}
		for _, m := range msgs {
			select {
			case <-s.Done():
				return // the read loop stops reading, too
			default:
			}
			before := log.Len()
			answered := s.Answer != nil
			s.handle(m)
			if (answered || s.Answer == nil) && log.Len()-before > 1024 {
				t.Fatalf("a message of %d bytes logged %d bytes:\n%s", len(m), log.Len()-before, log.Bytes()[before:])
			}
		}
		if s.bad >= maxBadMessages {
			select {
			case <-s.Done():
			default:
				t.Fatalf("%d bad messages and the session is still open", s.bad)
			}
		}
	})
}

// quote is s as a JSON string.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

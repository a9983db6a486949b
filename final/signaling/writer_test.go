package signaling

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestNotifyNeverBlocks is a page that stops reading while the UDP loop
// keeps narrating to it. Notify used to write to the socket itself and so
// waited for the write deadline (5 s), stalling the UDP loop and with it
// every other session. Now it queues, drops what does not fit and counts it.
func TestNotifyNeverBlocks(t *testing.T) {
	h := newHarness(t, nil)
	before := runtime.NumGoroutine()
	_, o := h.dial(t) // reads the offer, and nothing more
	s := h.session(t, o.Session)
	text := strings.Repeat("x", 16<<10) // fills the socket's buffers quickly
	start := time.Now()
	for range 10000 {
		s.Notify("test", text)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("10000 Notify calls took %v", d)
	}
	if s.dropped.Load() == 0 || h.srv.Stats().Dropped.Load() != s.dropped.Load() {
		t.Errorf("dropped %d (server: %d), want some", s.dropped.Load(), h.srv.Stats().Dropped.Load())
	}
	t.Logf("10000 Notify calls: %v, %d dropped", time.Since(start), s.dropped.Load())
	// Go on until the socket's buffers are full and the writer is stuck.
	for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); {
		s.Notify("test", text)
		time.Sleep(time.Millisecond)
	}

	// Closing the session stops its writer, though the browser still does
	// not read: the writer gives up at its write deadline.
	closed := time.Now()
	s.Close("test over")
	select {
	case <-s.written:
		t.Logf("the writer stopped %v after Close", time.Since(closed).Round(time.Millisecond))
	case <-time.After(2 * (writeTimeout + closeTimeout)):
		t.Fatal("the writer goroutine did not stop")
	}
	h.waitLog(t, "session closed")
	if log := h.logText(); strings.Count(log, "browser is not reading") != 1 || !strings.Contains(log, "dropped=") {
		t.Errorf("want one warning and the count in the close line; log:\n%s", log)
	}
	// Every goroutine of the session has ended: the reader (the HTTP
	// handler's) and the writer.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before the session:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCloseSendsQueued: the messages queued before Close reach the browser
// before the close frame.
func TestCloseSendsQueued(t *testing.T) {
	h := newHarness(t, nil)
	c, o := h.dial(t)
	s := h.session(t, o.Session)
	s.Notify("ice", "one")
	s.Notify("ice", "two")
	s.Close("bye")
	s.Notify("ice", "after close")
	for _, want := range []string{"one", "two"} {
		var e Event
		readJSON(t, c, &e)
		if e.Type != TypeEvent || e.Text != want {
			t.Fatalf("got %+v, want event %q", e, want)
		}
	}
	if _, _, err := c.ReadMessage(); err == nil || !strings.Contains(err.Error(), "1000") || !strings.Contains(err.Error(), "bye") {
		t.Errorf("want close 1000 bye, got %v", err)
	}
	if s.dropped.Load() != 0 {
		t.Error("a message after Close counted as dropped")
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"ab↔cd", 3, "ab"}, // ↔ is 3 bytes: not cut in the middle
		{"ab↔cd", 5, "ab↔"},
	} {
		if got := truncate(tc.s, tc.n); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

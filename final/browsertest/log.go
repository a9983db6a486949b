package browsertest

import (
	"strings"
	"sync"
	"testing"
	"time"

	"nutsandbolts/final/logging"
)

// Log collects the server's log in a test and waits for lines in it. Give it
// to logging.New as the writer.
type Log struct {
	mu      sync.Mutex
	text    strings.Builder
	changed chan struct{} // closed and replaced on every write
}

// Write implements io.Writer.
func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.text.Write(p)
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
	return len(p), nil
}

// String returns the whole log so far.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.text.String()
}

// Wait returns the first line for which match is true, waiting up to timeout
// for it to be written; it fails the test with the log when none comes.
func (l *Log) Wait(t testing.TB, timeout time.Duration, what string, match func(logging.Line) bool) logging.Line {
	t.Helper()
	deadline := time.After(timeout)
	for {
		l.mu.Lock()
		text := l.text.String()
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		changed := l.changed
		l.mu.Unlock()
		for _, s := range strings.Split(text, "\n") {
			if line, err := logging.ParseLine(s); err == nil && !logging.IsBlock(s) && match(line) {
				return line
			}
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("waited %v for %s; server log:\n%s", timeout, what, text)
		}
	}
}

// Is returns a matcher for lines of a layer with a message and, optionally,
// attribute key/value pairs that must all be present.
func Is(layer, message string, kv ...string) func(logging.Line) bool {
	return func(l logging.Line) bool {
		if l.Layer != layer || l.Message != message {
			return false
		}
		for i := 0; i+1 < len(kv); i += 2 {
			found := false
			for _, a := range l.Attrs {
				if a.Key == kv[i] && a.Value == kv[i+1] {
					found = true
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
}

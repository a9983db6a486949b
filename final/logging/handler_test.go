package logging

import (
	"bytes"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestFormatAndParse(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(New(&buf, slog.LevelInfo, false))
	ws := Layer(log, "ws").With("session", "3f9a")
	ws.Info("session opened", "origin", "http://localhost:8080", "note", "two words", "empty", "")
	ws.Warn("bad message", "reason", `json: "x"`)
	ws.Debug("hidden")
	Layer(log, "sdp").Info("offer", "sdp", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", "lines", 2)

	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("got %d lines, want 5:\n%s", len(lines), buf.String())
	}
	if !regexp.MustCompile(`^ +\d+\.\d{3}s \[ws\]    session opened  session=3f9a origin=http://localhost:8080 note="two words" empty=""$`).MatchString(lines[0]) {
		t.Errorf("line 0 = %q", lines[0])
	}
	l, err := ParseLine(lines[0])
	if err != nil {
		t.Fatal(err)
	}
	want := []Attr{{"session", "3f9a"}, {"origin", "http://localhost:8080"}, {"note", "two words"}, {"empty", ""}}
	if l.Layer != "ws" || l.Message != "session opened" || len(l.Attrs) != len(want) {
		t.Fatalf("parsed %+v", l)
	}
	for i := range want {
		if l.Attrs[i] != want[i] {
			t.Errorf("attr %d = %+v, want %+v", i, l.Attrs[i], want[i])
		}
	}
	l, err = ParseLine(lines[1])
	if err != nil || l.Level != "WARN" || l.Message != "bad message" || l.Attrs[1].Value != `json: "x"` {
		t.Errorf("warn line %q parsed as %+v, %v", lines[1], l, err)
	}
	l, err = ParseLine(lines[2])
	if err != nil || l.Layer != "sdp" || strings.Join(l.Keys(), ",") != "lines" {
		t.Errorf("sdp line %q parsed as %+v, %v", lines[2], l, err)
	}
	if !IsBlock(lines[3]) || !strings.HasSuffix(lines[3], "│ v=0") || !strings.HasSuffix(lines[4], "│ o=- 1 2 IN IP4 127.0.0.1") {
		t.Errorf("block lines %q", lines[3:])
	}
	if strings.Contains(buf.String(), "\x1b[") {
		t.Error("colour written with colour off")
	}

	// Two multi-line values: each block says which it is.
	buf.Reset()
	log.Info("exchange", "request", "a\nb", "response", "c\nd")
	blocks := strings.Join(strings.Split(buf.String(), "\n")[1:], "\n")
	wantBlocks := blockIndent + "│ request:\n" + blockIndent + "│ a\n" + blockIndent + "│ b\n" + blockIndent + "│ response:\n" + blockIndent + "│ c\n" + blockIndent + "│ d\n"
	if blocks != wantBlocks {
		t.Errorf("blocks:\n%s\nwant:\n%s", blocks, wantBlocks)
	}
}

func TestColourOnlyWhenAsked(t *testing.T) {
	var buf bytes.Buffer
	slog.New(New(&buf, slog.LevelInfo, true)).Info("hello", "k", "v")
	if !strings.Contains(buf.String(), "\x1b[") {
		t.Errorf("no colour in %q", buf.String())
	}
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a file is not a terminal")
	}
}

func TestElapsedTime(t *testing.T) {
	var buf bytes.Buffer
	h := New(&buf, slog.LevelInfo, false)
	r := slog.NewRecord(h.out.start.Add(1500*time.Millisecond), slog.LevelInfo, "later", 0)
	if err := h.Handle(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "  1.500s [main]  later") {
		t.Errorf("got %q", buf.String())
	}
}

func TestParseErrors(t *testing.T) {
	for _, s := range []string{"", "hello", "  x.yzs [ws] m", "  1.000s [ws m", "  1.000s [ws] m  novalue", `  1.000s [ws] m  k="open`} {
		if _, err := ParseLine(s); err == nil {
			t.Errorf("ParseLine(%q) succeeded", s)
		}
	}
}

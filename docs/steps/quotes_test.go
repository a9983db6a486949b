package steps

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestQuotedMessages checks the chapters: every log line they quote must
// have a message the code of its step still logs. It needs no browser; the
// steps' browser tests compare the quotes with a real run, values included.
func TestQuotedMessages(t *testing.T) {
	root := filepath.Join("..", "..")
	m, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if vs := CheckQuotes(root, m); len(vs) > 0 {
		var b strings.Builder
		for _, v := range vs {
			b.WriteString("\n\t" + v.String())
		}
		t.Errorf("chapters quote log lines the code does not print (see docs/README.md):%s", b.String())
	}
}

func TestFindQuotes(t *testing.T) {
	chapter := strings.Join([]string{
		/* 1 */ "# A chapter",
		/* 2 */ "",
		/* 3 */ "<!-- transcript step02-stun -->",
		/* 4 */ "```text",
		/* 5 */ "  0.001s [main]  certificate ready  fingerprint=x",
		/* 6 */ "                 │ a block line",
		/* 7 */ "  0.002s [udp]   WARN dropped datagram  from=x",
		/* 8 */ "```",
		/* 9 */ "<!-- end transcript -->",
		/* 10 */ "",
		/* 11 */ "The server prints `[main]  listening  … udp=15000`, the page",
		/* 12 */ "shows `[stun] the server answers STUN on UDP port 15000…`, and",
		/* 13 */ "neither `[ice]` nor `a [ws]  b` nor \\`[ws]  escaped\\` is a quote. A quote",
		/* 14 */ "may break: `[ice]  browser nominated the pair:",
		/* 15 */ "selected  session=…`.",
		/* 16 */ "",
		/* 17 */ "```text",
		/* 18 */ "  0.609s [udp]   ERROR dropped …  from=127.0.0.1:38124",
		/* 19 */ "[trace] received  kind=STUN",
		/* 20 */ "[::1]      126 × 2^24",
		/* 21 */ "```",
	}, "\n")
	want := []LogQuote{
		{Line: 5, Layer: "main", Message: "certificate ready", Step: "step02-stun"},
		{Line: 7, Layer: "udp", Message: "dropped datagram", Step: "step02-stun"},
		{Line: 11, Layer: "main", Message: "listening"},
		{Line: 12, Layer: "stun", Message: "the server answers STUN on UDP port 15000…", Mention: true},
		{Line: 14, Layer: "ice", Message: "browser nominated the pair: selected"},
		{Line: 18, Layer: "udp", Message: "dropped …"},
		{Line: 19, Layer: "trace", Message: "received"},
	}
	got := FindQuotes(chapter)
	for i := range got {
		got[i].Text = ""
	}
	if !slices.Equal(got, want) {
		t.Errorf("FindQuotes =\n%+v\nwant\n%+v", got, want)
	}
}

func TestCheckQuotes(t *testing.T) {
	s1 := map[string]string{
		"go.mod": "module nutsandbolts/step01-signaling\n\ngo 1.25\n",
		"main.go": "package main\n\nfunc main() {\n" +
			"\tlog.Info(\"listening\", \"udp\", 15000)\n" +
			"\tlog.Warn(\"dropped datagram (further ones of this kind\" + \" are only counted)\")\n" +
			"\tnotify(\"ice\", \"selected pair: server ↔ \"+addr)\n" +
			"}\n",
		"main_test.go":          "package main\n\nvar _ = \"only in a test\"\n",
		"sdp/testdata/x.go":     "package x\n\nvar _ = \"only in test data\"\n",
		"sdp/sdp.go":            "package sdp\n\nconst answer = `answer accepted`\n",
		"sdp/broken_test.go":    "this is not Go, but a test file",
		"browsertest/helper.go": "package browsertest\n\nvar _ = \"session opened\"\n",
	}
	root := writeRepo(t, "steps:\n  - dir: step01-signaling\n", map[string]map[string]string{"step01-signaling": s1})
	write := func(name, text string) { writeFile(t, root, "docs/"+name, text) }
	write("00-overview.md", "The log: `[main]  listening  udp=15000`.\n")
	write("01-signaling.md", strings.Join([]string{
		"Good: `[main]  listening  … udp=1`, `[sdp]  answer accepted`,",
		"`[udp]  WARN dropped datagram (further ones of this kind are only counted)`,",
		"`[udp]  WARN dropped datagram …  reason=x`, `[ws]  session opened`,",
		"`[ice] selected pair: server ↔ 127.0.0.1:…`, `[main] listen…`, `[main] listening  … udp=1`.",
		"",
		"Bad: `[udp]  WARN dropped datagram (further ones for this reason are only counted)`,",
		"`[sdp]  only in a test`, `[sdp]  only in test data`, `[ice] selected pair: client ↔ 127.0.0.1:…`,",
		"`[ice] dropped datagram from`.",
		"",
		"<!-- transcript step01-signaling -->",
		"```text",
		"  0.001s [main]  listening  udp=15000",
		"  0.002s [main]  certificate ready",
		"```",
		"<!-- end transcript -->",
	}, "\n"))
	write("05-srtp.md", "A chapter whose step is not there yet.\n")

	m, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range CheckQuotes(root, m) {
		got = append(got, v.String())
	}
	want := []string{
		`docs/01-signaling.md:6: [udp] "dropped datagram (further ones for this reason are only counted)": step01-signaling does not log this message`,
		`docs/01-signaling.md:7: [sdp] "only in a test": step01-signaling does not log this message`,
		`docs/01-signaling.md:7: [sdp] "only in test data": step01-signaling does not log this message`,
		"docs/01-signaling.md:7: `[ice] selected pair: client ↔ 127.0.0.1:…`: no string in the Go code of step01-signaling begins like this text",
		"docs/01-signaling.md:8: `[ice] dropped datagram from`: no string in the Go code of step01-signaling begins like this text",
		`docs/01-signaling.md:13: [main] "certificate ready": step01-signaling does not log this message`,
		"docs/05-srtp.md: no step in docs/steps.yaml goes with this chapter",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d violations, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("violation %d:\n got %s\nwant %s…", i, got[i], want[i])
		}
	}
}

// writeFile writes one more file into a made-up repository.
func writeFile(t *testing.T, root, name, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestChapterStep(t *testing.T) {
	m := &Manifest{Steps: []Step{{Dir: "step01-signaling"}, {Dir: "step02-stun"}, {Dir: "final"}}}
	for _, c := range []struct {
		chapter, want string
		ok            bool
	}{
		{"docs/00-overview.md", "step01-signaling", true},
		{"docs/01-signaling.md", "step01-signaling", true},
		{"/x/docs/02-stun.md", "step02-stun", true},
		{"docs/03-ice.md", "", false},
		{"docs/08-final.md", "final", true},
		{"docs/README.md", "", false},
	} {
		got, ok := ChapterStep(m, c.chapter)
		if got != c.want || ok != c.ok {
			t.Errorf("ChapterStep(%q) = %q, %v; want %q, %v", c.chapter, got, ok, c.want, c.ok)
		}
	}
}

package logging

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	for _, c := range []struct{ key, value, want string }{
		// Volatile keys lose their whole value, whatever its case.
		{"session", "903fa13e", "…"},
		{"ufrag", "DcAm4HbGOl36DBFW", "…"},
		{"username", "GMCQBzbKhBTxXYDq:MZAd", "…"},
		{"USERNAME", "a:b", "…"},
		{"fingerprint", "sha-256 EC:05:F8", "…"},
		{"ssrcs", "[1194645131]", "…"},
		{"port", "36244", "…"},
		{"last", "12:03:04", "…"},
		// Ports of addresses.
		{"remote", "127.0.0.1:33898", "127.0.0.1:…"},
		{"address", "[::1]:15000", "[::1]:…"},
		{"page", "http://localhost:8080", "http://localhost:…"},
		{"reason", "read tcp 127.0.0.1:8080->127.0.0.1:54442: read: connection reset by peer",
			"read tcp 127.0.0.1:…->127.0.0.1:…: read: connection reset by peer"},
		// Durations.
		{"in", "35ms", "…"},
		{"timeout", "1m30s", "…"},
		{"rto", "1.2s", "…"},
		{"rto", "850µs", "…"},
		// Hex: fingerprints, hashes, cookies, transaction ids, tie-breakers.
		{"cert", "sha-256 EC:05:F8:74:98:A8:C6:1A:B4:23", "sha-256 …"},
		{"cookie", "8dc68abe1c6f5b24b56f4e76db2e41ad2d096dd8", "…"},
		{"msg", "Binding request tx=5736496a2b51585468303955 ICE-CONTROLLING=0xee61c0f4ee8f7df1", "Binding request tx=… ICE-CONTROLLING=…"},
		// Volatile keys written inside a value.
		{"request", `USERNAME="M/qc:LkJA" PRIORITY=1853824767`, `USERNAME=… PRIORITY=1853824767`},
		// What a chapter explains stays.
		{"address", "127.0.0.2", "127.0.0.2"},
		{"udp", "15000", "15000"},
		{"cookie", "20", "20"},
		{"candidates", "2", "2"},
		{"priority", "2130706431", "2130706431"},
		{"version", "DTLS 1.2", "DTLS 1.2"},
		{"reason", "DTLS on a valid pair (this step stops at ICE; step 4 adds DTLS)", "DTLS on a valid pair (this step stops at ICE; step 4 adds DTLS)"},
		{"session_id_len", "32", "32"},
	} {
		if got := Mask(c.key, c.value); got != c.want {
			t.Errorf("Mask(%q, %q) = %q, want %q", c.key, c.value, got, c.want)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"a…", "abc", true},
		{"…c", "abc", true},
		{"a…c", "abc", true},
		{"a…c", "ac", true},
		{"a…b…c", "axbyc", true},
		{"a…b…c", "axcyb", false},
		{"ab…bc", "abc", false}, // the prefix and suffix may not overlap
		{"…", "", true},
	} {
		if got := glob(c.pattern, c.s); got != c.want {
			t.Errorf("glob(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

// testLog is a log as the program prints it, with what changes from run to
// run: ids, ports and times.
const testLog = "  0.001s [main]  listening  page=http://localhost:8080 udp=15000\n" +
	"  0.100s [ws]    session opened  session=903fa13e remote=127.0.0.1:33898 origin=http://127.0.0.1:8080\n" +
	"  0.101s [sdp]   offer  session=903fa13e ufrag=DcAm4HbGOl36DBFW candidates=2\n" +
	"                 │ v=0\n" +
	"  0.110s [ws]    browser state  session=903fa13e signaling=stable\n" +
	"  0.120s [ws]    browser state  session=903fa13e ice=connected\n" +
	"  0.130s [udp]   WARN dropped datagram (further ones of this kind are only counted)  from=127.0.0.1:55770 reason=\"DTLS on a valid pair (DTLS comes in the next step)\"\n" +
	"  0.140s [ice]   browser nominated the pair: selected  session=903fa13e remote=127.0.0.1:55770\n" +
	"  0.150s [ws]    session closed  session=903fa13e reason=\"read tcp 127.0.0.1:8080->127.0.0.1:33898: read: connection reset by peer\" lasted=50ms\n"

func TestMatches(t *testing.T) {
	// The same lines from another run: other ids, ports and times, and the
	// lines in another order.
	ok := []string{
		"  9.100s [ws]    browser state  session=11111111 ice=connected",
		"  9.000s [ws]    session opened  session=2ded4e99 remote=127.0.0.1:45748 origin=http://127.0.0.1:8080",
		"  9.001s [sdp]   offer  session=2ded4e99 ufrag=Nau9ikMS3PR2aXDq candidates=2",
		"                 │ v=0",
		"                 │ a=changed blocks are not compared",
		"  9.010s [ws]    browser state  session=2ded4e99 signaling=stable",
		"  9.130s [udp]   WARN dropped datagram (further ones of this kind are only counted)  from=127.0.0.1:1234 reason=\"DTLS on a valid pair (DTLS comes in the next step)\"",
		"  9.300s [ws]    session closed  session=2ded4e99 reason=\"browser closed the socket (1006 unexpected EOF)\" lasted=224ms",
	}
	if err := Matches(ok, testLog); err != nil {
		t.Errorf("Matches: %v", err)
	}
	for _, bad := range []struct{ line, why string }{
		{"  9.0s [sdp]   answer taken  session=9", "a message the program does not print"},
		{"  9.0s [ws]    offer  session=9 ufrag=x candidates=2", "another layer"},
		{"  9.0s [sdp]   offer  session=9 ufrag=x candidates=0", "a changed count"},
		{"  9.0s [sdp]   offer  session=9 candidates=2", "an attribute fewer"},
		{"  9.0s [sdp]   offer  session=9 ufrag=x candidates=2 extra=1", "an attribute more"},
		{"  9.0s [sdp]   offer  ufrag=x session=9 candidates=2", "attributes in another order"},
		{"  9.0s [ws]    browser state  session=9 ice=checking", "a changed state"},
		{"  9.0s [ws]    browser state  session=9 signaling=stable ice=connected", "two lines' attributes in one"},
		{"  9.0s [main]  listening  page=http://localhost:8080 udp=16000", "another configured port"},
		{"  9.0s [main]  listening  page=http://127.0.0.1:8080 udp=15000", "another host"},
		{"  9.1s [udp]   dropped datagram (further ones of this kind are only counted)  from=127.0.0.1:1234 reason=\"DTLS on a valid pair (DTLS comes in the next step)\"", "no level"},
		{"  9.1s [udp]   WARN dropped datagram (further ones for this reason are only counted)  from=127.0.0.1:1234 reason=\"DTLS on a valid pair (DTLS comes in the next step)\"", "an old message"},
		{"  9.1s [udp]   WARN dropped datagram (further ones of this kind are only counted)  from=127.0.0.1:1234 reason=\"DTLS on a valid pair (this step stops at ICE; step 4 adds DTLS)\"", "an old reason"},
		{"  9.1s [udp]   WARN dropped datagram (further ones of this kind are only counted)  from=127.0.0.2:55770 reason=\"DTLS on a valid pair (DTLS comes in the next step)\"", "another address"},
		{"  9.1s [ws]   session closed  session=2ded4e99 reason=x", "an attribute fewer, on a line with a volatile one"},
		{"not a log line", "not a log line"},
	} {
		if err := Matches([]string{bad.line}, testLog); err == nil {
			t.Errorf("%s: Matches(%q) = nil, want an error", bad.why, bad.line)
		}
	}

	// Every line that does not match is reported, with the log's lines.
	err := Matches([]string{
		"  9.0s [sdp]   offer  session=9 ufrag=x candidates=0",
		"  9.0s [sdp]   answer taken  session=9",
	}, testLog)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"candidates=0", "answer taken", "no longer prints", "[sdp]  offer  session=… ufrag=… candidates=2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestParseQuote(t *testing.T) {
	for _, c := range []struct {
		s       string
		layer   string
		level   string
		message string
		attrs   string
	}{
		{"[ice]  browser nominated the pair: selected  session=… remote=127.0.0.1:…", "ice", "", "browser nominated the pair: selected", "session=… remote=127.0.0.1:…"},
		{"[main]  listening  … udp=15000", "main", "", "listening", "udp=15000"},
		{"[sdp]  offer  … candidates=2 …", "sdp", "", "offer", "candidates=2"},
		{"[main]  certificate ready", "main", "", "certificate ready", ""},
		{`[udp]  WARN dropped datagram …  reason="DTLS on a valid pair …"`, "udp", "WARN", "dropped datagram …", "reason=DTLS on a valid pair …"},
		{"  0.609s [udp]   WARN dropped datagram  from=127.0.0.1:38124", "udp", "WARN", "dropped datagram", "from=127.0.0.1:38124"},
		{"[trace] received  kind=STUN", "trace", "", "received", "kind=STUN"},
		{`[dtls]  ClientHello  version="DTLS 1.2" … extensions=9`, "dtls", "", "ClientHello", "version=DTLS 1.2 extensions=9"},
	} {
		l, err := ParseQuote(c.s)
		if err != nil {
			t.Errorf("ParseQuote(%q): %v", c.s, err)
			continue
		}
		var attrs []string
		for _, a := range l.Attrs {
			attrs = append(attrs, a.Key+"="+a.Value)
		}
		if l.Layer != c.layer || l.Level != c.level || l.Message != c.message || strings.Join(attrs, " ") != c.attrs {
			t.Errorf("ParseQuote(%q) = [%s] %s %q %q, want [%s] %s %q %q",
				c.s, l.Layer, l.Level, l.Message, strings.Join(attrs, " "), c.layer, c.level, c.message, c.attrs)
		}
	}
	for _, bad := range []string{"", "ice selected", "[ice]  m  novalue", `[ice]  m  k="open`} {
		if _, err := ParseQuote(bad); err == nil {
			t.Errorf("ParseQuote(%q) succeeded", bad)
		}
	}
}

func TestCheckQuotes(t *testing.T) {
	ok := []string{
		// A subset of the attributes, other ids and ports, elisions.
		"[ice]  browser nominated the pair: selected  session=… remote=127.0.0.1:…",
		"[ice]  browser nominated the pair: selected  remote=127.0.0.1:41000",
		"[ws]  session opened  … origin=http://127.0.0.1:8080",
		"[sdp]  offer  … candidates=2",
		"[ws]  browser state  ice=connected",
		`[udp]  WARN dropped datagram …  reason="DTLS on a valid pair …"`,
		`  1.234s [udp]   WARN dropped datagram (further ones of this kind are only counted)  from=127.0.0.1:1 reason="DTLS on a valid pair (DTLS comes in the next step)"`,
		"[main]  listening  page=http://localhost:9999",
		// A line this run did not print: only docs/steps checks it.
		"[ice]  consent expired: no checks from the browser  session=…",
	}
	var quotes []Quote
	for i, s := range ok {
		quotes = append(quotes, Quote{Text: s, Line: i + 1})
	}
	if err := CheckQuotes(quotes, testLog); err != nil {
		t.Errorf("CheckQuotes: %v", err)
	}

	for _, bad := range []struct{ quote, why string }{
		{"[sdp]  offer  … candidates=0", "a changed count"},
		{"[ws]  browser state  ice=checking", "a changed state"},
		{"[ws]  session opened  … origin=http://localhost:8080", "another host"},
		{"[main]  listening  … udp=16000", "another configured port"},
		{"[udp]  dropped datagram …", "no level"},
		{`[udp]  WARN dropped datagram …  reason="DTLS on a valid pair (this step stops at ICE; step 4 adds DTLS)"`, "an old reason"},
		{"[udp]  WARN dropped datagram …  from=127.0.0.2:…", "another address"},
		{"[ice]  browser nominated the pair: selected  remote=127.0.0.1:… previous=127.0.0.1:…", "an attribute the line lacks"},
		{"[ice]  m  novalue", "does not parse"},
	} {
		if err := CheckQuotes([]Quote{{Text: bad.quote, Line: 7}}, testLog); err == nil {
			t.Errorf("%s: CheckQuotes(%q) = nil, want an error", bad.why, bad.quote)
		} else if !strings.HasPrefix(err.Error(), "line 7: ") {
			t.Errorf("error does not name the line: %v", err)
		}
		// From another run, a quote is not compared; it must still parse.
		err := CheckQuotes([]Quote{{Text: bad.quote, Line: 7, OtherRun: true}}, testLog)
		if parses := bad.why != "does not parse"; parses != (err == nil) {
			t.Errorf("%s, marked as from another run: CheckQuotes(%q) = %v", bad.why, bad.quote, err)
		}
	}
}

func TestQuotes(t *testing.T) {
	chapter := strings.Join([]string{
		/* 1 */ "# A chapter",
		/* 2 */ "",
		/* 3 */ "<!-- transcript step01-signaling -->",
		/* 4 */ "```text",
		/* 5 */ "  0.001s [main]  certificate ready  fingerprint=x",
		/* 6 */ "```",
		/* 7 */ "<!-- end transcript -->",
		/* 8 */ "",
		/* 9 */ "The server prints `[main]  listening  … udp=15000`, and the page",
		/* 10 */ "shows `[stun] the server answers STUN`, a mention like `[ice] candidate`",
		/* 11 */ "is no quote, nor is `[ice]` or `a [ws]  b`. A quote may break across",
		/* 12 */ "lines: `[ice]  browser nominated the pair:",
		/* 13 */ "selected  session=…`. Escaped \\`[ws]  not a span\\` and `` [ws]  double `ticks` ``.",
		/* 14 */ "",
		/* 15 */ "```text",
		/* 16 */ "  0.609s [udp]   WARN dropped datagram  from=127.0.0.1:38124",
		/* 17 */ "                 │ a block line",
		/* 18 */ "[trace] received  kind=STUN",
		/* 19 */ "[::1]      126 × 2^24",
		/* 20 */ "```",
		/* 21 */ "",
		/* 22 */ "With other settings: <!-- other run --> `[main]  listening  udp=15001`, then `[ws]  session opened`.",
		/* 23 */ "",
		/* 24 */ "<!-- other run -->",
		/* 25 */ "```sh",
		/* 26 */ "go run . -udp 15001",
		/* 27 */ "```",
		/* 28 */ "",
		/* 29 */ "~~~",
		/* 30 */ "  0.001s [main]  listening  page=http://localhost:8081 udp=15001",
		/* 31 */ "~~~",
		/* 32 */ "",
		/* 33 */ "`[ws]  after the marker was used`",
		/* 34 */ "",
		/* 35 */ "```go",
		/* 36 */ "log.Info(\"`[ws]  in a code block`\")",
		/* 37 */ "```",
	}, "\n")
	want := []Quote{
		{"[main]  listening  … udp=15000", 9, false},
		{"[ice]  browser nominated the pair: selected  session=…", 12, false},
		{"[ws]  double `ticks`", 13, false},
		{"  0.609s [udp]   WARN dropped datagram  from=127.0.0.1:38124", 16, false},
		{"[trace] received  kind=STUN", 18, false},
		{"[main]  listening  udp=15001", 22, true},
		{"[ws]  session opened", 22, false},
		{"  0.001s [main]  listening  page=http://localhost:8081 udp=15001", 30, true},
		{"[ws]  after the marker was used", 33, false},
	}
	got := Quotes(chapter)
	if len(got) != len(want) {
		t.Fatalf("found %d quotes, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("quote %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if tr := Transcripts(chapter); len(tr) != 1 || len(tr[0].Lines) != 1 {
		t.Errorf("Transcripts = %+v, want the one transcript", tr)
	}
}

// TestDocsTranscripts parses every log line quoted in the docs chapters, in
// transcripts and elsewhere, so a change of the log format cannot leave the
// docs behind.
func TestDocsTranscripts(t *testing.T) {
	chapters, _ := filepath.Glob("../../docs/[0-9][0-9]-*.md")
	if len(chapters) == 0 {
		t.Skip("no docs chapters next to this step")
	}
	for _, name := range chapters {
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range Transcripts(string(text)) {
			for _, line := range tr.Lines {
				if IsBlock(line) {
					continue
				}
				if _, err := ParseLine(line); err != nil {
					t.Errorf("%s: transcript %s: %v", name, tr.Step, err)
				}
			}
		}
		for _, q := range Quotes(string(text)) {
			if _, err := ParseQuote(q.Text); err != nil {
				t.Errorf("%s:%d: %v", name, q.Line, err)
			}
		}
	}
}

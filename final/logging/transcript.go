package logging

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The docs chapters quote the log in three ways, and each step's browser test
// compares every quote of its chapter with what the program really printed
// (see docs/README.md):
//
//   - A transcript is a whole log between the markers
//
//     <!-- transcript STEP -->
//     ```text
//     ...lines the program printed...
//     ```
//     <!-- end transcript -->
//
//     [Transcripts] finds them, [Matches] checks them, [Replace] rewrites them.
//
//   - A log line in any other fenced code block: a line that starts, like the
//     program's own lines, with the elapsed time and the layer tag
//     ("  0.609s [udp]   WARN dropped datagram …"). The time may be left out.
//
//   - A log line in prose: an inline code span that starts with the layer tag
//     followed by at least two spaces, `[ice]  browser nominated the pair:
//     selected  session=…`. Two spaces, as between the message and the
//     attributes, set a quote apart from a mention such as `[ice] candidate`
//     or from the page's event log, whose lines read `[ice] the server ...`;
//     those are not compared with the log.
//
// Outside transcripts a quote may leave things out: "…" alone stands for
// attributes left out, and inside a message or a value for any text. An HTML
// comment <!-- other run --> before a quote (in the same paragraph, or on
// the line before a fenced block) says it comes from a run with other
// settings than the browser test's: it is then not compared with the test's
// log, and only docs/steps checks that the program has its message.
//
// Values that differ from run to run are masked before they are compared,
// so that a quote shows a real run and still matches the next one; see [Mask].

// A Transcript is a real log quoted in a docs chapter between the markers
// described above. Each step's browser test compares its own run with the
// transcript of its chapter (see [Matches]) and can rewrite it with the real
// output.
type Transcript struct {
	Step  string   // the step directory that printed it, e.g. "step01-signaling"
	Lines []string // the log lines, without the fences
	start int      // byte offset of the first line in the chapter
	end   int      // byte offset just past the last line
}

const (
	transcriptOpen  = "<!-- transcript "
	transcriptClose = "<!-- end transcript -->"
	otherRunMarker  = "<!-- other run -->"
)

// Transcripts finds every transcript in a chapter.
func Transcripts(chapter string) []Transcript {
	var out []Transcript
	for off := 0; ; {
		i := strings.Index(chapter[off:], transcriptOpen)
		if i < 0 {
			return out
		}
		i += off
		head := chapter[i+len(transcriptOpen):]
		step, _, _ := strings.Cut(head, " -->")
		j := strings.Index(chapter[i:], transcriptClose)
		if j < 0 {
			return out
		}
		body := chapter[i : i+j]
		start := strings.Index(body, "```text\n")
		end := strings.LastIndex(body, "```")
		if start < 0 || end <= start {
			off = i + j + len(transcriptClose)
			continue
		}
		start += len("```text\n")
		lines := strings.Split(strings.TrimRight(body[start:end], "\n"), "\n")
		out = append(out, Transcript{Step: strings.TrimSpace(step), Lines: lines, start: i + start, end: i + end})
		off = i + j + len(transcriptClose)
	}
}

// Replace returns the chapter with the first transcript of step replaced by log.
func Replace(chapter, step, log string) (string, error) {
	for _, t := range Transcripts(chapter) {
		if t.Step == step {
			return chapter[:t.start] + strings.TrimRight(log, "\n") + "\n" + chapter[t.end:], nil
		}
	}
	return "", fmt.Errorf("logging: no transcript for %s", step)
}

// Matches checks that a transcript still shows what the program prints: for
// every line of the transcript, the log has a line of the same layer, level
// and message with the same attributes, whose values are equal once [Mask]
// has hidden what changes from run to run. The lines may come in any order
// (a browser's UDP and WebSocket messages race each other), and several
// transcript lines may match the same log line. Multi-line values (an SDP, a
// hexdump) are not compared. Every line that does not match is reported.
func Matches(transcript []string, log string) error {
	lines := parseLog(log)
	var errs []error
	for _, s := range transcript {
		if IsBlock(s) {
			continue
		}
		want, err := ParseLine(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := match(want, lines, true); err != nil {
			errs = append(errs, fmt.Errorf("%q: %w", s, err))
		}
	}
	return errors.Join(errs...)
}

// A Quote is a log line quoted in a chapter outside its transcripts: in
// another fenced code block or in an inline code span (see the top of this
// file for how they are marked).
type Quote struct {
	Text     string // as written, e.g. "[ice]  browser nominated the pair: selected  session=…"
	Line     int    // the chapter's line it starts on, from 1
	OtherRun bool   // marked <!-- other run -->: from a run with other settings
}

// Quotes finds every log line a chapter quotes outside its transcripts, in
// the order they appear.
func Quotes(chapter string) []Quote {
	var out []Quote
	otherRun := false // a marker waits for the next quote
	lines := strings.Split(chapter, "\n")
	var para []string // the lines of the paragraph being read
	paraStart := 0    // its first line, from 0
	flush := func() {
		text := strings.Join(para, "\n")
		for _, sp := range codeSpans(text) {
			if sp.marker {
				otherRun = true
				continue
			}
			if isProseQuote(sp.text) {
				line := paraStart + 1 + strings.Count(text[:sp.offset], "\n")
				out = append(out, Quote{Text: sp.text, Line: line, OtherRun: otherRun})
				otherRun = false
			}
		}
		para = nil
	}
	inTranscript := false
	for i := 0; i < len(lines); i++ {
		s := lines[i]
		switch {
		case strings.HasPrefix(strings.TrimSpace(s), transcriptOpen):
			flush()
			inTranscript = true
			continue
		case strings.HasPrefix(strings.TrimSpace(s), transcriptClose):
			inTranscript = false
			continue
		}
		if fence := fenceOf(s); fence != "" {
			flush()
			found := false
			for i++; i < len(lines) && !closesFence(lines[i], fence); i++ {
				if !inTranscript && fencedQuote.MatchString(lines[i]) {
					out = append(out, Quote{Text: lines[i], Line: i + 1, OtherRun: otherRun})
					found = true
				}
			}
			if found {
				otherRun = false
			}
			continue
		}
		if inTranscript {
			continue
		}
		if strings.TrimSpace(s) == "" {
			flush()
			continue
		}
		if len(para) == 0 {
			paraStart = i
		}
		para = append(para, s)
	}
	flush()
	return out
}

var (
	// fencedQuote is a line in a fenced block that looks like the program's
	// log: the elapsed time (optional in a quote) and a layer tag.
	fencedQuote = regexp.MustCompile(`^ *(\d+\.\d+s +)?\[[a-z][a-z0-9]*\] `)
	// proseQuote is an inline code span quoting a log line: a layer tag and
	// at least two spaces.
	proseQuote = regexp.MustCompile(`^\[[a-z][a-z0-9]*\]  +\S`)
)

// isProseQuote reports whether the text of an inline code span is a log quote.
func isProseQuote(s string) bool { return proseQuote.MatchString(s) }

// fenceOf returns the fence that opens a fenced code block on line s (```
// or ~~~, up to three spaces in), or "".
func fenceOf(s string) string {
	t := strings.TrimLeft(s, " ")
	if len(s)-len(t) > 3 {
		return ""
	}
	for _, c := range []string{"`", "~"} {
		n := len(t) - len(strings.TrimLeft(t, c))
		if n >= 3 {
			if c == "`" && strings.Contains(t[n:], "`") { // an inline span, not a fence
				return ""
			}
			return strings.Repeat(c, n)
		}
	}
	return ""
}

// closesFence reports whether line s closes a block opened by fence.
func closesFence(s, fence string) bool {
	t := strings.TrimLeft(s, " ")
	return len(s)-len(t) <= 3 && strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]+" \t") == ""
}

// A span is an inline code span of a paragraph, or an <!-- other run -->
// marker (marker set, text empty).
type span struct {
	text   string // the span's content, line breaks turned into spaces
	offset int    // where it starts in the paragraph
	marker bool
}

// codeSpans returns the code spans and markers of a paragraph in order,
// following CommonMark §6.1: a run of n backticks opens a span that the next
// run of exactly n backticks closes.
func codeSpans(p string) []span {
	var out []span
	for i := 0; i < len(p); {
		switch {
		case p[i] == '\\' && i+1 < len(p):
			i += 2
		case strings.HasPrefix(p[i:], otherRunMarker):
			out = append(out, span{offset: i, marker: true})
			i += len(otherRunMarker)
		case p[i] == '`':
			n := len(p[i:]) - len(strings.TrimLeft(p[i:], "`"))
			end, closeAt := -1, i+n
			for closeAt < len(p) {
				k := strings.IndexByte(p[closeAt:], '`')
				if k < 0 {
					break
				}
				k += closeAt
				m := len(p[k:]) - len(strings.TrimLeft(p[k:], "`"))
				if m == n {
					end = k
					break
				}
				closeAt = k + m
			}
			if end < 0 { // no closing run: the backticks are text
				i += n
				continue
			}
			text := strings.ReplaceAll(p[i+n:end], "\n", " ")
			if len(text) >= 2 && text[0] == ' ' && text[len(text)-1] == ' ' && strings.Trim(text, " ") != "" {
				text = text[1 : len(text)-1]
			}
			out = append(out, span{text: text, offset: i})
			i = end + n
		default:
			i++
		}
	}
	return out
}

// CheckQuotes compares quotes from a chapter with a log. A quote whose layer
// and message the log does not have at all is not an error: it may show an
// event this run did not have (the docs/steps test checks that the program
// still has the message). Otherwise one of the log's lines with that layer
// and message must match it: the same level, and for every attribute the
// quote shows, the same value once [Mask] has hidden what changes from run
// to run; "…" in the quote's message or values matches any text. Quotes
// marked as from another run are skipped. Every quote that does not match
// is reported.
func CheckQuotes(quotes []Quote, log string) error {
	lines := parseLog(log)
	var errs []error
	for _, q := range quotes {
		want, err := ParseQuote(q.Text)
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", q.Line, err))
			continue
		}
		if q.OtherRun {
			continue
		}
		if err := match(want, lines, false); err != nil && !errors.Is(err, errNotPrinted) {
			errs = append(errs, fmt.Errorf("line %d: %q: %w", q.Line, q.Text, err))
		}
	}
	return errors.Join(errs...)
}

// ParseQuote parses a quoted log line. Unlike [ParseLine] it accepts a line
// without the elapsed time, and "…" alone in place of attributes.
func ParseQuote(s string) (Line, error) {
	t := strings.TrimLeft(s, " ")
	if strings.HasPrefix(t, "[") {
		t = "0.000s " + t
	}
	// Drop the tokens "…" between attributes, outside quoted values.
	msg, attrs, ok := cutMessage(t)
	if ok {
		var b strings.Builder
		for rest := strings.TrimLeft(attrs, " "); rest != ""; rest = strings.TrimLeft(rest, " ") {
			tok := rest
			if k, v, ok := strings.Cut(rest, "="); ok && !strings.Contains(k, " ") && strings.HasPrefix(v, `"`) {
				if q, err := strconv.QuotedPrefix(v); err == nil {
					tok = k + "=" + q
				}
			} else {
				tok, _, _ = strings.Cut(rest, " ")
			}
			rest = rest[len(tok):]
			if tok != "…" {
				b.WriteString(" " + tok)
			}
		}
		t = msg + "  " + b.String()
	}
	l, err := ParseLine(t)
	if err != nil {
		return l, fmt.Errorf("logging: not a log line: %q", s)
	}
	l.Elapsed = ""
	return l, nil
}

// cutMessage splits a log line after its message, at the first two spaces
// after the layer tag.
func cutMessage(s string) (head, attrs string, ok bool) {
	i := strings.Index(s, "] ")
	if i < 0 {
		return s, "", false
	}
	tag := s[:i+2]
	rest := strings.TrimLeft(s[i+2:], " ")
	msg, attrs, ok := strings.Cut(rest, "  ")
	return tag + msg, attrs, ok
}

// errNotPrinted says that the log has no line of a quote's layer and message.
var errNotPrinted = errors.New("the program no longer prints this line")

// match finds a log line that a wanted line (from a transcript when whole is
// true, otherwise a quote) describes.
func match(want Line, lines []Line, whole bool) error {
	var same []Line // the log's lines of the same layer and message
	for _, l := range lines {
		if l.Layer == want.Layer && (l.Message == want.Message || !whole && glob(want.Message, l.Message)) {
			same = append(same, l)
		}
	}
	if len(same) == 0 {
		return fmt.Errorf("%w: no [%s] %q line in the log", errNotPrinted, want.Layer, want.Message)
	}
	for _, l := range same {
		if l.Level == want.Level && sameValues(want, l, whole) {
			return nil
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "none of the log's %d [%s] %q lines matches; with volatile values masked, it wants\n\t%s\nand the log has", len(same), want.Layer, want.Message, masked(want))
	for i, l := range same {
		if i == 3 {
			fmt.Fprintf(&b, "\n\t(and %d more)", len(same)-i)
			break
		}
		fmt.Fprintf(&b, "\n\t%s", masked(l))
	}
	return errors.New(b.String())
}

// sameValues reports whether log line got carries the attributes of want with
// the same values after masking: exactly those when whole is true, otherwise
// at least those, and "…" in want's values matches any text.
func sameValues(want, got Line, whole bool) bool {
	if whole && len(want.Attrs) != len(got.Attrs) {
		return false
	}
	for i, a := range want.Attrs {
		w := maskAttr(want.Layer, want.Message, a.Key, a.Value)
		if whole {
			if got.Attrs[i].Key != a.Key || maskAttr(got.Layer, got.Message, a.Key, got.Attrs[i].Value) != w {
				return false
			}
			continue
		}
		found := false
		for _, g := range got.Attrs {
			if g.Key == a.Key && glob(w, maskAttr(got.Layer, got.Message, g.Key, g.Value)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// masked formats a line as the comparison sees it, for error messages.
func masked(l Line) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]  ", l.Layer)
	if l.Level != "" {
		b.WriteString(l.Level + " ")
	}
	b.WriteString(l.Message)
	if len(l.Attrs) > 0 {
		b.WriteString(" ")
	}
	for _, a := range l.Attrs {
		b.WriteString(" " + a.Key + "=" + quote(maskAttr(l.Layer, l.Message, a.Key, a.Value)))
	}
	return b.String()
}

// parseLog returns the lines of a log that parse, without multi-line values.
func parseLog(log string) []Line {
	var out []Line
	for _, s := range strings.Split(log, "\n") {
		if l, err := ParseLine(s); err == nil && !IsBlock(s) {
			out = append(out, l)
		}
	}
	return out
}

// glob reports whether s matches pattern, in which "…" stands for any text.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "…")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}

// volatileKeys are attributes whose whole value changes from run to run:
// random ids and credentials, hashes, and times. Keys are compared without
// regard to case, also inside a value ("tx=… USERNAME=…" in a formatted
// STUN message).
var volatileKeys = []string{
	"session",      // the signaling session's random id
	"ufrag",        // ICE credentials (RFC 8445 §5.3), random
	"username",     // ufrag:ufrag
	"pwd",          // ICE password
	"fingerprint",  // of a fresh certificate
	"session_hash", // DTLS extended master secret hash
	"tx",           // STUN transaction id, random
	"ssrc",         // RTP stream ids, random
	"ssrcs",        //
	"port",         // an ephemeral port on its own
	"last",         // a time of day
	"elapsed",      // times and durations
	"lasted",       //
	"after",        //
	"took",         //
	"rtt",          //
}

// volatileAttrs are attributes that change from run to run on one kind of
// line only, written "[layer] message: key".
var volatileAttrs = []string{
	"[ws] session closed: reason",     // how the killed browser's socket ends races
	"[udp] dropped in all: datagrams", // how many datagrams came before the close
}

// MaskAlso adds attributes that change from run to run on one kind of line,
// written "[layer] message: key", for a step whose log has more of them
// (media counts, sequence numbers). Call it before the tests run, from an
// init function of the step's test.
func MaskAlso(attrs ...string) { volatileAttrs = append(volatileAttrs, attrs...) }

// volatilePatterns are parts of any value that change from run to run. Each
// is replaced by "…".
var volatilePatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	// A certificate fingerprint: hex bytes separated by colons.
	{regexp.MustCompile(`\b[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){7,}\b`), "…"},
	// Random bytes, hashes, ids and cookies in hex (or decimal), 16 digits or more.
	{regexp.MustCompile(`\b(?:0x)?[0-9A-Fa-f]{16,}\b`), "…"},
	// The port of an address: 127.0.0.1:36244, [::1]:15000, localhost:8080.
	{regexp.MustCompile(`(\b\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+(?:%[\w.-]+)?\]|\blocalhost|\b[\w-]+\.local):\d{1,5}\b`), "$1:…"},
	// A duration as Go prints it: 35ms, 1.2s, 1m30s, 850µs.
	{regexp.MustCompile(`\b(?:\d+h)?(?:\d+m)?\d+(?:\.\d+)?(?:ns|µs|us|ms|s)\b`), "…"},
}

// nestedVolatile matches key=value inside a value for the keys in volatileKeys.
var nestedVolatile = regexp.MustCompile(`(?i)\b(` + strings.Join(volatileKeys, "|") + `)=("(?:[^"\\]|\\.)*"|[^\s"]+)`)

// Mask returns value with the parts that change from run to run replaced by
// "…": the whole value of the keys in volatileKeys (ids, credentials, hashes,
// times), and in any value the ports of addresses, durations, hex strings of
// 16 digits or more, colon-separated hex bytes, and the values of volatile
// keys written inside it as key=value. Addresses, counts, names and reasons
// stay as they are: a chapter that quotes them must quote what the program
// prints.
func Mask(key, value string) string {
	for _, k := range volatileKeys {
		if strings.EqualFold(k, key) {
			return "…"
		}
	}
	value = nestedVolatile.ReplaceAllString(value, "$1=…")
	for _, p := range volatilePatterns {
		value = p.re.ReplaceAllString(value, p.repl)
	}
	return value
}

// maskAttr is [Mask] with the attributes that are volatile on one kind of line.
func maskAttr(layer, message, key, value string) string {
	for _, v := range volatileAttrs {
		if v == "["+layer+"] "+message+": "+key {
			return "…"
		}
	}
	return Mask(key, value)
}

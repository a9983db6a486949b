package sdp

// This file splits a session description into lines and sections and checks
// the order of the lines: RFC 8866 §5 (overview) and §9 (grammar).
//
//	session-description = version-field origin-field session-name-field
//	                      [information-field] [uri-field] *email-field
//	                      *phone-field [connection-field] *bandwidth-field
//	                      1*time-description [key-field] *attribute-field
//	                      *media-description
//	media-description   = media-field [information-field] *connection-field
//	                      *bandwidth-field [key-field] *attribute-field

import (
	"fmt"
	"strings"
)

// Limits against hostile input. A real answer is far below them: Chromium
// 156's answer to pion's offer is 1141 bytes in 37 lines, its longest line
// (a=fingerprint, sha-256) 117 bytes.
const (
	MaxSize       = 64 << 10 // bytes in a whole description
	MaxLines      = 2000     // lines in a whole description
	MaxLineLength = 4096     // bytes in one line, without its line ending
)

// Line is one "<type>=<value>" line (RFC 8866 §5).
type Line struct {
	Type  byte   // the one-letter, case-significant type: 'v', 'o', 'm', 'a', ...
	Value string // everything after "=", without the line ending; leading spaces are part of it
	Num   int    // 1-based position in the parsed text; 0 for a line built in code
}

// String returns the line as it is written, without a line ending.
func (l Line) String() string { return string(l.Type) + "=" + l.Value }

// Session is a parsed session description: the session-level section, from
// v= up to the first m= line, then the media descriptions (RFC 8866 §5).
type Session struct {
	Lines []Line   // the session-level lines, in order, starting with v=
	Media []*Media // the media descriptions, in order
}

// Media is one media description: an m= line (RFC 8866 §5.14) and the lines
// up to the next m= line.
//
//	m=<media> <port>[/<number of ports>] <proto> <fmt> ...
type Media struct {
	Type      string   // <media>: "video", "audio", "application", ...
	Port      int      // <port>; 0 in an answer means the section was rejected (RFC 3264 §6)
	PortCount int      // the optional "/<number of ports>"; 0 when absent
	Proto     string   // <proto>: "UDP/TLS/RTP/SAVPF" for WebRTC media (RFC 5764 §8)
	Formats   []string // the <fmt> list; RTP payload type numbers for RTP profiles
	Num       int      // line number of the m= line; 0 when built in code
	Lines     []Line   // the lines after the m= line, in order
}

// Error is a session description that is malformed or not acceptable.
type Error struct {
	Context string // what was being read: "" for Parse and the attribute parsers, "offer" for Offer.Validate, "answer" for ParseAnswer and Check
	Line    int    // 1-based line the problem is on; 0 when it concerns no single line
	Msg     string // what is wrong, naming the field
}

// Error formats the error as "sdp: [<context>: ][line <n>: ]<msg>".
func (e *Error) Error() string {
	s := "sdp: "
	if e.Context != "" {
		s += e.Context + ": "
	}
	if e.Line > 0 {
		s += fmt.Sprintf("line %d: ", e.Line)
	}
	return s + e.Msg
}

func lineError(num int, format string, args ...any) *Error {
	return &Error{Line: num, Msg: fmt.Sprintf(format, args...)}
}

// Parse splits text into a Session and checks the syntax of every line.
//
// JSEP §5.8 asks a parser to "stop with an error and reject the session
// description" as soon as one line is not well formed, even a line whose
// value it would discard, so that nothing ambiguous is half understood.
// Parse does that. It does not interpret attributes: a=<name>[:<value>]
// lines are only checked against the generic grammar, and unknown attribute
// names are kept (RFC 8866 §5.13: a receiver MUST ignore attributes it does
// not understand; ignoring is the caller's business).
//
// Lines may end in CRLF or in a bare LF (RFC 8866 §5: the sequence CRLF ends
// a line, "although parsers SHOULD be tolerant and also accept lines
// terminated with a single newline character"). The last line may lack its
// line ending, as happens when JavaScript trims the text.
func Parse(text string) (*Session, error) {
	raw, err := splitLines(text)
	if err != nil {
		return nil, err
	}
	s := &Session{}
	session := orderChecker{section: &sessionSection}
	var media *Media
	var mediaOrder orderChecker
	for i, value := range raw {
		l, err := checkLine(i+1, value)
		if err != nil {
			return nil, err
		}
		if l.Num == 1 && l.Type != 'v' {
			return nil, lineError(l.Num, "a description starts with v=0 (RFC 8866 §5.1), not %q", clip(value))
		}
		if l.Type == 'm' { // a new media description begins
			if err := session.finish(l.Num); err != nil {
				return nil, err
			}
			if media, err = parseMediaLine(l); err != nil {
				return nil, err
			}
			s.Media = append(s.Media, media)
			mediaOrder = orderChecker{section: &mediaSection, prev: 'm'}
			continue
		}
		order, lines := &session, &s.Lines
		if media != nil {
			order, lines = &mediaOrder, &media.Lines
		}
		if err := order.next(l); err != nil {
			return nil, err
		}
		if err := checkField(l); err != nil {
			return nil, err
		}
		*lines = append(*lines, l)
	}
	if media == nil {
		if err := session.finish(0); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// splitLines cuts text at LF, drops one CR before each LF, and enforces the
// size limits before anything else is allocated.
func splitLines(text string) ([]string, error) {
	if len(text) > MaxSize {
		return nil, &Error{Msg: fmt.Sprintf("description is %d bytes, more than the %d accepted", len(text), MaxSize)}
	}
	if text == "" {
		return nil, &Error{Msg: "empty description"}
	}
	n := strings.Count(text, "\n")
	if !strings.HasSuffix(text, "\n") {
		n++ // the last line has no line ending
	}
	if n > MaxLines {
		return nil, &Error{Msg: fmt.Sprintf("description has %d lines, more than the %d accepted", n, MaxLines)}
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines, nil
}

// checkLine checks the frame of one line: "<type>=<value>" where <type> is
// one letter and <value> holds no NUL, CR or LF (RFC 8866 §9: byte-string).
// There is no whitespace on either side of "=" (RFC 8866 §5).
func checkLine(num int, s string) (Line, error) {
	switch {
	case len(s) > MaxLineLength:
		return Line{}, lineError(num, "line is %d bytes, more than the %d accepted", len(s), MaxLineLength)
	case s == "":
		return Line{}, lineError(num, "empty line (RFC 8866 §9 has no blank lines)")
	case len(s) < 2 || s[1] != '=':
		return Line{}, lineError(num, "want <type>=<value>, got %q", clip(s))
	case s[0] < 'a' || s[0] > 'z':
		return Line{}, lineError(num, "line type %q is not a lowercase letter", s[0])
	}
	if i := strings.IndexAny(s, "\x00\r"); i >= 0 {
		what := "a NUL byte"
		if s[i] == '\r' {
			what = "a CR that does not end the line"
		}
		return Line{}, lineError(num, "%c= line contains %s", s[0], what)
	}
	return Line{Type: s[0], Value: s[2:], Num: num}, nil
}

// section lists the line types a section may hold, in the order RFC 8866 §5
// requires them.
type section struct {
	name     string // for error messages
	order    string // the types, in order
	required string // the types that must appear
	repeat   string // the types that may appear more than once
}

var (
	sessionSection = section{"session", "vosiuepcbtrzka", "vost", "epbtra"}
	mediaSection   = section{"media", "micbka", "m", "cba"}
)

// orderChecker follows the line types of one section as they arrive.
type orderChecker struct {
	section *section
	prev    byte   // type of the previous line; 0 before the first
	seen    string // the types seen so far
}

// next checks that l may follow the previous line.
func (c *orderChecker) next(l Line) error {
	sec := c.section
	idx := strings.IndexByte(sec.order, l.Type)
	if idx < 0 {
		if sec == &mediaSection && strings.IndexByte(sessionSection.order, l.Type) >= 0 {
			return lineError(l.Num, "%c= is a session-level line; it cannot follow an m= line (RFC 8866 §5)", l.Type)
		}
		// RFC 8866 §5: a parser "MUST completely ignore or reject" a
		// description with a type letter it does not understand.
		return lineError(l.Num, "unknown line type %c= (RFC 8866 §5 defines v o s i u e p c b t r z k a m)", l.Type)
	}
	if c.prev != 0 {
		prevIdx := strings.IndexByte(sec.order, c.prev)
		switch {
		// A time description is "t=" then optionally 1*"r=" then "z="
		// (RFC 8866 §9); after r= or z= a new t= may start another one.
		case l.Type == 'r' && c.prev != 't' && c.prev != 'r',
			l.Type == 'z' && c.prev != 'r':
			return lineError(l.Num, "%c= may not follow %c= (RFC 8866 §9: time-description = t= [1*r= [z=]])", l.Type, c.prev)
		case l.Type == 't' && (c.prev == 'r' || c.prev == 'z'):
			// a new time description
		case idx < prevIdx:
			return lineError(l.Num, "%c= line after %c= line: RFC 8866 §5 fixes the %s-level order %s",
				l.Type, c.prev, sec.name, spaced(sec.order))
		case idx == prevIdx && strings.IndexByte(sec.repeat, l.Type) < 0:
			return lineError(l.Num, "second %c= line; a %s section has at most one (RFC 8866 §5)", l.Type, sec.name)
		}
		if err := c.missing(prevIdx+1, idx, l.Num); err != nil {
			return err
		}
	}
	c.prev = l.Type
	if strings.IndexByte(c.seen, l.Type) < 0 {
		c.seen += string(l.Type)
	}
	return nil
}

// finish reports a required line that never came before the end of the
// section; num is the line that ends it (an m= line), or 0 at the end of the
// text.
func (c *orderChecker) finish(num int) error {
	return c.missing(0, len(c.section.order), num)
}

// missing reports the first required type in order[from:to] not yet seen.
func (c *orderChecker) missing(from, to, num int) error {
	if from >= to {
		return nil // a new time description goes back in the order
	}
	for _, t := range []byte(c.section.order[from:to]) {
		if strings.IndexByte(c.section.required, t) >= 0 && strings.IndexByte(c.seen, t) < 0 {
			return lineError(num, "missing %c= line before this point (RFC 8866 §5: %s)", t, requiredWhy[t])
		}
	}
	return nil
}

var requiredWhy = map[byte]string{
	'v': "a description starts with v=0",
	'o': "o= must follow v=",
	's': "s= must follow o=",
	't': "a session has one or more time descriptions",
}

// spaced writes "vos" as "v o s" for error messages.
func spaced(order string) string {
	return strings.Join(strings.Split(order, ""), " ")
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

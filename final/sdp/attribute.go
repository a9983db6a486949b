package sdp

// This file looks up attributes (RFC 8866 §5.13) and writes a Session back
// as text.
//
//	a=<attribute-name>                     a property ("flag") attribute
//	a=<attribute-name>:<attribute-value>   a value attribute

import (
	"strconv"
	"strings"
)

// Attribute splits an a= line at its first colon. ok is false for a line
// that is not an a= line. hasValue tells "a=rtcp-mux" (a property
// attribute) from "a=mid:0" (a value attribute).
func (l Line) Attribute() (name, value string, hasValue, ok bool) {
	if l.Type != 'a' {
		return "", "", false, false
	}
	name, value, hasValue = strings.Cut(l.Value, ":")
	return name, value, hasValue, true
}

// Attribute returns the value of the first session-level a=<name>:<value>
// line. For a property attribute (a=<name>) it returns "", true.
func (s *Session) Attribute(name string) (string, bool) { return firstValue(s.Lines, name) }

// Attributes returns the values of every session-level a=<name> line, in
// order.
func (s *Session) Attributes(name string) []string { return allValues(s.Lines, name) }

// Flag reports whether the session level has the property attribute
// a=<name>, written without a value (e.g. a=ice-lite).
func (s *Session) Flag(name string) bool { return hasFlag(s.Lines, name) }

// Attribute returns the value of the first a=<name>:<value> line of the
// media description. It does not fall back to the session level: whether a
// session-level value applies depends on the attribute (RFC 8866 §5: "In
// general, session-level values are the default for all media unless
// overridden").
func (m *Media) Attribute(name string) (string, bool) { return firstValue(m.Lines, name) }

// Attributes returns the values of every a=<name> line of the media
// description, in order.
func (m *Media) Attributes(name string) []string { return allValues(m.Lines, name) }

// Flag reports whether the media description has the property attribute
// a=<name>, written without a value (e.g. a=rtcp-mux).
func (m *Media) Flag(name string) bool { return hasFlag(m.Lines, name) }

// attributeLines returns the a=<name> lines, with or without a value.
// Attribute names compare as written: the names defined by the RFCs are all
// lowercase, and browsers write them so.
func attributeLines(lines []Line, name string) []Line {
	var out []Line
	for _, l := range lines {
		if n, _, _, ok := l.Attribute(); ok && n == name {
			out = append(out, l)
		}
	}
	return out
}

func firstValue(lines []Line, name string) (string, bool) {
	if found := attributeLines(lines, name); len(found) > 0 {
		_, v, _, _ := found[0].Attribute()
		return v, true
	}
	return "", false
}

func allValues(lines []Line, name string) []string {
	var out []string
	for _, l := range attributeLines(lines, name) {
		_, v, _, _ := l.Attribute()
		out = append(out, v)
	}
	return out
}

func hasFlag(lines []Line, name string) bool {
	for _, l := range attributeLines(lines, name) {
		if _, _, hasValue, _ := l.Attribute(); !hasValue {
			return true
		}
	}
	return false
}

// Marshal writes the description as text, each line ended by CRLF (RFC 8866
// §5: "The sequence CRLF (0x0d0a) is used to end a line"). It writes the
// lines as they are and does not check them; Parse(s.Marshal()) gives s
// back when s came from Parse.
func (s *Session) Marshal() string {
	var b strings.Builder
	for _, l := range s.Lines {
		writeLine(&b, l.Type, l.Value)
	}
	for _, m := range s.Media {
		writeLine(&b, 'm', m.mediaField())
		for _, l := range m.Lines {
			writeLine(&b, l.Type, l.Value)
		}
	}
	return b.String()
}

// mediaField writes the value of the m= line:
// <media> <port>[/<number of ports>] <proto> <fmt> ...
func (m *Media) mediaField() string {
	port := strconv.Itoa(m.Port)
	if m.PortCount > 0 {
		port += "/" + strconv.Itoa(m.PortCount)
	}
	return m.Type + " " + port + " " + m.Proto + " " + strings.Join(m.Formats, " ")
}

func writeLine(b *strings.Builder, typ byte, value string) {
	b.WriteByte(typ)
	b.WriteByte('=')
	b.WriteString(value)
	b.WriteString("\r\n")
}

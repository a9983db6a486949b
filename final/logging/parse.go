package logging

import (
	"fmt"
	"strconv"
	"strings"
)

// Line is one parsed log line. The docs quote real logs; tests parse them back
// with [ParseLine] to notice when the program's output no longer looks like the docs.
type Line struct {
	Elapsed string // "1.234s"
	Layer   string // "ws"
	Level   string // "", "WARN", "ERROR" or "DEBUG"
	Message string // the text before the attributes
	Attrs   []Attr // key=value pairs in order
}

// Attr is one key=value pair of a Line.
type Attr struct {
	Key, Value string // the value unquoted
}

// Keys returns the attribute keys in order.
func (l Line) Keys() []string {
	keys := make([]string, len(l.Attrs))
	for i, a := range l.Attrs {
		keys[i] = a.Key
	}
	return keys
}

// IsBlock reports whether s is a continuation line holding part of a multi-line value.
func IsBlock(s string) bool {
	return strings.HasPrefix(s, blockIndent+"│")
}

// ParseLine splits a line written by [Handler] into its parts.
func ParseLine(s string) (Line, error) {
	var l Line
	rest := strings.TrimLeft(s, " ")
	i := strings.Index(rest, "s [")
	if i < 0 {
		return l, fmt.Errorf("logging: no elapsed time and layer tag in %q", s)
	}
	l.Elapsed = rest[:i+1]
	if _, err := strconv.ParseFloat(rest[:i], 64); err != nil {
		return l, fmt.Errorf("logging: bad elapsed time in %q", s)
	}
	rest = rest[i+3:]
	j := strings.IndexByte(rest, ']')
	if j < 0 {
		return l, fmt.Errorf("logging: unterminated layer tag in %q", s)
	}
	l.Layer, rest = rest[:j], strings.TrimLeft(rest[j+1:], " ")
	for _, level := range []string{"WARN", "ERROR", "DEBUG"} {
		if strings.HasPrefix(rest, level+" ") {
			l.Level, rest = level, rest[len(level)+1:]
		}
	}
	msg, attrs, _ := strings.Cut(rest, "  ")
	l.Message = msg
	for attrs = strings.TrimLeft(attrs, " "); attrs != ""; attrs = strings.TrimLeft(attrs, " ") {
		k, v, ok := strings.Cut(attrs, "=")
		if !ok || k == "" || strings.Contains(k, " ") {
			return l, fmt.Errorf("logging: bad attribute %q in %q", attrs, s)
		}
		if strings.HasPrefix(v, `"`) {
			q, err := strconv.QuotedPrefix(v)
			if err != nil {
				return l, fmt.Errorf("logging: bad quoted value of %s in %q", k, s)
			}
			uq, _ := strconv.Unquote(q)
			l.Attrs = append(l.Attrs, Attr{k, uq})
			attrs = v[len(q):]
			continue
		}
		val, more, _ := strings.Cut(v, " ")
		l.Attrs = append(l.Attrs, Attr{k, val})
		attrs = more
	}
	return l, nil
}

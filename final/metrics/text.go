package metrics

// The pieces of the text format: names, escaping and numbers.

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// validName reports whether s is a metric name: [a-zA-Z_:][a-zA-Z0-9_:]*.
// (Colons are reserved for recording rules, but allowed.)
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == ':' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// validLabelName reports whether s is a label name: [a-zA-Z_][a-zA-Z0-9_]*,
// not starting with "__", which Prometheus keeps for itself.
func validLabelName(s string) bool {
	return validName(s) && !strings.Contains(s, ":") && !strings.HasPrefix(s, "__")
}

// appendHelp appends a docstring: a backslash becomes \\ and a line feed
// \n. Double quotes stay as they are (they only need escaping inside a
// label value).
func appendHelp(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, `\\`...)
		case '\n':
			b = append(b, `\n`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendLabelValue appends a label value with its quotes: a backslash, a
// double quote and a line feed become \\, \" and \n.
func appendLabelValue(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, `\\`...)
		case '"':
			b = append(b, `\"`...)
		case '\n':
			b = append(b, `\n`...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// maxLabelValue is the longest label value a CounterVec keeps; longer
// ones are counted under "other".
const maxLabelValue = 100

// validLabelValue reports whether a CounterVec keeps s as a label value of
// its own: non-empty (Prometheus reads an empty value as no label at
// all), valid UTF-8 (the format requires it) and short.
func validLabelValue(s string) bool {
	return s != "" && len(s) <= maxLabelValue && utf8.ValidString(s)
}

// appendFloat appends a sample value. Integers up to 2^53, which a
// float64 holds exactly, are written without exponent or point (1500000,
// not 1.5e+06); other values in the shortest form that reads back as the
// same float64, and +Inf, -Inf and NaN as the format spells them, which
// is also how strconv writes them.
func appendFloat(b []byte, v float64) []byte {
	if v == math.Trunc(v) && math.Abs(v) <= 1<<53 {
		if v == 0 {
			return append(b, '0') // not "-0"
		}
		return strconv.AppendInt(b, int64(v), 10)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendSampleName starts a sample line: the name and its suffix
// (_bucket, _sum, _count or none), the label if there is one, and the
// space before the value. appendUintLine or appendFloatLine ends it:
// counters are uint64 and written exactly, beyond 2^53 too.
func appendSampleName(b []byte, name, suffix, label, value string) []byte {
	b = append(b, name...)
	b = append(b, suffix...)
	if label != "" {
		b = append(b, '{')
		b = append(b, label...)
		b = append(b, '=')
		b = appendLabelValue(b, value)
		b = append(b, '}')
	}
	return append(b, ' ')
}

func appendUintLine(b []byte, v uint64) []byte {
	b = strconv.AppendUint(b, v, 10)
	return append(b, '\n')
}

func appendFloatLine(b []byte, v float64) []byte {
	b = appendFloat(b, v)
	return append(b, '\n')
}

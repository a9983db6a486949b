package metrics

// A strict reader of the text format, written from the format's
// description, to check that every line this package writes follows the
// grammar and the rules about groups, types and histograms. It is
// stricter than Prometheus where this package has no reason to use the
// format's freedoms: no blank lines, no other comments, no timestamps,
// single spaces.

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// exposition is what checkExposition read.
type exposition struct {
	types   map[string]string  // family → type
	helps   map[string]string  // family → docstring, unescaped
	samples map[string]float64 // name{labels} as written → value
	order   []string           // the keys of samples, in order
	labels  map[string]map[string]string
}

type lineError struct {
	n    int
	line string
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d %q: %s", e.n, e.line, e.msg) }

func checkExposition(text string) (*exposition, error) {
	x := &exposition{types: map[string]string{}, helps: map[string]string{}, samples: map[string]float64{}, labels: map[string]map[string]string{}}
	if text == "" {
		return x, nil
	}
	if !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("the last line does not end in a line feed")
	}
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("not UTF-8")
	}
	closed := map[string]bool{} // families whose group has ended
	current := ""
	enter := func(fam string) error {
		if fam == current {
			return nil
		}
		if closed[fam] {
			return fmt.Errorf("family %s continues after another one", fam)
		}
		if current != "" {
			closed[current] = true
		}
		current = fam
		return nil
	}
	type hist struct {
		les, counts      []float64
		sum, count       float64
		hasSum, hasCount bool
	}
	hists := map[string]*hist{}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		fail := func(format string, args ...any) (*exposition, error) {
			return nil, &lineError{i + 1, line, fmt.Sprintf(format, args...)}
		}
		switch {
		case strings.HasPrefix(line, "# HELP "):
			name, doc, ok := strings.Cut(line[len("# HELP "):], " ")
			if !ok || !validName(name) {
				return fail("bad HELP")
			}
			if _, dup := x.helps[name]; dup {
				return fail("second HELP for %s", name)
			}
			u, err := unescape(doc, false)
			if err != nil {
				return fail("%v", err)
			}
			if err := enter(name); err != nil {
				return fail("%v", err)
			}
			x.helps[name] = u
		case strings.HasPrefix(line, "# TYPE "):
			f := strings.Split(line[len("# TYPE "):], " ")
			if len(f) != 2 || !validName(f[0]) {
				return fail("bad TYPE")
			}
			switch f[1] {
			case "counter", "gauge", "histogram", "summary", "untyped":
			default:
				return fail("unknown type %s", f[1])
			}
			if _, dup := x.types[f[0]]; dup {
				return fail("second TYPE for %s", f[0])
			}
			if err := enter(f[0]); err != nil {
				return fail("%v", err)
			}
			if _, seen := x.samples[f[0]]; seen || closed[f[0]] {
				return fail("TYPE after samples")
			}
			x.types[f[0]] = f[1]
			if f[1] == "histogram" {
				hists[f[0]] = &hist{}
			}
		case line == "" || line[0] == '#' || line[0] == ' ':
			return fail("blank line, other comment or leading space")
		default:
			name, labels, value, err := parseSample(line)
			if err != nil {
				return fail("%v", err)
			}
			key, _, _ := strings.Cut(line, " ")
			if _, dup := x.samples[key]; dup {
				return fail("second sample %s", key)
			}
			x.samples[key] = value
			x.order = append(x.order, key)
			x.labels[key] = labels
			// The family: the name itself, or a histogram's base.
			fam, suffix := name, ""
			if _, ok := x.types[name]; !ok {
				for _, s := range []string{"_bucket", "_sum", "_count"} {
					if b, ok := strings.CutSuffix(name, s); ok && x.types[b] == "histogram" {
						fam, suffix = b, s
					}
				}
			}
			typ, ok := x.types[fam]
			if !ok {
				return fail("sample without TYPE")
			}
			if err := enter(fam); err != nil {
				return fail("%v", err)
			}
			switch typ {
			case "counter":
				if !(value >= 0) {
					return fail("counter %v", value)
				}
				if !strings.HasSuffix(name, "_total") {
					return fail("counter not named _total")
				}
			case "histogram":
				h := hists[fam]
				switch suffix {
				case "_bucket":
					if h.hasSum || h.hasCount {
						return fail("bucket after _sum or _count")
					}
					le, ok := labels["le"]
					if !ok || len(labels) != 1 {
						return fail("bucket labels %v", labels)
					}
					b, err := strconv.ParseFloat(le, 64)
					if err != nil {
						return fail("le %q", le)
					}
					if n := len(h.les); n > 0 && (b <= h.les[n-1] || value < h.counts[n-1]) {
						return fail("buckets not increasing or not cumulative")
					}
					h.les = append(h.les, b)
					h.counts = append(h.counts, value)
				case "_sum":
					h.sum, h.hasSum = value, true
				case "_count":
					h.count, h.hasCount = value, true
				default:
					return fail("histogram sample %s", name)
				}
			default:
				if name != fam {
					return fail("sample %s in family %s", name, fam)
				}
			}
		}
	}
	for name, h := range hists {
		n := len(h.les)
		switch {
		case n == 0 || !math.IsInf(h.les[n-1], +1):
			return nil, fmt.Errorf("histogram %s has no +Inf bucket", name)
		case !h.hasSum || !h.hasCount:
			return nil, fmt.Errorf("histogram %s lacks _sum or _count", name)
		case h.counts[n-1] != h.count:
			return nil, fmt.Errorf("histogram %s: +Inf bucket %v, _count %v", name, h.counts[n-1], h.count)
		}
	}
	return x, nil
}

// parseSample reads name{label="value",...} value.
func parseSample(line string) (name string, labels map[string]string, value float64, err error) {
	i := 0
	for i < len(line) && line[i] != '{' && line[i] != ' ' {
		i++
	}
	name = line[:i]
	if !validName(name) {
		return "", nil, 0, fmt.Errorf("bad metric name %q", name)
	}
	labels = map[string]string{}
	rest := line[i:]
	if strings.HasPrefix(rest, "{") {
		rest = rest[1:]
		for !strings.HasPrefix(rest, "}") {
			ln, after, ok := strings.Cut(rest, `="`)
			if !ok || !validLabelName(ln) {
				return "", nil, 0, fmt.Errorf("bad label name in %q", rest)
			}
			// The value runs to the first unescaped double quote.
			j := 0
			for ; j < len(after) && after[j] != '"'; j++ {
				if after[j] == '\\' {
					j++
				}
			}
			if j >= len(after) {
				return "", nil, 0, fmt.Errorf("unterminated label value")
			}
			v, err := unescape(after[:j], true)
			if err != nil {
				return "", nil, 0, err
			}
			if _, dup := labels[ln]; dup {
				return "", nil, 0, fmt.Errorf("label %s twice", ln)
			}
			labels[ln] = v
			rest = after[j+1:]
			if strings.HasPrefix(rest, ",") {
				rest = rest[1:]
			} else if !strings.HasPrefix(rest, "}") {
				return "", nil, 0, fmt.Errorf("expected , or } in %q", rest)
			}
		}
		rest = rest[1:]
	}
	v, ok := strings.CutPrefix(rest, " ")
	if !ok || strings.ContainsAny(v, " \t") {
		return "", nil, 0, fmt.Errorf("expected one space and a value (no timestamp) in %q", rest)
	}
	value, err = strconv.ParseFloat(v, 64)
	if err != nil {
		return "", nil, 0, err
	}
	return name, labels, value, nil
}

// unescape undoes the format's escapes: \\ and \n, and \" in a label
// value. Any other backslash sequence, a raw line feed or, in a label
// value, a raw double quote is an error.
func unescape(s string, label bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n' || label && c == '"':
			return "", fmt.Errorf("unescaped %q", c)
		case c != '\\':
			b.WriteByte(c)
		case i+1 == len(s):
			return "", fmt.Errorf("lone backslash at the end")
		default:
			i++
			switch s[i] {
			case '\\':
				b.WriteByte('\\')
			case 'n':
				b.WriteByte('\n')
			case '"':
				if !label {
					return "", fmt.Errorf(`\" in a docstring`)
				}
				b.WriteByte('"')
			default:
				return "", fmt.Errorf(`unknown escape \%c`, s[i])
			}
		}
	}
	return b.String(), nil
}

package steps

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The chapters quote the program's log. Each step's browser test compares
// those quotes with a real run (see logging.Matches and logging.CheckQuotes
// in the steps), but only where Chromium is installed. [CheckQuotes] adds a
// check that needs no browser: every quoted line's message must still be in
// the code, as a Go string literal of the step the chapter goes with. A
// renamed message then fails `go test work` on any machine.
//
// The quotes are found as the steps' logging package finds them (see
// docs/README.md):
//
//   - transcripts: the lines between <!-- transcript STEP --> and
//     <!-- end transcript -->, checked against STEP;
//   - in other fenced code blocks, lines that start with the elapsed time (it
//     may be left out) and a layer tag: "  0.609s [udp]   WARN dropped …";
//   - inline code spans that start with a layer tag and at least two spaces:
//     `[ice]  browser nominated the pair: selected  session=…`;
//   - inline code spans that start with a layer tag and one space, such as
//     the page's event log `[ice] the server answered a connectivity check
//     from 127.0.0.1:…`, are mentions: they are not compared with a run, but
//     their text must begin like a string literal of the step (see
//     [mentionFound]).
//
// In a quote, "…" stands for text left out.

// A LogQuote is a log line quoted in a chapter.
type LogQuote struct {
	Line    int    // the chapter's line it starts on, from 1
	Text    string // as written
	Layer   string // the tag without brackets: "ice"
	Message string // the message, or for a mention the text after the tag; may hold "…"
	Mention bool   // an inline span `[layer] text`, with one space
	Step    string // for a transcript line, the step the transcript names
}

var (
	// fencedLogLine is a line in a fenced block that looks like the
	// program's log: the elapsed time (optional in a quote) and a tag.
	fencedLogLine = regexp.MustCompile(`^ *(?:\d+\.\d+s +)?\[([a-z][a-z0-9]*)\] +(.*)$`)
	// spanLogLine is an inline code span that starts with a tag.
	spanLogLine = regexp.MustCompile(`^\[([a-z][a-z0-9]*)\]( +)(\S.*)$`)
)

// FindQuotes returns the log lines a chapter quotes, in order.
func FindQuotes(chapter string) []LogQuote {
	var out []LogQuote
	lines := strings.Split(chapter, "\n")
	var para []string
	paraStart := 0
	flush := func() {
		text := strings.Join(para, "\n")
		for _, sp := range inlineSpans(text) {
			m := spanLogLine.FindStringSubmatch(sp.text)
			if m == nil {
				continue
			}
			q := LogQuote{
				Line:    paraStart + 1 + strings.Count(text[:sp.offset], "\n"),
				Text:    sp.text,
				Layer:   m[1],
				Mention: len(m[2]) == 1,
			}
			if q.Mention {
				q.Message = m[3]
			} else {
				q.Message = message(m[3])
			}
			out = append(out, q)
		}
		para = nil
	}
	transcript := "" // the step of the transcript being read
	for i := 0; i < len(lines); i++ {
		s := lines[i]
		t := strings.TrimSpace(s)
		switch {
		case strings.HasPrefix(t, "<!-- transcript "):
			flush()
			transcript = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(t, "<!-- transcript "), "-->"))
			continue
		case strings.HasPrefix(t, "<!-- end transcript -->"):
			transcript = ""
			continue
		}
		if fence := openingFence(s); fence != "" {
			flush()
			for i++; i < len(lines) && !closingFence(lines[i], fence); i++ {
				if m := fencedLogLine.FindStringSubmatch(lines[i]); m != nil {
					out = append(out, LogQuote{Line: i + 1, Text: lines[i], Layer: m[1], Message: message(m[2]), Step: transcript})
				}
			}
			continue
		}
		if transcript != "" {
			continue
		}
		if t == "" {
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

// message returns the message of a log line's text after the tag: without a
// level, up to the two spaces before the attributes.
func message(s string) string {
	s = strings.TrimLeft(s, " ")
	for _, level := range []string{"WARN ", "ERROR ", "DEBUG "} {
		s = strings.TrimPrefix(s, level)
	}
	m, _, _ := strings.Cut(s, "  ")
	return strings.TrimSpace(m)
}

// openingFence returns the fence (``` or ~~~, three or more) that opens a
// fenced code block on line s, or "".
func openingFence(s string) string {
	t := strings.TrimLeft(s, " ")
	if len(s)-len(t) > 3 {
		return ""
	}
	for _, c := range []string{"`", "~"} {
		n := len(t) - len(strings.TrimLeft(t, c))
		if n >= 3 {
			if c == "`" && strings.Contains(t[n:], "`") {
				return ""
			}
			return strings.Repeat(c, n)
		}
	}
	return ""
}

// closingFence reports whether line s closes a block opened by fence.
func closingFence(s, fence string) bool {
	t := strings.TrimLeft(s, " ")
	return len(s)-len(t) <= 3 && strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]+" \t") == ""
}

// An inlineSpan is the content of an inline code span of a paragraph.
type inlineSpan struct {
	text   string // line breaks turned into spaces
	offset int    // in the paragraph
}

// inlineSpans returns a paragraph's code spans (CommonMark §6.1: a run of n
// backticks opens a span that the next run of exactly n backticks closes).
func inlineSpans(p string) []inlineSpan {
	var out []inlineSpan
	run := func(i int) int { return len(p[i:]) - len(strings.TrimLeft(p[i:], "`")) }
	for i := 0; i < len(p); {
		switch {
		case p[i] == '\\':
			i += 2
		case p[i] == '`':
			n := run(i)
			end := -1
			for k := i + n; k < len(p); {
				j := strings.IndexByte(p[k:], '`')
				if j < 0 {
					break
				}
				k += j
				if m := run(k); m == n {
					end = k
					break
				} else {
					k += m
				}
			}
			if end < 0 {
				i += n
				continue
			}
			text := strings.ReplaceAll(p[i+n:end], "\n", " ")
			if len(text) >= 2 && text[0] == ' ' && text[len(text)-1] == ' ' && strings.Trim(text, " ") != "" {
				text = text[1 : len(text)-1]
			}
			out = append(out, inlineSpan{text, i})
			i = end + n
		default:
			i++
		}
	}
	return out
}

// builtMessages lists, by step, log messages that the code builds at run
// time, so that no string literal holds them, but that a chapter quotes.
// Keep it short: a message that is a literal is checked, one listed here is
// not.
var builtMessages = map[string][]string{}

// Literals returns the Go string constants written in the non-test .go
// files under dir: every string literal, and every sum of literals
// ("a " + "b"). Test files, testdata directories and directories whose name
// starts with "." or "_" are left out, as the go tool leaves them out.
func Literals(dir string) (map[string]bool, error) {
	lits := make(map[string]bool)
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != dir && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if e, ok := n.(ast.Expr); ok {
				if s, ok := constString(e); ok {
					lits[s] = true
				}
			}
			return true
		})
		return nil
	})
	return lits, err
}

// constString returns the value of a string literal or a sum of them.
func constString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		}
	case *ast.ParenExpr:
		return constString(e.X)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			x, ok1 := constString(e.X)
			y, ok2 := constString(e.Y)
			return x + y, ok1 && ok2
		}
	}
	return "", false
}

// messageFound reports whether a quoted message (in which "…" stands for
// any text) is one of the literals, or one of the step's builtMessages.
func messageFound(msg string, lits map[string]bool, built []string) bool {
	if lits[msg] || slices.Contains(built, msg) {
		return true
	}
	if !strings.Contains(msg, "…") {
		return false
	}
	for s := range lits {
		if glob(msg, s) {
			return true
		}
	}
	return false
}

// mentionFound reports whether the text of a mention `[layer] text` begins
// like a string literal of the step: the text up to its first "…" is the
// start of a literal (`[ice] candidate`), or a literal that ends in a space
// (a text the code completes at run time, "selected pair: server ↔ " +
// address) and is 8 bytes or longer begins the text.
func mentionFound(text string, lits map[string]bool) bool {
	text = strings.Join(strings.Fields(text), " ")
	head, _, _ := strings.Cut(text, "…")
	head = strings.TrimSpace(head)
	if head == "" {
		return true
	}
	for s := range lits {
		if strings.HasPrefix(s, head) ||
			len(s) >= 8 && strings.HasSuffix(s, " ") && strings.HasPrefix(head+" ", s) {
			return true
		}
	}
	return false
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

// Chapters returns the chapters under root, docs/NN-name.md, sorted.
func Chapters(root string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(root, "docs", "[0-9][0-9]-*.md"))
	slices.Sort(names)
	return names, err
}

// ChapterStep returns the step a chapter goes with: chapter NN-name.md goes
// with the manifest's step stepNN-…, or with the step named name (08-final.md,
// final); the overview, 00-…, with the first step.
func ChapterStep(m *Manifest, chapter string) (string, bool) {
	base := filepath.Base(chapter)
	if len(base) < 3 || base[2] != '-' {
		return "", false
	}
	if base[:2] == "00" {
		return m.Steps[0].Dir, true
	}
	name := strings.TrimSuffix(base[3:], ".md")
	for _, s := range m.Steps {
		if strings.HasPrefix(s.Dir, "step"+base[:2]+"-") || s.Dir == name {
			return s.Dir, true
		}
	}
	return "", false
}

// CheckQuotes checks every chapter under root: each log line it quotes has a
// message that is a string literal of its step (see the top of this file),
// and each mention begins like one.
func CheckQuotes(root string, m *Manifest) []Violation {
	var vs []Violation
	chapters, err := Chapters(root)
	if err != nil {
		return []Violation{{"docs", err.Error()}}
	}
	literals := make(map[string]map[string]bool) // by step
	lits := func(step string) (map[string]bool, error) {
		if l, ok := literals[step]; ok {
			return l, nil
		}
		l, err := Literals(filepath.Join(root, step))
		literals[step] = l
		return l, err
	}
	for _, ch := range chapters {
		rel := "docs/" + filepath.Base(ch)
		text, err := os.ReadFile(ch)
		if err != nil {
			vs = append(vs, Violation{rel, err.Error()})
			continue
		}
		chapterStep, ok := ChapterStep(m, ch)
		if !ok {
			vs = append(vs, Violation{rel, "no step in " + ManifestPath + " goes with this chapter; name it NN-name.md after stepNN-…"})
			continue
		}
		for _, q := range FindQuotes(string(text)) {
			where := fmt.Sprintf("%s:%d", rel, q.Line)
			step := chapterStep
			if q.Step != "" {
				step = q.Step
			}
			l, err := lits(step)
			if err != nil {
				vs = append(vs, Violation{where, fmt.Sprintf("reading the Go files of %s: %v", step, err)})
				continue
			}
			switch {
			case q.Mention:
				if !mentionFound(q.Message, l) {
					vs = append(vs, Violation{where, fmt.Sprintf("`[%s] %s`: no string in the Go code of %s begins like this text; if it quotes the server's log, write two spaces after the tag", q.Layer, q.Message, step)})
				}
			case !messageFound(q.Message, l, builtMessages[step]):
				vs = append(vs, Violation{where, fmt.Sprintf("[%s] %q: %s does not log this message (no such string literal in its Go code)", q.Layer, q.Message, step)})
			}
		}
	}
	return vs
}

package steps

import (
	"fmt"
	"strings"
)

// A StatBlock is output of docs/stepdiff quoted in a chapter between the
// markers
//
//	<!-- stepdiff --stat step04-dtls -->
//	```text
//	 config/config.go |  6 +
//	 ...
//	```
//	<!-- end stepdiff -->
//
// The opening marker holds the arguments docs/stepdiff was run with. The
// test TestStatBlocks runs it again and compares, and rewrites the block
// with -update-docs.
type StatBlock struct {
	Args  []string // docs/stepdiff's arguments, from the marker
	Line  int      // the line of the opening marker, from 1
	Body  string   // the fenced block's content, each line ending in "\n"
	start int      // byte offset of Body in the chapter
	end   int      // byte offset just past Body
}

const (
	statOpen  = "<!-- stepdiff "
	statClose = "<!-- end stepdiff -->"
)

// StatBlocks finds the stepdiff blocks of a chapter. It reports a marker
// that is not followed by a fenced block and a closing marker.
func StatBlocks(chapter string) ([]StatBlock, error) {
	var out []StatBlock
	lines := strings.SplitAfter(chapter, "\n")
	off := 0
	for i := 0; i < len(lines); i++ {
		s := strings.TrimRight(lines[i], "\n")
		off += len(lines[i])
		if !strings.HasPrefix(s, statOpen) {
			continue
		}
		args, ok := strings.CutSuffix(strings.TrimPrefix(s, statOpen), "-->")
		b := StatBlock{Args: strings.Fields(args), Line: i + 1}
		if !ok || len(b.Args) == 0 {
			return nil, fmt.Errorf("line %d: want %sARGUMENTS -->", b.Line, statOpen)
		}
		if i+1 >= len(lines) {
			return nil, fmt.Errorf("line %d: no fenced block after the marker", b.Line)
		}
		fence := openingFence(strings.TrimRight(lines[i+1], "\n"))
		if fence == "" {
			return nil, fmt.Errorf("line %d: no fenced block right after the marker", b.Line)
		}
		b.start = off + len(lines[i+1])
		j := i + 2
		pos := b.start
		for ; j < len(lines) && !closingFence(strings.TrimRight(lines[j], "\n"), fence); j++ {
			pos += len(lines[j])
		}
		if j+1 >= len(lines) || strings.TrimSpace(lines[j+1]) != statClose {
			return nil, fmt.Errorf("line %d: want the fenced block to end and %s to follow it", b.Line, statClose)
		}
		b.end = pos
		b.Body = chapter[b.start:b.end]
		out = append(out, b)
		for k := i + 1; k <= j+1; k++ {
			off += len(lines[k])
		}
		i = j + 1
	}
	return out, nil
}

// Replace returns the chapter with the block's content replaced by body.
func (b StatBlock) Replace(chapter, body string) string {
	return chapter[:b.start] + strings.TrimRight(body, "\n") + "\n" + chapter[b.end:]
}

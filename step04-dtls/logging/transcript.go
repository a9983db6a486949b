package logging

import (
	"fmt"
	"strings"
)

// A Transcript is a real log quoted in a docs chapter between the markers
//
//	<!-- transcript STEP -->
//	```text
//	...lines the program printed...
//	```
//	<!-- end transcript -->
//
// Each step's browser test compares its own run with the transcript of its
// chapter (see [Matches]) and can rewrite it with the real output.
type Transcript struct {
	Step  string   // the step directory that printed it, e.g. "step01-signaling"
	Lines []string // the log lines, without the fences
	start int      // byte offset of the first line in the chapter
	end   int      // byte offset just past the last line
}

const (
	transcriptOpen  = "<!-- transcript "
	transcriptClose = "<!-- end transcript -->"
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

// Matches checks that a transcript still describes what the program prints:
// for every line of the transcript, the log has lines of the same layer and
// message, and between them they carry every attribute key the transcript
// line shows. Times, values and the order of lines differ from run to run
// (a browser's UDP and WebSocket messages race each other), so they are not
// compared; a renamed message, layer or attribute is caught.
func Matches(transcript []string, log string) error {
	keys := map[string]map[string]bool{} // layer+message → keys seen
	for _, s := range strings.Split(log, "\n") {
		l, err := ParseLine(s)
		if err != nil || IsBlock(s) {
			continue
		}
		id := l.Layer + "\x00" + l.Message
		if keys[id] == nil {
			keys[id] = map[string]bool{}
		}
		for _, k := range l.Keys() {
			keys[id][k] = true
		}
	}
	for _, s := range transcript {
		if IsBlock(s) {
			continue
		}
		want, err := ParseLine(s)
		if err != nil {
			return err
		}
		seen, ok := keys[want.Layer+"\x00"+want.Message]
		if !ok {
			return fmt.Errorf("the program no longer prints a [%s] %q line like %q", want.Layer, want.Message, s)
		}
		for _, k := range want.Keys() {
			if !seen[k] {
				return fmt.Errorf("the program's [%s] %q lines no longer carry %s=, as in %q", want.Layer, want.Message, k, s)
			}
		}
	}
	return nil
}

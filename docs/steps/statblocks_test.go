package steps

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the docs/stepdiff blocks in the chapters with the tool's real output")

// statOptions are given to docs/stepdiff before a block's own arguments, so
// that its output does not depend on the terminal: no colour, and the width
// git uses when its output is not a terminal. A block's marker may still ask
// for another width (--stat=100).
var statOptions = []string{"--no-color", "--stat-width=80"}

// TestStatBlocks runs docs/stepdiff for every <!-- stepdiff ... --> block in
// the chapters and compares its output with the block, or rewrites the
// block with -update-docs.
func TestStatBlocks(t *testing.T) {
	needShell(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	chapters, err := Chapters(root)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for _, ch := range chapters {
		data, err := os.ReadFile(ch)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		blocks, err := StatBlocks(text)
		if err != nil {
			t.Errorf("%s: %v", ch, err)
			continue
		}
		// Last block first, so that rewriting one leaves the offsets of the others.
		for i := len(blocks) - 1; i >= 0; i-- {
			b := blocks[i]
			out, errOut, status := runStepdiff(t, root, root, tmp, append(slices.Clone(statOptions), b.Args...)...)
			if status != 0 {
				t.Errorf("%s:%d: docs/stepdiff %s failed with status %d: %s", ch, b.Line, strings.Join(b.Args, " "), status, errOut)
				continue
			}
			if out == b.Body {
				continue
			}
			if *updateDocs {
				text = b.Replace(text, out)
				continue
			}
			t.Errorf("%s:%d: the output of docs/stepdiff %s has changed (rerun go test ./steps/ -update-docs in docs/):\n--- in the chapter\n%s--- now\n%s",
				ch, b.Line, strings.Join(b.Args, " "), b.Body, out)
		}
		if *updateDocs && text != string(data) {
			if err := os.WriteFile(ch, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote the stepdiff blocks of %s", ch)
		}
	}
}

func TestParseStatBlocks(t *testing.T) {
	chapter := "# Chapter\n\n" +
		"```sh\ndocs/stepdiff --stat step02-stun\n```\n\n" +
		"<!-- stepdiff --stat step02-stun -->\n" +
		"```text\n a.go | 1 +\n 1 file changed\n```\n" +
		"<!-- end stepdiff -->\n\n" +
		"Text.\n\n" +
		"<!-- stepdiff --stat=100 step01-signaling step03-ice -->\n" +
		"````text\n```\n````\n" +
		"<!-- end stepdiff -->\n"
	blocks, err := StatBlocks(chapter)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 2 {
		t.Fatalf("found %d blocks, want 2", len(blocks))
	}
	if b := blocks[0]; !slices.Equal(b.Args, []string{"--stat", "step02-stun"}) || b.Line != 7 || b.Body != " a.go | 1 +\n 1 file changed\n" {
		t.Errorf("block 0 = %+v", b)
	}
	if b := blocks[1]; !slices.Equal(b.Args, []string{"--stat=100", "step01-signaling", "step03-ice"}) || b.Line != 16 || b.Body != "```\n" {
		t.Errorf("block 1 = %+v", b)
	}

	got := blocks[1].Replace(chapter, "new\noutput\n")
	got = blocks[0].Replace(got, " b.go | 2 ++")
	want := strings.Replace(strings.Replace(chapter, "````text\n```\n````", "````text\nnew\noutput\n````", 1),
		" a.go | 1 +\n 1 file changed\n", " b.go | 2 ++\n", 1)
	if got != want {
		t.Errorf("after Replace:\n%s\nwant:\n%s", got, want)
	}

	for _, bad := range []string{
		"<!-- stepdiff -->\n```\nx\n```\n<!-- end stepdiff -->\n",
		"<!-- stepdiff --stat step02-stun\n```\nx\n```\n<!-- end stepdiff -->\n",
		"<!-- stepdiff --stat step02-stun -->\n\n```\nx\n```\n<!-- end stepdiff -->\n",
		"<!-- stepdiff --stat step02-stun -->\n```\nx\n```\n",
		"<!-- stepdiff --stat step02-stun -->\n```\nx\n<!-- end stepdiff -->\n",
		"<!-- stepdiff --stat step02-stun -->",
	} {
		if _, err := StatBlocks(bad); err == nil {
			t.Errorf("StatBlocks(%q) succeeded", bad)
		}
	}
}

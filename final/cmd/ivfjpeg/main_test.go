package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vectors is where the official VP8 test vectors are, beside the repository.
const vectors = "../../../../shared/vp8-test-vectors"

// Every line ivfjpeg -md5 prints for a conformance vector is a line of
// the vector's own .md5 file: the shown keyframes, decoded bit-exactly.
func TestConformanceMD5(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(vectors, "*.ivf"))
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no test vectors in %s (CI=true)", vectors)
		}
		t.Skipf("no test vectors in %s", vectors)
	}
	lines := 0
	for _, name := range files {
		want, err := os.ReadFile(name + ".md5")
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := run(name, true, "", 90, &got); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		sc := bufio.NewScanner(&got)
		for sc.Scan() {
			lines++
			if !strings.Contains(string(want), sc.Text()+"\n") {
				t.Errorf("%s: %q is not in its .md5 file", filepath.Base(name), sc.Text())
			}
		}
	}
	if lines != 182 {
		t.Errorf("%d keyframe lines, want 182", lines)
	}
}

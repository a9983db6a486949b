// Package steps checks the promise this repository makes to its readers: each
// step directory is a complete copy of the step before it plus one protocol
// layer, and nothing else.
//
// A reader learns a layer by diffing two adjacent steps (see docs/stepdiff).
// That only works if the diff holds nothing but the layer: a stray edit in an
// unrelated file would leave the reader wondering what it has to do with, say,
// DTLS. The manifest docs/steps.yaml therefore lists, for every step, the new
// files it adds and the existing files it changes, and [Check] compares the
// step directories with it. The test TestRepository runs that check on the
// repository itself, so `go test work` fails as soon as a step drifts.
package steps

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// ManifestPath is where the manifest lives, relative to the repository root.
const ManifestPath = "docs/steps.yaml"

// ModulePrefix starts every step's module path: the step in directory
// step02-stun is the Go module nutsandbolts/step02-stun.
const ModulePrefix = "nutsandbolts/"

// Manifest is the parsed docs/steps.yaml: the steps in reading order.
type Manifest struct {
	Steps []Step `yaml:"steps"`
}

// Step is one step directory and what it may do to the step before it.
type Step struct {
	// Dir is the step's directory, directly under the repository root.
	Dir string `yaml:"dir"`
	// Adds lists new files, or directories holding new files, that this
	// step may add. Paths are slash-separated and relative to Dir.
	Adds []string `yaml:"adds"`
	// Changes lists files of the previous step that this step may change or
	// delete; a directory stands for every file under it.
	Changes []string `yaml:"changes"`
}

// ModulePath returns the Go module path of the step, e.g.
// "nutsandbolts/step02-stun". Import paths inside the step start with it.
func (s Step) ModulePath() string { return ModulePrefix + s.Dir }

// IsStepDir reports whether a directory name looks like a step: "final" or
// "step" followed by a two-digit number, a dash and a name, like
// "step03-ice". Check uses it to find step directories missing from the
// manifest.
func IsStepDir(name string) bool {
	if name == "final" {
		return true
	}
	ok, _ := filepath.Match("step[0-9][0-9]-?*", name)
	return ok
}

// Load reads and validates the manifest of the repository at root.
func Load(root string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(ManifestPath)))
	if err != nil {
		return nil, err
	}
	m, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestPath, err)
	}
	return m, nil
}

// Parse decodes a manifest and checks that it makes sense on its own, before
// any directory is looked at: known fields only (a misspelt "change:" must
// not silently allow nothing), step names in order, clean relative paths.
// It reports every problem it finds, not just the first.
func Parse(data []byte) (*Manifest, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("no steps listed")
		}
		return nil, err
	}
	if len(m.Steps) == 0 {
		return nil, errors.New("no steps listed")
	}

	var problems []error
	report := func(format string, args ...any) {
		problems = append(problems, fmt.Errorf(format, args...))
	}
	seen := make(map[string]bool)
	for i, s := range m.Steps {
		switch {
		case s.Dir == "":
			report("step %d has no dir", i+1)
			continue
		case !IsStepDir(s.Dir):
			report("%s: not a step directory name (want stepNN-name or final)", s.Dir)
		case seen[s.Dir]:
			report("%s: listed twice", s.Dir)
		}
		seen[s.Dir] = true

		if i == 0 {
			if len(s.Adds) > 0 || len(s.Changes) > 0 {
				report("%s: the first step has no step before it, so it cannot have adds or changes", s.Dir)
			}
		} else if err := checkOrder(m.Steps[i-1].Dir, s.Dir); err != nil {
			problems = append(problems, err)
		}

		for _, list := range []struct {
			name    string
			entries []string
		}{{"adds", s.Adds}, {"changes", s.Changes}} {
			inList := make(map[string]bool)
			for _, e := range list.entries {
				if err := checkEntry(e); err != nil {
					report("%s: %s entry %q: %v", s.Dir, list.name, e, err)
				}
				if inList[e] {
					report("%s: %s entry %q listed twice", s.Dir, list.name, e)
				}
				inList[e] = true
			}
		}
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return &m, nil
}

// checkOrder reports whether step next may follow step prev: step numbers
// go up, and final comes last. Reading order is what docs/stepdiff uses to
// find "the previous step", so it has to be right.
func checkOrder(prev, next string) error {
	if prev == "final" {
		return fmt.Errorf("%s: listed after final, which must be the last step", next)
	}
	// "step03-..." compares by number as a string because numbers have two digits.
	if next != "final" && strings.HasPrefix(prev, "step") && strings.HasPrefix(next, "step") &&
		len(prev) >= 6 && len(next) >= 6 && prev[:6] >= next[:6] {
		return fmt.Errorf("%s: listed after %s, but step numbers must go up", next, prev)
	}
	return nil
}

// checkEntry reports whether an adds or changes entry is a clean path
// inside the step directory. Insisting on the one spelling ("stun", not
// "./stun/") keeps matching a plain string comparison.
func checkEntry(e string) error {
	clean := path.Clean(e)
	switch {
	case e == "" || e == ".":
		return errors.New("empty path; name a file or directory inside the step")
	case strings.Contains(e, `\`):
		return errors.New("use forward slashes")
	case path.IsAbs(e):
		return errors.New("must be relative to the step directory")
	case clean == ".." || strings.HasPrefix(clean, "../"):
		return errors.New("points outside the step directory")
	case clean != e:
		return fmt.Errorf("write it as %q", clean)
	}
	return nil
}

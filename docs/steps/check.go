package steps

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// A Violation is one way the repository breaks its manifest.
type Violation struct {
	// Path is slash-separated and relative to the repository root: a step
	// directory ("step03-ice") or a path inside one ("step03-ice/ice/agent.go").
	Path string
	// Problem says what is wrong and, where it helps, what the manifest says.
	Problem string
}

// String formats the violation as one line, "path: problem", like a
// compiler error, so a list of them reads well in test output.
func (v Violation) String() string { return v.Path + ": " + v.Problem }

// Check compares the step directories under root with the manifest and
// returns every violation it finds, in a stable order; none means the
// repository keeps its promise. It checks that
//
//   - every step listed in the manifest exists, and every step directory that
//     exists (see [IsStepDir]) is listed;
//   - for each adjacent pair of steps (prev, next), every file of prev is in
//     next with the same content, unless next lists it in changes. Contents
//     are compared after replacing next's module path with prev's, so that
//     import paths don't count; go.mod and go.sum get no special treatment
//     beyond that (their module line is the only thing normalised);
//   - every file of next that is not in prev lies under one of next's adds;
//   - every changes entry names files of prev that did change, and every adds
//     entry covers at least one new file: a manifest entry that allows
//     nothing is out of date and would mislead the reader;
//   - no Go file imports the packages of another step. Because go.work puts
//     all steps in one workspace, a copied import left at
//     "nutsandbolts/step03-ice/..." still builds in step04-dtls, silently
//     using the previous step's code, and the module path normalisation
//     above would hide it.
//
// Check looks at every regular file under a step directory except inside
// .git directories. Problems reading files are reported as violations too.
func Check(root string, m *Manifest) []Violation {
	var vs []Violation

	// Steps listed in the manifest must exist...
	exists := make([]bool, len(m.Steps))
	listed := make(map[string]bool)
	for i, s := range m.Steps {
		listed[s.Dir] = true
		info, err := os.Stat(filepath.Join(root, s.Dir))
		switch {
		case err == nil && info.IsDir():
			exists[i] = true
		case err == nil:
			vs = append(vs, Violation{s.Dir, "listed in " + ManifestPath + ", but is not a directory"})
		case errors.Is(err, fs.ErrNotExist):
			vs = append(vs, Violation{s.Dir, "listed in " + ManifestPath + ", but the directory does not exist"})
		default:
			vs = append(vs, Violation{s.Dir, err.Error()})
		}
	}

	// ...and step directories that exist must be listed, or nobody checks them.
	entries, err := os.ReadDir(root)
	if err != nil {
		vs = append(vs, Violation{".", err.Error()})
	}
	for _, e := range entries {
		if e.IsDir() && IsStepDir(e.Name()) && !listed[e.Name()] {
			vs = append(vs, Violation{e.Name(), "step directory not listed in " + ManifestPath})
		}
	}

	// A missing step was reported above; the pairs it belongs to are skipped
	// rather than compared across the gap, which would report every file of
	// the missing layer a second time.
	for i := 1; i < len(m.Steps); i++ {
		if exists[i-1] && exists[i] {
			vs = append(vs, checkPair(root, m.Steps[i-1], m.Steps[i])...)
		}
	}
	for i, s := range m.Steps {
		if exists[i] {
			vs = append(vs, checkImports(root, s, m.Steps)...)
		}
	}

	// Sort by path so that a reader fixing things walks the tree once.
	slices.SortStableFunc(vs, func(a, b Violation) int { return cmp.Compare(a.Path, b.Path) })
	return vs
}

// checkPair compares step next with the step prev before it.
func checkPair(root string, prev, next Step) []Violation {
	prevFiles, err := listFiles(filepath.Join(root, prev.Dir))
	if err != nil {
		return []Violation{{prev.Dir, "cannot list files: " + err.Error()}}
	}
	nextFiles, err := listFiles(filepath.Join(root, next.Dir))
	if err != nil {
		return []Violation{{next.Dir, "cannot list files: " + err.Error()}}
	}
	inPrev := make(map[string]bool)
	for _, f := range prevFiles {
		inPrev[f] = true
	}
	inNext := make(map[string]bool)
	for _, f := range nextFiles {
		inNext[f] = true
	}

	var vs []Violation
	report := func(file, format string, args ...any) {
		vs = append(vs, Violation{next.Dir + "/" + file, fmt.Sprintf(format, args...)})
	}

	// Files of prev: kept as they were, or changed/deleted as declared.
	changed := make(map[string]bool) // files of prev that next changed or deleted
	for _, f := range prevFiles {
		declared := underAny(f, next.Changes)
		if !inNext[f] {
			changed[f] = true
			if !declared {
				report(f, "deleted (it exists in %s), but is not in %s's changes", prev.Dir, next.Dir)
			}
			continue
		}
		same, err := sameContent(root, prev, next, f)
		if err != nil {
			changed[f] = true // don't also call a changes entry for it stale
			report(f, "cannot compare: %v", err)
			continue
		}
		if !same {
			changed[f] = true
			if !declared {
				report(f, "differs from %s/%s, but is not in %s's changes", prev.Dir, f, next.Dir)
			}
		}
	}

	// Files new in next: only where the manifest says the layer lives.
	newFiles := 0
	for _, f := range nextFiles {
		if inPrev[f] {
			continue
		}
		newFiles++
		if !underAny(f, next.Adds) {
			if len(next.Adds) == 0 {
				report(f, "new file, but %s adds nothing", next.Dir)
			} else {
				report(f, "new file, but %s adds only %v", next.Dir, next.Adds)
			}
		}
	}

	// Manifest entries that allow nothing are stale.
	for _, c := range next.Changes {
		var matched, differing int
		for _, f := range prevFiles {
			if under(f, c) {
				matched++
				if changed[f] {
					differing++
				}
			}
		}
		switch {
		case matched == 0:
			report(c, "listed in %s's changes, but %s has no such file", next.Dir, prev.Dir)
		case differing > 0:
			// In use.
		case inPrev[c]:
			report(c, "listed in %s's changes, but is identical to %s/%s", next.Dir, prev.Dir, c)
		default:
			report(c, "listed in %s's changes, but no file under it differs from %s", next.Dir, prev.Dir)
		}
	}
	for _, a := range next.Adds {
		used := false
		for _, f := range nextFiles {
			if !inPrev[f] && under(f, a) {
				used = true
				break
			}
		}
		switch {
		case used:
		case inPrev[a]:
			report(a, "listed in %s's adds, but %s already has it (changed files belong in changes)", next.Dir, prev.Dir)
		default:
			report(a, "listed in %s's adds, but there is no new file there", next.Dir)
		}
	}
	return vs
}

// checkImports reports Go files of step s that mention the module path of
// another step in quotes, as an import does: "nutsandbolts/step03-ice" or
// "nutsandbolts/step03-ice/stun".
func checkImports(root string, s Step, all []Step) []Violation {
	files, err := listFiles(filepath.Join(root, s.Dir))
	if err != nil {
		return []Violation{{s.Dir, "cannot list files: " + err.Error()}}
	}
	var vs []Violation
	for _, f := range files {
		if !strings.HasSuffix(f, ".go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, s.Dir, filepath.FromSlash(f)))
		if err != nil {
			vs = append(vs, Violation{s.Dir + "/" + f, err.Error()})
			continue
		}
		for _, other := range all {
			if other.Dir == s.Dir {
				continue
			}
			quoted := `"` + other.ModulePath()
			if bytes.Contains(data, []byte(quoted+`"`)) || bytes.Contains(data, []byte(quoted+`/`)) {
				vs = append(vs, Violation{s.Dir + "/" + f, fmt.Sprintf(
					"imports %s, the module of another step; use %s", other.ModulePath(), s.ModulePath())})
			}
		}
	}
	return vs
}

// listFiles returns the slash-separated paths, relative to dir, of every
// regular file under dir, sorted. It skips .git directories, which are
// version control bookkeeping and not part of any step.
func listFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	slices.Sort(files) // WalkDir's lexical order is per directory, not per path.
	return files, err
}

// sameContent reports whether file f, present in both steps, has the same
// content in next as in prev once next's module path is replaced with
// prev's. docs/stepdiff makes the same replacement before diffing, so the
// two agree on what counts as a change.
func sameContent(root string, prev, next Step, f string) (bool, error) {
	a, err := os.ReadFile(filepath.Join(root, prev.Dir, filepath.FromSlash(f)))
	if err != nil {
		return false, err
	}
	b, err := os.ReadFile(filepath.Join(root, next.Dir, filepath.FromSlash(f)))
	if err != nil {
		return false, err
	}
	b = bytes.ReplaceAll(b, []byte(next.ModulePath()), []byte(prev.ModulePath()))
	return bytes.Equal(a, b), nil
}

// under reports whether file is entry itself or lies inside directory entry.
func under(file, entry string) bool {
	return file == entry || strings.HasPrefix(file, entry+"/")
}

// underAny reports whether file is under any of the entries.
func underAny(file string, entries []string) bool {
	return slices.ContainsFunc(entries, func(e string) bool { return under(file, e) })
}

package steps

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRepository checks the repository itself: every step must match
// docs/steps.yaml. When it fails, each line says which file breaks which
// rule; fix the step or the manifest.
func TestRepository(t *testing.T) {
	root := filepath.Join("..", "..")
	m, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	vs := Check(root, m)
	if len(vs) > 0 {
		var b strings.Builder
		for _, v := range vs {
			b.WriteString("\n\t" + v.String())
		}
		t.Errorf("the steps do not match %s:%s", ManifestPath, b.String())
	}
}

// step01 is a small made-up first step: a module whose main.go imports one
// of its own packages, as the real steps do.
var step01 = map[string]string{
	"go.mod":     "module nutsandbolts/step01-signaling\n\ngo 1.25\n",
	"go.sum":     "example.com/dep v1.0.0 h1:abc=\n",
	"main.go":    "package main\n\nimport \"nutsandbolts/step01-signaling/sdp\"\n\nfunc main() { sdp.Parse() }\n",
	"sdp/sdp.go": "package sdp\n\nfunc Parse() {}\n",
	"README":     "Step 1: signaling.\n",
}

// copyStep returns the files of step from as they appear when copied to
// step to: the same, except for the module path. This is the starting
// point of every step, before its one new layer is added.
func copyStep(files map[string]string, from, to string) map[string]string {
	out := make(map[string]string)
	for name, content := range files {
		out[name] = strings.ReplaceAll(content, ModulePrefix+from, ModulePrefix+to)
	}
	return out
}

// step02 returns a faithful copy of step01 as step02-stun, for a test to
// add its layer to.
func step02() map[string]string {
	return copyStep(step01, "step01-signaling", "step02-stun")
}

// writeRepo creates a made-up repository in a temporary directory: the
// manifest and, for each step directory, its files. It returns the root.
func writeRepo(t *testing.T, manifest string, steps map[string]map[string]string) string {
	t.Helper()
	root := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(ManifestPath, manifest)
	for dir, files := range steps {
		for name, content := range files {
			write(dir+"/"+name, content)
		}
	}
	return root
}

// check loads the manifest of root and returns the violations as strings.
func check(t *testing.T, root string) []string {
	t.Helper()
	m, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range Check(root, m) {
		got = append(got, v.String())
	}
	return got
}

const twoSteps = `
steps:
  - dir: step01-signaling
  - dir: step02-stun
`

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		manifest string
		// edit turns a faithful copy of step01 into the step02-stun under test.
		edit func(files map[string]string)
		// extra step directories, beyond step01-signaling and step02-stun.
		extra map[string]map[string]string
		want  []string
	}{
		{
			name: "clean step",
			manifest: `
steps:
  - dir: step01-signaling
  - dir: step02-stun
    adds: [stun, udp.go]
    changes: [main.go, go.mod, go.sum, README]
`,
			edit: func(f map[string]string) {
				f["stun/stun.go"] = "package stun\n"
				f["stun/message/message.go"] = "package message\n"
				f["udp.go"] = "package main\n"
				f["main.go"] += "// and now STUN\n"
				f["go.mod"] += "\nrequire example.com/stun v1.0.0\n"
				f["go.sum"] += "example.com/stun v1.0.0 h1:def=\n"
				delete(f, "README")
			},
		},
		{
			// The copy differs from step01 only in module paths (go.mod and
			// the import in main.go), which do not count.
			name:     "module path only",
			manifest: twoSteps,
			edit:     func(map[string]string) {},
		},
		{
			name:     "undeclared change",
			manifest: twoSteps,
			edit:     func(f map[string]string) { f["sdp/sdp.go"] += "// tweak\n" },
			want: []string{
				"step02-stun/sdp/sdp.go: differs from step01-signaling/sdp/sdp.go, but is not in step02-stun's changes",
			},
		},
		{
			name:     "undeclared go.mod change",
			manifest: twoSteps,
			edit:     func(f map[string]string) { f["go.mod"] += "\nrequire example.com/stun v1.0.0\n" },
			want: []string{
				"step02-stun/go.mod: differs from step01-signaling/go.mod, but is not in step02-stun's changes",
			},
		},
		{
			name:     "undeclared deletion",
			manifest: twoSteps,
			edit:     func(f map[string]string) { delete(f, "README") },
			want: []string{
				"step02-stun/README: deleted (it exists in step01-signaling), but is not in step02-stun's changes",
			},
		},
		{
			name:     "undeclared new file, no adds",
			manifest: twoSteps,
			edit:     func(f map[string]string) { f["ice/agent.go"] = "package ice\n" },
			want: []string{
				"step02-stun/ice/agent.go: new file, but step02-stun adds nothing",
			},
		},
		{
			name: "undeclared new file beside adds",
			manifest: `
steps:
  - dir: step01-signaling
  - dir: step02-stun
    adds: [stun]
`,
			edit: func(f map[string]string) {
				f["stun/stun.go"] = "package stun\n"
				f["stunner/x.go"] = "package stunner\n" // a prefix of the name is not "under"
			},
			want: []string{
				"step02-stun/stunner/x.go: new file, but step02-stun adds only [stun]",
			},
		},
		{
			name: "stale changes",
			manifest: `
steps:
  - dir: step01-signaling
  - dir: step02-stun
    changes: [main.go, sdp, media.go]
`,
			edit: func(map[string]string) {},
			want: []string{
				"step02-stun/main.go: listed in step02-stun's changes, but is identical to step01-signaling/main.go",
				"step02-stun/media.go: listed in step02-stun's changes, but step01-signaling has no such file",
				"step02-stun/sdp: listed in step02-stun's changes, but no file under it differs from step01-signaling",
			},
		},
		{
			name: "unused adds",
			manifest: `
steps:
  - dir: step01-signaling
  - dir: step02-stun
    adds: [stun, udp.go, main.go]
    changes: [main.go]
`,
			edit: func(f map[string]string) {
				f["stun/stun.go"] = "package stun\n"
				f["main.go"] += "// changed\n"
			},
			want: []string{
				"step02-stun/main.go: listed in step02-stun's adds, but step01-signaling already has it (changed files belong in changes)",
				"step02-stun/udp.go: listed in step02-stun's adds, but there is no new file there",
			},
		},
		{
			name: "missing step directory",
			manifest: `
steps:
  - dir: step01-signaling
  - dir: step02-stun
  - dir: step03-ice
  - dir: step04-dtls
`,
			edit: func(map[string]string) {},
			extra: map[string]map[string]string{
				// Not compared with step02-stun across the gap.
				"step04-dtls": copyStep(step01, "step01-signaling", "step04-dtls"),
			},
			want: []string{
				"step03-ice: listed in docs/steps.yaml, but the directory does not exist",
			},
		},
		{
			name: "unlisted step directory",
			manifest: `
steps:
  - dir: step01-signaling
`,
			edit: func(map[string]string) {},
			extra: map[string]map[string]string{
				"final":       copyStep(step01, "step01-signaling", "final"),
				"notes":       {"x.txt": "not a step, so not checked\n"},
				"step3-typo":  {"x.txt": "not a step name either\n"},
				"step03-ice0": {"x.txt": "a step\n"},
			},
			want: []string{
				"final: step directory not listed in docs/steps.yaml",
				"step02-stun: step directory not listed in docs/steps.yaml",
				"step03-ice0: step directory not listed in docs/steps.yaml",
			},
		},
		{
			// Every violation is reported, not just the first.
			name: "many violations",
			manifest: `
steps:
  - dir: step01-signaling
  - dir: step02-stun
    adds: [stun]
    changes: [README]
  - dir: step03-ice
    changes: [sdp/sdp.go]
`,
			edit: func(f map[string]string) {
				f["main.go"] += "// oops\n"
				f["udp.go"] = "package main\n"
			},
			extra: map[string]map[string]string{
				"step03-ice": copyStep(step01, "step01-signaling", "step03-ice"),
			},
			want: []string{
				"step02-stun/README: listed in step02-stun's changes, but is identical to step01-signaling/README",
				"step02-stun/main.go: differs from step01-signaling/main.go, but is not in step02-stun's changes",
				"step02-stun/stun: listed in step02-stun's adds, but there is no new file there",
				"step02-stun/udp.go: new file, but step02-stun adds only [stun]",
				// step03-ice is a copy of step01, so against step02-stun it
				// undoes main.go and drops udp.go.
				"step03-ice/main.go: differs from step02-stun/main.go, but is not in step03-ice's changes",
				"step03-ice/sdp/sdp.go: listed in step03-ice's changes, but is identical to step02-stun/sdp/sdp.go",
				"step03-ice/udp.go: deleted (it exists in step02-stun), but is not in step03-ice's changes",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := step02()
			tt.edit(next)
			steps := map[string]map[string]string{
				"step01-signaling": step01,
				"step02-stun":      next,
			}
			for dir, files := range tt.extra {
				steps[dir] = files
			}
			got := check(t, writeRepo(t, tt.manifest, steps))
			if !slices.Equal(got, tt.want) {
				t.Errorf("violations:\n\t%s\nwant:\n\t%s",
					strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
			}
		})
	}
}

// An import of the previous step's module compares equal after
// normalisation, and it even builds, because go.work puts every step in one
// workspace; but the step would then run the previous step's code.
func TestCheckImportOfAnotherStep(t *testing.T) {
	next := step02()
	next["main.go"] = step01["main.go"] // the import was not rewritten
	got := check(t, writeRepo(t, twoSteps, map[string]map[string]string{
		"step01-signaling": step01,
		"step02-stun":      next,
	}))
	want := []string{
		"step02-stun/main.go: imports nutsandbolts/step01-signaling, the module of another step; use nutsandbolts/step02-stun",
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		manifest string
		wantErr  string // a substring of the error; "" means no error
	}{
		{"valid", "steps:\n  - dir: step01-signaling\n  - dir: step02-stun\n    adds: [stun]\n    changes: [main.go]\n  - dir: final\n", ""},
		{"empty", "", "no steps listed"},
		{"no steps", "steps: []\n", "no steps listed"},
		{"unknown field", "steps:\n  - dir: step01-signaling\n  - dir: step02-stun\n    change: [main.go]\n", "field change not found"},
		{"missing dir", "steps:\n  - adds: [x]\n", "step 1 has no dir"},
		{"bad name", "steps:\n  - dir: docs\n", "docs: not a step directory name"},
		{"twice", "steps:\n  - dir: step01-signaling\n  - dir: step01-signaling\n", "step01-signaling: listed twice"},
		{"first step adds", "steps:\n  - dir: step01-signaling\n    adds: [x]\n", "the first step has no step before it"},
		{"out of order", "steps:\n  - dir: step02-stun\n  - dir: step01-signaling\n", "step numbers must go up"},
		{"after final", "steps:\n  - dir: step01-signaling\n  - dir: final\n  - dir: step02-stun\n", "final, which must be the last step"},
		{"trailing slash", "steps:\n  - dir: step01-signaling\n  - dir: step02-stun\n    adds: [stun/]\n", `write it as "stun"`},
		{"dot slash", "steps:\n  - dir: step01-signaling\n  - dir: step02-stun\n    adds: [./stun]\n", `write it as "stun"`},
		{"absolute", "steps:\n  - dir: step01-signaling\n  - dir: step02-stun\n    adds: [/stun]\n", "relative"},
		{"outside", "steps:\n  - dir: step01-signaling\n  - dir: step02-stun\n    changes: [../step01-signaling/main.go]\n", "outside the step directory"},
		{"duplicate entry", "steps:\n  - dir: step01-signaling\n  - dir: step02-stun\n    adds: [stun, stun]\n", `adds entry "stun" listed twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.manifest))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("no error; want one containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("error %q; want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestIsStepDir(t *testing.T) {
	for name, want := range map[string]bool{
		"step01-signaling": true,
		"step07-jpeg":      true,
		"final":            true,
		"step1-x":          false,
		"step01-":          false,
		"step01":           false,
		"docs":             false,
		"finally":          false,
	} {
		if got := IsStepDir(name); got != want {
			t.Errorf("IsStepDir(%q) = %v, want %v", name, got, want)
		}
	}
}

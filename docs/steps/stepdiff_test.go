package steps

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The script under test, relative to this package's directory.
var stepdiffScript = filepath.Join("..", "stepdiff")

// needShell skips the test on machines without the tools docs/stepdiff
// uses; the Go check itself does not need them.
func needShell(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"bash", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found; docs/stepdiff needs it", tool)
		}
	}
}

// stepdiffRepo builds a made-up repository holding docs/stepdiff and three
// steps: step02-stun differs from step01-signaling in module paths only,
// and step03-ice changes main.go and adds a package, with tests and test
// data, and test data of its own.
func stepdiffRepo(t *testing.T) string {
	t.Helper()
	s2 := step02()
	s3 := copyStep(s2, "step02-stun", "step03-ice")
	s3["main.go"] += "// now with ICE\n"
	s3["ice/agent.go"] = "package ice\n\nimport _ \"nutsandbolts/step03-ice/sdp\"\n"
	s3["ice/agent_test.go"] = "package ice\n"
	s3["ice/testdata/check.bin"] = "\x00\x01"
	s3["testdata/top.txt"] = "data\n"
	root := writeRepo(t, `
steps:
  - dir: step01-signaling
  - dir: step02-stun      # a comment, which the script must ignore
  - dir: "step03-ice"
    adds: [ice, testdata]
    changes: [main.go]
`, map[string]map[string]string{
		"step01-signaling": step01,
		"step02-stun":      s2,
		"step03-ice":       s3,
	})
	installStepdiff(t, root)
	// The made-up repository must itself pass the check, or the test
	// would show the script working on steps nobody could write.
	if got := check(t, root); len(got) > 0 {
		t.Fatalf("made-up repository fails the check: %q", got)
	}
	return root
}

// installStepdiff copies docs/stepdiff into the made-up repository at root.
func installStepdiff(t *testing.T, root string) {
	t.Helper()
	script, err := os.ReadFile(stepdiffScript)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "docs", "stepdiff"), script, 0o755); err != nil {
		t.Fatal(err)
	}
}

// runStepdiff runs root/docs/stepdiff in directory dir and returns its
// output and exit status. Git is shielded from the user's configuration
// (a pager, colour=always, a diff tool) so the output is predictable; tmp
// is where the script makes its temporary directory.
func runStepdiff(t *testing.T, root, dir, tmp string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(root, "docs", "stepdiff"), args...)
	cmd.Dir = dir
	home := t.TempDir()
	cmd.Env = append(os.Environ(),
		"HOME="+home,
		"XDG_CONFIG_HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+filepath.Join(home, "gitconfig"),
		"GIT_PAGER=cat",
		"TMPDIR="+tmp,
	)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		status = exit.ExitCode()
	default:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), status
}

func TestStepdiff(t *testing.T) {
	needShell(t)
	root := stepdiffRepo(t)
	tmp := t.TempDir()

	t.Run("module path only", func(t *testing.T) {
		out, errOut, status := runStepdiff(t, root, root, tmp, "step02-stun")
		if status != 0 || out != "" {
			t.Errorf("status %d, output %q, stderr %q; want status 0 and no output", status, out, errOut)
		}
	})

	t.Run("real change", func(t *testing.T) {
		out, errOut, status := runStepdiff(t, root, root, tmp, "step03-ice")
		if status != 0 {
			t.Fatalf("status %d, stderr %q", status, errOut)
		}
		for _, want := range []string{
			"--- step02-stun/main.go",
			"+++ step03-ice/main.go",
			"+// now with ICE",
			"+++ step03-ice/ice/agent.go",
			`+import _ "nutsandbolts/step02-stun/sdp"`, // normalised like every other file
		} {
			if !strings.Contains(out, want) {
				t.Errorf("diff lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "go.mod") {
			t.Errorf("diff shows go.mod, whose module line is all that differs:\n%s", out)
		}
	})

	t.Run("stat", func(t *testing.T) {
		out, errOut, status := runStepdiff(t, root, root, tmp, "--stat", "step03-ice")
		if status != 0 {
			t.Fatalf("status %d, stderr %q", status, errOut)
		}
		for _, want := range []string{" ice/agent.go ", " main.go ", "5 files changed"} {
			if !strings.Contains(out, want) {
				t.Errorf("stat lacks %q:\n%s", want, out)
			}
		}
	})

	t.Run("two steps, from a subdirectory", func(t *testing.T) {
		// Paths as tab completion writes them work too.
		dir := filepath.Join(root, "step03-ice", "sdp")
		out, errOut, status := runStepdiff(t, root, dir, tmp, "--name-status", "--", "../../step01-signaling/", "../../step03-ice/")
		want := "M\tmain.go\nA\tice/agent.go\nA\tice/agent_test.go\nA\tice/testdata/check.bin\nA\ttestdata/top.txt\n"
		if status != 0 || !sameLines(out, want) {
			t.Errorf("status %d, output %q, stderr %q; want status 0 and %q", status, out, errOut, want)
		}
	})

	t.Run("no tests", func(t *testing.T) {
		// Options and step names in any order; tests and test data at any depth are left out.
		out, errOut, status := runStepdiff(t, root, root, tmp, "--name-status", "step01-signaling", "--no-tests", "step03-ice")
		want := "M\tmain.go\nA\tice/agent.go\n"
		if status != 0 || !sameLines(out, want) {
			t.Errorf("status %d, output %q, stderr %q; want status 0 and %q", status, out, errOut, want)
		}
		out, errOut, status = runStepdiff(t, root, root, tmp, "--no-tests", "--stat", "step03-ice")
		if status != 0 || !strings.Contains(out, "2 files changed") || strings.Contains(out, "test") {
			t.Errorf("status %d, stderr %q; want a stat of 2 files without tests:\n%s", status, errOut, out)
		}
	})

	t.Run("list", func(t *testing.T) {
		out, _, status := runStepdiff(t, root, root, tmp, "--list")
		if want := "step01-signaling\nstep02-stun\nstep03-ice\n"; status != 0 || out != want {
			t.Errorf("status %d, output %q; want 0 and %q", status, out, want)
		}
	})

	t.Run("help", func(t *testing.T) {
		out, _, status := runStepdiff(t, root, root, tmp, "--help")
		if status != 0 || !strings.Contains(out, "usage: docs/stepdiff [--no-tests]") {
			t.Errorf("status %d, output %q; want 0 and usage text", status, out)
		}
		// The examples name the steps of this repository, and no other.
		for _, want := range []string{"--no-tests", "docs/stepdiff step03-ice ", "docs/stepdiff step01-signaling step03-ice "} {
			if !strings.Contains(out, want) {
				t.Errorf("help lacks %q:\n%s", want, out)
			}
		}
		if steps := stepNames.FindAllString(out, -1); slices.ContainsFunc(steps, func(s string) bool {
			return s != "step01-signaling" && s != "step03-ice"
		}) {
			t.Errorf("help names steps %q, want only the first and last:\n%s", steps, out)
		}
	})

	for _, bad := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no arguments", nil, "usage: docs/stepdiff"},
		{"unknown step", []string{"step09-nope"}, "unknown step 'step09-nope'; the steps are: step01-signaling step02-stun step03-ice"},
		{"first step alone", []string{"step01-signaling"}, "step01-signaling is the first step"},
		{"too many steps", []string{"step01-signaling", "step02-stun", "step03-ice"}, "too many steps"},
		{"same step twice", []string{"step02-stun", "step02-stun"}, "OLD and NEW are both step02-stun"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			out, errOut, status := runStepdiff(t, root, root, tmp, bad.args...)
			if status == 0 || out != "" || !strings.Contains(errOut, bad.wantErr) {
				t.Errorf("status %d, output %q, stderr %q; want failure and a message containing %q",
					status, out, errOut, bad.wantErr)
			}
		})
	}

	// Every run removed its temporary directory.
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("docs/stepdiff left %d entries in its temporary directory, e.g. %s", len(left), left[0].Name())
	}
}

// stepNames matches what looks like a step's name, in help text or docs.
var stepNames = regexp.MustCompile(`\b(step[0-9][0-9]-[a-z0-9-]+|final)\b`)

// TestStepdiffHelpNamesStepsThatExist checks that the examples in the help
// text leave out a step that docs/steps.yaml lists before its directory
// exists: a reader would try it and get an error.
func TestStepdiffHelpNamesStepsThatExist(t *testing.T) {
	needShell(t)
	s2 := step02()
	root := writeRepo(t, `
steps:
  - dir: step01-signaling
  - dir: step02-stun
  - dir: step03-ice
  - dir: final
`, map[string]map[string]string{"step01-signaling": step01, "step02-stun": s2})
	installStepdiff(t, root)
	out, errOut, status := runStepdiff(t, root, root, t.TempDir(), "--help")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	if !strings.Contains(out, "docs/stepdiff step01-signaling step02-stun ") {
		t.Errorf("help does not compare the first and the last step that exists:\n%s", out)
	}
	if strings.Contains(out, "step03-ice") || strings.Contains(out, "final") {
		t.Errorf("help names a step that does not exist yet:\n%s", out)
	}

	// With one step, there is nothing to compare yet.
	root = writeRepo(t, "steps:\n  - dir: step01-signaling\n  - dir: step02-stun\n",
		map[string]map[string]string{"step01-signaling": step01})
	installStepdiff(t, root)
	out, _, status = runStepdiff(t, root, root, t.TempDir(), "--help")
	if status != 0 || strings.Contains(out, "step02-stun") || !strings.Contains(out, "--list") {
		t.Errorf("status %d, help with only the first step:\n%s", status, out)
	}
}

// TestDocsNameStepsThatExist checks every docs/stepdiff command written in
// the docs and the README, and every stepdiff block's marker: each step it
// names must be in docs/steps.yaml and have its directory, or the reader
// who runs it gets an error.
func TestDocsNameStepsThatExist(t *testing.T) {
	root := filepath.Join("..", "..")
	m, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	exists := make(map[string]bool)
	for _, s := range m.Steps {
		if info, err := os.Stat(filepath.Join(root, s.Dir)); err == nil && info.IsDir() {
			exists[s.Dir] = true
		}
	}
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(root, "README.md"))
	command := regexp.MustCompile(`(?:docs/stepdiff|<!-- stepdiff)((?: +[^ \x60#\n]+)*)`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			for _, c := range command.FindAllStringSubmatch(line, -1) {
				for _, arg := range strings.Fields(c[1]) {
					if stepNames.MatchString(arg) && !exists[strings.Trim(arg, "/.,;:()")] {
						t.Errorf("%s:%d: %q names %s, which is not a step in %s with a directory",
							f, i+1, strings.TrimSpace(c[0]), arg, ManifestPath)
					}
				}
			}
		}
	}
}

// sameLines reports whether a and b hold the same lines in any order; git
// sorts --name-status output by path, which this test need not depend on.
func sameLines(a, b string) bool {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// TestStepdiffReadsManifest checks the real docs/stepdiff against the real
// docs/steps.yaml: the script reads the step order line by line instead of
// parsing YAML, so it must agree with Load, and it must stay executable for
// readers to run it as docs/stepdiff.
func TestStepdiffReadsManifest(t *testing.T) {
	info, err := os.Stat(stepdiffScript)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode()&0o111 == 0 {
		t.Errorf("docs/stepdiff is not executable (mode %v); run chmod +x docs/stepdiff", info.Mode())
	}

	needShell(t)
	m, err := Load(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, s := range m.Steps {
		want = append(want, s.Dir)
	}
	out, err := exec.Command("bash", stepdiffScript, "--list").Output()
	if err != nil {
		t.Fatalf("docs/stepdiff --list: %v", err)
	}
	if got := strings.Fields(string(out)); !slices.Equal(got, want) {
		t.Errorf("docs/stepdiff --list = %q, but %s lists %q; keep each step as a `- dir: <name>` line",
			got, ManifestPath, want)
	}
}

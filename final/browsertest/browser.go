package browsertest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Browser is a browser process started by the test.
type Browser struct {
	Name    string    // "chromium" or "firefox"
	Started time.Time // when the process was started
	cmd     *exec.Cmd
	out     syncBuffer // its stdout and stderr
}

// Output returns what the browser printed so far (its console messages among them).
func (b *Browser) Output() string { return b.out.String() }

// Stop kills the browser and every process it started: it runs in a process
// group of its own, and the whole group is killed by its id. Stop is
// registered with t.Cleanup by the Start functions; calling it earlier is fine.
func (b *Browser) Stop() {
	if b.cmd.Process == nil || b.cmd.ProcessState != nil {
		return
	}
	syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
	b.cmd.Wait()
}

// start runs a browser binary with args in its own process group, dying with the test.
func start(t testing.TB, name, bin string, args []string, env []string) *Browser {
	t.Helper()
	b := &Browser{Name: name}
	b.cmd = exec.Command(bin, args...)
	b.cmd.Env = append(os.Environ(), env...)
	b.cmd.Stdout, b.cmd.Stderr = &b.out, &b.out
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	b.Started = time.Now()
	if err := b.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		b.Stop()
		if t.Failed() {
			t.Logf("%s output:\n%s", name, tail(b.Output(), 60))
		}
	})
	return b
}

// clip writes the fake camera's clip into dir: 640x480, 10 frames a second,
// 3 seconds, then the browser plays it again from the start.
func clip(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "camera.y4m")
	if err := WriteY4M(path, 640, 480, 30, 10); err != nil {
		t.Fatal(err)
	}
	return path
}

// find returns the first of the names found in PATH.
func find(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// syncBuffer is a bytes.Buffer safe for the process's writers and the test's readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := bytes.Split([]byte(s), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

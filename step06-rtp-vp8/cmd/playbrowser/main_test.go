package main

// The test builds this step's server, starts it on free loopback ports and
// plays one session against it, reading the server's log for what it must
// have seen.

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer collects output written by another goroutine or process.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor waits until b holds want, or fails the test after d.
func waitFor(t *testing.T, b *lockedBuffer, want string, d time.Duration) {
	t.Helper()
	end := time.Now().Add(d)
	for !strings.Contains(b.String(), want) {
		if time.Now().After(end) {
			t.Fatalf("no %q within %v in:\n%s", want, d, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freePort returns a port that was free a moment ago on 127.0.0.1.
func freePort(t *testing.T, network string) int {
	t.Helper()
	var addr net.Addr
	switch network {
	case "tcp":
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		addr = l.Addr()
	default:
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		addr = c.LocalAddr()
	}
	_, port, _ := net.SplitHostPort(addr.String())
	n, _ := strconv.Atoi(port)
	return n
}

// startServer builds the step's server (../..) and runs it on free ports.
// It returns the page's URL and the server's log.
func startServer(t *testing.T) (page string, log *lockedBuffer) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build the server with")
	}
	bin := filepath.Join(t.TempDir(), "server")
	if out, err := exec.Command(goTool, "build", "-o", bin, "../..").CombinedOutput(); err != nil {
		t.Fatalf("building the server: %v\n%s", err, out)
	}
	httpAddr := "127.0.0.1:" + strconv.Itoa(freePort(t, "tcp"))
	cmd := exec.Command(bin, "-http", httpAddr, "-udp", strconv.Itoa(freePort(t, "udp")))
	log = &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("server log:\n%s", log)
		}
	})
	// Not "listening": the UDP port's line says it too, before the page's
	// port is open, and a dial then is refused.
	waitFor(t, log, "waiting for a browser", 10*time.Second)
	return "http://" + httpAddr, log
}

// play starts the command against a server. stop interrupts it, as Ctrl-C
// would, and checks that it ended without an error.
func play(t *testing.T, opt options) (out *lockedBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	out = &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, opt, out) }()
	stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v\n%s", err, out)
		}
	}
	t.Cleanup(func() {
		cancel()
		if t.Failed() {
			t.Logf("playbrowser output:\n%s", out)
		}
	})
	return out, stop
}

func TestPlayBrowserICE(t *testing.T) {
	page, log := startServer(t)
	out, stop := play(t, options{page: page})
	waitFor(t, log, "browser nominated the pair: selected", 15*time.Second)
	stop()
	for _, want := range []string{
		"answer accepted",
		"connectivity check answered: pair valid",
		"browser candidate",
		"ice=connected",
		"session closed",
	} {
		waitFor(t, log, want, 2*time.Second)
	}
	for _, want := range []string{"Binding success response", "pair valid", "nominated: selected pair"} {
		waitFor(t, out, want, 0)
	}
}

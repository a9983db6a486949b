package fakebrowser

// This file is for tests, this package's and cmd/loadgen's: the real
// server, built from this module and run as a process (it is package main,
// so it cannot be called), on loopback ports of its own.

import (
	"bytes"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestServer is a server started by StartServer.
type TestServer struct {
	URL string // its page, http://127.0.0.1:<port>
	Out string // its output folder (-out), removed when the test ends
	Pid int    // its process id
}

// StartServer is for tests. It builds the server (nutsandbolts/final) and
// runs it until the test ends, on free loopback ports, with a fresh output
// folder, warnings only in its log (shown if the test fails), every
// keyframe saved (-max-jpegs 0) and no disk reserve; args come after
// those, so they can override them. It returns once the server answers
// HTTP. With -short it skips the test.
func StartServer(t testing.TB, args ...string) *TestServer {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	bin := filepath.Join(t.TempDir(), "final")
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	// The test runs in its package's folder, inside the module: go finds
	// the server from there.
	if out, err := exec.Command(goTool, "build", "-o", bin, "nutsandbolts/final").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := &TestServer{Out: t.TempDir()}
	httpAddr := "127.0.0.1:" + strconv.Itoa(freePort(t, "tcp"))
	s.URL = "http://" + httpAddr
	args = append([]string{"-http", httpAddr, "-udp", strconv.Itoa(freePort(t, "udp")),
		"-out", s.Out, "-log", "warn", "-max-jpegs", "0", "-keyframe-interval", "2s", "-disk-reserve", "0"}, args...)
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer // read only once the server has exited
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.Pid = cmd.Process.Pid
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("server log:\n%s", stderr.String())
		}
	})
	for deadline := time.Now().Add(10 * time.Second); ; {
		resp, err := http.Get(s.URL + "/")
		if err == nil {
			resp.Body.Close()
			return s
		}
		select {
		case <-exited:
			t.Fatalf("server exited: %s", stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not answering: %v", err)
		}
	}
}

// freePort returns a port that was free a moment ago on 127.0.0.1.
func freePort(t testing.TB, network string) int {
	t.Helper()
	if network == "udp" {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestPlayBrowserDTLS runs OpenSSL through the relay, as the printed
// command does, and reads the server's log for a completed handshake with
// the certificate of the answer.
func TestPlayBrowserDTLS(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl not installed (required when CI=true)")
		}
		t.Skip("openssl not installed")
	}
	page, log := startServer(t)
	dir := t.TempDir()
	opt := options{
		page:     page,
		relay:    "127.0.0.1:" + strconv.Itoa(freePort(t, "udp")),
		certFile: filepath.Join(dir, "cert.pem"),
		keyFile:  filepath.Join(dir, "key.pem"),
	}
	out, stop := play(t, opt)
	waitFor(t, out, "openssl s_client", 15*time.Second)

	cmd := exec.Command(openssl, opensslArgs(opt.relay, opt.certFile, opt.keyFile)...)
	stdin, err := cmd.StdinPipe() // held open: s_client quits at EOF
	if err != nil {
		t.Fatal(err)
	}
	sslOut := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = sslOut, sslOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("openssl output:\n%s", sslOut)
		}
	}()

	waitFor(t, log, "handshake complete", 10*time.Second)
	for _, want := range []string{"browser certificate matches the fingerprint in its answer", "connection=connected"} {
		waitFor(t, log, want, 2*time.Second)
	}
	waitFor(t, sslOut, "SRTP Extension negotiated", 2*time.Second)
	for _, want := range []string{"HelloVerifyRequest", "ServerHelloDone", "connection=connected"} {
		waitFor(t, out, want, 0)
	}
	stop()
}

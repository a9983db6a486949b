package dtls

// Interop with an independent implementation: OpenSSL's DTLS 1.2 client
// (`openssl s_client -dtls1_2`) against this server over loopback UDP. The
// test's own loop owns the socket and the clock and drives the Conn, as
// the real program's UDP loop does.

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer collects a subprocess's output safely.
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

func requireOpenSSL(t *testing.T) string {
	path, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl not installed (required when CI=true)")
		}
		t.Skip("openssl not installed")
	}
	return path
}

func TestOpenSSLInterop(t *testing.T) {
	openssl := requireOpenSSL(t)
	for _, tc := range []struct {
		suite  uint16
		cipher string
		group  string
		curve  CurveID
		mtu    string // openssl's -mtu
		ourMTU int    // Config.MTU
	}{
		{TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256", "X25519:P-256", CurveX25519, "400", 0},
		{TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256", "P-256", CurveP256, "400", 0},
		{TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384", "X25519:P-256", CurveX25519, "400", 0},
		{TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384", "P-256", CurveP256, "1400", 0},
		// Small MTUs on both sides: every long message is fragmented.
		{TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256", "X25519:P-256", CurveX25519, "256", 256},
	} {
		t.Run(tc.cipher+"/"+tc.group+"/mtu"+tc.mtu, func(t *testing.T) {
			runOpenSSL(t, openssl, tc.suite, tc.cipher, tc.group, tc.curve, tc.mtu, tc.ourMTU)
		})
	}
}

func runOpenSSL(t *testing.T, openssl string, suite uint16, cipher, group string, curve CurveID, mtu string, ourMTU int) {
	dir := t.TempDir()
	der, key, err := NewCertificate(randReader{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)

	sock, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()

	cmd := exec.Command(openssl, "s_client", "-dtls1_2", "-connect", sock.LocalAddr().String(),
		"-cert", certFile, "-key", keyFile,
		"-use_srtp", "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80",
		"-mtu", mtu, "-cipher", cipher, "-groups", group,
		"-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
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
			t.Logf("openssl output:\n%s", out.String())
		}
	}()

	cfg := &Config{
		Certificate:  [][]byte{der}, // reuse the client's: any ECDSA P-256 certificate will do
		PrivateKey:   key,
		SRTPProfiles: []SRTPProtectionProfile{SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80},
		VerifyPeerCertificate: func(raw [][]byte) error {
			if !bytes.Equal(raw[0], der) {
				return fmt.Errorf("unexpected client certificate")
			}
			return nil
		},
		MTU:    ourMTU,
		Logger: newTextLogger(testWriter{t}),
	}
	conn := Server(cfg)
	flush := func() {
		for tx, ok := conn.PollTransmit(); ok; tx, ok = conn.PollTransmit() {
			sock.WriteToUDPAddrPort(tx.Data, tx.To)
		}
	}
	buf := make([]byte, 2048)
	deadline := time.Now().Add(15 * time.Second)
	var established, sentData, gotData, closed bool
	for time.Now().Before(deadline) && !closed {
		wait := time.Now().Add(50 * time.Millisecond)
		if dl, ok := conn.PollTimeout(); ok && dl.Before(wait) {
			wait = dl
		}
		sock.SetReadDeadline(wait)
		n, from, err := sock.ReadFromUDPAddrPort(buf)
		now := time.Now()
		if err == nil {
			from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
			if herr := conn.Handle(now, from, buf[:n]); herr != nil {
				t.Logf("handle: %v", herr)
			}
		} else {
			conn.HandleTimeout(now)
		}
		flush()
		for e, ok := conn.PollEvent(); ok; e, ok = conn.PollEvent() {
			switch e := e.(type) {
			case HandshakeComplete:
				established = true
				st := e.State
				if st.CipherSuite != suite || st.Curve != curve || st.SRTPProfile != SRTP_AEAD_AES_128_GCM {
					t.Errorf("state %+v", st)
				}
			case ApplicationData:
				if strings.Contains(string(e.Data), "hello from openssl") {
					gotData = true
					stdin.Close() // s_client sends close_notify on EOF
				}
			case Closed:
				if e.Err != nil {
					t.Errorf("closed: %v", e.Err)
				}
				closed = true
			}
		}
		if established && !sentData && strings.Contains(out.String(), "Keying material") {
			sentData = true
			if err := conn.Write([]byte("hello from go\n")); err != nil {
				t.Fatal(err)
			}
			flush()
			stdin.Write([]byte("hello from openssl\n"))
		}
	}
	if !established || !gotData || !closed {
		t.Fatalf("established=%v gotData=%v closed=%v", established, gotData, closed)
	}
	time.Sleep(100 * time.Millisecond) // let s_client flush
	text := out.String()
	for _, want := range []string{"SRTP Extension negotiated, profile=SRTP_AEAD_AES_128_GCM", "hello from go",
		"Extended master secret: yes", "Protocol  : DTLSv1.2", "Cipher    : " + cipher} {
		if !strings.Contains(text, want) {
			t.Errorf("openssl output lacks %q", want)
		}
	}
	m := regexp.MustCompile(`Keying material: ([0-9A-Fa-f]+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("no keying material in openssl output")
	}
	want, _ := hex.DecodeString(m[1])
	got, err := conn.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, 60)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("exporter %x, openssl %x (%v)", got, want, err)
	}
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

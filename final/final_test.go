package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"nutsandbolts/final/browsertest"
	"nutsandbolts/final/config"
	"nutsandbolts/final/logging"
)

// startLocal starts the program on loopback with free ports, as a test
// that needs no browser can: it returns the program and its log.
func startLocal(t *testing.T, change ...func(*config.Config)) (*program, *browsertest.Log) {
	t.Helper()
	logs := &browsertest.Log{}
	cfg := config.Default()
	cfg.HTTP, cfg.UDP, cfg.Out = "127.0.0.1:0", 0, t.TempDir()
	for _, f := range change {
		f(cfg)
	}
	p, err := start(cfg, slog.New(logging.New(logs, slog.LevelInfo, false)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.close)
	return p, logs
}

// TestHTTPS: -https serves the page over TLS with a certificate made at
// start for this machine's names and addresses, which a client that trusts
// it verifies for 127.0.0.1 (as a phone would for the LAN address).
func TestHTTPS(t *testing.T) {
	p, logs := startLocal(t, func(c *config.Config) { c.HTTPS = true })
	addr := p.http.Addr().String()
	conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	leaf := conn.ConnectionState().PeerCertificates[0]
	conn.Close()
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + addr + "/")
	if err != nil {
		t.Fatalf("the certificate does not verify for %s: %v", addr, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<html") {
		t.Errorf("GET / over https: %d %.80q", resp.StatusCode, body)
	}
	if !strings.Contains(logs.String(), "serving the page over https") || !strings.Contains(logs.String(), "https://127.0.0.1:") {
		t.Errorf("the log does not say where the page is:\n%s", logs.String())
	}
	for _, name := range []string{"localhost"} {
		if leaf.VerifyHostname(name) != nil {
			t.Errorf("the certificate is not valid for %s: %v", name, leaf.DNSNames)
		}
	}
}

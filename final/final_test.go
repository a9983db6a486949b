package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"nutsandbolts/final/browsertest"
	"nutsandbolts/final/config"
	"nutsandbolts/final/fakebrowser"
	"nutsandbolts/final/logging"
)

// startLocal starts the program on loopback with free ports, as a test
// that needs no browser can: it returns the program and its log.
func startLocal(t *testing.T, change ...func(*config.Config)) (*program, *browsertest.Log) {
	t.Helper()
	logs := &browsertest.Log{}
	return startLogging(t, logs, change...), logs
}

// startLogging is startLocal with the log written to w.
func startLogging(t *testing.T, w io.Writer, change ...func(*config.Config)) *program {
	t.Helper()
	cfg := config.Default()
	cfg.HTTP, cfg.UDP, cfg.Out = "127.0.0.1:0", 0, t.TempDir()
	for _, f := range change {
		f(cfg)
	}
	p, err := start(cfg, slog.New(logging.New(w, slog.LevelInfo, false)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.close)
	return p
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

// TestHealthzAndMetrics: /healthz answers while the loop does, /metrics is
// the Prometheus text format with the server's counters, and a datagram of
// junk shows up in it under its reason.
func TestHealthzAndMetrics(t *testing.T) {
	p, _ := startLocal(t)
	base := "http://" + p.http.Addr().String()
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Status   string `json:"status"`
		Sessions int    `json:"sessions"`
	}
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if resp.StatusCode != 200 || h.Status != "ok" {
		t.Errorf("/healthz: %d %+v", resp.StatusCode, h)
	}
	udp, err := net.Dial("udp", p.media.udp.conn.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	udp.Write([]byte{0xff, 1, 2, 3})
	udp.Close()
	want := `webrtc_udp_datagrams_dropped_total{reason="none of STUN, DTLS, RTP (RFC 7983)"} `
	var text string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
			t.Fatalf("Content-Type %q", ct)
		}
		if text = string(b); strings.Contains(text, want) {
			break
		}
	}
	for _, name := range []string{want, "webrtc_sessions 0", "webrtc_udp_datagrams_received_total ", "process_cpu_seconds_total ",
		"go_goroutines ", "webrtc_vp8_decode_seconds_bucket{le=\"+Inf\"} ", "webrtc_output_bytes_total 0"} {
		if !strings.Contains(text, "\n"+name) {
			t.Errorf("/metrics lacks %q:\n%s", name, text)
		}
	}
	// Another Host is refused, as for the page (DNS rebinding).
	req, _ := http.NewRequest("GET", base+"/metrics", nil)
	req.Host = "evil.example"
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("/metrics for another Host: %v %v", resp.StatusCode, err)
	}
}

// TestShutdown: closing the program while a browser sends video tells the
// page (a fatal error and close code 1001, so it comes back later), ends
// the DTLS association with a close_notify, finishes the IVF file and the
// JPEGs in flight, and takes well under shutdownWait.
func TestShutdown(t *testing.T) {
	capture := filepath.Join(t.TempDir(), "s.pcap")
	p, logs := startLocal(t, func(c *config.Config) { c.PCAP = capture })
	clip, err := os.Open("cmd/loadgen/testdata/clip.ivf")
	if err != nil {
		t.Fatal(err)
	}
	c, err := fakebrowser.LoadClip(clip)
	clip.Close()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *fakebrowser.Result)
	go func() {
		done <- fakebrowser.Run(context.Background(), fakebrowser.Config{URL: "http://" + p.http.Addr().String(), Clip: c, SkipVerify: true})
	}()
	logs.Wait(t, 20*time.Second, "the first JPEG", browsertest.Is("jpeg", "keyframe decoded and saved"))
	start := time.Now()
	p.close()
	took := time.Since(start)
	r := <-done
	log := logs.String()
	t.Logf("shutdown took %v; the browser saw close code %d, errors %q (%+v)", took.Round(time.Millisecond), r.CloseCode, r.Errors, *r)
	if r.CloseCode != 1001 || !slices.Contains(r.Errors, "server shutting down") {
		t.Errorf("the page was not told: close code %d, errors %q", r.CloseCode, r.Errors)
	}
	if took > shutdownWait {
		t.Errorf("shutdown took %v", took)
	}
	// The capture has the session's packets, though this browser nominated
	// its pair before its answer reached the server (the address the
	// capture writes for the server is found from the first packet then).
	if st, err := os.Stat(capture); err != nil || st.Size() < 24+16+28+100 {
		t.Errorf("the capture holds no packet: %v", err)
	}
	if strings.Contains(log, "capture dropped packets") {
		t.Errorf("the capture dropped packets:\n%s", log)
	}
	for _, want := range []string{"closed by close_notify", "video saved: play it with ffplay or vpxdec", "stopped"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
}

// TestVanishingBrowser: a browser that goes silent without closing
// anything (a phone that lost its network) is found out by the server on
// its own: after the offer by answer_timeout, after the media started by
// ICE consent (RFC 7675, shortened here from 30 s). Its session and all
// it held are freed; what was saved stays.
func TestVanishingBrowser(t *testing.T) {
	consentTimeout = 2 * time.Second
	t.Cleanup(func() { consentTimeout = 0 })
	p, logs := startLocal(t, func(c *config.Config) { c.Signaling.AnswerTimeout = time.Second })
	clip, err := os.Open("cmd/loadgen/testdata/clip.ivf")
	if err != nil {
		t.Fatal(err)
	}
	c, err := fakebrowser.LoadClip(clip)
	clip.Close()
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + p.http.Addr().String()
	var wg sync.WaitGroup
	for _, stop := range []fakebrowser.Phase{fakebrowser.PhaseOffer, fakebrowser.PhaseShot} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fakebrowser.Run(context.Background(), fakebrowser.Config{URL: url, Clip: c, StopAfter: stop, Vanish: 4 * time.Second, SkipVerify: true})
		}()
	}
	start := time.Now()
	logs.Wait(t, 10*time.Second, "the answer timeout", browsertest.Is("ws", "session closed"))
	logs.Wait(t, 10*time.Second, "consent to expire", browsertest.Is("ice", "consent expired: no checks from the browser"))
	if n := p.signaling.Wait(time.Now().Add(5 * time.Second)); n != 0 {
		t.Errorf("%d sessions still open", n)
	}
	t.Logf("both vanished sessions ended after %v", time.Since(start).Round(time.Millisecond))
	var peers int
	p.media.udp.do(func() { peers = len(p.media.udp.peers) + len(p.media.udp.sessions) })
	if peers != 0 {
		t.Errorf("the loop still holds %d peers and sessions", peers)
	}
	if jpegs, _ := filepath.Glob(filepath.Join(p.media.udp.shots.dir, "shoot*.jpg")); len(jpegs) == 0 {
		t.Error("the JPEG saved before the browser vanished is gone")
	}
	wg.Wait()
}

package main

import (
	"context"
	"flag"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"nutsandbolts/final/browsertest"
	"nutsandbolts/final/config"
	"nutsandbolts/final/logging"
)

var pageShot = flag.String("screenshot", "", "write TestChromiumPage's screenshot of the live page to this PNG file (e.g. ../docs/img/final-page.png)")

// TestChromiumPage drives the real page in Chromium through the DevTools
// protocol, against the real server: the timeline reaches every layer, the
// stats move, a snapshot comes back, and the page survives garbage on the
// UDP port and the WebSocket during the session and a server restart,
// after which it reconnects by itself and goes live again.
func TestChromiumPage(t *testing.T) {
	if !browsertest.InPrivateNetwork(t) {
		return
	}
	out := t.TempDir()
	logs := &browsertest.Log{}
	cfg := config.Default()
	cfg.Out = out
	run := func() *program {
		p, err := start(cfg, slog.New(logging.New(logs, slog.LevelInfo, false)))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := run()
	defer func() { p.close() }()
	b := browsertest.StartChromiumDevTools(t, "http://127.0.0.1:8080/?autostart=1")
	dt := b.DevTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	wait := func(what, expr string) {
		t.Helper()
		start := time.Now()
		if err := dt.WaitFor(ctx, expr); err != nil {
			t.Fatalf("waiting for %s: %v\nserver log:\n%s", what, err, logs.String())
		}
		t.Logf("page: %s after %v", what, time.Since(start).Round(time.Millisecond))
	}
	wait("every layer of the timeline", `[...document.querySelectorAll('#timeline [data-milestone]')].length >= 8 &&
		[...document.querySelectorAll('#timeline [data-milestone]')].every(e => e.dataset.reached === 'true')`)
	wait("a JPEG in the gallery", `document.querySelectorAll('#gallery img').length >= 1`)
	wait("frames in the stats", `parseInt(document.querySelector('[data-stat="frames"]')?.textContent || '0') > 0`)

	// Garbage during the live session: datagrams of every kind from
	// another socket, and a WebSocket that sends nonsense.
	udp, err := net.Dial("udp", "127.0.0.1:15000")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		udp.Write([]byte{byte(i), 0xff, 0x00, byte(i * 7), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	}
	udp.Close()
	ws, _, err := websocket.DefaultDialer.Dial("ws://127.0.0.1:8080/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"{", `{"type":"answer","sdp":"v=0"}`, `{"type":42}`, "\x00\xff", `{"type":"snapshot"}`, `{"type":"candidate","candidate":"candidate:x"}`} {
		ws.WriteMessage(websocket.TextMessage, []byte(m))
	}
	ws.Close()

	// The snapshot button still works: a keyframe asked for, saved, shown.
	var n int
	dt.Eval(ctx, `document.querySelectorAll('#gallery img').length`, &n)
	if err := dt.Eval(ctx, `document.getElementById('snapshot').click(), true`, nil); err != nil {
		t.Fatal(err)
	}
	wait("the snapshot", `document.getElementById('shot').dataset.snapshot === 'true'`)
	if *pageShot != "" {
		dt.SetViewport(ctx, 1280, 900, 1, false)
		time.Sleep(1500 * time.Millisecond) // a fresh second of stats
		png, err := dt.FullPageScreenshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*pageShot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// A restart: the page is told (1001), reconnects by itself once the
	// server is back, and goes live with a new session.
	p.close()
	wait("the page to notice the server is gone", `document.getElementById('banner').dataset.state === 'reconnecting'`)
	p = run()
	wait("the page to be live again", `document.getElementById('banner').dataset.state === 'live' &&
		[...document.querySelectorAll('#timeline [data-milestone]')].every(e => e.dataset.reached === 'true')`)
	var shots int
	dt.Eval(ctx, `document.querySelectorAll('#gallery img').length`, &shots)
	if shots <= n {
		t.Errorf("the gallery has %d JPEGs after the restart, %d before: the page lost them or got none", shots, n)
	}
	log := logs.String()
	for _, want := range []string{"bad message from browser", "dropped datagram"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not show the garbage being handled (%q)", want)
		}
	}
	noFailures(t, log)
}

// TestChromiumHTTPS: with -https the page, its WebSocket (wss://) and the
// JPEGs come over TLS with the certificate made at start, as a phone on
// the LAN gets them; Chromium is told to accept the self-signed
// certificate, as the user does once.
func TestChromiumHTTPS(t *testing.T) {
	if !browsertest.InPrivateNetwork(t) {
		return
	}
	out := t.TempDir()
	logs := runServer(t, func(c *config.Config) { c.Out, c.HTTPS = out, true })
	browsertest.StartChromiumWith(t, "https://127.0.0.1:8080/?autostart=1", "--ignore-certificate-errors")
	opened := logs.Wait(t, 30*time.Second, "the page to open the WebSocket over TLS", browsertest.Is("ws", "session opened"))
	if origin := attr(opened, "origin"); origin != "https://127.0.0.1:8080" {
		t.Errorf("the page's origin is %q, want https://127.0.0.1:8080", origin)
	}
	jpg := logs.Wait(t, 30*time.Second, "the first JPEG", browsertest.Is("jpeg", "keyframe decoded and saved"))
	t.Logf("over https: shoot1.jpg %s after the page opened its WebSocket", since(opened, jpg))
	checkJPEG(t, out, 1, true)
}

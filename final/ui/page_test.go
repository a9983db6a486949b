package ui

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"nutsandbolts/final/browsertest"
	"nutsandbolts/final/sdp"
)

// Screenshots of the page in the state TestPage leaves it in (all its
// layers reached, figures, a snapshot, a gallery). Without a flag they go
// into the test's temporary folder, which is deleted. go test runs the test
// in this folder (final/ui): a relative path is relative to it, e.g.
//
//	go test ./ui -run TestPage -screenshot ../../docs/img/final-page.png
var (
	shotLight = flag.String("screenshot", "", "write TestPage's screenshot of the page (1280 CSS pixels wide, light) to this PNG file")
	shotDark  = flag.String("screenshot-dark", "", "write the same in dark mode to this PNG file")
	shotPhone = flag.String("screenshot-phone", "", "write the same on a phone-sized screen (390 CSS pixels wide, 2× pixels) to this PNG file")
)

// TestPage loads the embedded page in headless Chromium against a fake
// server that plays a script of signaling messages, and reads the page
// over the DevTools protocol: the timeline, the figures and the gallery
// follow the messages; a snapshot comes back into the big frame; the page
// reconnects after close codes 1001 and 1013, with a new
// RTCPeerConnection and the same camera, and not after 1008; a failed
// connection and each camera error are explained. The page is unchanged
// for the test: the fake server speaks the real protocol, the browser's
// fake camera is the real camera API, and the failures are made by
// replacing browser APIs before the page's scripts run.
func TestPage(t *testing.T) {
	if !browsertest.InPrivateNetwork(t) {
		return
	}
	f := newFakeServer(t)
	b := browsertest.StartChromiumDevTools(t, f.url("/?autostart=1"))
	d := b.DevTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p := &page{t: t, d: d, ctx: ctx}
	if err := d.SetViewport(ctx, 1280, 900, 1, false); err != nil {
		t.Fatal(err)
	}

	// Session 1: every layer is reached, video flows, JPEGs are written.
	c1 := f.accept(t, 30*time.Second)
	a1 := c1.handshake(t)
	p.wait("the answer on the timeline", `q('[data-milestone="answer"]').dataset.reached === "true"`)
	p.is(`q('[data-milestone="ice"]').dataset.reached`, "false")
	p.is(`q('[data-milestone="ice"]').dataset.current`, "true")
	p.is("$('banner').dataset.state", "connecting")
	p.is("$('snapshot').disabled", true)

	c1.milestone("ice", 180, "127.0.0.1:54321 ↔ 127.0.0.1:15000")
	c1.milestone("dtls", 214, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, SRTP_AEAD_AES_128_GCM")
	c1.milestone("rtp", 236, "VP8 ssrc 0x1234abcd")
	c1.send(media{Width: 640, Height: 480, Frames: 12, Keyframes: 1, Bytes: 80000, Bitrate: 640000, FPS: 12, Packets: 90, PLIs: 1})
	c1.milestone("keyframe", 402, "640×480")
	c1.shot(1, false)
	c1.milestone("jpeg", 451, "shoot1.jpg")
	for n := 2; n <= 4; n++ {
		c1.shot(n, false)
	}
	final := media{Width: 640, Height: 480, Frames: 1234, Keyframes: 6, Bytes: 5123456, Bitrate: 1204000, FPS: 30,
		Packets: 4321, Lost: 3, Recovered: 12, NACKs: 15, PLIs: 2, FIRs: 0, JPEGs: 4, Skipped: 1}
	c1.send(final)

	p.wait("every layer reached", `[...document.querySelectorAll('#timeline li')].every((li) => li.dataset.reached === "true")`)
	p.is(`[...document.querySelectorAll('#timeline li')].map((li) => li.dataset.milestone).join()`, "websocket,offer,answer,ice,dtls,rtp,keyframe,jpeg")
	p.is(`q('[data-milestone="websocket"] .at').textContent`, "0 ms")
	p.is(`q('[data-milestone="jpeg"] .at').textContent`, "451 ms")
	p.is(`q('[data-milestone="dtls"] .detail').textContent`, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256SRTP_AEAD_AES_128_GCM")
	p.is(`document.querySelectorAll('[data-milestone="dtls"] .chip').length`, 2)
	p.is(`q('[data-milestone="ice"] .detail').textContent`, "127.0.0.1:54321 ↔ 127.0.0.1:15000")
	p.is(`document.querySelectorAll('#timeline [data-current]').length`, 0)
	p.wait("the last figures", `q('[data-stat="fps"]').textContent === "30 fps"`)
	for stat, want := range map[string]string{
		"resolution": "640×480", "frames": "1,234", "keyframes": "6", "bitrate": "1.20 Mb/s", "bytes": "4.89 MiB",
		"packets": "4,321", "lost": "3", "recovered": "12", "nacks": "15", "plis": "2", "firs": "0", "jpegs": "4", "skipped": "1",
	} {
		p.is(fmt.Sprintf(`q('[data-stat=%q]').textContent`, stat), want)
	}
	p.is(`q('[data-stat="lost"]').closest('.tile').dataset.warn`, "true")
	p.is(`$('spark').querySelector('polyline').getAttribute('points').split(' ').length`, 2)
	p.is("$('banner').dataset.state", "live")
	p.is("$('snapshot').disabled", false)
	p.is("$('keyframe').disabled", false)
	p.wait("four thumbnails", `document.querySelectorAll('#gallery img').length === 4`)
	p.is(`[...document.querySelectorAll('#gallery img')].map((i) => new URL(i.src).pathname).join()`,
		"/shots/shoot4.jpg,/shots/shoot3.jpg,/shots/shoot2.jpg,/shots/shoot1.jpg")
	p.is(`new URL(q('#gallery a').href).pathname`, "/shots/shoot4.jpg")
	// 42291 bytes (see shot), then the time.
	p.is(`q('#gallery .meta').textContent.startsWith("41.3 KiB · ")`, true)
	// No snapshot yet: the latest JPEG is in the frame.
	p.is("$('shot').dataset.name", "shoot4.jpg")
	p.is("$('shot').dataset.snapshot", "false")

	// A snapshot: asked for by the button, it comes back into the frame.
	p.eval("$('snapshot').click()", nil)
	c1.expect(t, "snapshot")
	p.is("$('snapshot').disabled", true) // until the JPEG comes
	c1.shot(5, true)
	p.wait("the snapshot in the frame", `$('shot').dataset.name === "shoot5.jpg" && $('shot').dataset.snapshot === "true"`)
	p.is(`q('#gallery li').dataset.snapshot`, "true")
	p.is(`q('#gallery li .tag').textContent`, "snapshot")
	p.is("$('snapshot').disabled", false)
	p.is("$('shot-h').textContent", "Snapshot")
	// A later automatic JPEG goes to the gallery, not over the snapshot.
	c1.shot(6, false)
	p.wait("six thumbnails", `document.querySelectorAll('#gallery img').length === 6`)
	p.is("$('shot').dataset.name", "shoot5.jpg")
	// An error that does not end the session is shown, and the session goes on.
	c1.send(map[string]any{"type": "error", "message": "keyframe requests: at most one every 1s", "fatal": false})
	p.wait("the notice", `!$('notice').hidden && $('notice').textContent.includes("at most one every 1s")`)
	p.is("$('banner').dataset.state", "live")
	c1.send(map[string]any{"type": "event", "layer": "rtcp", "text": "receiver report sent"})
	p.wait("the server's narration in the log", `[...document.querySelectorAll('#events li')].some((li) => li.querySelector('.layer').textContent === "rtcp" && li.textContent.includes("receiver report sent"))`)
	p.is("$('ws-state').dataset.state", "open")
	p.is("$('offer').textContent.startsWith('v=0')", true)
	p.is("$('answer').textContent.includes('a=sendonly')", true)

	final.JPEGs = 6
	p.screenshots(func() { c1.send(final) }) // figures a second old, as when live
	// The gallery keeps the newest 50 in the page, and counts them all.
	for n := 7; n <= 56; n++ {
		c1.shot(n, false)
	}
	p.wait("the gallery to count 56", `$('gallery-count').textContent === "56 files, the newest 50 shown"`)
	p.is(`document.querySelectorAll('#gallery li').length`, 50)
	p.is(`q('#gallery li').dataset.name`, "shoot56.jpg")
	p.is(`q('#gallery li:last-child').dataset.name`, "shoot7.jpg")

	var track string
	p.eval("$('preview').srcObject.getVideoTracks()[0].id", &track)

	// The server restarts (1001): a new session after 1 s, with a new
	// RTCPeerConnection (new ICE credentials) and the same camera track.
	c1.closeWith(1001, "server restarting")
	p.wait("the banner to say it reconnects", `$('banner').dataset.state === "reconnecting"`)
	p.is("$('banner').dataset.retryMs", "1000")
	p.is("$('banner-title').textContent", "The server is restarting.")
	p.is("$('snapshot').disabled", true)
	c2 := f.accept(t, 5*time.Second)
	a2 := c2.handshake(t)
	if a2.Ufrag == a1.Ufrag {
		t.Errorf("second answer has the first one's ufrag %q: not a new RTCPeerConnection", a1.Ufrag)
	}
	p.is("$('preview').srcObject.getVideoTracks()[0].id", track)
	p.is("$('preview').srcObject.getVideoTracks()[0].readyState", "live")
	p.wait("a fresh timeline", `q('[data-milestone="answer"]').dataset.reached === "true"`)
	p.is(`q('[data-milestone="ice"]').dataset.reached`, "false")
	p.is(`document.querySelectorAll('#gallery img').length`, 50) // the files are still there
	p.is(`q('[data-stat="fps"]').textContent`, "–")

	// The server is full (1013): a longer wait, which "Reconnect now" cuts short.
	c2.send(map[string]any{"type": "error", "message": "server full: too many sessions, try again later", "fatal": true})
	c2.closeWith(1013, "try again later")
	p.wait("the banner to say it waits", `$('banner').dataset.state === "reconnecting"`)
	p.is("Number($('banner').dataset.retryMs) >= 10000", true)
	p.is("$('banner-detail').textContent.includes('server full: too many sessions')", true)
	p.is("$('retry').hidden", false)
	f.noConn(t, 1500*time.Millisecond)
	p.eval("$('retry').click()", nil)
	c3 := f.accept(t, 5*time.Second)

	// A policy violation (1008): the page does not come back by itself.
	// (The session goes live first, so that a wrong reconnection would
	// come after 1 s.)
	c3.handshake(t)
	c3.milestone("rtp", 236, "VP8 ssrc 0x1234abcd")
	p.wait("the banner to say live", `$('banner').dataset.state === "live"`)
	c3.send(map[string]any{"type": "error", "message": "5 bad messages: closing the session", "fatal": true})
	c3.closeWith(1008, "too many bad messages")
	p.wait("the banner to show the error", `$('banner').dataset.state === "error"`)
	p.is("$('banner-detail').textContent.includes('5 bad messages: closing the session')", true)
	p.is("$('start').disabled", false)
	p.is("$('stop').disabled", true)
	p.is("$('preview').srcObject", nil) // the camera is off
	f.noConn(t, 1500*time.Millisecond)

	// The connection fails (no ICE pair, or no DTLS): the page says UDP may
	// be blocked and reconnects. Chromium cannot be made to fail ICE in a
	// second, so the test makes connectionState say "failed".
	id, err := d.AddScript(ctx, failingPeerConnection)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Navigate(ctx, f.url("/?autostart=1&case=failed")); err != nil {
		t.Fatal(err)
	}
	c4 := f.accept(t, 10*time.Second)
	c4.handshake(t)
	p.eval("window.failConnection()", nil)
	p.wait("the banner to explain the failure", `$('banner').dataset.state === "reconnecting" && $('banner-detail').textContent.includes("firewall")`)
	c4.expectClose(t, websocket.CloseNormalClosure)
	c5 := f.accept(t, 5*time.Second)
	c5.handshake(t)
	if err := d.RemoveScript(ctx, id); err != nil {
		t.Fatal(err)
	}

	// The camera: missing API (http from a LAN address), refused, absent, busy.
	for i, c := range []struct{ name, script, title, detail string }{
		{"insecure", `Object.defineProperty(Navigator.prototype, "mediaDevices", {get() {}, configurable: true});
			Object.defineProperty(window, "isSecureContext", {value: false});`,
			"The camera needs https or localhost.", "start the server with -https and open the https:// address"},
		{"refused", rejectCamera("NotAllowedError"), "Camera access was refused.", "Allow the camera"},
		{"absent", rejectCamera("NotFoundError"), "No camera found.", "Connect a camera"},
		{"busy", rejectCamera("NotReadableError"), "The camera is busy.", "Another application"},
	} {
		id, err := d.AddScript(ctx, c.script)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Navigate(ctx, f.url("/?autostart=1&case="+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
		p.wait(c.name+": the banner", `$('banner').dataset.state === "error"`)
		p.is("$('banner-title').textContent", c.title)
		p.is(fmt.Sprintf("$('banner-detail').textContent.toLowerCase().includes(%q)", strings.ToLower(c.detail)), true)
		p.is("$('start').disabled", false)
		if err := d.RemoveScript(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	f.noConn(t, 0) // no camera, no session
	if c := d.Console(); len(c) > 0 {
		for _, line := range c {
			if strings.HasPrefix(line, "uncaught") {
				t.Errorf("page: %s", line)
			}
		}
	}
}

// TestPageFirefox runs the page in Firefox, which has no DevTools protocol
// any more: what the page sends shows that its modules load and run there,
// that it answers, and that it reconnects after a 1001 with a new
// RTCPeerConnection, and not after a 1008.
func TestPageFirefox(t *testing.T) {
	if !browsertest.HaveFirefox() {
		t.Skip("Firefox is not installed")
	}
	if !browsertest.InPrivateNetwork(t) {
		return
	}
	f := newFakeServer(t)
	browsertest.StartFirefox(t, f.url("/?autostart=1"))
	c1 := f.accept(t, 60*time.Second)
	a1 := c1.handshake(t)
	c1.milestone("ice", 180, "127.0.0.1:54321 ↔ 127.0.0.1:15000")
	c1.milestone("rtp", 236, "VP8 ssrc 0x1234abcd")
	c1.send(media{Width: 640, Height: 480, Frames: 12, Bitrate: 640000, FPS: 12})
	c1.shot(1, false)
	c1.expectType(t, "state") // still reading and answering after all that
	c1.closeWith(1001, "server restarting")
	c2 := f.accept(t, 10*time.Second)
	a2 := c2.handshake(t)
	if a2.Ufrag == a1.Ufrag {
		t.Errorf("second answer has the first one's ufrag %q: not a new RTCPeerConnection", a1.Ufrag)
	}
	c2.milestone("rtp", 236, "VP8 ssrc 0x1234abcd") // live: a wrong reconnection would come after 1 s
	c2.send(map[string]any{"type": "error", "message": "5 bad messages: closing the session", "fatal": true})
	c2.closeWith(1008, "too many bad messages")
	f.noConn(t, 1500*time.Millisecond)
}

// failingPeerConnection makes window.failConnection() turn every
// RTCPeerConnection's connectionState to "failed", as the browser does when
// ICE finds no working pair or DTLS does not complete.
const failingPeerConnection = `(() => {
	const Real = RTCPeerConnection;
	const pcs = [];
	const state = Object.getOwnPropertyDescriptor(Real.prototype, "connectionState");
	Object.defineProperty(Real.prototype, "connectionState", {
		configurable: true,
		get() { return this.failedByTest ? "failed" : state.get.call(this); },
	});
	window.RTCPeerConnection = class extends Real {
		constructor(...args) { super(...args); pcs.push(this); }
	};
	window.failConnection = () => {
		for (const pc of pcs) {
			pc.failedByTest = true;
			pc.dispatchEvent(new Event("connectionstatechange"));
		}
	};
})();`

// rejectCamera makes getUserMedia fail as the browser does, with a
// DOMException of the given name (W3C Media Capture and Streams §10).
func rejectCamera(name string) string {
	return fmt.Sprintf(`navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("refused by the test", %q));`, name)
}

// page evaluates JavaScript in the page, with the helpers $ (by id) and q
// (first match of a selector).
type page struct {
	t   *testing.T
	d   *browsertest.DevTools
	ctx context.Context
}

const helpers = `const $ = (id) => document.getElementById(id), q = (s) => document.querySelector(s);`

func (p *page) eval(expr string, out any) {
	p.t.Helper()
	if err := p.d.Eval(p.ctx, "(() => { "+helpers+" return ("+expr+"); })()", out); err != nil {
		p.t.Fatalf("%v\n%s", err, p.status())
	}
}

// is checks that expr's value, as JSON, equals want's.
func (p *page) is(expr string, want any) {
	p.t.Helper()
	var got any
	if err := p.d.Eval(p.ctx, "(() => { "+helpers+" return ("+expr+"); })()", &got); err != nil {
		p.t.Fatalf("%v\n%s", err, p.status())
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		p.t.Errorf("%s = %s, want %s", expr, g, w)
	}
}

// wait waits up to 10 seconds for expr to be true.
func (p *page) wait(what, expr string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	if err := p.d.WaitFor(ctx, "(() => { "+helpers+" return ("+expr+"); })()"); err != nil {
		p.t.Fatalf("waiting for %s: %v\n%s", what, err, p.status())
	}
}

// status is what the page shows, for a failure message.
func (p *page) status() string {
	var s string
	p.d.Eval(p.ctx, `(() => { const b = document.getElementById("banner"); return b ? b.dataset.state + ": " + b.innerText : document.body.innerText.slice(0, 300); })()`, &s)
	return "banner: " + s
}

// screenshots writes the page as it is: light and dark at 1280 CSS pixels
// wide, and light on a phone, each the whole page long.
func (p *page) screenshots(fresh func()) {
	p.t.Helper()
	// The thumbnails must have loaded (the frames too), and their
	// highlight animations ended.
	p.wait("the pictures", `[...document.images].every((i) => i.complete && i.naturalWidth > 0) && $('preview').readyState >= 2`)
	time.Sleep(1500 * time.Millisecond)
	for _, s := range []struct {
		flag   *string
		name   string
		width  int
		scale  float64
		mobile bool
		scheme string
	}{
		{shotLight, "final-page.png", 1280, 1, false, "light"},
		{shotDark, "final-page-dark.png", 1280, 1, false, "dark"},
		{shotPhone, "final-page-phone.png", 390, 2, true, "light"},
	} {
		if err := p.d.SetColorScheme(p.ctx, s.scheme); err != nil {
			p.t.Fatal(err)
		}
		// A viewport as tall as the page, so that everything is in view:
		// lazy images load, and nothing is cut.
		if err := p.d.SetViewport(p.ctx, s.width, 800, s.scale, s.mobile); err != nil {
			p.t.Fatal(err)
		}
		var height int
		p.eval("Math.ceil(document.documentElement.scrollHeight)", &height)
		if err := p.d.SetViewport(p.ctx, s.width, height, s.scale, s.mobile); err != nil {
			p.t.Fatal(err)
		}
		p.wait("the pictures", `[...document.images].every((i) => i.complete && i.naturalWidth > 0)`)
		fresh()
		time.Sleep(200 * time.Millisecond)
		png, err := p.d.Screenshot(p.ctx)
		if err != nil {
			p.t.Fatal(err)
		}
		path := *s.flag
		if path == "" {
			path = filepath.Join(p.t.TempDir(), s.name)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			p.t.Fatal(err)
		}
		p.t.Logf("screenshot %s: %d×%d CSS pixels, %d bytes", path, s.width, height, len(png))
	}
	p.d.SetColorScheme(p.ctx, "")
	if err := p.d.SetViewport(p.ctx, 1280, 900, 1, false); err != nil {
		p.t.Fatal(err)
	}
}

// fakeServer serves the embedded page, JPEGs at /shots/, and a WebSocket
// at /ws whose sessions the test plays by hand (fakeConn).
type fakeServer struct {
	srv   *httptest.Server
	conns chan *fakeConn
	clip  [][]byte // the frames of the browsers' fake camera clip: the JPEGs show them
}

func newFakeServer(t *testing.T) *fakeServer {
	f := &fakeServer{conns: make(chan *fakeConn, 8), clip: readClip(t)}
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(Files))
	mux.HandleFunc("GET /shots/{name}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.PathValue("name"), "shoot%d.jpg", &n); err != nil || n < 1 {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(f.jpeg(n))
	})
	done := make(chan struct{})
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil) // the default origin check: this page only
		if err != nil {
			return
		}
		c := &fakeConn{t: t, ws: ws, opened: time.Now(), msgs: make(chan map[string]any, 256), closed: make(chan error, 1)}
		go c.read(done)
		f.conns <- c
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		close(done)
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

func (f *fakeServer) url(path string) string { return f.srv.URL + path }

// accept waits for the page to open a WebSocket.
func (f *fakeServer) accept(t *testing.T, timeout time.Duration) *fakeConn {
	t.Helper()
	select {
	case c := <-f.conns:
		return c
	case <-time.After(timeout):
		t.Fatalf("the page opened no WebSocket within %v", timeout)
		return nil
	}
}

// noConn checks that the page has opened no WebSocket, and opens none within d.
func (f *fakeServer) noConn(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-f.conns:
		t.Fatalf("the page opened a WebSocket; it should not have")
	default:
	}
	select {
	case <-f.conns:
		t.Fatalf("the page opened a WebSocket; it should not have")
	case <-time.After(d):
	}
}

// jpeg encodes frame 5n of the camera clip, as the server would decode it.
func (f *fakeServer) jpeg(n int) []byte {
	const w, h = 640, 480
	frame := f.clip[(5*n)%len(f.clip)]
	img := &image.YCbCr{
		Y: frame[:w*h], Cb: frame[w*h : w*h*5/4], Cr: frame[w*h*5/4:],
		YStride: w, CStride: w / 2, SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: image.Rect(0, 0, w, h),
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 85})
	return b.Bytes()
}

// readClip writes the clip browsertest gives the fake camera and reads its frames back.
func readClip(t *testing.T) [][]byte {
	path := filepath.Join(t.TempDir(), "clip.y4m")
	if err := browsertest.WriteY4M(path, 640, 480, 30, 10); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r := bufio.NewReader(file)
	if _, err := r.ReadString('\n'); err != nil { // YUV4MPEG2 W640 H480 …
		t.Fatal(err)
	}
	var frames [][]byte
	for {
		if _, err := r.ReadString('\n'); err != nil { // FRAME
			break
		}
		frame := make([]byte, 640*480*3/2)
		if _, err := io.ReadFull(r, frame); err != nil {
			t.Fatal(err)
		}
		frames = append(frames, frame)
	}
	if len(frames) == 0 {
		t.Fatal("empty clip")
	}
	return frames
}

// fakeConn is one WebSocket the page opened. The test goroutine writes;
// a goroutine reads.
type fakeConn struct {
	t      *testing.T
	ws     *websocket.Conn
	opened time.Time
	offer  *sdp.Offer
	msgs   chan map[string]any // from the page
	closed chan error          // the read error that ended the socket
}

// pageTypes are the messages a page may send; the real server counts any
// other as a bad message and closes the session after five.
var pageTypes = map[string]bool{"answer": true, "candidate": true, "state": true, "keyframe": true, "stats": true, "snapshot": true}

func (c *fakeConn) read(done chan struct{}) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			c.closed <- err
			return
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			c.t.Errorf("page sent %q: %v", data, err)
			continue
		}
		if typ, _ := m["type"].(string); !pageTypes[typ] {
			c.t.Errorf("page sent a message of type %q, which the server does not know: %s", typ, data)
		}
		select {
		case c.msgs <- m:
		case <-done:
			return
		}
	}
}

func (c *fakeConn) send(v any) {
	c.t.Helper()
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if err := c.ws.WriteJSON(v); err != nil {
		c.t.Fatalf("write to the page: %v", err)
	}
}

// milestone says a layer was reached ms after the socket was accepted:
// the script's times are those of a real session, not the test's, so that
// the page shows the same every time.
func (c *fakeConn) milestone(name string, ms int, text string) {
	c.t.Helper()
	c.send(map[string]any{"type": "milestone", "name": name, "ms": ms, "text": text})
}

// media is the "media" message.
type media struct {
	Type      string `json:"type"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	Frames    int    `json:"frames"`
	Keyframes int    `json:"keyframes"`
	Bytes     int    `json:"bytes"`
	Bitrate   int    `json:"bitrate"`
	FPS       int    `json:"fps"`
	Packets   int    `json:"packets"`
	Lost      int    `json:"lost"`
	Recovered int    `json:"recovered"`
	NACKs     int    `json:"nacks"`
	PLIs      int    `json:"plis"`
	FIRs      int    `json:"firs"`
	JPEGs     int    `json:"jpegs"`
	Skipped   int    `json:"skipped"`
}

func (m media) MarshalJSON() ([]byte, error) {
	type plain media
	m.Type = "media"
	return json.Marshal(plain(m))
}

// shot sends the "shot" message of shoot<n>.jpg; shoot4.jpg is said to
// be 42291 bytes.
func (c *fakeConn) shot(n int, snapshot bool) {
	c.t.Helper()
	size := 30000 + 1000*n
	if n == 4 {
		size = 42291
	}
	name := fmt.Sprintf("shoot%d.jpg", n)
	c.send(map[string]any{"type": "shot", "name": name, "url": "/shots/" + name, "width": 640, "height": 480,
		"bytes": size, "snapshot": snapshot, "ms": int(time.Since(c.opened).Milliseconds())})
}

// handshake plays the start of a session: milestone, offer, milestone;
// it waits for the page's answer, checks it as the server does, and
// reports it accepted.
func (c *fakeConn) handshake(t *testing.T) *sdp.Answer {
	t.Helper()
	c.milestone("websocket", 0, "")
	ufrag, pwd := sdp.NewICECredentials()
	fp, err := sdp.FingerprintOf("sha-256", []byte("not a certificate: the test's offer is never connected"))
	if err != nil {
		t.Fatal(err)
	}
	c.offer = &sdp.Offer{SessionID: 1234567890, Ufrag: ufrag, Pwd: pwd, Fingerprint: fp, PayloadType: 96, MID: "0"}
	c.send(map[string]any{"type": "offer", "sdp": c.offer.Marshal(), "session": "3f9a2c1e", "step": "final"})
	c.milestone("offer", 2, "")
	m := c.expect(t, "answer")
	text, _ := m["sdp"].(string)
	a, err := sdp.ParseAnswer(text)
	if err == nil {
		err = c.offer.Check(a)
	}
	if err != nil {
		t.Fatalf("the page's answer: %v\n%s", err, text)
	}
	if a.Direction != "sendonly" {
		t.Errorf("answer direction %q, want sendonly", a.Direction)
	}
	c.milestone("answer", 41, "")
	return a
}

// expect waits for the next message of a type from the page, skipping others.
func (c *fakeConn) expect(t *testing.T, typ string) map[string]any {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case m := <-c.msgs:
			if m["type"] == typ {
				return m
			}
		case err := <-c.closed:
			c.closed <- err
			t.Fatalf("waiting for %q: the socket closed: %v", typ, err)
		case <-deadline:
			t.Fatalf("the page sent no %q", typ)
		}
	}
}

// expectType is expect without the result.
func (c *fakeConn) expectType(t *testing.T, typ string) {
	t.Helper()
	c.expect(t, typ)
}

// expectClose waits for the page to close the socket with code.
func (c *fakeConn) expectClose(t *testing.T, code int) {
	t.Helper()
	select {
	case err := <-c.closed:
		if !websocket.IsCloseError(err, code) {
			t.Errorf("socket ended with %v, want close code %d", err, code)
		}
		c.closed <- err
	case <-time.After(5 * time.Second):
		t.Fatalf("the page did not close the socket")
	}
}

// closeWith closes the socket with a close frame (RFC 6455 §5.5.1) and
// waits for the page's.
func (c *fakeConn) closeWith(code int, reason string) {
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	select {
	case err := <-c.closed:
		c.closed <- err
	case <-time.After(2 * time.Second):
	}
	c.ws.Close()
}

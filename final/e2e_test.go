package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"nutsandbolts/final/browsertest"
	"nutsandbolts/final/config"
	"nutsandbolts/final/ivf"
	"nutsandbolts/final/logging"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite this step's log transcript in docs/ from the browser test's real log")

// chapter is this step's docs chapter, whose transcript the browser test checks.
const chapter = "../docs/08-final.md"

// runServer starts the program with its default configuration, changed by
// change, inside the test's private network namespace, logging into a Log
// the test can wait on.
func runServer(t *testing.T, change ...func(*config.Config)) *browsertest.Log {
	t.Helper()
	logs := &browsertest.Log{}
	log := slog.New(logging.New(logs, slog.LevelInfo, false))
	cfg := config.Default()
	for _, f := range change {
		f(cfg)
	}
	p, err := start(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.close)
	return logs
}

func init() {
	// A camera's stream starts at a random sequence number and timestamp,
	// and how much it sends in a second varies.
	logging.MaskAlso(
		"[pcap] writing every session's RTP and RTCP, decrypted, to a capture: Wireshark opens it with no key: file",
		"[srtp] RTP packet decrypted: seq",
		"[srtp] RTP packet decrypted: ts",
		"[srtp] RTP packet decrypted: marker",
		"[srtp] RTP packet decrypted: payload",
		"[srtp] RTCP packet decrypted: types",
		"[srtp] RTCP packet decrypted: bytes",
		"[srtp] media in the last second: rtp",
		"[srtp] media in the last second: rtcp",
		"[srtp] media in the last second: bytes",
		"[srtp] media in the last second: rtp_total",
		"[srtp] media in the last second: rtcp_total",
		"[srtp] session totals: counts",
		"[rtp] RTP packet: seq",
		"[rtp] RTP packet: ts",
		"[rtp] RTP packet: marker",
		"[rtp] RTP packet: payload",
		"[rtp] RTP packet: vp8",
		"[vp8] keyframe with a new picture size: bytes",
		"[vp8] keyframe with a new picture size: packets",
		"[vp8] keyframe with a new picture size: after_request",
		"[vp8] keyframe: bytes",
		"[vp8] keyframe: packets",
		"[vp8] keyframe: after_request",
		"[rtcp] sender report from the browser: packets",
		"[rtcp] sender report from the browser: octets",
		"[rtcp] receiver report sent, then one a second (RFC 3550 §6.4.2): report",
		"[rtp] video in the last second: frames",
		"[rtp] video in the last second: keyframes_total",
		"[ws] browser's stats of its stream (webrtc-stats): frames",
		"[ws] browser's stats of its stream (webrtc-stats): keyframes",
		"[ws] browser's stats of its stream (webrtc-stats): pli",
		"[ws] browser's stats of its stream (webrtc-stats): nack",
		"[ws] browser's stats of its stream (webrtc-stats): rtt",
		"[ws] browser's stats of its stream (webrtc-stats): fraction_lost",
		"[rtp] video in the last second: receiver",
		"[ivf] writing the session's video: file",
		"[ivf] video saved: play it with ffplay or vpxdec: file",
		"[ivf] video saved: play it with ffplay or vpxdec: frames",
		"[jpeg] keyframe decoded and saved: bytes",
		"[jpeg] keyframe decoded and saved: file",
	)
}

// wantPackets is how many RTP packets each browser test waits to see decrypted.
const wantPackets = 100

// TestChromium is step 6 end to end: the server asks for a keyframe as
// media starts, reassembles VP8 frames from the RTP packets, sends receiver
// reports, and writes the stream to an IVF file whose first frame is a
// keyframe and which ffmpeg decodes without an error.
func TestChromium(t *testing.T) {
	if !browsertest.InPrivateNetwork(t) {
		return
	}
	out := t.TempDir()
	capture := filepath.Join(out, "session.pcap")
	logs := runServer(t, func(c *config.Config) { c.Out, c.PCAP = out, capture })
	b := browsertest.StartChromium(t, "http://127.0.0.1:8080/?autostart=1")
	opened := logs.Wait(t, 30*time.Second, "the page to open the WebSocket", browsertest.Is("ws", "session opened"))
	pli := logs.Wait(t, 20*time.Second, "the first PLI", browsertest.Is("rtcp", "keyframe request: PLI (RFC 4585 §6.3.1)"))
	key := logs.Wait(t, 20*time.Second, "the first keyframe", browsertest.Is("vp8", "keyframe with a new picture size"))
	jpg := logs.Wait(t, 20*time.Second, "the first JPEG", browsertest.Is("jpeg", "keyframe decoded and saved"))
	logs.Wait(t, 20*time.Second, "a second of video", browsertest.Is("rtp", "video in the last second"))
	// The browser's own stats show our PLI and our receiver reports: a
	// round trip computed from the RR's LSR and DLSR.
	stats := logs.Wait(t, 20*time.Second, "the browser's stats with our PLI and RR", browserSaw)
	t.Logf("Chromium's stats: %v", stats.Attrs)
	t.Logf("Chromium: first PLI %s, keyframe %s after it; shoot1.jpg on disk %s after the page opened its WebSocket",
		since(opened, pli), since(pli, key), since(opened, jpg))
	logs.Wait(t, 10*time.Second, "the end of gathering", browsertest.Is("sdp", "browser finished gathering candidates"))
	b.Stop()
	logs.Wait(t, 10*time.Second, "the session to close", browsertest.Is("ws", "session closed"))
	saved := logs.Wait(t, 10*time.Second, "the IVF file", browsertest.Is("ivf", "video saved: play it with ffplay or vpxdec"))
	noFailures(t, logs.String())
	checkIVF(t, saved)
	checkJPEG(t, out, 1, true)
	checkServed(t)
	checkTranscript(t, logs.String())
	checkPCAP(t, capture)
}

// checkPCAP reads the -pcap file with tshark, as the chapter tells a
// reader to: the decrypted RTP must be dissected as VP8, with a keyframe
// of the camera's size, and our RTCP (receiver reports, PLI) as RTCP.
func checkPCAP(t *testing.T, name string) {
	t.Helper()
	time.Sleep(1100 * time.Millisecond) // the capture is flushed every second
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tshark is not installed (Debian: apt-get install tshark)")
		}
		t.Skip("tshark is not installed")
	}
	out, err := exec.Command(tshark, "-r", name, "--enable-heuristic", "rtp_udp", "-d", "rtp.pt==96,vp8",
		"-T", "fields", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info").CombinedOutput()
	if err != nil {
		t.Fatalf("tshark: %v\n%s", err, out)
	}
	count := map[string]int{}
	keyframes := 0
	for _, l := range strings.Split(string(out), "\n") {
		proto, info, _ := strings.Cut(l, "\t")
		count[proto]++
		if proto == "VP8" && strings.Contains(info, "Keyframe") {
			keyframes++
		}
	}
	t.Logf("%s: tshark sees %d VP8, %d RTCP packets, %d of them starting a keyframe", filepath.Base(name), count["VP8"], count["RTCP"], keyframes)
	if count["VP8"] < wantPackets || count["RTCP"] == 0 || keyframes == 0 {
		t.Errorf("tshark did not dissect the capture as VP8 and RTCP: %v", count)
	}
}

// TestFirefox is the same with Firefox.
func TestFirefox(t *testing.T) {
	if !browsertest.HaveFirefox() {
		t.Skip("Firefox is not installed")
	}
	if !browsertest.InPrivateNetwork(t) {
		return
	}
	out := t.TempDir()
	logs := runServer(t, func(c *config.Config) { c.Out = out })
	b := browsertest.StartFirefox(t, "http://127.0.0.1:8080/?autostart=1")
	opened := logs.Wait(t, 60*time.Second, "the page to open the WebSocket", browsertest.Is("ws", "session opened"))
	pli := logs.Wait(t, 30*time.Second, "the first PLI", browsertest.Is("rtcp", "keyframe request: PLI (RFC 4585 §6.3.1)"))
	key := logs.Wait(t, 30*time.Second, "the first keyframe", browsertest.Is("vp8", "keyframe with a new picture size"))
	jpg := logs.Wait(t, 20*time.Second, "the first JPEG", browsertest.Is("jpeg", "keyframe decoded and saved"))
	t.Logf("Firefox: keyframe %s after the first PLI; shoot1.jpg on disk %s after the page opened its WebSocket", since(pli, key), since(opened, jpg))
	logs.Wait(t, 20*time.Second, "a second of video", browsertest.Is("rtp", "video in the last second"))
	b.Stop()
	logs.Wait(t, 20*time.Second, "the session to close", browsertest.Is("ws", "session closed"))
	saved := logs.Wait(t, 10*time.Second, "the IVF file", browsertest.Is("ivf", "video saved: play it with ffplay or vpxdec"))
	noFailures(t, logs.String())
	checkIVF(t, saved)
	checkJPEG(t, out, 1, false) // Firefox's fake camera paints a picture of its own, not the clip
}

// checkServed fetches shoot1.jpg as the page does, at /shots/, and checks
// that nothing else of the output folder, or outside it, can be fetched.
func checkServed(t *testing.T) {
	t.Helper()
	for path, want := range map[string]int{
		"/shots/shoot1.jpg":            200,
		"/shots/..%2fshoot1.jpg":       404,
		"/shots/%2e%2e%2fetc%2fpasswd": 404,
		"/shots/":                      404,
	} {
		resp, err := http.Get("http://127.0.0.1:8080" + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %s, want %d", path, resp.Status, want)
		}
		if want == 200 {
			if _, err := jpeg.Decode(bytes.NewReader(body)); err != nil {
				t.Errorf("GET %s: %v", path, err)
			}
		}
	}
}

// checkJPEG decodes <out>/shootN.jpg with image/jpeg and, with clip set,
// compares it with the fake camera's clip: the picture's luma must match the best-matching
// source frame with a PSNR of at least 30 dB. The clip's samples are studio
// range, the JPEG's full range (shots.go), so the JPEG's are taken back to
// studio range, where the encoder made its errors.
func checkJPEG(t *testing.T, out string, n int, clip bool) {
	t.Helper()
	name := filepath.Join(out, fmt.Sprintf("shoot%d.jpg", n))
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	got, ok := img.(*image.YCbCr)
	if !ok {
		t.Fatalf("%s: a %T, not YCbCr", name, img)
	}
	w, h := got.Rect.Dx(), got.Rect.Dy()
	if !clip {
		// Firefox's fake camera is a green picture with a line of text at
		// the top: the middle must be green, in the camera's colours.
		r, g, b, _ := img.At(w/2, h/2).RGBA()
		t.Logf("%s: %dx%d, middle pixel rgb(%d, %d, %d)", filepath.Base(name), w, h, r>>8, g>>8, b>>8)
		if g>>8 < 200 || r>>8 > 60 || b>>8 > 60 {
			t.Errorf("%s: the middle of Firefox's fake camera picture is rgb(%d, %d, %d), not green", name, r>>8, g>>8, b>>8)
		}
		return
	}
	frames := clipFrames(t, w, h) // scaled to the picture's size
	best, bestFrame := 0.0, -1
	for i, src := range frames {
		if p := psnr(got, src, w, h); p > best {
			best, bestFrame = p, i
		}
	}
	t.Logf("%s: %dx%d, luma PSNR %.2f dB against clip frame %d", filepath.Base(name), w, h, best, bestFrame)
	if best < 30 {
		t.Errorf("%s: luma PSNR %.2f dB against the best source frame (%d), want at least 30", name, best, bestFrame)
	}
}

// clipFrames regenerates the fake camera's 640×480 clip (browsertest) and
// returns the luma of each frame, scaled down by averaging to w×h when the
// browser sent a smaller picture (Firefox starts at 320×240).
func clipFrames(t *testing.T, w, h int) [][]byte {
	t.Helper()
	const cw, ch = 640, 480
	path := filepath.Join(t.TempDir(), "clip.y4m")
	if err := browsertest.WriteY4M(path, cw, ch, 30, 10); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, b, _ = bytes.Cut(b, []byte("\n")) // the stream header
	frameLen := cw*ch + 2*(cw/2)*(ch/2)
	f := cw / w
	if f < 1 || cw%w != 0 || ch/f != h {
		t.Fatalf("picture %dx%d is not the %dx%d clip scaled by a whole factor", w, h, cw, ch)
	}
	var frames [][]byte
	for len(b) >= len("FRAME\n")+frameLen {
		y := b[len("FRAME\n") : len("FRAME\n")+cw*ch]
		scaled := make([]byte, w*h)
		for r := range h {
			for c := range w {
				sum := 0
				for i := range f {
					for j := range f {
						sum += int(y[(r*f+i)*cw+c*f+j])
					}
				}
				scaled[r*w+c] = byte((sum + f*f/2) / (f * f))
			}
		}
		frames = append(frames, scaled)
		b = b[len("FRAME\n")+frameLen:]
	}
	return frames
}

// psnr is the peak signal-to-noise ratio of the luma planes, in dB.
func psnr(img *image.YCbCr, src []byte, w, h int) float64 {
	var sum float64
	for y := range h {
		row := img.Y[y*img.YStride:]
		for x := range w {
			studio := 16 + float64(row[x])*219/255
			d := studio - float64(src[y*w+x])
			sum += d * d
		}
	}
	mse := sum / float64(w*h)
	if mse == 0 {
		return 99
	}
	return 10 * math.Log10(255*255/mse)
}

// browserSaw matches the browser's stats once they count a PLI of ours
// and a round trip measured with our receiver reports.
func browserSaw(l logging.Line) bool {
	if l.Layer != "ws" || l.Message != "browser's stats of its stream (webrtc-stats)" {
		return false
	}
	pli, rtt := false, false
	for _, a := range l.Attrs {
		switch a.Key {
		case "pli":
			pli = a.Value != "0"
		case "rtt":
			rtt = true
		}
	}
	return pli && rtt
}

// decodeErrors keeps ffmpeg's complaints about the stream, leaving out
// those of its null muxer about timestamps: IVF stores one per frame, and
// when a browser sends two frames closer together than the frame rate
// ffmpeg guesses, the null muxer sees the same rounded time twice.
func decodeErrors(out []byte) []string {
	var errs []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" && !strings.HasPrefix(l, "[null @") {
			errs = append(errs, l)
		}
	}
	return errs
}

// checkIVF reads the IVF file the log line names: its first frame must be a
// keyframe (RFC 6386 §9.1: bit 0 of the frame tag is 0), and ffmpeg, where
// installed, must decode every frame without an error.
func checkIVF(t *testing.T, saved logging.Line) {
	t.Helper()
	var name string
	for _, a := range saved.Attrs {
		if a.Key == "file" {
			name = a.Value
		}
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, h, err := ivf.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	first, err := r.Next()
	if err != nil || len(first.Data) < 10 || first.Data[0]&1 != 0 {
		t.Fatalf("%s: the first frame is not a keyframe (%v)", name, err)
	}
	t.Logf("%s: %v", name, h)
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ffmpeg is not installed (CI=true)")
		}
		t.Skip("ffmpeg is not installed")
	}
	out, err := exec.Command(ffmpeg, "-v", "error", "-i", name, "-f", "null", "-").CombinedOutput()
	if err != nil || len(decodeErrors(out)) > 0 {
		t.Errorf("ffmpeg -v error -i %s: %v\n%s", name, err, out)
	}
}

// decrypted matches the once-a-second summary line once at least n RTP
// packets have been decrypted in all.
func decrypted(n uint64) func(logging.Line) bool {
	return func(l logging.Line) bool {
		if l.Layer != "srtp" || l.Message != "media in the last second" {
			return false
		}
		for _, a := range l.Attrs {
			if a.Key == "rtp_total" {
				v, err := strconv.ParseUint(a.Value, 10, 64)
				return err == nil && v >= n
			}
		}
		return false
	}
}

// noFailures checks that no SRTP or SRTCP packet was refused: every packet a
// browser sends must authenticate, none may look replayed.
func noFailures(t *testing.T, log string) {
	t.Helper()
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "reason=\"srtp: ") || (strings.Contains(l, "session totals") && strings.Contains(l, "dropped")) {
			t.Errorf("SRTP refused packets: %s", l)
		}
	}
}

// since is the time between two log lines, from their elapsed-time column.
func since(from, to logging.Line) string {
	a, _ := strconv.ParseFloat(strings.TrimSuffix(from.Elapsed, "s"), 64)
	b, _ := strconv.ParseFloat(strings.TrimSuffix(to.Elapsed, "s"), 64)
	return (time.Duration((b - a) * float64(time.Second))).Round(time.Millisecond).String()
}

// checkTranscript compares the log with the transcript in the docs chapter,
// or rewrites the transcript with -update-docs. Either way it then compares
// the log lines the chapter quotes elsewhere with the log (see docs/README.md):
// only a person can rewrite those.
func checkTranscript(t *testing.T, log string) {
	t.Helper()
	text, err := os.ReadFile(chapter)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	step := stepDir()
	if *updateDocs {
		out, err := logging.Replace(string(text), step, log)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(chapter, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	} else {
		found := false
		for _, tr := range logging.Transcripts(string(text)) {
			if tr.Step != step {
				continue
			}
			found = true
			if err := logging.Matches(tr.Lines, log); err != nil {
				t.Errorf("%s: the transcript of %s no longer matches the program's log (rerun with -update-docs):\n%v", chapter, step, err)
			}
			break
		}
		if !found {
			t.Errorf("%s has no transcript of %s", chapter, step)
		}
	}
	for _, name := range []string{chapter} {
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := logging.CheckQuotes(logging.Quotes(string(text)), log); err != nil {
			t.Errorf("%s: quoted log lines differ from the program's log (fix them by hand, or mark a quote from a run with other settings <!-- other run -->):\n%v", name, err)
		}
	}
}

// stepDir is the name of this step's directory.
func stepDir() string {
	wd, _ := os.Getwd()
	return wd[strings.LastIndex(wd, "/")+1:]
}

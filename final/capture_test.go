package main

import (
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"nutsandbolts/final/ivf"
	"nutsandbolts/final/srtp"
	"nutsandbolts/final/vp8"
)

// captures holds the real browser sessions, beside the repository (they
// are not part of a clone).
const captures = "../../shared/captures"

// TestCaptureStreams runs the video of every captured session through the
// program's own path: SRTP decryption with the keys of the capture's
// report, the RTP receiver, the VP8 assembler. Every frame the browser sent
// must come out whole (the sessions were lossless), the first keyframe
// byte for byte as chromium-keyframe.vp8 where there is one, and the IVF
// written from them must decode in ffmpeg without an error.
func TestCaptureStreams(t *testing.T) {
	names, _ := filepath.Glob(filepath.Join(captures, "*.pcap"))
	if len(names) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no captures in %s (CI=true)", captures)
		}
		t.Skipf("no captures in %s", captures)
	}
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) { captureStream(t, name) })
	}
}

func captureStream(t *testing.T, name string) {
	report, err := os.ReadFile(name[:len(name)-len(".pcap")] + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	field := func(re string) string {
		m := regexp.MustCompile(re).FindSubmatch(report)
		if m == nil {
			t.Fatalf("%s: no %q in the report", name, re)
		}
		return string(m[1])
	}
	profileID, _ := strconv.ParseUint(field(`Negotiated SRTP protection profile[^\n]*\(0x([0-9a-f]{4})\)`), 16, 16)
	km, _ := hex.DecodeString(field(`SRTP keying material = [^\n]*\n\s+([0-9a-f]+)`))
	browserPort, _ := strconv.Atoi(field(`Browser: 127\.0\.0\.1:(\d+)`))
	mediaSSRC, _ := strconv.ParseUint(field(`Video: SSRC (\d+)`), 10, 32)
	profile := srtp.Profile(profileID)
	client, _, err := srtp.SplitKeyingMaterial(profile, km)
	if err != nil {
		t.Fatal(err)
	}
	in, err := srtp.NewContext(profile, client)
	if err != nil {
		t.Fatal(err)
	}

	var frames []vp8.Frame
	v := newVideo(1, 96, 0, slog.New(slog.DiscardHandler), slog.New(slog.DiscardHandler), slog.New(slog.DiscardHandler),
		func(s *stream, f *vp8.Frame) {
			c := *f
			c.Data = append([]byte(nil), f.Data...)
			frames = append(frames, c)
		})
	now := time.Date(2026, 11, 21, 21, 39, 13, 0, time.UTC)
	sent := map[uint32]bool{} // the timestamps of the browser's media packets: one per frame
	for _, d := range udpPayloads(t, name, browserPort) {
		if len(d) < 12 || d[0] < 128 || d[0] > 191 || isRTCP(d) {
			continue
		}
		plain, err := in.DecryptRTP(d)
		if err != nil {
			t.Fatalf("SRTP: %v", err)
		}
		if binary.BigEndian.Uint32(plain[8:12]) != uint32(mediaSSRC) {
			continue // RTX: pion negotiated it; these sessions lost nothing, so only padding went there
		}
		if len(plain) > 12 {
			sent[binary.BigEndian.Uint32(plain[4:8])] = true
		}
		now = now.Add(time.Millisecond)
		v.rtp(now, plain)
		v.timeout(now)
	}
	v.timeout(now.Add(time.Second)) // the receiver's start delay, the last packets
	if len(frames) == 0 || !frames[0].Keyframe {
		t.Fatalf("%d frames, the first not a keyframe", len(frames))
	}
	// Frames with payload: padding-only packets carry a timestamp of their own.
	if len(frames) < len(sent)-1 {
		t.Errorf("%d frames assembled, the browser sent %d", len(frames), len(sent))
	}
	if filepath.Base(name) == "chromium-default.pcap" {
		want, err := os.ReadFile(filepath.Join(captures, "chromium-keyframe.vp8"))
		if err == nil && string(frames[0].Data) != string(want) {
			t.Error("the first keyframe differs from chromium-keyframe.vp8")
		}
	}
	out := filepath.Join(t.TempDir(), "capture.ivf")
	f, _ := os.Create(out)
	w, _ := ivf.NewWriter(f, ivf.VP8Header(uint16(frames[0].Width), uint16(frames[0].Height)))
	var tl ivf.RTPTimeline
	for _, fr := range frames {
		w.WriteFrame(tl.PTS(fr.Timestamp), fr.Data)
	}
	w.Close()
	f.Close()
	t.Logf("%d frames, %d keyframes, %dx%d", len(frames), countKeyframes(frames), frames[0].Width, frames[0].Height)
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ffmpeg is not installed (CI=true)")
		}
		return
	}
	if b, err := exec.Command(ffmpeg, "-v", "error", "-i", out, "-f", "null", "-").CombinedOutput(); err != nil || len(b) > 0 {
		t.Errorf("ffmpeg: %v %q", err, b)
	}
}

func countKeyframes(frames []vp8.Frame) int {
	n := 0
	for _, f := range frames {
		if f.Keyframe {
			n++
		}
	}
	return n
}

// udpPayloads reads a classic pcap of IPv4 over a 14-byte Ethernet header
// (the captures' README) and returns the UDP payloads sent from port.
func udpPayloads(t *testing.T, name string, port int) [][]byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 24 || binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 {
		t.Fatal("not a little-endian classic pcap")
	}
	var out [][]byte
	for off := 24; off+16 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[off+8:]))
		rec := b[off+16 : min(off+16+n, len(b))]
		off += 16 + n
		if len(rec) < 42 {
			continue
		}
		if int(binary.BigEndian.Uint16(rec[34:36])) == port {
			out = append(out, rec[42:])
		}
	}
	return out
}

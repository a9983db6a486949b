package vp8

// The first keyframe Chromium sent in the chromium-default capture:
// three RTP packets (decrypted, SRTP tag removed) must reassemble to the
// 3421-byte frame that the capture's tools (vpxdec, ffmpeg) decoded.
//
// testdata/001.rtp..003.rtp are copies of
// shared/captures/chromium-keyframe-rtp/, so the test runs in a fresh
// clone; the frame itself is checked by its SHA-256. A second test reads
// the originals and the frame from shared/ itself, and is skipped where
// shared/ is absent (but not in CI).

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

const (
	captureDir = "../../../shared/captures/"

	// SHA-256 of shared/captures/chromium-keyframe.vp8.
	keyframeSHA256 = "87e373c6c16bf22647c30e08359b4851b7622dafc15c93e4e9afee058a907c5e"
	keyframeLen    = 3421
)

// skipWithoutShared skips when shared/ is absent, as in a user's clone,
// but fails in CI, where it must be present.
func skipWithoutShared(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data missing in CI: %v", err)
		}
		t.Skipf("shared data not present: %v", err)
	}
}

// readPackets reads dir/001.rtp, 002.rtp, 003.rtp.
func readPackets(t *testing.T, dir string) []packet {
	t.Helper()
	var pkts []packet
	for i := 1; i <= 3; i++ {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%03d.rtp", i)))
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, rtpPayload(t, b))
	}
	return pkts
}

// assembleKeyframe feeds the packets and checks what the capture's
// report says about them and the frame.
func assembleKeyframe(t *testing.T, pkts []packet) []byte {
	t.Helper()
	for i, p := range pkts {
		var d Descriptor
		n, err := d.Unmarshal(p.payload)
		if err != nil {
			t.Fatal(err)
		}
		// Report: "seq=13174 M=0 VP8 S=1 PID=0 PictureID=19294 descriptor=4B".
		want := Descriptor{Extended: true, Start: i == 0, HasPictureID: true, LongPictureID: true, PictureID: 19294}
		if n != 4 || d != want || p.seq != uint16(13174+i) || p.ts != 376022552 || p.marker != (i == 2) {
			t.Errorf("packet %d: seq=%d ts=%d M=%v %v (%d bytes)", i+1, p.seq, p.ts, p.marker, d.String(), n)
		}
	}
	a := NewAssembler()
	var got *Frame
	for i, p := range pkts {
		f, err := a.Push(p.seq, p.ts, p.marker, p.payload)
		if err != nil {
			t.Fatalf("packet %d: %v", i+1, err)
		}
		if (f != nil) != (i == 2) {
			t.Fatalf("packet %d: frame %v", i+1, f)
		}
		got = f
	}
	if !got.Keyframe || got.Width != 640 || got.Height != 480 || got.Packets != 3 || got.Timestamp != 376022552 {
		t.Errorf("frame: %v, %d packets, ts %d", got.Header.String(), got.Packets, got.Timestamp)
	}
	want := PayloadHeader{Keyframe: true, ShowFrame: true, FirstPartitionSize: 1236, Width: 640, Height: 480}
	if got.Header != want {
		t.Errorf("header %v", got.Header.String())
	}
	// Report: "frame tag 90 9a 00 9d 01 2a 80 02 e0 01".
	if !bytes.HasPrefix(got.Data, unhex(t, "90 9a 00 9d 01 2a 80 02 e0 01")) {
		t.Errorf("frame starts % x", got.Data[:10])
	}
	if len(got.Data) != keyframeLen {
		t.Errorf("frame of %d bytes, want %d", len(got.Data), keyframeLen)
	}
	return bytes.Clone(got.Data)
}

func TestCaptureKeyframeTestdata(t *testing.T) {
	frame := assembleKeyframe(t, readPackets(t, "testdata"))
	sum := sha256.Sum256(frame)
	if hex.EncodeToString(sum[:]) != keyframeSHA256 {
		t.Errorf("frame SHA-256 %x, want %s", sum, keyframeSHA256)
	}
}

func TestCaptureKeyframeShared(t *testing.T) {
	skipWithoutShared(t, captureDir+"chromium-keyframe-rtp")
	frame := assembleKeyframe(t, readPackets(t, captureDir+"chromium-keyframe-rtp"))
	want, err := os.ReadFile(captureDir + "chromium-keyframe.vp8")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(frame, want) {
		t.Errorf("frame differs from chromium-keyframe.vp8 (%d and %d bytes)", len(frame), len(want))
	}
	// The copies in testdata must be the originals.
	for i := 1; i <= 3; i++ {
		name := fmt.Sprintf("%03d.rtp", i)
		a, err1 := os.ReadFile(filepath.Join("testdata", name))
		b, err2 := os.ReadFile(captureDir + "chromium-keyframe-rtp/" + name)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("testdata/%s differs from the capture's (%v, %v)", name, err1, err2)
		}
	}
}

// TestCaptureKeyframeLosses replays the captured packets with each one
// lost, and with a receiver that gave up on the second one: no frame
// unless all three are there.
func TestCaptureKeyframeLosses(t *testing.T) {
	pkts := readPackets(t, "testdata")
	for drop := range pkts {
		frames, errs := feed(NewAssembler(), without(pkts, drop))
		// Losing the last packet shows only when the next one comes.
		if len(frames) != 0 || (len(errs) == 0) != (drop == 2) {
			t.Errorf("packet %d lost: %d frames, errors %v", drop+1, len(frames), errs)
		}
	}
	a := NewAssembler()
	feed(a, pkts[:1])
	a.Lost() // packet 2 given up on
	frames, _ := feed(a, pkts[1:])
	if len(frames) != 0 {
		t.Error("frame passed on after Lost")
	}
}

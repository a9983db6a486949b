package ivf

// Tests against shared/: the Chromium keyframe the capture tools wrapped
// in IVF, and the official VP8 conformance vectors. They are skipped
// where shared/ is absent, as in a user's clone, but not in CI.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	captureDir = "../../../shared/captures/"
	vectorDir  = "../../../shared/vp8-test-vectors/"
)

func skipWithoutShared(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data missing in CI: %v", err)
		}
		t.Skipf("shared data not present: %v", err)
	}
}

// writeKeyframe writes the Chromium keyframe as the only frame of an
// IVF file, timestamp 0, and returns the file's path.
func writeKeyframe(t *testing.T) string {
	t.Helper()
	skipWithoutShared(t, captureDir+"chromium-keyframe.vp8")
	frame, err := os.ReadFile(captureDir + "chromium-keyframe.vp8")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "keyframe.ivf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := NewWriter(f, VP8Header(640, 480))
	if err != nil {
		t.Fatal(err)
	}
	var tl RTPTimeline
	if err := w.WriteFrame(tl.PTS(376022552), frame); err != nil { // its RTP timestamp
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestChromiumKeyframeIVF: the capture's chromium-keyframe.ivf uses the
// same conventions (time base 1/90000, the frame count filled in, the
// first timestamp 0), so ours must be the same file, byte for byte.
func TestChromiumKeyframeIVF(t *testing.T) {
	ours, err := os.ReadFile(writeKeyframe(t))
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := os.ReadFile(captureDir + "chromium-keyframe.ivf")
	if err != nil {
		t.Fatal(err)
	}
	var h Header
	if _, err := h.Unmarshal(theirs); err != nil {
		t.Fatal(err)
	}
	if want := (Header{FourCC: FourCCVP8, Width: 640, Height: 480, TimebaseDenominator: 90000, TimebaseNumerator: 1, FrameCount: 1}); h != want {
		t.Errorf("capture header %v, want %v", h.String(), want.String())
	}
	if !bytes.Equal(ours, theirs) {
		t.Errorf("our IVF (%d bytes) differs from chromium-keyframe.ivf (%d bytes)\nours   % x\ntheirs % x",
			len(ours), len(theirs), ours[:44], theirs[:44])
	}
}

// TestVectors reads every conformance vector: the frame count, the size
// and the keyframes must be those of KEYFRAMES.txt, and the file must
// come out of our Writer unchanged but for the unused header bytes.
func TestVectors(t *testing.T) {
	skipWithoutShared(t, vectorDir+"KEYFRAMES.txt")
	list, err := os.Open(vectorDir + "KEYFRAMES.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer list.Close()
	files, frames := 0, 0
	sc := bufio.NewScanner(list)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		// file  width  height  frames  keyframe numbers (1-based)
		// or, when every frame is one, "1,2,3,...,12,... (30 in all)".
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 5 {
			t.Fatalf("KEYFRAMES.txt line %q", sc.Text())
		}
		name := fields[0]
		width, _ := strconv.Atoi(fields[1])
		height, _ := strconv.Atoi(fields[2])
		count, _ := strconv.Atoi(fields[3])
		keyframes := map[int]bool{}
		if strings.HasSuffix(fields[4], fmt.Sprintf("... (%d in all)", count)) {
			for n := 1; n <= count; n++ {
				keyframes[n] = true
			}
		} else {
			for _, k := range strings.Split(fields[4], ",") {
				n, err := strconv.Atoi(k)
				if err != nil {
					t.Fatalf("KEYFRAMES.txt line %q", sc.Text())
				}
				keyframes[n] = true
			}
		}
		data, err := os.ReadFile(vectorDir + name)
		if err != nil {
			t.Fatal(err)
		}
		r, h, err := NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h.FourCC != FourCCVP8 || int(h.Width) != width || int(h.Height) != height || int(h.FrameCount) != count {
			t.Errorf("%s: header %v, want %dx%d, %d frames", name, h.String(), width, height, count)
		}
		var out bytes.Buffer
		w, err := NewWriter(&out, h)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			f, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			n++
			// The frame tag's P bit (RFC 6386 §9.1): 0 for a keyframe.
			if key := len(f.Data) > 0 && f.Data[0]&1 == 0; key != keyframes[n] {
				t.Errorf("%s: frame %d keyframe=%v", name, n, key)
			}
			if err := w.WriteFrame(f.Timestamp, f.Data); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if n != count {
			t.Errorf("%s: %d frames, want %d", name, n, count)
		}
		// Bytes 28-31 are "unused": our Writer writes zeros, but the
		// four vp80-03-segmentation-0N files have junk there.
		got := out.Bytes()
		if len(got) != len(data) || !bytes.Equal(got[:28], data[:28]) || !bytes.Equal(got[32:], data[32:]) {
			t.Errorf("%s: rewritten file differs", name)
		}
		files++
		frames += n
	}
	if files != 61 {
		t.Errorf("%d files in KEYFRAMES.txt, want 61", files)
	}
	t.Logf("%d vectors, %d frames", files, frames)
}

// tool finds an external program; the test is skipped without it,
// except in CI, where it must be installed (.ci/run: ffmpeg).
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing in CI", name)
		}
		t.Skipf("%s not installed", name)
	}
	return path
}

// TestFFprobe: ffprobe recognises our IVF as VP8 640x480 and counts one
// frame, and ffmpeg decodes it without a word of complaint.
func TestFFprobe(t *testing.T) {
	ffprobe := tool(t, "ffprobe")
	path := writeKeyframe(t)
	out, err := exec.Command(ffprobe, "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "default=noprint_wrappers=1", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	for _, want := range []string{"codec_name=vp8", "width=640", "height=480", "nb_read_frames=1"} {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("ffprobe output lacks %q:\n%s", want, out)
		}
	}
	ffmpeg := tool(t, "ffmpeg")
	out, err = exec.Command(ffmpeg, "-v", "error", "-i", path, "-f", "null", "-").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) != 0 {
		t.Errorf("ffmpeg decode: %v\n%s", err, out)
	}
}

// TestFFprobeStream: a multi-frame stream written by our Writer (a
// conformance vector's frames, with RTP-like 90 kHz timestamps and no
// frame count, as a non-seekable destination leaves it) plays through.
func TestFFprobeStream(t *testing.T) {
	ffprobe := tool(t, "ffprobe")
	skipWithoutShared(t, vectorDir+"vp80-00-comprehensive-010.ivf")
	in, err := os.Open(vectorDir + "vp80-00-comprehensive-010.ivf")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	r, h, err := NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, VP8Header(h.Width, h.Height))
	var tl RTPTimeline
	rtp := uint32(0xffff0000) // wraps after a few frames
	for {
		f, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		w.WriteFrame(tl.PTS(rtp), f.Data)
		rtp += 3000
	}
	w.Close()
	path := filepath.Join(t.TempDir(), "stream.ivf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ffprobe, "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "default=noprint_wrappers=1", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	for _, want := range []string{"codec_name=vp8", "width=320", "height=240", "nb_read_frames=57"} {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("ffprobe output lacks %q:\n%s", want, out)
		}
	}
	ffmpeg := tool(t, "ffmpeg")
	out, err = exec.Command(ffmpeg, "-v", "error", "-i", path, "-f", "null", "-").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) != 0 {
		t.Errorf("ffmpeg decode: %v\n%s", err, out)
	}
}

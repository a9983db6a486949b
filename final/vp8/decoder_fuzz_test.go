package vp8

import (
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// smallTestdata returns the testdata key frames of up to 8 KB.
func smallTestdata(t testing.TB) []testdataFrame {
	var out []testdataFrame
	for _, f := range readTestdata(t) {
		if len(f.frame) <= 8<<10 {
			out = append(out, f)
		}
	}
	return out
}

// TestTruncated decodes prefixes of the small testdata key frames: none may
// panic; a frame cut before the end of its first partition or of its
// partition sizes must be refused; a frame cut in its last partition is
// refused when the decoder needs more than a couple of bytes past the end,
// which is nearly always, but a cut frame can also happen to decode to
// something.
func TestTruncated(t *testing.T) {
	d := NewDecoder()
	for _, f := range smallTestdata(t) {
		tag, err := parseFrameTag(f.frame)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Decode(f.frame); err != nil {
			t.Fatal(err)
		}
		headers := keyFrameChunkSize + tag.firstPartSize + 3*(d.hdr.partitions-1)
		tried, accepted := 0, 0
		// Every length near the start and the end, every 7th between.
		for n := 0; n < len(f.frame)-8; n++ {
			if n > 300 && n < len(f.frame)-300 && n%7 != 0 {
				continue
			}
			tried++
			if _, err := d.Decode(f.frame[:n]); err == nil {
				accepted++
				if n < headers {
					t.Errorf("%s: accepted with %d of %d bytes, inside its headers", f.name, n, len(f.frame))
				}
			}
		}
		t.Logf("%s: %d of %d prefixes accepted", f.name, accepted, tried)
		if accepted*50 > tried {
			t.Errorf("%s: %d of %d prefixes accepted", f.name, accepted, tried)
		}
	}
}

// TestCorrupt decodes the testdata key frames with random bytes changed:
// no panic, no hang, and a Decoder still decodes a good frame afterwards.
func TestCorrupt(t *testing.T) {
	frames := smallTestdata(t)
	r := rand.New(rand.NewPCG(7, 11))
	d := NewDecoder()
	runs := 2000
	if testing.Short() {
		runs = 300
	}
	start := time.Now()
	for i := 0; i < runs; i++ {
		f := frames[r.IntN(len(frames))]
		frame := append([]byte(nil), f.frame...)
		for k := 1 + r.IntN(8); k > 0; k-- {
			frame[r.IntN(len(frame))] ^= byte(1 + r.IntN(255))
		}
		img, err := d.Decode(frame)
		if err == nil {
			checkImage(t, img, frame)
		}
	}
	t.Logf("%d corrupt frames in %v", runs, time.Since(start))
	f := frames[0]
	img, err := d.Decode(f.frame)
	if err != nil || i420MD5(img) != f.want.sum {
		t.Fatalf("%s after corrupt frames: err %v", f.name, err)
	}
}

// checkImage checks that a decoded image has the size in the frame's
// header and that all its pixels can be read.
func checkImage(t *testing.T, img *image.YCbCr, frame []byte) {
	t.Helper()
	tag, err := parseFrameTag(frame)
	if err != nil {
		t.Fatalf("frame tag refused after a decode: %v", err)
	}
	if img.Rect != image.Rect(0, 0, tag.width, tag.height) {
		t.Fatalf("image %v for a %dx%d frame", img.Rect, tag.width, tag.height)
	}
	_ = i420MD5(img)
}

// FuzzDecode feeds arbitrary frames to one Decoder. Seeds: the key frames
// in testdata of up to 16 KB (larger ones slow every run) and those in
// testdata/fuzz/FuzzDecode. Run it with a short -fuzzminimizetime (e.g.
// 100x): minimizing a multi-kilobyte frame takes the default full minute.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.vp8"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= 16<<10 {
			f.Add(data)
		}
	}
	d := NewDecoder()
	// Keep the fuzzer on the decoding, not on allocating large planes.
	d.SetMaxSize(1024, 1024)
	f.Fuzz(func(t *testing.T, frame []byte) {
		img, err := d.Decode(frame)
		if err != nil {
			if img != nil {
				t.Fatal("an image with an error")
			}
			return
		}
		checkImage(t, img, frame)
	})
}

package vp8

import (
	"bufio"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// vectorsDir holds the official VP8 test vectors (webmproject
// vp8-test-vectors), outside the repository.
const vectorsDir = "../../../shared/vp8-test-vectors"

// capturesDir holds the browser captures, among them the first key frame
// of a Chromium session, reassembled (shared/captures/README.md).
const capturesDir = "../../../shared/captures"

// sharedDir returns dir, or skips the test when it is absent, except in CI
// where it must be there.
func sharedDir(t testing.TB, dir string) string {
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: %v", dir, err)
		}
		t.Skipf("%s is absent: %v", dir, err)
	}
	return dir
}

// readIVF returns the frames of an IVF file: a 32-byte file header
// ("DKIF", version, header size, fourcc, ...), then per frame a 12-byte
// header (4-byte little-endian size, 8-byte timestamp) and the frame.
func readIVF(t testing.TB, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 32 || string(data[:4]) != "DKIF" {
		t.Fatalf("%s: not an IVF file", path)
	}
	hdrSize := int(binary.LittleEndian.Uint16(data[6:8]))
	if hdrSize < 32 || hdrSize > len(data) {
		t.Fatalf("%s: bad IVF header size %d", path, hdrSize)
	}
	var frames [][]byte
	for p := hdrSize; p < len(data); {
		if len(data)-p < 12 {
			t.Fatalf("%s: truncated frame header at %d", path, p)
		}
		n := int(binary.LittleEndian.Uint32(data[p:]))
		p += 12
		if n > len(data)-p {
			t.Fatalf("%s: truncated frame at %d", path, p)
		}
		frames = append(frames, data[p:p+n])
		p += n
	}
	return frames
}

// i420MD5 is the MD5 of the planes of img at display size, Y then U then
// V, without stride padding: what the .md5 files of the vectors hold.
func i420MD5(img *image.YCbCr) string {
	h := md5.New()
	w, ht := img.Rect.Dx(), img.Rect.Dy()
	for y := 0; y < ht; y++ {
		h.Write(img.Y[y*img.YStride : y*img.YStride+w])
	}
	cw, ch := (w+1)/2, (ht+1)/2
	for _, p := range [][]byte{img.Cb, img.Cr} {
		for y := 0; y < ch; y++ {
			h.Write(p[y*img.CStride : y*img.CStride+cw])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// md5Line is one line of a .md5 file.
type md5Line struct {
	sum  string
	w, h int
}

// readMD5s reads a .md5 file: "<md5>  <name>-<W>x<H>-<NNNN>.i420" per
// shown frame, keyed by the 1-based frame number NNNN.
func readMD5s(t testing.TB, path string) map[int]md5Line {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[int]md5Line{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 {
			continue
		}
		name := strings.TrimSuffix(fields[1], ".i420")
		parts := strings.Split(name, "-")
		if len(parts) < 3 {
			t.Fatalf("%s: bad line %q", path, sc.Text())
		}
		num, err1 := strconv.Atoi(parts[len(parts)-1])
		var w, h int
		_, err2 := fmt.Sscanf(parts[len(parts)-2], "%dx%d", &w, &h)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: bad line %q", path, sc.Text())
		}
		out[num] = md5Line{sum: fields[0], w: w, h: h}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestVectors decodes every key frame of the official test vectors, each
// on its own with one reused Decoder, and compares it with the official
// MD5 (vectors README.md: 183 key frames, one of them not shown).
func TestVectors(t *testing.T) {
	dir := sharedDir(t, vectorsDir)
	files, err := filepath.Glob(filepath.Join(dir, "*.ivf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors in %s: %v", dir, err)
	}
	d := NewDecoder()
	keyframes, matched, hidden := 0, 0, 0
	for _, file := range files {
		base := filepath.Base(file)
		sums := readMD5s(t, file+".md5")
		for i, frame := range readIVF(t, file) {
			num := i + 1
			img, err := d.Decode(frame)
			if errors.Is(err, ErrNotKeyframe) {
				continue
			}
			keyframes++
			if err != nil {
				t.Errorf("%s frame %d: %v", base, num, err)
				continue
			}
			want, ok := sums[num]
			if !ok {
				// A key frame with show_frame = 0 has no line.
				if frame[0]>>4&1 != 0 {
					t.Errorf("%s frame %d: shown key frame without an MD5", base, num)
				}
				hidden++
				continue
			}
			if img.Rect.Dx() != want.w || img.Rect.Dy() != want.h {
				t.Errorf("%s frame %d: size %v, want %dx%d", base, num, img.Rect.Size(), want.w, want.h)
			}
			if got := i420MD5(img); got != want.sum {
				t.Errorf("%s frame %d: MD5 %s, want %s", base, num, got, want.sum)
				continue
			}
			matched++
		}
	}
	t.Logf("%d key frames: %d match their MD5, %d not shown", keyframes, matched, hidden)
	if keyframes != 183 || matched != 182 || hidden != 1 {
		t.Errorf("want 183 key frames, 182 matching, 1 not shown")
	}
}

// TestChromiumKeyframe decodes the real Chromium key frame (640x480).
func TestChromiumKeyframe(t *testing.T) {
	dir := sharedDir(t, capturesDir)
	frame, err := os.ReadFile(filepath.Join(dir, "chromium-keyframe.vp8"))
	if err != nil {
		t.Fatal(err)
	}
	sums := readMD5s(t, filepath.Join(dir, "chromium-keyframe.ivf.md5"))
	img, err := NewDecoder().Decode(frame)
	if err != nil {
		t.Fatal(err)
	}
	want := sums[1]
	if img.Rect != image.Rect(0, 0, 640, 480) || want.w != 640 || want.h != 480 {
		t.Errorf("size %v, want 640x480 (md5 file: %dx%d)", img.Rect, want.w, want.h)
	}
	if got := i420MD5(img); got != want.sum {
		t.Errorf("MD5 %s, want %s", got, want.sum)
	}
}

// testdataFrame is a key frame in testdata with its libvpx MD5.
type testdataFrame struct {
	name  string
	frame []byte
	want  md5Line
}

// readTestdata returns the key frames in testdata: small frames of the
// official vectors and the Chromium key frame, with their MD5s from
// testdata/md5.txt, so that they are checked in a fresh clone too.
func readTestdata(t testing.TB) []testdataFrame {
	t.Helper()
	f, err := os.ReadFile(filepath.Join("testdata", "md5.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []testdataFrame
	for _, line := range strings.Split(strings.TrimSpace(string(f)), "\n") {
		sum, name, _ := strings.Cut(line, "  ")
		// name is <stem>-<W>x<H>-0001.i420, the frame <stem>-0001.vp8,
		// or <stem>-<W>x<H>.vp8 for the Chromium frame.
		parts := strings.Split(strings.TrimSuffix(name, ".i420"), "-")
		size := parts[len(parts)-2]
		var w, h int
		if _, err := fmt.Sscanf(size, "%dx%d", &w, &h); err != nil {
			t.Fatalf("md5.txt: bad line %q", line)
		}
		stem := strings.Join(parts[:len(parts)-2], "-")
		file := stem + "-0001.vp8"
		if stem == "chromium" {
			file = stem + "-" + size + ".vp8"
		}
		frame, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, testdataFrame{name: file, frame: frame, want: md5Line{sum: sum, w: w, h: h}})
	}
	return out
}

// TestTestdata decodes the key frames in testdata.
func TestTestdata(t *testing.T) {
	d := NewDecoder()
	for _, f := range readTestdata(t) {
		img, err := d.Decode(f.frame)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if img.Rect != image.Rect(0, 0, f.want.w, f.want.h) {
			t.Errorf("%s: size %v, want %dx%d", f.name, img.Rect, f.want.w, f.want.h)
		}
		if got := i420MD5(img); got != f.want.sum {
			t.Errorf("%s: MD5 %s, want %s", f.name, got, f.want.sum)
		}
	}
}

// TestReuseAcrossSizes decodes frames of changing sizes with one Decoder
// and checks that every image has its own frame's size and pixels: the
// size changes both ways, and returns to a size seen before.
func TestReuseAcrossSizes(t *testing.T) {
	frames := readTestdata(t)
	d := NewDecoder()
	for round := 0; round < 3; round++ {
		for i := range frames {
			// Forward, then backward, then every other one.
			f := frames[i]
			if round == 1 {
				f = frames[len(frames)-1-i]
			} else if round == 2 {
				f = frames[(2*i)%len(frames)]
			}
			img, err := d.Decode(f.frame)
			if err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			if img.Rect.Dx() != f.want.w || img.Rect.Dy() != f.want.h {
				t.Fatalf("round %d %s: size %v, want %dx%d", round, f.name, img.Rect.Size(), f.want.w, f.want.h)
			}
			if got := i420MD5(img); got != f.want.sum {
				t.Fatalf("round %d %s: MD5 %s, want %s", round, f.name, got, f.want.sum)
			}
		}
	}
}

// TestNoAllocs checks that decoding a frame of the same size as the last
// one allocates nothing.
func TestNoAllocs(t *testing.T) {
	for _, f := range readTestdata(t) {
		d := NewDecoder()
		if _, err := d.Decode(f.frame); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := d.Decode(f.frame); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per Decode", f.name, allocs)
		}
	}
}

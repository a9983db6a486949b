package ivf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// testFrames returns n frames of different sizes with recognisable bytes.
func testFrames(n int) [][]byte {
	var frames [][]byte
	for i := range n {
		f := make([]byte, 100+i*37)
		for j := range f {
			f[j] = byte(i*13 + j)
		}
		frames = append(frames, f)
	}
	return frames
}

func TestHeaderRoundTrip(t *testing.T) {
	h := Header{Version: 0, FourCC: FourCCVP8, Width: 640, Height: 480, TimebaseDenominator: 90000, TimebaseNumerator: 1, FrameCount: 7}
	b := h.Marshal()
	want := []byte{
		'D', 'K', 'I', 'F', 0, 0, 32, 0, 'V', 'P', '8', '0',
		0x80, 0x02, 0xe0, 0x01, // 640, 480
		0x90, 0x5f, 0x01, 0x00, // 90000
		1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0,
	}
	if !bytes.Equal(b, want) {
		t.Fatalf("% x\nwant % x", b, want)
	}
	var h2 Header
	n, err := h2.Unmarshal(b)
	if err != nil || n != 32 || h2 != h {
		t.Fatalf("%+v %d %v", h2, n, err)
	}
	if h.String() != "VP80 640x480, time base 1/90000, frame count 7" {
		t.Error(h.String())
	}
	if VP8Header(640, 480) != (Header{FourCC: FourCCVP8, Width: 640, Height: 480, TimebaseDenominator: 90000, TimebaseNumerator: 1}) {
		t.Error("VP8Header")
	}
}

func TestHeaderRefused(t *testing.T) {
	good := VP8Header(1, 1)
	for name, b := range map[string][]byte{
		"short":            good.Marshal()[:31],
		"signature":        append([]byte("DKIG"), good.Marshal()[4:]...),
		"header length 16": func() []byte { b := good.Marshal(); b[6] = 16; return b }(),
	} {
		var h Header
		if _, err := h.Unmarshal(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, _, err := NewReader(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: NewReader accepted", name)
		}
	}
}

// TestWriteRead writes frames to a file and to a buffer and reads them
// back; only the file gets the frame count.
func TestWriteRead(t *testing.T) {
	frames := testFrames(10)
	path := filepath.Join(t.TempDir(), "a.ivf")
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for _, dst := range []io.Writer{file, &buf} {
		w, err := NewWriter(dst, VP8Header(320, 240))
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range frames {
			if err := w.WriteFrame(uint64(i)*3000, f); err != nil {
				t.Fatal(err)
			}
		}
		if w.Frames() != 10 {
			t.Errorf("Frames() = %d", w.Frames())
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if err := w.WriteFrame(0, nil); err == nil {
			t.Error("WriteFrame after Close")
		}
	}
	if err := file.Close(); err != nil {
		t.Fatal(err)
	}
	fromFile, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fromBuf := buf.Bytes()
	if len(fromFile) != 32+10*12+len(bytes.Join(frames, nil)) || len(fromBuf) != len(fromFile) {
		t.Fatalf("lengths %d and %d", len(fromFile), len(fromBuf))
	}
	if binary.LittleEndian.Uint32(fromFile[24:]) != 10 || binary.LittleEndian.Uint32(fromBuf[24:]) != 0 {
		t.Error("frame count: want 10 in the file, 0 in the buffer")
	}
	if !bytes.Equal(fromFile[28:], fromBuf[28:]) || !bytes.Equal(fromFile[:24], fromBuf[:24]) {
		t.Error("file and buffer differ beyond the frame count")
	}
	for _, data := range [][]byte{fromFile, fromBuf} {
		r, h, err := NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if h.Width != 320 || h.Height != 240 || h.FourCC != FourCCVP8 || h.TimebaseDenominator != 90000 {
			t.Errorf("header %v", h.String())
		}
		for i, want := range frames {
			f, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if f.Timestamp != uint64(i)*3000 || !bytes.Equal(f.Data, want) {
				t.Errorf("frame %d: ts %d, %d bytes", i, f.Timestamp, len(f.Data))
			}
		}
		if _, err := r.Next(); err != io.EOF {
			t.Errorf("after the last frame: %v", err)
		}
	}
}

// TestWriterAtOffset: a file that does not start at offset 0 of the
// destination gets its count patched where its header is.
func TestWriterAtOffset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.ivf")
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	file.Write([]byte("prefix"))
	w, _ := NewWriter(file, VP8Header(2, 2))
	w.WriteFrame(0, []byte{1, 2, 3})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	file.Write([]byte("after")) // Close left the offset at the end
	b, _ := os.ReadFile(path)
	if binary.LittleEndian.Uint32(b[6+24:]) != 1 || !bytes.HasSuffix(b, []byte{1, 2, 3, 'a', 'f', 't', 'e', 'r'}) {
		t.Errorf("% x", b)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(b []byte) (int, error) {
	if f.n -= len(b); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(b), nil
}

func TestWriterErrors(t *testing.T) {
	w, err := NewWriter(&failWriter{n: 40}, VP8Header(2, 2))
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 100<<10) // beyond the buffer: written at once
	if err := w.WriteFrame(0, big); err == nil {
		t.Fatal("write error not reported")
	}
	if err := w.WriteFrame(0, []byte{1}); err == nil || err.Error() != "ivf: disk full" {
		t.Errorf("the first error must stick: %v", err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a failure")
	}
}

func TestReaderTruncated(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, VP8Header(2, 2))
	w.WriteFrame(5, []byte("frame one"))
	w.WriteFrame(6, []byte("frame two"))
	w.Close()
	full := buf.Bytes()
	for l := 0; l < len(full); l++ {
		r, _, err := NewReader(bytes.NewReader(full[:l]))
		if l < HeaderLen {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("%d bytes: %v", l, err)
			}
			continue
		}
		var frames int
		for {
			_, err = r.Next()
			if err != nil {
				break
			}
			frames++
		}
		atBoundary := l == HeaderLen || l == HeaderLen+12+9
		if atBoundary && err != io.EOF || !atBoundary && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%d bytes: %d frames, %v", l, frames, err)
		}
	}
}

func TestReaderLimits(t *testing.T) {
	// A size field of 4 GiB - 1 in a tiny file.
	b := VP8Header(2, 2).Marshal()
	b = append(b, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3)
	r, _, _ := NewReader(bytes.NewReader(b))
	if _, err := r.Next(); err == nil {
		t.Error("accepted a 4 GiB frame")
	}
	// Within the limit but beyond the file: allocates what is there.
	b = VP8Header(2, 2).Marshal()
	b = append(b, 0, 0, 0, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3) // 240 MiB
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r, _, _ = NewReader(bytes.NewReader(b))
	if _, err := r.Next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Error(err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 8*readChunk {
		t.Errorf("a 15-byte frame claiming 240 MiB made the Reader allocate %d bytes", n)
	}
	// A longer header from a later writer is skipped.
	h := VP8Header(4, 4).Marshal()
	h[6] = 40
	h = append(h, make([]byte, 8)...)
	h = append(h, 2, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xbb)
	r, hdr, err := NewReader(bytes.NewReader(h))
	if err != nil || hdr.Width != 4 {
		t.Fatal(err)
	}
	f, err := r.Next()
	if err != nil || f.Timestamp != 9 || !bytes.Equal(f.Data, []byte{0xaa, 0xbb}) {
		t.Errorf("%+v %v", f, err)
	}
}

func TestRTPTimeline(t *testing.T) {
	var tl RTPTimeline
	for _, c := range []struct {
		rtp  uint32
		want uint64
	}{
		{376022552, 0},
		{376025552, 3000},
		{376028552, 6000},
		{376028552, 6000}, // same timestamp again
	} {
		if got := tl.PTS(c.rtp); got != c.want {
			t.Errorf("PTS(%d) = %d, want %d", c.rtp, got, c.want)
		}
	}
	// Across the wrap.
	tl = RTPTimeline{}
	for i, rtp := range []uint32{0xffffe000, 0xfffff000, 0x00000000 + 0x800, 0x1800} {
		want := []uint64{0, 0x1000, 0x2800, 0x3800}[i]
		if got := tl.PTS(rtp); got != want {
			t.Errorf("PTS(%#x) = %#x, want %#x", rtp, got, want)
		}
	}
	// Before the first: clamped.
	tl = RTPTimeline{}
	tl.PTS(1000)
	if got := tl.PTS(400); got != 0 {
		t.Errorf("PTS before the first = %d", got)
	}
}

package vp8

import (
	"encoding/binary"
	"errors"
	"image"
	"runtime"
	"strings"
	"testing"
	"time"
)

// synthFrame describes a key frame built by the test encoder: every
// macroblock is DC_PRED with no coefficients, so the picture is flat 128.
type synthFrame struct {
	version    int
	hide       bool // show_frame = 0
	w, h       int
	mbs        int // macroblock headers to write, if not all
	colorSpace int
	clamping   int
	log2Parts  int // 0..3
	simple     bool
	level      int
	sharpness  int
}

// build encodes the frame (RFC 6386 §9, §19).
func (s synthFrame) build() []byte {
	e := newBoolEncoder()
	e.writeLiteral(1, s.colorSpace)
	e.writeLiteral(1, s.clamping)
	e.writeBool(128, false) // segmentation_enabled
	e.writeBool(128, s.simple)
	e.writeLiteral(6, s.level)
	e.writeLiteral(3, s.sharpness)
	e.writeBool(128, false) // loop_filter_adj_enable
	e.writeLiteral(2, s.log2Parts)
	e.writeLiteral(7, 60) // y_ac_qi
	for i := 0; i < 5; i++ {
		e.writeBool(128, false) // no delta
	}
	e.writeBool(128, true) // refresh_entropy_probs
	for i := range coeffUpdateProbs {
		for j := range coeffUpdateProbs[i] {
			for k := range coeffUpdateProbs[i][j] {
				for _, p := range coeffUpdateProbs[i][j][k] {
					e.writeBool(p, false)
				}
			}
		}
	}
	e.writeBool(128, true) // mb_no_skip_coeff
	e.writeLiteral(8, 200) // prob_skip_false
	mbs := ((s.w + 15) / 16) * ((s.h + 15) / 16)
	if s.mbs > 0 {
		mbs = s.mbs
	}
	for i := 0; i < mbs; i++ {
		e.writeBool(200, true)  // mb_skip_coeff
		e.writeBool(145, true)  // not B_PRED
		e.writeBool(156, false) // DC_PRED or V_PRED
		e.writeBool(163, false) // DC_PRED
		e.writeBool(142, false) // chroma DC_PRED
	}
	first := e.flush()

	tag := uint32(s.version)<<1 | uint32(len(first))<<5
	if !s.hide {
		tag |= 1 << 4
	}
	frame := []byte{byte(tag), byte(tag >> 8), byte(tag >> 16), 0x9d, 0x01, 0x2a, 0, 0, 0, 0}
	binary.LittleEndian.PutUint16(frame[6:], uint16(s.w))
	binary.LittleEndian.PutUint16(frame[8:], uint16(s.h))
	frame = append(frame, first...)
	n := 1 << s.log2Parts
	empty := newBoolEncoder().flush()
	for i := 0; i < n-1; i++ {
		frame = append(frame, byte(len(empty)), 0, 0)
	}
	for i := 0; i < n; i++ {
		frame = append(frame, empty...)
	}
	return frame
}

// checkFlat checks that img has size w x h and is 128 everywhere.
func checkFlat(t *testing.T, y *image.YCbCr, w, h int) {
	t.Helper()
	if y.Rect.Dx() != w || y.Rect.Dy() != h {
		t.Fatalf("size %v, want %dx%d", y.Rect.Size(), w, h)
	}
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			if v := y.Y[r*y.YStride+c]; v != 128 {
				t.Fatalf("Y(%d,%d) = %d, want 128", c, r, v)
			}
		}
	}
	for r := 0; r < (h+1)/2; r++ {
		for c := 0; c < (w+1)/2; c++ {
			if u, v := y.Cb[r*y.CStride+c], y.Cr[r*y.CStride+c]; u != 128 || v != 128 {
				t.Fatalf("U,V(%d,%d) = %d,%d, want 128", c, r, u, v)
			}
		}
	}
}

// TestSynthetic decodes built frames of several sizes and partition counts,
// with both loop filters, on one Decoder.
func TestSynthetic(t *testing.T) {
	d := NewDecoder()
	for _, s := range []synthFrame{
		{w: 1, h: 1},
		{w: 16, h: 16, log2Parts: 3, level: 63, sharpness: 7},
		{w: 17, h: 33, log2Parts: 1, simple: true, level: 40, version: 1},
		{w: 175, h: 143, log2Parts: 2, level: 20, sharpness: 3},
		{w: 640, h: 480, clamping: 1, version: 3, hide: true},
		{w: 33, h: 17, version: 2},
	} {
		img, err := d.Decode(s.build())
		if err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
		checkFlat(t, img, s.w, s.h)
	}
}

// TestHeaderRefusals checks the header fields that are refused with a
// clear error.
func TestHeaderRefusals(t *testing.T) {
	for _, c := range []struct {
		s    synthFrame
		want string
	}{
		{synthFrame{w: 16, h: 16, colorSpace: 1}, "color_space"},
		{synthFrame{w: 16, h: 16, version: 4}, "version 4"},
		{synthFrame{w: 0, h: 16}, "size 0x16"},
		{synthFrame{w: 4097, h: 16}, "larger than the limit"},
	} {
		_, err := NewDecoder().Decode(c.s.build())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one containing %q", c.s, err, c.want)
		}
	}
	frame := synthFrame{w: 16, h: 16}.build()
	frame[3] = 0x9c
	if _, err := NewDecoder().Decode(frame); err == nil || !strings.Contains(err.Error(), "start code") {
		t.Errorf("bad start code: error %v", err)
	}
}

// TestNotKeyframe checks that an interframe is refused with ErrNotKeyframe.
func TestNotKeyframe(t *testing.T) {
	_, err := NewDecoder().Decode([]byte{0x31, 0x02, 0x00, 0x00, 0x00})
	if !errors.Is(err, ErrNotKeyframe) {
		t.Fatalf("error %v, want ErrNotKeyframe", err)
	}
}

// TestMaxSize checks that frames over the limit are refused before
// anything is allocated for them, with the default and a set limit.
func TestMaxSize(t *testing.T) {
	huge := synthFrame{w: 16383, h: 16383}.build()
	d := NewDecoder()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := d.Decode(huge); err == nil {
		t.Fatal("16383x16383 accepted with the default limit")
	}
	runtime.ReadMemStats(&after)
	if d.y != nil || after.TotalAlloc-before.TotalAlloc > 4096 {
		t.Fatalf("refusing a huge frame allocated %d bytes", after.TotalAlloc-before.TotalAlloc)
	}
	d.SetMaxSize(640, 480)
	if _, err := d.Decode(synthFrame{w: 640, h: 480}.build()); err != nil {
		t.Fatalf("640x480 with a limit of 640x480: %v", err)
	}
	if _, err := d.Decode(synthFrame{w: 640, h: 481}.build()); err == nil {
		t.Fatal("640x481 accepted with a limit of 640x480")
	}
	d.SetMaxSize(16383, 16383)
	if _, err := d.Decode(synthFrame{w: 4100, h: 20}.build()); err != nil {
		t.Fatalf("4100x20 with a limit of 16383x16383: %v", err)
	}
}

// TestPartitionSizes checks that partition sizes pointing past the frame
// are refused.
func TestPartitionSizes(t *testing.T) {
	frame := synthFrame{w: 64, h: 64, log2Parts: 2}.build()
	first := int(binary.LittleEndian.Uint32(append(frame[:3:3], 0)) >> 5)
	sizes := keyFrameChunkSize + first
	frame[sizes+3] = 0xff // partition 1 of 255 bytes
	if _, err := NewDecoder().Decode(frame); err == nil || !strings.Contains(err.Error(), "token partition 1") {
		t.Fatalf("error %v, want one about token partition 1", err)
	}
	if _, err := NewDecoder().Decode(frame[:sizes+4]); err == nil || !strings.Contains(err.Error(), "sizes") {
		t.Fatalf("error %v, want one about the partition sizes", err)
	}
}

// TestHostileLargeFrame decodes a 4096x4096 frame whose first partition
// ends after its first row of macroblocks: it must be refused, and soon,
// not decoded to the end on zeros.
func TestHostileLargeFrame(t *testing.T) {
	frame := synthFrame{w: 4096, h: 4096, mbs: 256}.build()
	start := time.Now()
	_, err := NewDecoder().Decode(frame)
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("error %v, want a truncated partition", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v to refuse", d)
	}
}

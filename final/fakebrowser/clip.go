package fakebrowser

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"time"

	"nutsandbolts/final/ivf"
	"nutsandbolts/final/vp8"
)

// Clip is the "camera": the frames of a VP8 IVF file, played at the file's
// frame rate. It is read once and shared, read-only, by every Peer.
//
// Besides the frames it keeps, for each keyframe, the picture the server's
// photographer will make of it: our own VP8 decoder's output, with the luma
// converted from BT.601 studio range to the full range JPEG uses (as the
// server's shots.go does), so that a saved JPEG can be compared like with
// like.
type Clip struct {
	Frames        []ClipFrame
	Width, Height int           // of the first keyframe
	FrameDuration time.Duration // from the file's timestamps and time base
}

// ClipFrame is one frame of the clip.
type ClipFrame struct {
	Data     []byte
	Keyframe bool
	// Luma is, for a keyframe, its decoded Y plane in full range (0–255),
	// Width×Height bytes, row after row; nil for an interframe.
	Luma []byte
}

// maxClipBytes bounds a clip held in memory.
const maxClipBytes = 64 << 20

// LoadClip reads a VP8 IVF file. The first frame must be a keyframe, and
// every keyframe must decode (with package vp8) to the size of the first.
func LoadClip(r io.Reader) (*Clip, error) {
	rd, h, err := ivf.NewReader(r)
	if err != nil {
		return nil, err
	}
	if h.FourCC != ivf.FourCCVP8 {
		return nil, fmt.Errorf("clip: codec %q, want VP80", h.FourCC[:])
	}
	c := &Clip{}
	dec := vp8.NewDecoder()
	var first, last uint64
	total := 0
	for {
		f, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if total += len(f.Data); total > maxClipBytes {
			return nil, fmt.Errorf("clip: more than %d bytes", maxClipBytes)
		}
		var ph vp8.PayloadHeader
		if _, err := ph.Unmarshal(f.Data); err != nil {
			return nil, fmt.Errorf("clip: frame %d: %w", len(c.Frames), err)
		}
		cf := ClipFrame{Data: bytes.Clone(f.Data), Keyframe: ph.Keyframe}
		if cf.Keyframe {
			img, err := dec.Decode(cf.Data)
			if err != nil {
				return nil, fmt.Errorf("clip: keyframe %d: %w", len(c.Frames), err)
			}
			b := img.Bounds()
			if c.Width == 0 {
				c.Width, c.Height = b.Dx(), b.Dy()
			} else if b.Dx() != c.Width || b.Dy() != c.Height {
				return nil, fmt.Errorf("clip: keyframe %d is %dx%d, the first %dx%d", len(c.Frames), b.Dx(), b.Dy(), c.Width, c.Height)
			}
			cf.Luma = fullRangeLuma(img)
		} else if len(c.Frames) == 0 {
			return nil, errors.New("clip: the first frame is not a keyframe")
		}
		if len(c.Frames) == 0 {
			first = f.Timestamp
		}
		last = f.Timestamp
		c.Frames = append(c.Frames, cf)
	}
	if len(c.Frames) == 0 {
		return nil, errors.New("clip: no frames")
	}
	// The frame duration: the span of the timestamps over the frames, in
	// the file's time base (numerator/denominator seconds per unit).
	c.FrameDuration = time.Second / 30
	if n := len(c.Frames); n > 1 && last > first && h.TimebaseDenominator > 0 && h.TimebaseNumerator > 0 {
		span := float64(last-first) * float64(h.TimebaseNumerator) / float64(h.TimebaseDenominator)
		if d := time.Duration(span / float64(n-1) * float64(time.Second)); d >= time.Millisecond && d <= time.Second {
			c.FrameDuration = d
		}
	}
	return c, nil
}

// keyframeAtOrBefore returns the index of the last keyframe at or before
// frame i: where to jump back to when a keyframe is asked for.
func (c *Clip) keyframeAtOrBefore(i int) int {
	for ; i > 0; i-- {
		if c.Frames[i].Keyframe {
			return i
		}
	}
	return 0
}

// studioToFull maps BT.601 studio-range luma (16 black, 235 white) to
// full range, as the server does before writing a JPEG (RFC 6386 §9.2
// colour space 0; JFIF uses 0–255).
var studioToFull = func() (t [256]uint8) {
	for i := range t {
		v := (i - 16) * 255
		switch {
		case v < 0:
			v = -((-v + 109) / 219)
		default:
			v = (v + 109) / 219
		}
		t[i] = uint8(min(max(v, 0), 255))
	}
	return t
}()

// fullRangeLuma copies an image's Y plane, converted to full range.
func fullRangeLuma(img *image.YCbCr) []byte {
	b := img.Bounds()
	out := make([]byte, 0, b.Dx()*b.Dy())
	for y := 0; y < b.Dy(); y++ {
		for _, v := range img.Y[y*img.YStride : y*img.YStride+b.Dx()] {
			out = append(out, studioToFull[v])
		}
	}
	return out
}

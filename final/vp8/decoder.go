package vp8

// The key frame decoder: RFC 6386 §5 (overview of the decoding process)
// and the frame loop of dixie.c (§20.4). Each key frame is decoded on its
// own: a key frame resets every probability and setting it depends on
// (§9.3, §9.4, §9.9), so no state carries over from one frame to the next.

import (
	"errors"
	"fmt"
	"image"
)

// Default limits on the dimensions of a frame; see SetMaxSize.
const (
	defaultMaxWidth  = 4096
	defaultMaxHeight = 4096
)

// Plane layout: a border of planeBorder pixels on the left and right and
// one row on top (see predict.go).
const planeBorder = 8

// Decoder decodes VP8 key frames. One Decoder can decode frames of any
// size, one after the other; it is not safe for concurrent use.
type Decoder struct {
	maxWidth, maxHeight int // refuse larger frames, before allocating

	tag        frameTag           // uncompressed chunk of the last frame (§9.1)
	hdr        frameHeader        // frame header of the last frame (§9.2–§9.11)
	coeffProbs [4][8][3][11]uint8 // token probabilities of this frame (§13.3–§13.5)
	dequant    [4]dequantFactors  // per segment (§14.1)
	filter     [4][2]filterParams // per segment, per 16x16 mode / B_PRED (§15.4)
	part0      boolDecoder        // first partition: header and modes
	parts      [8]boolDecoder     // DCT token partitions (§9.5)

	// Frame geometry and buffers, reallocated when the size changes.
	width, height int    // display size in pixels
	mbw, mbh      int    // size in macroblocks
	y, u, v       []byte // planes with borders
	yStride       int    // distance between rows of y
	uvStride      int    // distance between rows of u and v
	yOrigin       int    // index in y of the top-left pixel
	uvOrigin      int    // index in u and v of the top-left pixel
	img           image.YCbCr

	// Contexts of the macroblocks above: 4 subblock modes (§11.3) and the
	// token contexts (§13.3) per macroblock column.
	aboveModes []([4]uint8)
	aboveNZ    []nzContext
	// Loop filter state of two rows of macroblocks: the row being
	// decoded and the row above, filtered one row late (§15.1).
	mbFilters []mbFilter

	// Per-macroblock scratch.
	mb     mbHeader
	coeffs [25 * 16]int16 // dequantized coefficients: Y 0..15, U 16..19, V 20..23, Y2 24
	eob    [25]uint8      // per block: decodeBlock's result
}

// NewDecoder returns a Decoder that refuses frames larger than
// 4096x4096 pixels; see SetMaxSize.
func NewDecoder() *Decoder {
	return &Decoder{maxWidth: defaultMaxWidth, maxHeight: defaultMaxHeight}
}

// SetMaxSize sets the largest frame, in pixels, that Decode accepts;
// larger frames are refused before any memory is allocated for them. VP8
// frames are at most 16383x16383.
func (d *Decoder) SetMaxSize(width, height int) {
	d.maxWidth, d.maxHeight = width, height
}

// Decode decodes one VP8 key frame (RFC 6386) and returns it as a 4:2:0
// image of its display size. An interframe returns ErrNotKeyframe; a
// truncated or corrupt frame returns an error. The image and its pixels
// belong to the Decoder: they stay valid until the next call of Decode.
//
// The frame tag's show_frame flag is not looked at: a key frame that is
// not meant to be shown decodes like any other. The upscaling codes of
// §9.1 are not applied: the image has the coded size.
func (d *Decoder) Decode(frame []byte) (*image.YCbCr, error) {
	tag, err := parseFrameTag(frame)
	if err != nil {
		return nil, err
	}
	if tag.width > d.maxWidth || tag.height > d.maxHeight {
		return nil, fmt.Errorf("vp8: frame of %dx%d is larger than the limit of %dx%d",
			tag.width, tag.height, d.maxWidth, d.maxHeight)
	}
	d.tag = tag
	first := frame[keyFrameChunkSize : keyFrameChunkSize+tag.firstPartSize]
	d.part0.init(first)
	d.coeffProbs = defaultCoeffProbs
	if err := parseFrameHeader(&d.part0, &d.hdr, &d.coeffProbs); err != nil {
		return nil, err
	}
	if err := setupPartitions(frame[keyFrameChunkSize+tag.firstPartSize:], d.hdr.partitions, d.parts[:]); err != nil {
		return nil, err
	}
	computeDequant(&d.hdr, &d.dequant)
	computeFilterParams(&d.hdr, &d.filter)
	d.resize(tag.width, tag.height)
	if err := d.decodeMacroblocks(); err != nil {
		return nil, err
	}
	return &d.img, nil
}

// resize sets up the planes and contexts for a frame of w x h pixels,
// allocating only when the size differs from the last frame's.
func (d *Decoder) resize(w, h int) {
	if w == d.width && h == d.height && d.y != nil {
		return
	}
	d.width, d.height = w, h
	d.mbw, d.mbh = (w+15)/16, (h+15)/16
	d.yStride = 16*d.mbw + 2*planeBorder
	d.uvStride = 8*d.mbw + 2*planeBorder
	d.yOrigin = d.yStride + planeBorder
	d.uvOrigin = d.uvStride + planeBorder
	d.y = make([]byte, (1+16*d.mbh)*d.yStride)
	d.u = make([]byte, (1+8*d.mbh)*d.uvStride)
	d.v = make([]byte, (1+8*d.mbh)*d.uvStride)
	d.aboveModes = make([][4]uint8, d.mbw)
	d.aboveNZ = make([]nzContext, d.mbw)
	d.mbFilters = make([]mbFilter, 2*d.mbw)
	d.img = image.YCbCr{
		Y:              d.y[d.yOrigin:],
		Cb:             d.u[d.uvOrigin:],
		Cr:             d.v[d.uvOrigin:],
		YStride:        d.yStride,
		CStride:        d.uvStride,
		SubsampleRatio: image.YCbCrSubsampleRatio420,
		Rect:           image.Rect(0, 0, w, h),
	}
}

// initBorders writes the values that RFC 6386 §12 assigns to the pixels
// outside the frame: 127 above (with the corner), 129 on the left.
func initBorders(p []byte, stride, origin, rows int) {
	top := p[:stride]
	for i := range top {
		top[i] = 127
	}
	for r := 0; r < rows; r++ {
		p[origin-1+r*stride] = 129
	}
}

// decodeMacroblocks decodes the macroblocks in raster order (RFC 6386 §5,
// §19.3) and loop filters each row once the row below it is reconstructed
// (§15: prediction reads unfiltered pixels).
func (d *Decoder) decodeMacroblocks() error {
	initBorders(d.y, d.yStride, d.yOrigin, 16*d.mbh)
	initBorders(d.u, d.uvStride, d.uvOrigin, 8*d.mbh)
	initBorders(d.v, d.uvStride, d.uvOrigin, 8*d.mbh)
	clear(d.aboveModes)
	clear(d.aboveNZ)
	clear(d.coeffs[:])
	filtering := d.hdr.filter.level != 0
	nparts := d.hdr.partitions
	for mby := 0; mby < d.mbh; mby++ {
		bd := &d.parts[mby&(nparts-1)]
		var leftModes [4]uint8
		var leftNZ nzContext
		filters := d.mbFilters[(mby&1)*d.mbw : (mby&1+1)*d.mbw]
		for mbx := 0; mbx < d.mbw; mbx++ {
			mb := &d.mb
			d.parseMBHeader(mb, &d.aboveModes[mbx], &leftModes)
			hasY2 := mb.yMode != predB
			coded := false
			if !mb.skip {
				coded = d.decodeResiduals(bd, hasY2, &d.dequant[mb.segment], &d.aboveNZ[mbx], &leftNZ)
			} else {
				skipResiduals(hasY2, &d.aboveNZ[mbx], &leftNZ)
			}
			d.reconstruct(mbx, mby, coded)
			if coded {
				clear(d.coeffs[:])
			}
			filters[mbx] = mbFilter{
				filterParams: d.filter[mb.segment][bool32(!hasY2)],
				inner:        coded || !hasY2,
			}
		}
		// §12.3: the pixels above and to the right of the last
		// macroblock of the next row repeat the last pixel above it.
		last := d.yOrigin + (16*mby+15)*d.yStride + 16*d.mbw
		v := d.y[last-1]
		d.y[last], d.y[last+1], d.y[last+2], d.y[last+3] = v, v, v, v

		if d.part0.overrun() {
			return errors.New("vp8: first partition truncated")
		}
		if bd.overrun() {
			return fmt.Errorf("vp8: token partition %d truncated", mby&(nparts-1))
		}
		if filtering && mby > 0 {
			d.filterRow(mby - 1)
		}
	}
	if filtering {
		d.filterRow(d.mbh - 1)
	}
	return nil
}

// reconstruct predicts the macroblock at (mbx, mby) and adds its residue
// (RFC 6386 §12, §14).
func (d *Decoder) reconstruct(mbx, mby int, coded bool) {
	mb := &d.mb
	ys, uvs := d.yStride, d.uvStride
	yo := d.yOrigin + 16*mby*ys + 16*mbx
	uo := d.uvOrigin + 8*mby*uvs + 8*mbx
	haveAbove, haveLeft := mby > 0, mbx > 0
	if mb.yMode == predB {
		// §12.3: subblocks 7, 11 and 15 use the pixels above and to the
		// right of subblock 3. Copying them below their place lets every
		// subblock read its above-right pixels from the row above it;
		// the copies land in the next macroblock (or the border) and are
		// overwritten when it is predicted.
		ar := d.y[yo-ys+16 : yo-ys+20]
		for r := 3; r < 15; r += 4 {
			copy(d.y[yo+r*ys+16:yo+r*ys+20], ar)
		}
		for i := 0; i < 16; i++ {
			off := yo + (i>>2)*4*ys + (i&3)*4
			predictSubblock(mb.bModes[i], d.y, off, ys)
			if coded {
				d.addResidual(i, d.y, off, ys)
			}
		}
	} else {
		predictMB(mb.yMode, d.y, yo, ys, 16, 4, haveAbove, haveLeft)
		if coded {
			// §14.2: the inverse WHT gives the DC of the 16 Y blocks.
			if n := d.eob[24]; n > 0 {
				inverseWHT((*[16]int16)(d.coeffs[24*16:]), d.coeffs[:], n <= 1)
			}
			for i := 0; i < 16; i++ {
				off := yo + (i>>2)*4*ys + (i&3)*4
				d.addResidual(i, d.y, off, ys)
			}
		}
	}
	predictMB(mb.uvMode, d.u, uo, uvs, 8, 3, haveAbove, haveLeft)
	predictMB(mb.uvMode, d.v, uo, uvs, 8, 3, haveAbove, haveLeft)
	if coded {
		for i := 0; i < 4; i++ {
			off := uo + (i>>1)*4*uvs + (i&1)*4
			d.addResidual(16+i, d.u, off, uvs)
			d.addResidual(20+i, d.v, off, uvs)
		}
	}
}

// addResidual adds the residue of block i to the predicted pixels at
// buf[off:] (RFC 6386 §14.4, §14.5), taking the shortcut for blocks whose
// only coefficient is the DC.
func (d *Decoder) addResidual(i int, buf []byte, off, stride int) {
	c := (*[16]int16)(d.coeffs[16*i:])
	if d.eob[i] > 1 {
		idctAdd(c, buf, off, stride)
	} else if c[0] != 0 {
		dcAdd(c[0], buf, off, stride)
	}
}

// filterRow loop filters row mby of macroblocks (RFC 6386 §15.1).
func (d *Decoder) filterRow(mby int) {
	filters := d.mbFilters[(mby&1)*d.mbw : (mby&1+1)*d.mbw]
	for mbx := range filters {
		f := &filters[mbx]
		if f.level == 0 {
			continue
		}
		yo := d.yOrigin + 16*mby*d.yStride + 16*mbx
		if d.hdr.filter.simple {
			filterMBSimple(d.y, yo, d.yStride, mbx > 0, mby > 0, f)
		} else {
			uo := d.uvOrigin + 8*mby*d.uvStride + 8*mbx
			filterMBNormal(d.y, d.u, d.v, yo, uo, d.yStride, d.uvStride, mbx > 0, mby > 0, f)
		}
	}
}

package vp8

// The frame header, RFC 6386 §9 and §19.1–§19.2: the uncompressed data
// chunk (frame tag, start code, dimensions) and the header fields at the
// start of the first partition, up to the coefficient probability updates
// and mb_no_skip_coeff. Only key frames get past the frame tag.

import (
	"errors"
	"fmt"
)

// ErrNotKeyframe is returned (wrapped) by Decode for an interframe: this
// decoder handles key frames only (RFC 6386 §9.1, frame type 1).
var ErrNotKeyframe = errors.New("vp8: not a key frame")

// keyFrameStartCode is the key frame start code (RFC 6386 §9.1).
var keyFrameStartCode = [3]byte{0x9d, 0x01, 0x2a}

// frameTag is the uncompressed data chunk of a key frame (RFC 6386 §9.1,
// §19.1).
type frameTag struct {
	version       int  // 0..3: the profile (§9.1); decoding a key frame does not depend on it
	showFrame     bool // the frame is meant to be displayed
	firstPartSize int  // size of the first partition in bytes, after the 10-byte chunk
	width         int  // in pixels, 1..16383
	height        int  // in pixels, 1..16383
	hScale        int  // horizontal upscaling code 0..3 (§9.1); not applied (scaling is left to the display)
	vScale        int  // vertical upscaling code 0..3
}

// keyFrameChunkSize is the size of a key frame's uncompressed data chunk:
// 3 bytes of frame tag, 3 of start code and 4 of dimensions (§9.1).
const keyFrameChunkSize = 10

// parseFrameTag reads the uncompressed data chunk (RFC 6386 §9.1, §19.1).
func parseFrameTag(data []byte) (frameTag, error) {
	var t frameTag
	if len(data) < 3 {
		return t, fmt.Errorf("vp8: frame of %d bytes: too short for a frame tag", len(data))
	}
	tag := uint32(data[0]) | uint32(data[1])<<8 | uint32(data[2])<<16
	if tag&1 != 0 {
		return t, ErrNotKeyframe
	}
	t.version = int(tag>>1) & 7
	t.showFrame = (tag>>4)&1 == 1
	t.firstPartSize = int(tag >> 5)
	if t.version > 3 {
		return t, fmt.Errorf("vp8: version %d is reserved (§9.1)", t.version)
	}
	if len(data) < keyFrameChunkSize {
		return t, fmt.Errorf("vp8: key frame of %d bytes: too short for its header", len(data))
	}
	if data[3] != keyFrameStartCode[0] || data[4] != keyFrameStartCode[1] || data[5] != keyFrameStartCode[2] {
		return t, fmt.Errorf("vp8: bad start code % x", data[3:6])
	}
	w := int(data[6]) | int(data[7])<<8
	h := int(data[8]) | int(data[9])<<8
	t.width, t.hScale = w&0x3fff, w>>14
	t.height, t.vScale = h&0x3fff, h>>14
	if t.width == 0 || t.height == 0 {
		return t, fmt.Errorf("vp8: key frame of size %dx%d", t.width, t.height)
	}
	if t.firstPartSize > len(data)-keyFrameChunkSize {
		return t, fmt.Errorf("vp8: first partition of %d bytes, but only %d bytes follow the header",
			t.firstPartSize, len(data)-keyFrameChunkSize)
	}
	return t, nil
}

// segmentHeader is the segmentation part of the frame header
// (RFC 6386 §9.3, update_segmentation() in §19.2). On a key frame
// everything starts from zero (§9.3, dixie.c decode_segmentation_header).
type segmentHeader struct {
	enabled     bool     // segmentation_enabled
	updateMap   bool     // update_mb_segmentation_map: each macroblock header carries a segment_id
	absolute    bool     // segment_feature_mode: 1 absolute values, 0 deltas (§19.2)
	quantizer   [4]int   // per-segment quantizer index or delta, -127..127
	filterLevel [4]int   // per-segment loop filter level or delta, -63..63
	treeProbs   [3]uint8 // mb_segment_tree_probs (§10), 255 unless updated
}

// filterHeader is the loop filter part of the frame header
// (RFC 6386 §9.4, mb_lf_adjustments() in §19.2).
type filterHeader struct {
	simple       bool   // filter_type: 1 simple filter (§15.2), 0 normal filter (§15.3)
	level        int    // loop_filter_level 0..63; 0 turns the filter off
	sharpness    int    // sharpness_level 0..7
	deltaEnabled bool   // loop_filter_adj_enable
	refDelta     [4]int // ref_frame deltas: [0] intra, the only one of a key frame
	modeDelta    [4]int // mode deltas: [0] B_PRED, the only one of a key frame
}

// quantHeader holds the dequantization indices (RFC 6386 §9.6,
// quant_indices() in §19.2).
type quantHeader struct {
	yAC       int // y_ac_qi 0..127, the base index
	yDCDelta  int // deltas to the base index, -15..15
	y2DCDelta int
	y2ACDelta int
	uvDCDelta int
	uvACDelta int
}

// frameHeader is the part of a key frame's header that the first
// partition codes (RFC 6386 §9.2–§9.11, §19.2).
type frameHeader struct {
	colorSpace          int // color_space: 0 is BT.601; 1 is reserved and refused (§9.2)
	clampingType        int // clamping_type: 0 clamp, 1 values are already in range (§9.2)
	segment             segmentHeader
	filter              filterHeader
	partitions          int // number of DCT token partitions: 1, 2, 4 or 8 (§9.5)
	quant               quantHeader
	refreshEntropyProbs bool  // refresh_entropy_probs; key frames are decoded on their own, so unused
	mbNoSkipCoeff       bool  // mb_no_skip_coeff: each macroblock header has mb_skip_coeff (§9.11)
	probSkipFalse       uint8 // prob_skip_false, the probability of mb_skip_coeff being 0
}

// parseFrameHeader reads the frame header from the first partition
// (RFC 6386 §19.2, key frame branch), including the coefficient
// probability updates into probs (§13.4), which must hold the defaults.
func parseFrameHeader(d *boolDecoder, h *frameHeader, probs *[4][8][3][11]uint8) error {
	*h = frameHeader{}
	// §9.2. The reference decoder refuses any non-zero value (§20.4);
	// clamping_type 1 only promises that clamping changes nothing, so
	// the decoder, which always clamps, honours both values.
	h.colorSpace = d.readLiteral(1)
	h.clampingType = d.readLiteral(1)
	if h.colorSpace != 0 {
		return errors.New("vp8: color_space 1 is reserved (RFC 6386 §9.2), not supported")
	}

	// §9.3, update_segmentation().
	s := &h.segment
	s.enabled = d.readBit()
	if s.enabled {
		s.updateMap = d.readBit()
		updateData := d.readBit()
		if updateData {
			s.absolute = d.readBit()
			for i := range s.quantizer {
				s.quantizer[i] = d.readOptionalSigned(7)
			}
			for i := range s.filterLevel {
				s.filterLevel[i] = d.readOptionalSigned(6)
			}
		}
		if s.updateMap {
			for i := range s.treeProbs {
				s.treeProbs[i] = 255
				if d.readBit() {
					s.treeProbs[i] = uint8(d.readLiteral(8))
				}
			}
		}
	}

	// §9.4, filter type and levels, then mb_lf_adjustments().
	f := &h.filter
	f.simple = d.readBit()
	f.level = d.readLiteral(6)
	f.sharpness = d.readLiteral(3)
	f.deltaEnabled = d.readBit()
	if f.deltaEnabled && d.readBit() { // mode_ref_lf_delta_update
		for i := range f.refDelta {
			f.refDelta[i] = d.readOptionalSigned(6)
		}
		for i := range f.modeDelta {
			f.modeDelta[i] = d.readOptionalSigned(6)
		}
	}

	// §9.5: the partition sizes follow the first partition; see
	// setupPartitions.
	h.partitions = 1 << d.readLiteral(2)

	// §9.6, quant_indices().
	q := &h.quant
	q.yAC = d.readLiteral(7)
	q.yDCDelta = d.readOptionalSigned(4)
	q.y2DCDelta = d.readOptionalSigned(4)
	q.y2ACDelta = d.readOptionalSigned(4)
	q.uvDCDelta = d.readOptionalSigned(4)
	q.uvACDelta = d.readOptionalSigned(4)

	// §9.7–§9.8 are implied on key frames; refresh_entropy_probs remains.
	h.refreshEntropyProbs = d.readBit()

	// §9.9, §13.4, token_prob_update().
	for i := range probs {
		for j := range probs[i] {
			for k := range probs[i][j] {
				for l := range probs[i][j][k] {
					if d.readBool(coeffUpdateProbs[i][j][k][l]) {
						probs[i][j][k][l] = uint8(d.readLiteral(8))
					}
				}
			}
		}
	}

	// §9.11.
	h.mbNoSkipCoeff = d.readBit()
	if h.mbNoSkipCoeff {
		h.probSkipFalse = uint8(d.readLiteral(8))
	}
	if d.overrun() {
		return errors.New("vp8: first partition truncated in the frame header")
	}
	return nil
}

// setupPartitions finds the DCT token partitions in rest, the bytes after
// the first partition (RFC 6386 §9.5): n-1 sizes of 3 bytes, little
// endian, then the partitions, the last one taking what remains.
func setupPartitions(rest []byte, n int, parts []boolDecoder) error {
	table := 3 * (n - 1)
	if len(rest) < table {
		return fmt.Errorf("vp8: %d token partitions, but only %d bytes for their sizes", n, len(rest))
	}
	sizes, data := rest[:table], rest[table:]
	for i := 0; i < n-1; i++ {
		size := int(sizes[3*i]) | int(sizes[3*i+1])<<8 | int(sizes[3*i+2])<<16
		if size > len(data) {
			return fmt.Errorf("vp8: token partition %d of %d bytes, but only %d bytes remain", i, size, len(data))
		}
		parts[i].init(data[:size])
		data = data[size:]
	}
	parts[n-1].init(data)
	return nil
}

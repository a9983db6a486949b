package vp8

// The macroblock header of a key frame, RFC 6386 §10 (segment_id), §11
// (mb_skip_coeff, luma modes with the subblock mode contexts of §11.3,
// chroma mode) and macroblock_header() in §19.3.

// mbHeader is the decoded header of one macroblock.
type mbHeader struct {
	segment uint8     // segment_id 0..3 (§10); 0 without a segment map
	skip    bool      // mb_skip_coeff: no DCT tokens are coded (§11.1)
	yMode   uint8     // predDC .. predB (§11.2)
	bModes  [16]uint8 // subblock modes in raster order, if yMode is predB
	uvMode  uint8     // predDC .. predTM (§11.4)
}

// bModeOf gives the subblock mode that a macroblock with a 16x16 luma mode
// stands for in the contexts of its neighbours (RFC 6386 §11.3, item 4).
var bModeOf = [4]uint8{
	predDC: bPredDC,
	predV:  bPredVE,
	predH:  bPredHE,
	predTM: bPredTM,
}

// parseMBHeader reads the header of the macroblock in column mbx from the
// first partition. above holds the 4 subblock modes along the bottom of the
// macroblock above, left those along the right of the macroblock to the
// left (§11.3, item 3); both are updated for the next macroblocks.
func (d *Decoder) parseMBHeader(mb *mbHeader, above, left *[4]uint8) {
	bd := &d.part0
	h := &d.hdr
	mb.segment = 0
	if h.segment.updateMap {
		mb.segment = uint8(bd.readTree(segmentTree, h.segment.treeProbs[:]))
	}
	mb.skip = false
	if h.mbNoSkipCoeff {
		mb.skip = bd.readBool(h.probSkipFalse)
	}
	mb.yMode = uint8(bd.readTree(kfYModeTree, kfYModeProbs[:]))
	if mb.yMode == predB {
		// §11.3: the contexts of subblock i are the modes of the
		// subblocks above and to the left of it, inside this macroblock
		// or along the edges of its neighbours.
		for i := 0; i < 16; i++ {
			a := above[i&3]
			l := left[i>>2]
			m := uint8(bd.readTree(bModeTree, kfBModeProbs[a][l][:]))
			mb.bModes[i] = m
			above[i&3] = m
			left[i>>2] = m
		}
	} else {
		m := bModeOf[mb.yMode]
		*above = [4]uint8{m, m, m, m}
		*left = [4]uint8{m, m, m, m}
	}
	mb.uvMode = uint8(bd.readTree(uvModeTree, kfUVModeProbs[:]))
}

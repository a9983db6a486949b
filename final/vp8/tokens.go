package vp8

// DCT and WHT coefficient tokens, RFC 6386 §13 (residual_data() in §19.3;
// tokens.c in §20.16), dequantized as they are decoded (§14.1).

// nzContext records, for the 4 Y, 2 U, 2 V and 1 Y2 blocks along one edge
// of a macroblock, whether the block had at least one token that was not
// EOB (RFC 6386 §13.3, the third dimension of coeff_probs). Index 8, Y2,
// keeps the state of the last macroblock that had a Y2 block.
type nzContext [9]uint8

// Token tree node indices into a row of coeff_probs (RFC 6386 §13.2,
// coeff_tree: the probability of the node at tree index 2*i is p[i]).
const (
	nodeEOB    = 0  // dct_eob or not
	nodeZero   = 1  // DCT_0 or not
	nodeOne    = 2  // DCT_1 or larger
	nodeLow    = 3  // DCT_2..DCT_4 or a category
	nodeTwo    = 4  // DCT_2 or DCT_3/DCT_4
	nodeThree  = 5  // DCT_3 or DCT_4
	nodeHigh   = 6  // dct_cat1/2 or dct_cat3..6
	nodeCat1   = 7  // dct_cat1 or dct_cat2
	nodeCat3_4 = 8  // dct_cat3/4 or dct_cat5/6
	nodeCat3   = 9  // dct_cat3 or dct_cat4
	nodeCat5   = 10 // dct_cat5 or dct_cat6
)

// decodeBlock decodes the tokens of one 4x4 block (RFC 6386 §13.2–§13.3)
// into out, in raster order, multiplied by the DC factor q[0] (position 0)
// or the AC factor q[1]. probs are the probabilities of the block's type,
// ctx the number (0..2) of the neighbouring blocks with tokens, first the
// first position (1 for Y blocks after a Y2 block, else 0).
//
// It returns 0 if the first token is EOB, else the position after the last
// token (at most 16): the block's "has tokens" state for the contexts is
// its result > 0, and it has AC coefficients only if its result is > 1.
// As in §20.16 and libvpx, products are stored as 16-bit integers.
func decodeBlock(bd *boolDecoder, probs *[8][3][11]uint8, ctx int, first int, q *[2]int32, out *[16]int16) int {
	// The bools of the common tokens use decodeBool, inlined, after a
	// reserve that covers them: at most 4 per position (zero, one, sign
	// and the next EOB).
	n := first
	p := &probs[coeffBands[n]][ctx]
	bd.reserve()
	if !bd.decodeBool(p[nodeEOB]) {
		return 0
	}
	for {
		bd.reserve()
		// An EOB cannot follow DCT_0, so after a zero the loop comes
		// back here without reading the EOB node (§13.2).
		if !bd.decodeBool(p[nodeZero]) {
			n++
			if n == 16 {
				return 16
			}
			p = &probs[coeffBands[n]][0]
			continue
		}
		var v int32
		next := 2 // context of the next position: |v| > 1
		if !bd.decodeBool(p[nodeOne]) {
			v = 1
			next = 1
		} else {
			v = readLargeToken(bd, p)
			bd.reserve()
		}
		if bd.decodeBool(128) {
			v = -v
		}
		f := q[1]
		if n == 0 {
			f = q[0]
		}
		out[zigzag[n]&15] = int16(v * f)
		n++
		if n == 16 {
			return 16
		}
		p = &probs[coeffBands[n]][next]
		if !bd.decodeBool(p[nodeEOB]) {
			return n
		}
	}
}

// readLargeToken decodes the rest of a token known to be larger than
// DCT_1, with its extra bits (RFC 6386 §13.2, DCTextra), and returns its
// absolute value.
func readLargeToken(bd *boolDecoder, p *[11]uint8) int32 {
	if !bd.readBool(p[nodeLow]) {
		if !bd.readBool(p[nodeTwo]) {
			return 2
		}
		if !bd.readBool(p[nodeThree]) {
			return 3
		}
		return 4
	}
	if !bd.readBool(p[nodeHigh]) {
		if !bd.readBool(p[nodeCat1]) {
			// dct_cat1: 5..6, Pcat1 = {159}.
			return 5 + bool32(bd.readBool(159))
		}
		// dct_cat2: 7..10, Pcat2 = {165, 145}.
		v := 2 * bool32(bd.readBool(165))
		return 7 + v + bool32(bd.readBool(145))
	}
	if !bd.readBool(p[nodeCat3_4]) {
		if !bd.readBool(p[nodeCat3]) {
			return 11 + readExtra(bd, pCat3[:]) // dct_cat3: 11..18
		}
		return 19 + readExtra(bd, pCat4[:]) // dct_cat4: 19..34
	}
	if !bd.readBool(p[nodeCat5]) {
		return 35 + readExtra(bd, pCat5[:]) // dct_cat5: 35..66
	}
	return 67 + readExtra(bd, pCat6[:]) // dct_cat6: 67..2114
}

// readExtra decodes the extra bits of a token category, most significant
// first (RFC 6386 §13.2, DCTextra).
func readExtra(bd *boolDecoder, probs []uint8) int32 {
	var v int32
	for _, p := range probs {
		v = v<<1 | bool32(bd.readBool(p))
	}
	return v
}

func bool32(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// decodeResiduals decodes the tokens of a macroblock (RFC 6386 §13,
// residual_data() in §19.3) into d.coeffs, 16 per block: the 16 Y blocks,
// the 4 U, the 4 V and, if hasY2, the Y2 block last. It updates the
// contexts above and left, records each block's result of decodeBlock in
// d.eob, and reports whether any block had a token other than EOB.
func (d *Decoder) decodeResiduals(bd *boolDecoder, hasY2 bool, q *dequantFactors, above, left *nzContext) bool {
	var any uint8
	probs := &d.coeffProbs
	yType, first := typeYWithDC, 0
	if hasY2 {
		// §13: the Y2 block comes first; its context is that of the last
		// macroblocks with a Y2 block above and to the left.
		n := decodeBlock(bd, &probs[typeY2], int(above[8]+left[8]), 0, &q.y2, (*[16]int16)(d.coeffs[24*16:]))
		nz := b2u8(n > 0)
		above[8], left[8] = nz, nz
		d.eob[24] = uint8(n)
		any |= nz
		yType, first = typeYAfterY2, 1
	}
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			i := y*4 + x
			n := decodeBlock(bd, &probs[yType], int(above[x]+left[y]), first, &q.y1, (*[16]int16)(d.coeffs[i*16:]))
			nz := b2u8(n > 0)
			above[x], left[y] = nz, nz
			d.eob[i] = uint8(n)
			any |= nz
		}
	}
	// U then V: contexts 4..5 and 6..7.
	for c := 4; c < 8; c += 2 {
		for y := 0; y < 2; y++ {
			for x := 0; x < 2; x++ {
				i := 16 + (c-4)*2 + y*2 + x
				n := decodeBlock(bd, &probs[typeUV], int(above[c+x]+left[c+y]), 0, &q.uv, (*[16]int16)(d.coeffs[i*16:]))
				nz := b2u8(n > 0)
				above[c+x], left[c+y] = nz, nz
				d.eob[i] = uint8(n)
				any |= nz
			}
		}
	}
	return any != 0
}

// skipResiduals resets the contexts of a macroblock without tokens
// (mb_skip_coeff = 1, RFC 6386 §13.1): its blocks count as empty, except
// that a macroblock without a Y2 block leaves the Y2 context alone (§13.3,
// reset_mb_context in §20.16).
func skipResiduals(hasY2 bool, above, left *nzContext) {
	y2a, y2l := above[8], left[8]
	*above, *left = nzContext{}, nzContext{}
	if !hasY2 {
		above[8], left[8] = y2a, y2l
	}
}

func b2u8(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

package vp8

// Intra prediction, RFC 6386 §12 (predict.c in §20.14).
//
// Prediction works in place in the frame planes, which have a border: the
// row above the frame holds 127 (including the pixel above and to the left
// of the frame), the column to its left 129 (§12.1), so that V_PRED,
// H_PRED, TM_PRED and the subblock modes read the values §12 assigns to
// pixels outside the frame without special cases. DC_PRED is the exception
// that uses only the edges that exist (§12.2). The border on the right of
// the luma plane holds the 4 pixels above and to the right of the last
// macroblock of a row: 127 on the top row, else copies of the pixel above
// the macroblock's last column (§12.3), written by the decoder after each
// row.

import "encoding/binary"

// fillRows stores row (its first n bytes, n is 16 or 8) in the n rows of
// the block at buf[off:].
func fillRows(buf []byte, off, stride, n int, row *[16]byte) {
	if n == 16 {
		for i := 0; i < 16; i++ {
			*(*[16]byte)(buf[off+i*stride:]) = *row
		}
		return
	}
	r8 := [8]byte(row[:8])
	for i := 0; i < 8; i++ {
		*(*[8]byte)(buf[off+i*stride:]) = r8
	}
}

// splat returns a row of 16 copies of v.
func splat(v byte) (row [16]byte) {
	x := uint64(v) * 0x0101010101010101
	binary.LittleEndian.PutUint64(row[:8], x)
	binary.LittleEndian.PutUint64(row[8:], x)
	return row
}

// predictDC fills the n x n block at buf[off:] (n is 16 or 8, log2n its
// log) with the average of the row above and the column to the left, or of
// the one that exists, or with 128 if neither does (RFC 6386 §12.2).
func predictDC(buf []byte, off, stride, n, log2n int, haveAbove, haveLeft bool) {
	sum, shift := 0, log2n-1
	if haveAbove {
		for _, v := range buf[off-stride : off-stride+n] {
			sum += int(v)
		}
		shift++
	}
	if haveLeft {
		for i := 0; i < n; i++ {
			sum += int(buf[off-1+i*stride])
		}
		shift++
	}
	dc := byte(128)
	if shift >= log2n {
		dc = byte((sum + 1<<(shift-1)) >> shift)
	}
	row := splat(dc)
	fillRows(buf, off, stride, n, &row)
}

// predictV copies the row above into the n x n block (V_PRED, §12.2).
func predictV(buf []byte, off, stride, n int) {
	var row [16]byte
	copy(row[:n], buf[off-stride:])
	fillRows(buf, off, stride, n, &row)
}

// predictH copies the column to the left into the n x n block (H_PRED,
// §12.2).
func predictH(buf []byte, off, stride, n int) {
	for i := 0; i < n; i++ {
		o := off + i*stride
		row := splat(buf[o-1])
		copy(buf[o:o+n], row[:n])
	}
}

// predictTM fills the n x n block with L[i] + A[j] - P, clamped
// (TM_PRED, §12.2).
func predictTM(buf []byte, off, stride, n int) {
	above := buf[off-stride : off-stride+n]
	p := int32(buf[off-stride-1])
	for i := 0; i < n; i++ {
		o := off + i*stride
		row := buf[o : o+n]
		l := int32(buf[o-1]) - p
		for j, a := range above[:len(row)] {
			row[j] = clamp255(l + int32(a))
		}
	}
}

// predictMB predicts a 16x16 luma or 8x8 chroma block with mode predDC ..
// predTM (RFC 6386 §12.2, §12.3).
func predictMB(mode uint8, buf []byte, off, stride, n, log2n int, haveAbove, haveLeft bool) {
	switch mode {
	case predDC:
		predictDC(buf, off, stride, n, log2n, haveAbove, haveLeft)
	case predV:
		predictV(buf, off, stride, n)
	case predH:
		predictH(buf, off, stride, n)
	default:
		predictTM(buf, off, stride, n)
	}
}

func avg2(x, y uint8) uint8 {
	return uint8((uint32(x) + uint32(y) + 1) >> 1)
}

func avg3(x, y, z uint8) uint8 {
	return uint8((uint32(x) + 2*uint32(y) + uint32(z) + 2) >> 2)
}

// predictSubblock predicts the 4x4 luma subblock at buf[off:] with
// subblock mode mode (RFC 6386 §12.3, subblock_intra_predict). It reads
// the row above (8 pixels, the last 4 above and to the right), the column
// to the left and the pixel P above and to the left.
func predictSubblock(mode uint8, buf []byte, off, stride int) {
	// e is the edge of §12.3 extended by the above-right pixels:
	// e[0..3] = L[3], L[2], L[1], L[0]; e[4] = P; e[5..12] = A[0..7].
	var e [13]uint8
	copy(e[4:], buf[off-stride-1:off-stride+8])
	e[3] = buf[off-1]
	e[2] = buf[off-1+stride]
	e[1] = buf[off-1+2*stride]
	e[0] = buf[off-1+3*stride]
	r0 := (*[4]byte)(buf[off:])
	r1 := (*[4]byte)(buf[off+stride:])
	r2 := (*[4]byte)(buf[off+2*stride:])
	r3 := (*[4]byte)(buf[off+3*stride:])
	switch mode {
	case bPredDC:
		v := uint32(4)
		for i := 0; i < 4; i++ {
			v += uint32(e[5+i]) + uint32(e[i])
		}
		dc := uint8(v >> 3)
		*r0 = [4]byte{dc, dc, dc, dc}
		*r1, *r2, *r3 = *r0, *r0, *r0
	case bPredTM:
		p := int32(e[4])
		for i, r := range [4]*[4]byte{r0, r1, r2, r3} {
			l := int32(e[3-i]) - p
			r[0] = clamp255(l + int32(e[5]))
			r[1] = clamp255(l + int32(e[6]))
			r[2] = clamp255(l + int32(e[7]))
			r[3] = clamp255(l + int32(e[8]))
		}
	case bPredVE:
		*r0 = [4]byte{avg3(e[4], e[5], e[6]), avg3(e[5], e[6], e[7]), avg3(e[6], e[7], e[8]), avg3(e[7], e[8], e[9])}
		*r1, *r2, *r3 = *r0, *r0, *r0
	case bPredHE:
		v0 := avg3(e[4], e[3], e[2])
		v1 := avg3(e[3], e[2], e[1])
		v2 := avg3(e[2], e[1], e[0])
		v3 := avg3(e[1], e[0], e[0])
		*r0 = [4]byte{v0, v0, v0, v0}
		*r1 = [4]byte{v1, v1, v1, v1}
		*r2 = [4]byte{v2, v2, v2, v2}
		*r3 = [4]byte{v3, v3, v3, v3}
	case bPredLD:
		// Down-left along the row above: A[i+j] smoothed.
		a := e[5:13]
		d0 := avg3(a[0], a[1], a[2])
		d1 := avg3(a[1], a[2], a[3])
		d2 := avg3(a[2], a[3], a[4])
		d3 := avg3(a[3], a[4], a[5])
		d4 := avg3(a[4], a[5], a[6])
		d5 := avg3(a[5], a[6], a[7])
		d6 := avg3(a[6], a[7], a[7])
		*r0 = [4]byte{d0, d1, d2, d3}
		*r1 = [4]byte{d1, d2, d3, d4}
		*r2 = [4]byte{d2, d3, d4, d5}
		*r3 = [4]byte{d3, d4, d5, d6}
	case bPredRD:
		// Down-right along the edge e: avg3p(E + k).
		s := func(k int) uint8 { return avg3(e[k-1], e[k], e[k+1]) }
		*r3 = [4]byte{s(1), s(2), s(3), s(4)}
		*r2 = [4]byte{s(2), s(3), s(4), s(5)}
		*r1 = [4]byte{s(3), s(4), s(5), s(6)}
		*r0 = [4]byte{s(4), s(5), s(6), s(7)}
	case bPredVR:
		s3 := func(k int) uint8 { return avg3(e[k-1], e[k], e[k+1]) }
		s2 := func(k int) uint8 { return avg2(e[k], e[k+1]) }
		*r0 = [4]byte{s2(4), s2(5), s2(6), s2(7)}
		*r1 = [4]byte{s3(4), s3(5), s3(6), s3(7)}
		*r2 = [4]byte{s3(3), s2(4), s2(5), s2(6)}
		*r3 = [4]byte{s3(2), s3(4), s3(5), s3(6)}
	case bPredVL:
		a := e[5:13]
		*r0 = [4]byte{avg2(a[0], a[1]), avg2(a[1], a[2]), avg2(a[2], a[3]), avg2(a[3], a[4])}
		*r1 = [4]byte{avg3(a[0], a[1], a[2]), avg3(a[1], a[2], a[3]), avg3(a[2], a[3], a[4]), avg3(a[3], a[4], a[5])}
		*r2 = [4]byte{avg2(a[1], a[2]), avg2(a[2], a[3]), avg2(a[3], a[4]), avg3(a[4], a[5], a[6])}
		*r3 = [4]byte{avg3(a[1], a[2], a[3]), avg3(a[2], a[3], a[4]), avg3(a[3], a[4], a[5]), avg3(a[5], a[6], a[7])}
	case bPredHD:
		s3 := func(k int) uint8 { return avg3(e[k-1], e[k], e[k+1]) }
		s2 := func(k int) uint8 { return avg2(e[k], e[k+1]) }
		*r3 = [4]byte{s2(0), s3(1), s2(1), s3(2)}
		*r2 = [4]byte{s2(1), s3(2), s2(2), s3(3)}
		*r1 = [4]byte{s2(2), s3(3), s2(3), s3(4)}
		*r0 = [4]byte{s2(3), s3(4), s3(5), s3(6)}
	default: // bPredHU
		l0, l1, l2, l3 := e[3], e[2], e[1], e[0]
		*r0 = [4]byte{avg2(l0, l1), avg3(l0, l1, l2), avg2(l1, l2), avg3(l1, l2, l3)}
		*r1 = [4]byte{avg2(l1, l2), avg3(l1, l2, l3), avg2(l2, l3), avg3(l2, l3, l3)}
		*r2 = [4]byte{avg2(l2, l3), avg3(l2, l3, l3), l3, l3}
		*r3 = [4]byte{l3, l3, l3, l3}
	}
}

package vp8

// The loop filter, RFC 6386 §15 (dixie_loopfilter.c in §20.6): the simple
// filter (§15.2), the normal filter (§15.3) and their control parameters
// (§9.3, §9.4, §15.4).
//
// A segment is the 8 pixels p3 p2 p1 p0 | q0 q1 q2 q3 across an edge, at
// buf[i-4*step] .. buf[i+3*step]: step is 1 across a vertical edge and the
// stride across a horizontal one.

// filterParams are the loop filter controls of a macroblock (§15.4).
type filterParams struct {
	level     uint8 // loop_filter_level after segment and delta adjustments, 0..63; 0: no filtering
	mbLimit   uint8 // edge limit of macroblock edges: (level+2)*2 + interior
	subLimit  uint8 // edge limit of subblock edges: level*2 + interior
	interior  uint8 // interior limit, 1..63
	hevThresh uint8 // high edge variance threshold, 0..2
}

// mbFilter is what the loop filter needs to know about one macroblock.
type mbFilter struct {
	filterParams
	inner bool // filter the subblock edges too (§15.1: B_PRED or has tokens)
}

// computeFilterParams computes the filter controls of each segment, [0]
// for macroblocks with a 16x16 luma mode and [1] for B_PRED ones
// (RFC 6386 §9.3, §9.4, §15.4; calculate_filter_parameters in §20.6).
func computeFilterParams(h *frameHeader, out *[4][2]filterParams) {
	f := &h.filter
	for seg := range out {
		base := f.level
		if h.segment.enabled {
			if h.segment.absolute {
				base = h.segment.filterLevel[seg]
			} else {
				base += h.segment.filterLevel[seg]
			}
			base = max(0, min(base, 63))
		}
		for bpred := range out[seg] {
			level := base
			if f.deltaEnabled {
				// Key frames have only intra macroblocks: reference
				// delta 0 (intra frame) and mode delta 0 (B_PRED).
				level += f.refDelta[0]
				if bpred == 1 {
					level += f.modeDelta[0]
				}
				level = max(0, min(level, 63))
			}
			interior := level
			if f.sharpness > 0 {
				if f.sharpness > 4 {
					interior >>= 2
				} else {
					interior >>= 1
				}
				interior = min(interior, 9-f.sharpness)
			}
			interior = max(interior, 1)
			hev := 0
			if level >= 40 {
				hev = 2
			} else if level >= 15 {
				hev = 1
			}
			out[seg][bpred] = filterParams{
				level:     uint8(level),
				mbLimit:   uint8((level+2)*2 + interior),
				subLimit:  uint8(level*2 + interior),
				interior:  uint8(interior),
				hevThresh: uint8(hev),
			}
		}
	}
}

// abs32 is |x|, without a branch.
func abs32(x int32) int32 {
	m := x >> 31
	return (x ^ m) - m
}

// clamp127 saturates x to a signed byte, -128..127 (c() in §15.2).
func clamp127(x int32) int32 {
	return max(-128, min(x, 127))
}

// The loops below filter the n segments across one edge. Across a
// vertical edge (…V) a segment is 8 pixels of a row, s[0..7]; across a
// horizontal edge (…H) it is column x of the 8 rows r0..r7. The arithmetic
// is written out in each loop, which keeps it free of calls.

// mbEdgeV and mbEdgeH apply the normal filter across a macroblock edge
// (RFC 6386 §15.3, MBfilter): segments that pass the edge and interior
// limits (filter_yes) change p0 and q0 only if they have high edge
// variance, else p2..q2 move by 27/128, 18/128 and 9/128 of the edge
// difference.
func mbEdgeV(buf []byte, i, stride, n int, edge, interior, hevThresh int32) {
	for k := 0; k < n; k++ {
		o := i + k*stride
		s := (*[8]byte)(buf[o-4 : o+4])
		p3, p2, p1, p0 := int32(s[0]), int32(s[1]), int32(s[2]), int32(s[3])
		q0, q1, q2, q3 := int32(s[4]), int32(s[5]), int32(s[6]), int32(s[7])
		if abs32(p0-q0)*2+abs32(p1-q1)>>1 > edge ||
			max(abs32(p3-p2), abs32(p2-p1), abs32(p1-p0), abs32(q1-q0), abs32(q2-q1), abs32(q3-q2)) > interior {
			continue
		}
		w := clamp127(clamp127(p1-q1) + 3*(q0-p0))
		if abs32(p1-p0) > hevThresh || abs32(q1-q0) > hevThresh {
			s[3] = clamp255(p0 + min(w+3, 127)>>3)
			s[4] = clamp255(q0 - min(w+4, 127)>>3)
			continue
		}
		a := (27*w + 63) >> 7
		s[3], s[4] = clamp255(p0+a), clamp255(q0-a)
		a = (18*w + 63) >> 7
		s[2], s[5] = clamp255(p1+a), clamp255(q1-a)
		a = (9*w + 63) >> 7
		s[1], s[6] = clamp255(p2+a), clamp255(q2-a)
	}
}

func mbEdgeH(buf []byte, i, stride, n int, edge, interior, hevThresh int32) {
	r0, r1 := buf[i-4*stride:i-4*stride+n], buf[i-3*stride:i-3*stride+n]
	r2, r3 := buf[i-2*stride:i-2*stride+n], buf[i-stride:i-stride+n]
	r4, r5 := buf[i:i+n], buf[i+stride:i+stride+n]
	r6, r7 := buf[i+2*stride:i+2*stride+n], buf[i+3*stride:i+3*stride+n]
	for x := 0; x < n; x++ {
		p3, p2, p1, p0 := int32(r0[x]), int32(r1[x]), int32(r2[x]), int32(r3[x])
		q0, q1, q2, q3 := int32(r4[x]), int32(r5[x]), int32(r6[x]), int32(r7[x])
		if abs32(p0-q0)*2+abs32(p1-q1)>>1 > edge ||
			max(abs32(p3-p2), abs32(p2-p1), abs32(p1-p0), abs32(q1-q0), abs32(q2-q1), abs32(q3-q2)) > interior {
			continue
		}
		w := clamp127(clamp127(p1-q1) + 3*(q0-p0))
		if abs32(p1-p0) > hevThresh || abs32(q1-q0) > hevThresh {
			r3[x] = clamp255(p0 + min(w+3, 127)>>3)
			r4[x] = clamp255(q0 - min(w+4, 127)>>3)
			continue
		}
		a := (27*w + 63) >> 7
		r3[x], r4[x] = clamp255(p0+a), clamp255(q0-a)
		a = (18*w + 63) >> 7
		r2[x], r5[x] = clamp255(p1+a), clamp255(q1-a)
		a = (9*w + 63) >> 7
		r1[x], r6[x] = clamp255(p2+a), clamp255(q2-a)
	}
}

// subEdgeV and subEdgeH apply the normal filter across a subblock edge
// (RFC 6386 §15.3, subblock_filter): with high edge variance like the
// simple filter, otherwise without the outer taps, and p1 and q1 move by
// half of q0's adjustment.
func subEdgeV(buf []byte, i, stride, n int, edge, interior, hevThresh int32) {
	for k := 0; k < n; k++ {
		o := i + k*stride
		s := (*[8]byte)(buf[o-4 : o+4])
		p3, p2, p1, p0 := int32(s[0]), int32(s[1]), int32(s[2]), int32(s[3])
		q0, q1, q2, q3 := int32(s[4]), int32(s[5]), int32(s[6]), int32(s[7])
		if abs32(p0-q0)*2+abs32(p1-q1)>>1 > edge ||
			max(abs32(p3-p2), abs32(p2-p1), abs32(p1-p0), abs32(q1-q0), abs32(q2-q1), abs32(q3-q2)) > interior {
			continue
		}
		if abs32(p1-p0) > hevThresh || abs32(q1-q0) > hevThresh {
			a := clamp127(clamp127(p1-q1) + 3*(q0-p0))
			s[3] = clamp255(p0 + min(a+3, 127)>>3)
			s[4] = clamp255(q0 - min(a+4, 127)>>3)
			continue
		}
		a := clamp127(3 * (q0 - p0))
		f1 := min(a+4, 127) >> 3
		s[3], s[4] = clamp255(p0+min(a+3, 127)>>3), clamp255(q0-f1)
		a = (f1 + 1) >> 1
		s[2], s[5] = clamp255(p1+a), clamp255(q1-a)
	}
}

func subEdgeH(buf []byte, i, stride, n int, edge, interior, hevThresh int32) {
	r0, r1 := buf[i-4*stride:i-4*stride+n], buf[i-3*stride:i-3*stride+n]
	r2, r3 := buf[i-2*stride:i-2*stride+n], buf[i-stride:i-stride+n]
	r4, r5 := buf[i:i+n], buf[i+stride:i+stride+n]
	r6, r7 := buf[i+2*stride:i+2*stride+n], buf[i+3*stride:i+3*stride+n]
	for x := 0; x < n; x++ {
		p3, p2, p1, p0 := int32(r0[x]), int32(r1[x]), int32(r2[x]), int32(r3[x])
		q0, q1, q2, q3 := int32(r4[x]), int32(r5[x]), int32(r6[x]), int32(r7[x])
		if abs32(p0-q0)*2+abs32(p1-q1)>>1 > edge ||
			max(abs32(p3-p2), abs32(p2-p1), abs32(p1-p0), abs32(q1-q0), abs32(q2-q1), abs32(q3-q2)) > interior {
			continue
		}
		if abs32(p1-p0) > hevThresh || abs32(q1-q0) > hevThresh {
			a := clamp127(clamp127(p1-q1) + 3*(q0-p0))
			r3[x] = clamp255(p0 + min(a+3, 127)>>3)
			r4[x] = clamp255(q0 - min(a+4, 127)>>3)
			continue
		}
		a := clamp127(3 * (q0 - p0))
		f1 := min(a+4, 127) >> 3
		r3[x], r4[x] = clamp255(p0+min(a+3, 127)>>3), clamp255(q0-f1)
		a = (f1 + 1) >> 1
		r2[x], r5[x] = clamp255(p1+a), clamp255(q1-a)
	}
}

// simpleEdgeV and simpleEdgeH apply the simple filter (RFC 6386 §15.2):
// segments whose edge difference is within the limit get p0 and q0
// adjusted.
func simpleEdgeV(buf []byte, i, stride, n int, limit int32) {
	for k := 0; k < n; k++ {
		o := i + k*stride
		s := (*[4]byte)(buf[o-2 : o+2])
		p1, p0, q0, q1 := int32(s[0]), int32(s[1]), int32(s[2]), int32(s[3])
		if abs32(p0-q0)*2+abs32(p1-q1)>>1 > limit {
			continue
		}
		a := clamp127(clamp127(p1-q1) + 3*(q0-p0))
		s[1] = clamp255(p0 + min(a+3, 127)>>3)
		s[2] = clamp255(q0 - min(a+4, 127)>>3)
	}
}

func simpleEdgeH(buf []byte, i, stride, n int, limit int32) {
	r0, r1 := buf[i-2*stride:i-2*stride+n], buf[i-stride:i-stride+n]
	r2, r3 := buf[i:i+n], buf[i+stride:i+stride+n]
	for x := 0; x < n; x++ {
		p1, p0, q0, q1 := int32(r0[x]), int32(r1[x]), int32(r2[x]), int32(r3[x])
		if abs32(p0-q0)*2+abs32(p1-q1)>>1 > limit {
			continue
		}
		a := clamp127(clamp127(p1-q1) + 3*(q0-p0))
		r1[x] = clamp255(p0 + min(a+3, 127)>>3)
		r2[x] = clamp255(q0 - min(a+4, 127)>>3)
	}
}

// filterMBNormal filters the edges of the macroblock whose luma starts at
// y[yo] and chroma at u[uo], v[uo] with the normal filter, in the order of
// RFC 6386 §15.1: left edge, vertical subblock edges, top edge, horizontal
// subblock edges.
func filterMBNormal(y, u, v []byte, yo, uo, ys, uvs int, left, top bool, f *mbFilter) {
	mbl, subl := int32(f.mbLimit), int32(f.subLimit)
	in, hev := int32(f.interior), int32(f.hevThresh)
	if left {
		mbEdgeV(y, yo, ys, 16, mbl, in, hev)
		mbEdgeV(u, uo, uvs, 8, mbl, in, hev)
		mbEdgeV(v, uo, uvs, 8, mbl, in, hev)
	}
	if f.inner {
		for x := 4; x < 16; x += 4 {
			subEdgeV(y, yo+x, ys, 16, subl, in, hev)
		}
		subEdgeV(u, uo+4, uvs, 8, subl, in, hev)
		subEdgeV(v, uo+4, uvs, 8, subl, in, hev)
	}
	if top {
		mbEdgeH(y, yo, ys, 16, mbl, in, hev)
		mbEdgeH(u, uo, uvs, 8, mbl, in, hev)
		mbEdgeH(v, uo, uvs, 8, mbl, in, hev)
	}
	if f.inner {
		for r := 4; r < 16; r += 4 {
			subEdgeH(y, yo+r*ys, ys, 16, subl, in, hev)
		}
		subEdgeH(u, uo+4*uvs, uvs, 8, subl, in, hev)
		subEdgeH(v, uo+4*uvs, uvs, 8, subl, in, hev)
	}
}

// filterMBSimple filters the luma edges of a macroblock with the simple
// filter (RFC 6386 §15.2), in the order of §15.1. Chroma is not filtered.
func filterMBSimple(y []byte, yo, ys int, left, top bool, f *mbFilter) {
	mbl, subl := int32(f.mbLimit), int32(f.subLimit)
	if left {
		simpleEdgeV(y, yo, ys, 16, mbl)
	}
	if f.inner {
		for x := 4; x < 16; x += 4 {
			simpleEdgeV(y, yo+x, ys, 16, subl)
		}
	}
	if top {
		simpleEdgeH(y, yo, ys, 16, mbl)
	}
	if f.inner {
		for r := 4; r < 16; r += 4 {
			simpleEdgeH(y, yo+r*ys, ys, 16, subl)
		}
	}
}

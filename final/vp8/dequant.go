package vp8

// Dequantization factors, RFC 6386 §9.6 and §14.1, with the scaling and
// clamping of Y2 and chroma that §14.1 leaves to dixie.c (§20.4,
// dequant_init).

// dequantFactors holds the six factors of one segment: [0] multiplies the
// DC coefficient (position 0), [1] the 15 AC coefficients.
type dequantFactors struct {
	y1 [2]int32 // Y blocks
	y2 [2]int32 // the Y2 block (WHT input)
	uv [2]int32 // U and V blocks
}

// clampQ clamps a quantizer index to the table range 0..127 (§14.1).
func clampQ(q int) int {
	return max(0, min(q, 127))
}

// computeDequant fills the factors of each segment from the frame header
// (RFC 6386 §9.3, §9.6, §14.1). Without segmentation, segment 0 is used.
func computeDequant(h *frameHeader, out *[4]dequantFactors) {
	q := &h.quant
	for seg := range out {
		base := q.yAC
		if h.segment.enabled {
			if h.segment.absolute {
				base = h.segment.quantizer[seg]
			} else {
				base += h.segment.quantizer[seg]
			}
			// The segment's index is clamped before the deltas are added,
			// as libvpx does (vp8_mb_init_dequantizer); the sums are
			// clamped again by the lookups.
			base = clampQ(base)
		}
		f := &out[seg]
		f.y1[0] = dcQLookup[clampQ(base+q.yDCDelta)]
		f.y1[1] = acQLookup[clampQ(base)]
		// Y2: DC doubled, AC times 155/100 but at least 8.
		f.y2[0] = dcQLookup[clampQ(base+q.y2DCDelta)] * 2
		f.y2[1] = max(acQLookup[clampQ(base+q.y2ACDelta)]*155/100, 8)
		// Chroma: DC at most 132.
		f.uv[0] = min(dcQLookup[clampQ(base+q.uvDCDelta)], 132)
		f.uv[1] = acQLookup[clampQ(base+q.uvACDelta)]
	}
}

package vp8

// The inverse transforms and the summation of predictor and residue,
// RFC 6386 §14.2–§14.5 (idct_add.c in §20.8). The arithmetic, including the
// 16-bit intermediate values, is exactly that of the RFC's C code.

// Multiplication constants of §14.4, 16-bit fixed point.
const (
	cosPi8Sqrt2Minus1 = 20091 // sqrt(2)*cos(pi/8) - 1
	sinPi8Sqrt2       = 35468 // sqrt(2)*sin(pi/8)
)

// inverseWHT inverts the Y2 block in (RFC 6386 §14.3) and stores the 16
// results as the DC coefficients of the 16 Y blocks: result i goes to
// coeffs[16*i]. If only the DC input is non-zero (dcOnly), it uses the
// shortcut of §14.3, which gives the same result.
func inverseWHT(in *[16]int16, coeffs []int16, dcOnly bool) {
	_ = coeffs[15*16]
	if dcOnly {
		v := int16((int32(in[0]) + 3) >> 3)
		for i := 0; i < 16; i++ {
			coeffs[16*i] = v
		}
		return
	}
	var tmp [16]int16
	for i := 0; i < 4; i++ {
		a1 := int32(in[i]) + int32(in[12+i])
		b1 := int32(in[4+i]) + int32(in[8+i])
		c1 := int32(in[4+i]) - int32(in[8+i])
		d1 := int32(in[i]) - int32(in[12+i])
		tmp[i] = int16(a1 + b1)
		tmp[4+i] = int16(c1 + d1)
		tmp[8+i] = int16(a1 - b1)
		tmp[12+i] = int16(d1 - c1)
	}
	for i := 0; i < 4; i++ {
		r := (*[4]int16)(tmp[4*i:])
		a1 := int32(r[0]) + int32(r[3])
		b1 := int32(r[1]) + int32(r[2])
		c1 := int32(r[1]) - int32(r[2])
		d1 := int32(r[0]) - int32(r[3])
		coeffs[16*(4*i)] = int16((a1 + b1 + 3) >> 3)
		coeffs[16*(4*i+1)] = int16((c1 + d1 + 3) >> 3)
		coeffs[16*(4*i+2)] = int16((a1 - b1 + 3) >> 3)
		coeffs[16*(4*i+3)] = int16((d1 - c1 + 3) >> 3)
	}
}

// idctAdd inverts the DCT of in (RFC 6386 §14.4) and adds the residue to
// the 4x4 predicted block at buf[off:], rows stride apart, clamping to
// 0..255 (§14.5): vertical pass first, then horizontal, as in §14.4.
func idctAdd(in *[16]int16, buf []byte, off, stride int) {
	var tmp [16]int16
	for i := 0; i < 4; i++ {
		i0, i4, i8, i12 := int32(in[i]), int32(in[4+i]), int32(in[8+i]), int32(in[12+i])
		a1 := i0 + i8
		b1 := i0 - i8
		c1 := (i4*sinPi8Sqrt2)>>16 - (i12 + (i12*cosPi8Sqrt2Minus1)>>16)
		d1 := (i4 + (i4*cosPi8Sqrt2Minus1)>>16) + (i12*sinPi8Sqrt2)>>16
		tmp[i] = int16(a1 + d1)
		tmp[12+i] = int16(a1 - d1)
		tmp[4+i] = int16(b1 + c1)
		tmp[8+i] = int16(b1 - c1)
	}
	for i := 0; i < 4; i++ {
		r := (*[4]int16)(tmp[4*i:])
		i0, i1, i2, i3 := int32(r[0]), int32(r[1]), int32(r[2]), int32(r[3])
		a1 := i0 + i2
		b1 := i0 - i2
		c1 := (i1*sinPi8Sqrt2)>>16 - (i3 + (i3*cosPi8Sqrt2Minus1)>>16)
		d1 := (i1 + (i1*cosPi8Sqrt2Minus1)>>16) + (i3*sinPi8Sqrt2)>>16
		p := (*[4]byte)(buf[off+i*stride:])
		p[0] = clamp255(int32(p[0]) + int32(int16((a1+d1+4)>>3)))
		p[3] = clamp255(int32(p[3]) + int32(int16((a1-d1+4)>>3)))
		p[1] = clamp255(int32(p[1]) + int32(int16((b1+c1+4)>>3)))
		p[2] = clamp255(int32(p[2]) + int32(int16((b1-c1+4)>>3)))
	}
}

// dcAdd adds the residue of a block whose only non-zero coefficient is the
// DC: the inverse DCT of §14.4 then gives (dc+4)>>3 everywhere.
func dcAdd(dc int16, buf []byte, off, stride int) {
	v := (int32(dc) + 4) >> 3
	for i := 0; i < 4; i++ {
		p := (*[4]byte)(buf[off+i*stride:])
		p[0] = clamp255(int32(p[0]) + v)
		p[1] = clamp255(int32(p[1]) + v)
		p[2] = clamp255(int32(p[2]) + v)
		p[3] = clamp255(int32(p[3]) + v)
	}
}

// clamp255 saturates v to 0..255 (clamp255 of RFC 6386 §12.2, §14.5).
func clamp255(v int32) uint8 {
	if uint32(v) > 255 {
		return uint8(^v >> 31)
	}
	return uint8(v)
}

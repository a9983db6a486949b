package vp8

// The boolean entropy decoder, RFC 6386 §7 (with the literals and signed
// values of §9 and §19, and the tree decoding of §8.1).
//
// §7.3 keeps a 2-byte window: "value" holds the bits still to be decoded,
// and each bool compares its top byte with "split", then shifts value and
// range left until range is at least 128 again, shifting in a new byte
// every 8 shifts. This implementation does the same arithmetic without
// shifting value: it loads up to 7 bytes at a time into a 64-bit value and
// moves the position of the compared byte instead (bits), so most bools
// cost a multiply, a compare and a count of leading zeros. The results are
// identical bit for bit.
//
// Past the end of its data the decoder reads zeros, as the reference
// decoder does (§20.2). A partition that needs more than a couple of those
// zero bytes is truncated; the caller checks overrun().

import (
	"encoding/binary"
	"math/bits"
)

// overrunSlack is how many zero bytes past its end a partition may read
// before it counts as truncated. The §7.3 decoder preloads 2 bytes, so a
// well-formed partition never needs more than that.
const overrunSlack = 2

// boolDecoder decodes bools from one partition (RFC 6386 §7.3).
type boolDecoder struct {
	input []byte // bytes not yet loaded into value
	value uint64 // undecoded bits; the compared byte sits at bit position bits
	rng   uint32 // range, 128..255 between calls (§7.3 "range")
	bits  int    // position of the compared byte in value; < 0: load more
	zeros int    // zero bytes loaded after input ran out
}

// init starts decoding data (RFC 6386 §7.3, init_bool_decoder in §20.2).
func (d *boolDecoder) init(data []byte) {
	d.input = data
	d.value = 0
	d.rng = 255
	d.bits = -8
	d.zeros = 0
	d.fill()
}

// fill loads as many bytes into value as fit, or zeros past the end of
// the input. It is called when bits < reserveBits, so bits >= -7.
func (d *boolDecoder) fill() {
	if len(d.input) >= 8 {
		// value holds bits+8 bits: n more bytes fit below them.
		n := uint(55-d.bits) >> 3
		d.value = d.value<<(8*n) | binary.BigEndian.Uint64(d.input)>>(64-8*n)
		d.input = d.input[n:]
		d.bits += int(8 * n)
		return
	}
	for d.bits < 48 {
		var b byte
		if len(d.input) > 0 {
			b = d.input[0]
			d.input = d.input[1:]
		} else {
			d.zeros++
		}
		d.value = d.value<<8 | uint64(b)
		d.bits += 8
	}
}

// overrun reports whether the decoder has used more than overrunSlack zero
// bytes past the end of its data (zero bytes loaded but not yet reached
// do not count), that is whether the partition was truncated.
func (d *boolDecoder) overrun() bool {
	return 8*d.zeros-d.bits > 8*overrunSlack
}

// reserveBits is how many bits past the compared byte reserve guarantees:
// enough for 4 bools, each of which shifts at most 7 bits (§7.3: range
// is at least 1 before the shifts).
const reserveBits = 3 * 7

// reserve loads more input if fewer than reserveBits bits are left, so
// that the next 4 bools can be decoded with decodeBool.
func (d *boolDecoder) reserve() {
	if d.bits < reserveBits {
		d.fill()
	}
}

// readBool decodes one bool whose probability of being 0 is prob/256
// (RFC 6386 §7.3, bool_get in §20.2).
func (d *boolDecoder) readBool(prob uint8) bool {
	if d.bits < 0 {
		d.fill()
	}
	return d.decodeBool(prob)
}

// decodeBool is readBool without the loading of input: the caller makes
// sure that bits >= 0, with reserve. It is small enough to be inlined in
// the token loop.
func (d *boolDecoder) decodeBool(prob uint8) bool {
	split := 1 + (((d.rng - 1) * uint32(prob)) >> 8)
	bigSplit := uint64(split) << uint(d.bits)
	bit := d.value >= bigSplit
	if bit {
		d.rng -= split
		d.value -= bigSplit
	} else {
		d.rng = split
	}
	// §7.3 shifts until range is at least 128 again: as many times as
	// range, 1..255, has leading zeros in 8 bits.
	shift := bits.LeadingZeros32(d.rng) - 24
	d.rng <<= uint(shift)
	d.bits -= shift
	return bit
}

// readBit decodes a bool of probability 1/2, the "L(1)" of RFC 6386 §19.
func (d *boolDecoder) readBit() bool {
	return d.readBool(128)
}

// readLiteral decodes an n-bit unsigned number, most significant bit first:
// "L(n)" of RFC 6386 §19 (bool_get_uint in §20.2).
func (d *boolDecoder) readLiteral(n int) int {
	v := 0
	for i := 0; i < n; i++ {
		v <<= 1
		if d.readBool(128) {
			v |= 1
		}
	}
	return v
}

// readSigned decodes an n-bit magnitude followed by a sign bit, 1 meaning
// negative (RFC 6386 §9.3, §9.6, §19.2).
func (d *boolDecoder) readSigned(n int) int {
	v := d.readLiteral(n)
	if d.readBit() {
		return -v
	}
	return v
}

// readOptionalSigned decodes a flag and, if it is set, a signed value as
// readSigned; 0 otherwise (bool_maybe_get_int in §20.2).
func (d *boolDecoder) readOptionalSigned(n int) int {
	if !d.readBit() {
		return 0
	}
	return d.readSigned(n)
}

// readTree decodes a tree-coded value (RFC 6386 §8.1, treed_read): probs[i]
// is the probability of the node at t[2*i].
func (d *boolDecoder) readTree(t tree, probs []uint8) int {
	i := 0
	for {
		next := t[i]
		if d.readBool(probs[i>>1]) {
			next = t[i+1]
		}
		if next <= 0 {
			return int(-next)
		}
		i = int(next)
	}
}

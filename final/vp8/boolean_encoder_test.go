package vp8

import (
	"math/rand/v2"
	"testing"
)

// boolEncoder is the boolean entropy encoder of RFC 6386 §7.3, for tests:
// it builds frames with chosen header fields.
type boolEncoder struct {
	out      []byte
	rng      uint32 // 128..255
	bottom   uint32 // low end of the interval
	bitCount int    // shifts before a byte is ready
}

func newBoolEncoder() *boolEncoder {
	return &boolEncoder{rng: 255, bitCount: 24}
}

// carry adds one to the bytes written so far (§7.3 add_one_to_output).
func (e *boolEncoder) carry() {
	for i := len(e.out) - 1; i >= 0; i-- {
		e.out[i]++
		if e.out[i] != 0 {
			return
		}
	}
}

func (e *boolEncoder) writeBool(prob uint8, b bool) {
	split := 1 + (((e.rng - 1) * uint32(prob)) >> 8)
	if b {
		e.bottom += split
		e.rng -= split
	} else {
		e.rng = split
	}
	for e.rng < 128 {
		e.rng <<= 1
		if e.bottom&(1<<31) != 0 {
			e.carry()
		}
		e.bottom <<= 1
		e.bitCount--
		if e.bitCount == 0 {
			e.out = append(e.out, byte(e.bottom>>24))
			e.bottom &= 1<<24 - 1
			e.bitCount = 8
		}
	}
}

func (e *boolEncoder) writeLiteral(n int, v int) {
	for i := n - 1; i >= 0; i-- {
		e.writeBool(128, v>>i&1 == 1)
	}
}

// writeOptionalSigned writes a flag, then if v != 0 its magnitude and sign.
func (e *boolEncoder) writeOptionalSigned(n int, v int) {
	e.writeBool(128, v != 0)
	if v != 0 {
		e.writeLiteral(n, max(v, -v))
		e.writeBool(128, v < 0)
	}
}

// flush writes the remaining bits (§7.3 flush_bool_encoder) and returns the
// partition.
func (e *boolEncoder) flush() []byte {
	c := e.bitCount
	v := e.bottom
	if v&(1<<(32-c)) != 0 {
		e.carry()
	}
	v <<= uint(c & 7)
	for c >>= 3; c > 0; c-- {
		v <<= 8
	}
	for i := 0; i < 4; i++ {
		e.out = append(e.out, byte(v>>24))
		v <<= 8
	}
	return e.out
}

// TestBoolDecoderRoundTrip checks the decoder against the §7.3 encoder on
// random bools, probabilities and literals.
func TestBoolDecoderRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for run := 0; run < 50; run++ {
		n := r.IntN(5000)
		probs := make([]uint8, n)
		bits := make([]bool, n)
		e := newBoolEncoder()
		for i := range bits {
			probs[i] = uint8(r.IntN(256))
			// Make likely values likely, as an encoder would.
			bits[i] = r.IntN(256) >= int(probs[i])
			e.writeBool(probs[i], bits[i])
		}
		e.writeLiteral(7, 93)
		data := e.flush()
		var d boolDecoder
		d.init(data)
		for i := range bits {
			if got := d.readBool(probs[i]); got != bits[i] {
				t.Fatalf("run %d: bool %d of %d: got %v, want %v", run, i, n, got, bits[i])
			}
		}
		if got := d.readLiteral(7); got != 93 {
			t.Fatalf("run %d: literal %d, want 93", run, got)
		}
		if d.overrun() {
			t.Fatalf("run %d: overrun on a complete partition", run)
		}
	}
}

// TestBoolDecoderZeros checks that reading past the end yields zeros and
// is reported as an overrun.
func TestBoolDecoderZeros(t *testing.T) {
	var d boolDecoder
	d.init(nil)
	for i := 0; i < 100; i++ {
		if d.readBit() {
			t.Fatal("a bool from no data was 1")
		}
	}
	if !d.overrun() {
		t.Fatal("no overrun after reading 100 bits from no data")
	}
}

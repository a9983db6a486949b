package dtls

// Wire-format helpers shared by every message parser.
//
// TLS describes its messages in the presentation language of RFC 5246 §4:
// integers are big-endian (uint8, uint16, uint24, uint48) and variable-length
// vectors carry their length first, in as many bytes as the vector's ceiling
// needs ("opaque cookie<0..2^8-1>" has a 1-byte length, "opaque
// certificate_list<0..2^24-1>" a 3-byte one).
//
// reader never panics: every read checks the bounds first and, on a short
// input, sets ok to false and returns zero values. A parser reads everything
// and checks r.ok (and r.empty()) once at the end, the way
// golang.org/x/crypto/cryptobyte is used in crypto/tls.

// reader consumes a byte slice from the front.
type reader struct {
	b  []byte // what is left to read
	ok bool   // false once any read ran past the end
}

// newReader returns a reader over b.
func newReader(b []byte) *reader { return &reader{b: b, ok: true} }

// empty reports whether every byte was consumed and no read failed.
func (r *reader) empty() bool { return r.ok && len(r.b) == 0 }

// bytes returns the next n bytes (aliasing the input).
func (r *reader) bytes(n int) []byte {
	if !r.ok || n < 0 || len(r.b) < n {
		r.ok = false
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// uint reads an n-byte big-endian unsigned integer (n ≤ 8).
func (r *reader) uint(n int) uint64 {
	var v uint64
	for _, c := range r.bytes(n) {
		v = v<<8 | uint64(c)
	}
	return v
}

func (r *reader) u8() uint8   { return uint8(r.uint(1)) }
func (r *reader) u16() uint16 { return uint16(r.uint(2)) }
func (r *reader) u24() int    { return int(r.uint(3)) }
func (r *reader) u48() uint64 { return r.uint(6) }

// vec reads a vector whose length prefix is lenBytes long: <0..2^8-1> is 1,
// <0..2^16-1> is 2, <0..2^24-1> is 3.
func (r *reader) vec(lenBytes int) []byte {
	n := r.uint(lenBytes)
	return r.bytes(int(n))
}

// Appending writers, the counterpart of reader.

func appendU16(b []byte, v uint16) []byte { return append(b, byte(v>>8), byte(v)) }
func appendU24(b []byte, v int) []byte    { return append(b, byte(v>>16), byte(v>>8), byte(v)) }
func appendU48(b []byte, v uint64) []byte {
	return append(b, byte(v>>40), byte(v>>32), byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// appendVec appends v with a lenBytes-long length prefix.
func appendVec(b []byte, lenBytes int, v []byte) []byte {
	n := len(v)
	for i := lenBytes - 1; i >= 0; i-- {
		b = append(b, byte(n>>(8*i)))
	}
	return append(b, v...)
}

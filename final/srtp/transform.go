package srtp

// The cryptographic transforms: AES in counter mode and HMAC-SHA1
// (RFC 3711 §4.1.1, §4.2.1), and AES-GCM (RFC 7714 §8.1, §9.1).
//
// AES-CM encrypts a packet by XORing it with the keystream
//
//	E(k_e, IV) || E(k_e, IV + 1 mod 2^128) || E(k_e, IV + 2 mod 2^128) ...
//
//	IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)        (§4.1.1)
//
// where i is the 48-bit packet index (ROC || SEQ) for SRTP and the 31-bit
// SRTCP index for SRTCP. As the 16 bytes of the AES input block:
//
//	byte  0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
//	     [           session salt k_s (14 bytes)       ][00 00]
//	 XOR [00 00 00 00][   SSRC    ][      index i      ][00 00]
//	                                                     ^^^^^ block counter
//
// HMAC-SHA1 (§4.2.1) authenticates M = Authenticated Portion || ROC for
// SRTP and M = Authenticated Portion for SRTCP, keyed with k_a; the tag is
// the leftmost 80 (or 32) bits of the 160-bit HMAC.
//
// AES-GCM needs a 12-byte IV, formed the same way one field shorter
// (RFC 7714 §8.1 for SRTP, §9.1 for SRTCP):
//
//	  0  1  2  3  4  5  6  7  8  9 10 11
//	+--+--+--+--+--+--+--+--+--+--+--+--+
//	|00|00|    SSRC   |     ROC   | SEQ |---+          SRTP
//	+--+--+--+--+--+--+--+--+--+--+--+--+   |
//	|00|00|    SSRC   |00|00|0+SRTCP Idx|---+          SRTCP
//	+--+--+--+--+--+--+--+--+--+--+--+--+   |
//	|         Encryption Salt           |->(+)
//	+--+--+--+--+--+--+--+--+--+--+--+--+   |
//	|       Initialization Vector       |<--+
//	+--+--+--+--+--+--+--+--+--+--+--+--+
//
// In both layouts the SSRC is followed by a 48-bit index, ROC || SEQ or
// 0 || SRTCP index, so one function builds all four IVs.

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"hash"
)

// gcmIVLen is the AES-GCM IV length, RFC 7714 §8.1 and §10.
const gcmIVLen = 12

// transform holds the session keys of SRTP or of SRTCP, one direction,
// ready for use: the key schedules, the precomputed HMAC states, and
// scratch space that every packet reuses so that nothing escapes to the
// heap on the per-packet path.
type transform struct {
	aead   cipher.AEAD  // AEAD profiles: AES-GCM keyed with the session key
	block  cipher.Block // AES-CM profiles: AES keyed with k_e
	mac    hash.Hash    // AES-CM profiles: HMAC-SHA1 keyed with k_a
	tagLen int          // bytes of authentication tag on the wire

	// The session salt k_s as two big-endian words: bytes 0-7, and bytes
	// 8-13 followed by two zero bytes (AES-CM) or bytes 8-11 (GCM).
	saltHi, saltLo uint64

	iv   [aes.BlockSize]byte // the packet's IV (GCM: the first 12 bytes)
	ctr  [aes.BlockSize]byte // counter block, short payloads
	ks   [aes.BlockSize]byte // keystream block, short payloads
	sum  [sha1.Size]byte     // HMAC output before truncation
	aad  [12]byte            // SRTCP GCM AAD: first 8 bytes || E || index
	word [4]byte             // the ROC appended to M (AES-CM SRTP); E || index being moved (GCM SRTCP, E=0)
}

// newTransform keys a transform with session keys from the KDF.
func newTransform(p Profile, key, authKey, salt []byte, tagLen int) (*transform, error) {
	t := &transform{tagLen: tagLen}
	var k [16]byte
	copy(k[:], salt)
	t.saltHi = binary.BigEndian.Uint64(k[:8])
	t.saltLo = binary.BigEndian.Uint64(k[8:])
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	if p.AEAD() {
		// RFC 7714 §10: 12-octet IV, 16-octet tag, which is what NewGCM gives.
		if t.aead, err = cipher.NewGCM(block); err != nil {
			return nil, err
		}
		return t, nil
	}
	t.block = block
	// On its first Reset, crypto/hmac saves the inner and outer SHA-1
	// states after the padded key (FIPS 198-1 §6 allows it); later Resets
	// and Sums restore them instead of hashing the key block again. Reset
	// now, so that happens here, once per session, not on a packet.
	t.mac = hmac.New(sha1.New, authKey)
	t.mac.Reset()
	return t, nil
}

// setIV forms the packet's IV from the SSRC and the 48-bit index:
// RFC 3711 §4.1.1 for AES-CM (16 bytes), RFC 7714 §8.1 and §9.1 for GCM
// (12 bytes). It computes on two 64-bit words, the layouts above:
//
//	AES-CM  bytes 0-7:  salt XOR SSRC          bytes 8-15: salt XOR index<<16
//	GCM     bytes 0-7:  salt XOR SSRC<<16 | index>>32
//	                                           bytes 8-11: salt XOR low 32 bits of index
func (t *transform) setIV(ssrc uint32, index uint64) {
	if t.aead != nil {
		binary.BigEndian.PutUint64(t.iv[0:], t.saltHi^(uint64(ssrc)<<16|index>>32))
		binary.BigEndian.PutUint32(t.iv[8:], uint32(t.saltLo>>32)^uint32(index))
		return
	}
	binary.BigEndian.PutUint64(t.iv[0:], t.saltHi^uint64(ssrc))
	binary.BigEndian.PutUint64(t.iv[8:], t.saltLo^index<<16)
}

// blockwiseCTRMax is the longest payload whose keystream is made one AES
// block at a time. cipher.NewCTR is several times faster per byte but
// allocates (it copies the key schedule into a new stream), which costs
// more than it saves on short payloads such as RTCP feedback. A variable
// so the benchmarks can compare both paths.
var blockwiseCTRMax = 128

// xorKeyStream XORs buf with the AES-CM keystream that starts at t.iv
// (RFC 3711 §4.1.1). The IV's two low bytes are zero and a packet is far
// shorter than 2^16 blocks, so "IV + j mod 2^128" only ever changes the
// two low bytes.
func (t *transform) xorKeyStream(buf []byte) {
	if len(buf) > blockwiseCTRMax {
		cipher.NewCTR(t.block, t.iv[:]).XORKeyStream(buf, buf)
		return
	}
	t.ctr = t.iv
	for j := 0; len(buf) > 0; j++ {
		binary.BigEndian.PutUint16(t.ctr[14:], uint16(j))
		t.block.Encrypt(t.ks[:], t.ctr[:])
		n := subtle.XORBytes(buf, buf, t.ks[:])
		buf = buf[n:]
	}
}

// authTag computes the HMAC-SHA1 tag of m || suffix (RFC 3711 §4.2.1),
// truncated to the tag length. suffix is the ROC for SRTP, nil for
// SRTCP. The result aliases t.sum.
func (t *transform) authTag(m, suffix []byte) []byte {
	t.mac.Reset()
	t.mac.Write(m)
	t.mac.Write(suffix)
	return t.mac.Sum(t.sum[:0])[:t.tagLen]
}

// verify reports, in constant time, whether tag authenticates m || suffix.
func (t *transform) verify(m, suffix, tag []byte) bool {
	return subtle.ConstantTimeCompare(t.authTag(m, suffix), tag) == 1
}

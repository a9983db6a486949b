package srtp

// Secure RTP, RFC 3711 §3.1 and §3.3 (AES-CM + HMAC-SHA1), RFC 7714 §8
// (AES-GCM).
//
// An SRTP packet is the RTP packet with its payload encrypted and a tag
// appended (RFC 3711 Figure 1; browsers send no MKI, RFC 5764 §4.1.3):
//
//	  0                   1                   2                   3
//	  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+<+
//	 |V=2|P|X|  CC   |M|     PT      |       sequence number         | |
//	 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//	 |                           timestamp                           | |
//	 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//	 |           synchronization source (SSRC) identifier            | |
//	 +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+ |
//	 |            contributing source (CSRC) identifiers             | |
//	 |                               ....                            | |
//	 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//	 |                   RTP extension (OPTIONAL)                    | |
//	+>+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//	| |                          payload  ...                         | |
//	| |                               +-------------------------------+ |
//	| |                               | RTP padding   | RTP pad count | |
//	+>+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+<+
//	| ~                     SRTP MKI (OPTIONAL)                       ~ |
//	| +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//	| :                 authentication tag (RECOMMENDED)              : |
//	| +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//	|                                                                   |
//	+- Encrypted Portion*                      Authenticated Portion ---+
//
// With AES-CM the encrypted portion has the payload's size, and the tag is
// HMAC-SHA1(k_a, Authenticated Portion || ROC), 10 or 4 bytes.
//
// With AES-GCM (RFC 7714 §8.2, Figure 3) the header is the AAD, the
// payload is the plaintext, and the AEAD's 16-byte tag ends the cipher:
//
//	A  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
//	A  |                           timestamp                           |
//	A  |           synchronization source (SSRC) identifier            |
//	A  |      contributing source (CSRC) identifiers (optional)        |
//	A  |                   RTP extension (OPTIONAL)                    |
//	C  |                             cipher                            |
//	C  |                               ...                             |
//
//	     C = Ciphertext (encrypted and authenticated)
//	     A = Associated Data (authenticated only)
//
// The receiver's steps (RFC 3711 §3.3) are, in this order: find the
// SSRC's context; estimate the index (index.go); drop a replayed or too old
// index (replay.go); verify the tag, in constant time; decrypt; only then
// update ROC, s_l and the replay list. The session keys of steps 3-4 are
// derived once, by NewContext. With AES-CM the tag is checked
// before a byte is decrypted. With GCM, checking and decrypting are one
// AEAD operation (RFC 5116 §2.2) that releases nothing unless the tag
// verifies: crypto/cipher's Open wipes its output when it does not.

import (
	"slices"
)

// DecryptRTP authenticates and decrypts an SRTP packet in place. plain is
// the RTP packet, header and payload (RTP padding included), without the
// tag, and aliases buf. On error nothing was decrypted for use, no state
// changed, the reason was counted, and buf's contents are unspecified
// (AES-GCM wipes a payload it could not authenticate).
func (c *Context) DecryptRTP(buf []byte) (plain []byte, err error) {
	plain, e := c.decryptRTP(buf)
	if e != 0 {
		c.stats.RTPDropped[e]++
		return nil, e
	}
	c.stats.RTPDecrypted++
	return plain, nil
}

func (c *Context) decryptRTP(buf []byte) ([]byte, Error) {
	t := c.rtp
	hdr, e := rtpHeaderLen(buf)
	if e != 0 {
		return nil, e
	}
	end := len(buf) - t.tagLen // where the payload ends and the tag begins
	if end < hdr {
		return nil, ErrTooShort
	}
	ssrc, seq := rtpSSRC(buf), rtpSeq(buf)

	// RFC 3711 §3.3, receiver steps 1, 2 and the first half of 5: the
	// context, the index, the replay list (steps 3-4, the keys, were done
	// once by NewContext). A new SSRC starts at ROC 0, s_l = SEQ (§3.3.1).
	s := c.rtpIn.find(ssrc)
	index := uint64(seq)
	if s == nil {
		if c.rtpIn.full() {
			return nil, ErrTooManySSRCs
		}
	} else {
		if index, e = estimateIndex(s.replay.top, seq); e != 0 {
			return nil, e
		}
		if e = s.replay.check(index); e != 0 {
			return nil, e
		}
	}

	// Steps 5 and 6: verify the tag, then decrypt.
	t.setIV(ssrc, index)
	if t.aead != nil {
		p, err := t.aead.Open(buf[hdr:hdr], t.iv[:gcmIVLen], buf[hdr:], buf[:hdr])
		if err != nil {
			return nil, ErrAuthFailed
		}
		end = hdr + len(p)
	} else {
		putROC(t, index)
		if !t.verify(buf[:end], t.word[:], buf[end:]) {
			return nil, ErrAuthFailed
		}
		t.xorKeyStream(buf[hdr:end])
	}

	// Step 7: update ROC, s_l and the replay list. (Step 8, removing the
	// tag, is the length of the slice returned.)
	if s == nil {
		c.rtpIn.add(ssrc, index)
	} else {
		s.replay.accept(index)
	}
	return buf[:end], 0
}

// putROC writes the ROC of index into t.word, big-endian, the way it is
// appended to the authenticated portion (RFC 3711 §4.2).
func putROC(t *transform, index uint64) {
	roc := uint32(index >> 16)
	t.word = [4]byte{byte(roc >> 24), byte(roc >> 16), byte(roc >> 8), byte(roc)}
}

// EncryptRTP protects an RTP packet and appends the SRTP packet to dst,
// like cipher.AEAD.Seal: to encrypt in place, pass plain[:0] as dst (with
// TagLen bytes of spare capacity to avoid an allocation); otherwise dst's
// spare capacity must not overlap plain. The ROC of each SSRC is kept as
// RFC 3711 §3.3.1 says; a packet whose index is not beyond the last one
// protected for its SSRC is refused (ErrIndexReused), because reusing an
// IV would break the cipher (RFC 7714 §8.4) and a retransmission can
// resend the packet already protected.
//
// The program only receives media; EncryptRTP serves tests and round trips.
func (c *Context) EncryptRTP(dst, plain []byte) ([]byte, error) {
	out, e := c.encryptRTP(dst, plain)
	if e != 0 {
		c.stats.RTPDropped[e]++
		return dst, e
	}
	c.stats.RTPEncrypted++
	return out, nil
}

func (c *Context) encryptRTP(dst, plain []byte) ([]byte, Error) {
	t := c.rtp
	hdr, e := rtpHeaderLen(plain)
	if e != 0 {
		return nil, e
	}
	ssrc, seq := rtpSSRC(plain), rtpSeq(plain)
	s := c.rtpOut.find(ssrc)
	index := uint64(seq)
	if s == nil {
		if c.rtpOut.full() {
			return nil, ErrTooManySSRCs
		}
	} else {
		if index, e = estimateIndex(s.index, seq); e != 0 {
			return nil, e
		}
		if index <= s.index {
			return nil, ErrIndexReused
		}
	}

	out := append(slices.Grow(dst, len(plain)+t.tagLen), plain...)
	pkt := out[len(dst):]
	t.setIV(ssrc, index)
	if t.aead != nil {
		sealed := t.aead.Seal(pkt[hdr:hdr], t.iv[:gcmIVLen], pkt[hdr:], pkt[:hdr])
		out = out[:len(dst)+hdr+len(sealed)]
	} else {
		t.xorKeyStream(pkt[hdr:])
		putROC(t, index)
		out = append(out, t.authTag(pkt, t.word[:])...)
	}

	if s == nil {
		c.rtpOut.add(ssrc, index)
	} else {
		s.index = index
	}
	return out, 0
}

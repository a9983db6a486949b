package srtp

// Secure RTCP, RFC 3711 §3.4 (AES-CM + HMAC-SHA1) and RFC 7714 §9
// (AES-GCM).
//
// SRTCP appends three fields to a (compound) RTCP packet: the E flag, the
// 31-bit SRTCP index and the tag (RFC 3711 Figure 2, without the MKI):
//
//	  0                   1                   2                   3
//	  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+<+
//	 |V=2|P|    RC   |   PT=SR or RR   |             length          | |
//	 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//	 |                         SSRC of sender                        | |
//	+>+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+ |
//	| ~                          sender info                          ~ |
//	| +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//	| ~                         report block 1                        ~ |
//	| +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//	| ~                              ...                              ~ |
//	| +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//	| |V=2|P|    SC   |  PT=SDES=202  |             length            | |
//	| +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+ |
//	| ~                              ...                              ~ |
//	+>+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+ |
//	| |E|                         SRTCP index                         | |
//	| +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+<+
//	| :                     authentication tag                        : |
//	| +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//	|                                                                   |
//	+-- Encrypted Portion                    Authenticated Portion -----+
//
// The first 8 bytes stay in the clear; E=1 says the rest is encrypted. The
// index is explicit, so the receiver needs no estimate, but keeps a replay
// list per SSRC all the same (§3.4). The sender counts from 0 per SSRC and
// must get new keys before 2^31 packets (§9.2).
//
// With AES-GCM (RFC 7714 §9.2, Figure 5) the AAD is the first 8 bytes and
// the E flag and index, which are therefore not contiguous; the AEAD's tag
// ends the cipher, before the index:
//
//	A  |V=2|P|   RC    |  Packet Type  |            length             |
//	A  |           synchronization source (SSRC) of sender             |
//	P  |                         sender info                           :
//	P  |                        report block 1                         :
//	P  |                              ...                              :
//	A  |1|                         SRTCP index                         |
//
// With E=0 (§9.3, Figure 6) everything is AAD and the cipher is the tag
// alone, still placed before the index: RTCP || tag || 0 || index, with
// AAD = RTCP || 0 || index. WebRTC senders always encrypt; this package
// sends E=1 and accepts both.

import (
	"encoding/binary"
	"slices"
)

// DecryptRTCP authenticates and decrypts an SRTCP packet in place. plain is
// the compound RTCP packet without the E flag, index and tag, and aliases
// buf. On error nothing was decrypted for use, no state changed, the
// reason was counted, and buf's contents are unspecified.
func (c *Context) DecryptRTCP(buf []byte) (plain []byte, err error) {
	plain, e := c.decryptRTCP(buf)
	if e != 0 {
		c.stats.RTCPDropped[e]++
		return nil, e
	}
	c.stats.RTCPDecrypted++
	return plain, nil
}

func (c *Context) decryptRTCP(buf []byte) ([]byte, Error) {
	t := c.rtcp
	if len(buf) < rtcpHeaderLen+srtcpIndexLen+t.tagLen {
		return nil, ErrTooShort
	}
	if buf[0]>>6 != 2 {
		return nil, ErrMalformed
	}
	// Where E || index sits: before the tag (AES-CM), at the end (GCM).
	at := len(buf) - t.tagLen - srtcpIndexLen
	if t.aead != nil {
		at = len(buf) - srtcpIndexLen
	}
	word := binary.BigEndian.Uint32(buf[at:])
	encrypted, index := word>>31 == 1, uint64(word&(1<<31-1))
	ssrc := rtcpSSRC(buf)

	s := c.rtcpIn.find(ssrc)
	if s == nil {
		if c.rtcpIn.full() {
			return nil, ErrTooManySSRCs
		}
	} else if e := s.replay.check(index); e != 0 {
		return nil, e
	}

	t.setIV(ssrc, index) // 0 || SRTCP index in the index field
	end := at            // where the RTCP packet ends
	switch {
	case t.aead == nil:
		// RFC 3711 §3.4, §4.2: the tag covers RTCP || E || index.
		tagAt := len(buf) - t.tagLen
		if !t.verify(buf[:tagAt], nil, buf[tagAt:]) {
			return nil, ErrAuthFailed
		}
		if encrypted {
			t.xorKeyStream(buf[rtcpHeaderLen:at])
		}
	case encrypted:
		// RFC 7714 §9.2: AAD = first 8 bytes || E || index.
		copy(t.aad[:rtcpHeaderLen], buf)
		copy(t.aad[rtcpHeaderLen:], buf[at:])
		p, err := t.aead.Open(buf[rtcpHeaderLen:rtcpHeaderLen], t.iv[:gcmIVLen], buf[rtcpHeaderLen:at], t.aad[:])
		if err != nil {
			return nil, ErrAuthFailed
		}
		end = rtcpHeaderLen + len(p)
	default:
		// RFC 7714 §9.3: RTCP || tag || E || index, authenticated as
		// RTCP || E || index. Swap tag and index in place so the AAD is
		// contiguous, then open a cipher that is the tag alone.
		end = at - t.tagLen // >= rtcpHeaderLen: the length was checked
		copy(t.word[:], buf[at:])
		copy(buf[end+srtcpIndexLen:], buf[end:at])
		copy(buf[end:], t.word[:])
		if _, err := t.aead.Open(buf[len(buf):len(buf)], t.iv[:gcmIVLen], buf[end+srtcpIndexLen:], buf[:end+srtcpIndexLen]); err != nil {
			return nil, ErrAuthFailed
		}
	}

	if s == nil {
		c.rtcpIn.add(ssrc, index)
	} else {
		s.replay.accept(index)
	}
	return buf[:end], 0
}

// EncryptRTCP protects a compound RTCP packet with the next SRTCP index of
// its sender SSRC and the E flag set, and appends the SRTCP packet to dst
// like cipher.AEAD.Seal: to encrypt in place pass plain[:0] as dst (with
// 4 + RTCPTagLen bytes of spare capacity to avoid an allocation);
// otherwise dst's spare capacity must not overlap plain.
func (c *Context) EncryptRTCP(dst, plain []byte) ([]byte, error) {
	out, e := c.encryptRTCP(dst, plain, true)
	if e != 0 {
		c.stats.RTCPDropped[e]++
		return dst, e
	}
	c.stats.RTCPEncrypted++
	return out, nil
}

// encryptRTCP protects plain with E = encrypt. Unencrypted SRTCP exists
// (RFC 3711 §3.4, RFC 7714 §9.3) but WebRTC does not send it; the tests
// use it for the RFC 7714 §17.3 vector.
func (c *Context) encryptRTCP(dst, plain []byte, encrypt bool) ([]byte, Error) {
	t := c.rtcp
	if len(plain) < rtcpHeaderLen {
		return nil, ErrTooShort
	}
	if plain[0]>>6 != 2 {
		return nil, ErrMalformed
	}
	ssrc := rtcpSSRC(plain)
	s := c.rtcpOut.find(ssrc)
	index := uint64(0) // RFC 3711 §3.4: "MUST be set to zero before the first SRTCP packet"
	if s == nil {
		if c.rtcpOut.full() {
			return nil, ErrTooManySSRCs
		}
	} else {
		index = s.index
	}
	if index >= 1<<31 {
		return nil, ErrKeyExhausted // RFC 3711 §9.2, RFC 7714 §9.4
	}
	word := uint32(index)
	if encrypt {
		word |= 1 << 31
	}

	out := append(slices.Grow(dst, len(plain)+srtcpIndexLen+t.tagLen), plain...)
	pkt := out[len(dst):]
	n := len(pkt)
	t.setIV(ssrc, index)
	switch {
	case t.aead == nil:
		if encrypt {
			t.xorKeyStream(pkt[rtcpHeaderLen:])
		}
		pkt = binary.BigEndian.AppendUint32(pkt, word)
		pkt = append(pkt, t.authTag(pkt, nil)...)
	case encrypt:
		copy(t.aad[:], pkt[:rtcpHeaderLen])
		binary.BigEndian.PutUint32(t.aad[rtcpHeaderLen:], word)
		sealed := t.aead.Seal(pkt[rtcpHeaderLen:rtcpHeaderLen], t.iv[:gcmIVLen], pkt[rtcpHeaderLen:], t.aad[:])
		pkt = binary.BigEndian.AppendUint32(pkt[:rtcpHeaderLen+len(sealed)], word)
	default:
		// Seal RTCP || E || index as AAD, giving RTCP || E || index || tag,
		// then move the index behind the tag (RFC 7714 §9.3).
		pkt = binary.BigEndian.AppendUint32(pkt, word)
		pkt = t.aead.Seal(pkt, t.iv[:gcmIVLen], nil, pkt)
		copy(pkt[n:], pkt[n+srtcpIndexLen:])
		binary.BigEndian.PutUint32(pkt[len(pkt)-srtcpIndexLen:], word)
	}

	if s == nil {
		c.rtcpOut.add(ssrc, index+1)
	} else {
		s.index = index + 1
	}
	return out[:len(dst)+len(pkt)], 0
}

package srtp

// Just enough of the RTP and RTCP headers to protect them, RFC 3550 §5.1,
// §5.3.1 and §6.4.1.
//
// SRTP authenticates the whole RTP header "as it really is on the wire"
// and encrypts only what follows it, so it must know where the header
// ends. That depends on two fields of the first byte, the CSRC count CC
// and the extension bit X (RFC 3550 §5.1):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|V=2|P|X|  CC   |M|     PT      |       sequence number         |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                           timestamp                           |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|           synchronization source (SSRC) identifier            |
//	+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	|            contributing source (CSRC) identifiers             |
//	|                             ....                              |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// and, when X is set, the header extension (§5.3.1), whose length counts
// 32-bit words after its own first word:
//
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|      defined by profile       |           length              |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                        header extension                       |
//	|                             ....                              |
//
// Browsers set X on their first packets (RFC 8285 one-byte extensions:
// mid, transport-wide-cc) and change which ones they send after a while,
// so the length is computed for every packet. RTP padding (the P bit) is
// part of the payload for SRTP: it is decrypted with it and left for the
// RTP layer to strip.
//
// SRTCP needs less: the first 8 bytes of the first packet of a compound
// (§6.4.1), which stay in the clear, and the SSRC in bytes 4-7.

import "encoding/binary"

const (
	rtpFixedHeaderLen = 12 // RFC 3550 §5.1
	rtcpHeaderLen     = 8  // V, P, count, PT, length, SSRC (RFC 3550 §6.4.1)
	srtcpIndexLen     = 4  // E flag and 31-bit SRTCP index (RFC 3711 §3.4)
)

// rtpHeaderLen returns the length of the RTP header at the start of b: the
// fixed header, the CSRCs and the extension. Every length is checked
// against len(b) before it is used.
func rtpHeaderLen(b []byte) (int, Error) {
	if len(b) < rtpFixedHeaderLen {
		return 0, ErrTooShort
	}
	if b[0]>>6 != 2 {
		return 0, ErrMalformed // RFC 3550 §5.1: V=2
	}
	n := rtpFixedHeaderLen + 4*int(b[0]&0x0f) // CC
	if b[0]&0x10 != 0 {                       // X
		if len(b) < n+4 {
			return 0, ErrTooShort
		}
		n += 4 + 4*int(binary.BigEndian.Uint16(b[n+2:]))
	}
	if len(b) < n {
		return 0, ErrTooShort
	}
	return n, 0
}

// rtpSSRC and rtpSeq read the fields SRTP needs from a header that
// rtpHeaderLen accepted.
func rtpSSRC(b []byte) uint32 { return binary.BigEndian.Uint32(b[8:12]) }
func rtpSeq(b []byte) uint16  { return binary.BigEndian.Uint16(b[2:4]) }

// rtcpSSRC reads the sender SSRC of the first RTCP packet, which names the
// SRTCP cryptographic context (RFC 3711 §4.1.1: "the SSRC of the first
// header of the compound packet MUST be used").
func rtcpSSRC(b []byte) uint32 { return binary.BigEndian.Uint32(b[4:8]) }

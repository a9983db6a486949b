package ice

import "nutsandbolts/final/stun"

// This file tells the protocols that share the port apart, by the first
// byte of the datagram, RFC 7983 §7:
//
//	                +----------------+
//	                |        [0..3] -+--> forward to STUN
//	                |                |
//	                |      [16..19] -+--> forward to ZRTP
//	                |                |
//	    packet -->  |      [20..63] -+--> forward to DTLS
//	                |                |
//	                |      [64..79] -+--> forward to TURN Channel
//	                |                |
//	                |    [128..191] -+--> forward to RTP/RTCP
//	                +----------------+
//
// The ranges do not overlap because each protocol's first byte is
// constrained: STUN's two top bits are zero and its method is small, DTLS's
// first byte is a ContentType (20 to 63 are reserved for it), and RTP's is
// version 2 in the top two bits (0b10xxxxxx). This server uses neither ZRTP
// nor TURN, so those fall into KindOther and are dropped.

// Kind is what a datagram on the shared port carries.
type Kind int

// The kinds of datagram on the port.
const (
	KindOther Kind = iota // anything else: dropped by the program
	KindSTUN              // STUN, for Agent.Handle
	KindDTLS              // DTLS records, for the session that Route names
	KindRTP               // SRTP or SRTCP (RTCP is told apart by its second byte, RFC 5761 §4)
)

// String returns the kind's name, for logs.
func (k Kind) String() string {
	switch k {
	case KindSTUN:
		return "STUN"
	case KindDTLS:
		return "DTLS"
	case KindRTP:
		return "RTP/RTCP"
	}
	return "other"
}

// Classify returns the kind of datagram b by its first byte (RFC 7983 §7).
// STUN must also pass stun.IsMessage: a 20-byte header and the Magic
// Cookie, which RFC 8489 §5 added so that STUN can be told from other
// protocols that start with a small byte. The rest of each protocol is
// checked by its own parser. An empty datagram is KindOther.
func Classify(b []byte) Kind {
	if len(b) == 0 {
		return KindOther
	}
	switch c := b[0]; {
	case c <= 3:
		if stun.IsMessage(b) {
			return KindSTUN
		}
	case 20 <= c && c <= 63:
		return KindDTLS
	case 128 <= c && c <= 191:
		return KindRTP
	}
	return KindOther
}

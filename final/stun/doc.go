// Package stun implements the parts of STUN, RFC 8489 (which replaced
// RFC 5389), that a WebRTC receiver needs: it answers the browser's ICE
// connectivity checks, and it asks a STUN server which public address its
// UDP port has.
//
// Browsers use STUN in two ways, and this package serves both:
//
//   - ICE connectivity checks (RFC 8445 §7): the browser sends a Binding
//     request to our port, authenticated with MESSAGE-INTEGRITY under the
//     short-term credential mechanism (RFC 8489 §9.1). The key is our
//     a=ice-pwd from the SDP. We answer with a Binding success response that
//     carries XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT.
//   - The start-up query (RFC 8489 §6.2.1): we send a Binding request to a
//     public STUN server, retransmit it on a timer until a response arrives,
//     and learn our server-reflexive address from XOR-MAPPED-ADDRESS.
//     Transaction holds that state. It does no I/O: the program's loop owns
//     the socket and the clock.
//
// STUN, DTLS and SRTP share one UDP port. RFC 7983 separates them by the
// first byte of the datagram, and IsMessage makes that decision for STUN.
//
// One file per concern, each one citing the RFC section it implements:
//
//	messagetype.go  RFC 8489 §5            class and method, interleaved in the Message Type field
//	message.go      RFC 8489 §5, §6.3      the 20-byte header; Message, Unmarshal, Marshal
//	attributes.go   RFC 8489 §14, §9       the attribute TLV, attribute types, text attributes
//	xor_address.go  RFC 8489 §14.1, §14.2  MAPPED-ADDRESS and XOR-MAPPED-ADDRESS
//	integrity.go    RFC 8489 §9.1, §14.5   MESSAGE-INTEGRITY (HMAC-SHA1) and its keys
//	fingerprint.go  RFC 8489 §7, §14.7     FINGERPRINT (CRC-32)
//	errorcode.go    RFC 8489 §14.8, §14.13 ERROR-CODE and UNKNOWN-ATTRIBUTES
//	ice.go          RFC 8445 §7.1, §16.1   PRIORITY, USE-CANDIDATE, ICE-CONTROLLED, ICE-CONTROLLING
//	binding.go      RFC 8489 §6.3.1.1      building Binding requests and responses
//	format.go       -                      the one-line log form of a message
//	transaction.go  RFC 8489 §6.2.1        the client transaction and its retransmission timer
//
// The success response that Example_server builds, word by word (the
// example's output checks these bytes):
//
//	01 01 00 2c   Binding success response (0x0101), 44 bytes of attributes
//	21 12 a4 42   Magic Cookie
//	b7 e7 a7 01 } Transaction ID, copied from the request
//	bc 34 d6 86 }
//	fa 87 df ae }
//	00 20 00 08   XOR-MAPPED-ADDRESS, 8 bytes
//	00 01 a1 47   reserved, family IPv4, X-Port: 0xa147 ^ 0x2112 = 32853
//	e1 12 a6 43   X-Address: 0xe112a643 ^ 0x2112a442 = 192.0.2.1
//	00 08 00 14   MESSAGE-INTEGRITY, 20 bytes
//	74 c9 37 1e } HMAC-SHA1 keyed with the password, over the 32 bytes
//	bf 31 48 54 } above with the length field set to 0x0024 (36: up to
//	85 18 69 9c } the end of this attribute, not counting FINGERPRINT)
//	3e 31 74 c2 }
//	0d d9 e6 8a }
//	80 28 00 04   FINGERPRINT, 4 bytes
//	fa e4 04 3a   CRC-32 of the 56 bytes above, XOR 0x5354554e
//
// The decoder keeps a copy of the received bytes (Message.Raw).
// MESSAGE-INTEGRITY and FINGERPRINT are checked against those bytes, not
// against a re-encoding: a sender may use padding bytes other than zero (RFC 5389
// §15 allowed any value, and the RFC 5769 test vectors use spaces), and
// the HMAC covers the padding.
package stun

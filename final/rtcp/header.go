package rtcp

// The header every RTCP packet starts with, RFC 3550 §6.4.1, and the
// packet types (§12.1, RFC 4585 §6.1):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|V=2|P|  count  |      PT       |             length            |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// V is 2. The 5-bit count depends on the type: report blocks in SR and
// RR (RC), chunks in SDES and sources in BYE (SC), the subtype of APP,
// the feedback message type of RTPFB and PSFB (FMT). PT is the packet
// type, 200-207; in a datagram that also carries RTP (rtcp-mux, RFC 5761
// §4) these values are what tells RTCP from RTP, whose marker bit and
// payload type share the byte.
//
// "length: 16 bits. The length of this RTCP packet in 32-bit words minus
// one, including the header and any padding." So every RTCP packet is a
// whole number of words, and the next packet of a compound starts
// 4*(length+1) bytes further on.
//
// "padding (P): 1 bit. If the padding bit is set, this individual RTCP
// packet contains some additional padding octets at the end which are not
// part of the control information but are included in the length field.
// The last octet of the padding is a count of how many padding octets
// should be ignored, including itself." RFC 3550 expects multiples of
// four (for encryption); transport-wide congestion control feedback uses
// the P bit to align its variable-length body, with counts of 1 to 3
// (twcc.go), so any count that fits is accepted.

import (
	"encoding/binary"
	"fmt"
)

// HeaderLen is the length of the common header.
const HeaderLen = 4

// PacketType is the PT field.
type PacketType uint8

// The packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611 §2).
const (
	TypeSR    PacketType = 200 // sender report, §6.4.1
	TypeRR    PacketType = 201 // receiver report, §6.4.2
	TypeSDES  PacketType = 202 // source description, §6.5
	TypeBYE   PacketType = 203 // goodbye, §6.6
	TypeAPP   PacketType = 204 // application-defined, §6.7
	TypeRTPFB PacketType = 205 // transport-layer feedback, RFC 4585 §6.2
	TypePSFB  PacketType = 206 // payload-specific feedback, RFC 4585 §6.3
	TypeXR    PacketType = 207 // extended reports, RFC 3611 (not parsed)
)

// Feedback message types, the FMT in the count field (RFC 4585 §6.2,
// §6.3; RFC 5104 §4.3).
const (
	FormatNACK = 1  // RTPFB: generic NACK, RFC 4585 §6.2.1
	FormatTWCC = 15 // RTPFB: transport-wide congestion control, draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1

	FormatPLI = 1  // PSFB: picture loss indication, RFC 4585 §6.3.1
	FormatSLI = 2  // PSFB: slice loss indication, RFC 4585 §6.3.2 (not parsed)
	FormatFIR = 4  // PSFB: full intra request, RFC 5104 §4.3.1
	FormatAFB = 15 // PSFB: application layer feedback, RFC 4585 §6.4 (REMB)
)

func (t PacketType) String() string {
	switch t {
	case TypeSR:
		return "SR"
	case TypeRR:
		return "RR"
	case TypeSDES:
		return "SDES"
	case TypeBYE:
		return "BYE"
	case TypeAPP:
		return "APP"
	case TypeRTPFB:
		return "RTPFB"
	case TypePSFB:
		return "PSFB"
	case TypeXR:
		return "XR"
	}
	return fmt.Sprintf("type %d", uint8(t))
}

// Header is the common header.
type Header struct {
	Padding bool       // P: the packet ends in padding, counted by its last byte
	Count   uint8      // 5 bits: RC, SC, APP subtype or FMT, by type
	Type    PacketType // PT
	Length  uint16     // the packet's length in 32-bit words minus one
}

// Unmarshal reads the header at the start of b, checking the version.
func (h *Header) Unmarshal(b []byte) error {
	if len(b) < HeaderLen {
		return ErrTooShort
	}
	if b[0]>>6 != 2 {
		return ErrVersion
	}
	h.Padding = b[0]&0x20 != 0
	h.Count = b[0] & 0x1f
	h.Type = PacketType(b[1])
	h.Length = binary.BigEndian.Uint16(b[2:4])
	return nil
}

// Size is the packet's length in bytes, 4*(Length+1).
func (h *Header) Size() int { return 4 * (int(h.Length) + 1) }

// String prints the header: "RTPFB count=15 P len=6".
func (h *Header) String() string {
	s := fmt.Sprintf("%v count=%d", h.Type, h.Count)
	if h.Padding {
		s += " P"
	}
	return s + fmt.Sprintf(" len=%d", h.Length)
}

// parse checks that b is exactly one packet of type t and returns its
// header and its body: what follows the 4-byte header, without padding.
func parse(b []byte, t PacketType) (Header, []byte, error) {
	var h Header
	if err := h.Unmarshal(b); err != nil {
		return h, nil, err
	}
	if h.Type != t {
		return h, nil, ErrType
	}
	if h.Size() != len(b) {
		return h, nil, ErrLength
	}
	body := b[HeaderLen:]
	if h.Padding {
		n := int(b[len(b)-1])
		if n == 0 || n > len(body) {
			return h, nil, ErrPadding
		}
		body = body[:len(body)-n]
	}
	return h, body, nil
}

// writeHeader writes the header of a packet of size bytes (a multiple of
// 4, padding included) at the start of b.
func writeHeader(b []byte, count uint8, t PacketType, size int, padding bool) {
	b[0] = 2<<6 | count&0x1f
	if padding {
		b[0] |= 0x20
	}
	b[1] = byte(t)
	binary.BigEndian.PutUint16(b[2:4], uint16(size/4-1))
}

// Packet is one RTCP packet of any type. Unmarshal takes exactly one
// packet; MarshalTo writes exactly MarshalSize bytes.
type Packet interface {
	Unmarshal(b []byte) error
	MarshalSize() int
	MarshalTo(b []byte) (int, error)
	Marshal() ([]byte, error)
	String() string
}

// marshal is every type's Marshal: MarshalTo into a new slice.
func marshal(p Packet) ([]byte, error) {
	b := make([]byte, p.MarshalSize())
	n, err := p.MarshalTo(b)
	if err != nil {
		return nil, err
	}
	return b[:n], nil
}

// checkSize is every MarshalTo's first step: is the packet representable
// (at most 65536 words) and does it fit b?
func checkSize(b []byte, size int) error {
	if size > 4*(0xffff+1) {
		return ErrFieldRange
	}
	if len(b) < size {
		return ErrBufferTooSmall
	}
	return nil
}

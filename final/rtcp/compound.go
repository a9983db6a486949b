package rtcp

// Compound and reduced-size packets, RFC 3550 §6.1 and Appendix A.2,
// RFC 5506 §3.
//
// "Multiple RTCP packets can be concatenated without any intervening
// separators to form a compound RTCP packet that is sent in a single
// packet of the lower layer protocol", and the compound must start with
// an SR or RR and carry an SDES CNAME (§6.1). The browser's look like
//
//	[SR 28 bytes][SDES 24 or 52 bytes]
//
// RFC 5506 relaxes this for feedback: once both sides signal
// a=rtcp-rsize, a single PLI, NACK or TWCC may travel alone, "reduced
// size", as pion's do in the captures. Our offer has a=rtcp-rsize, so
// Unmarshal accepts any sequence of packets without demanding SR/RR
// first.
//
// Appendix A.2's strongest check is that "the length fields of the
// individual RTCP packets must add up to the overall length of the
// compound RTCP packet as received": each length is checked against the
// bytes left before the packet is read. A packet whose body is malformed
// is dropped with its reason, and the walk continues with the next one,
// which its header's length locates; a bad header or a length past the
// end stops the walk. Packets of types this package does not parse come
// back as *RawPacket.

import (
	"fmt"
	"strings"
)

// PacketError says which packet of a compound was refused and why.
type PacketError struct {
	Index  int    // the packet's position in the compound, from 0
	Header Header // its header, as far as it could be read
	Err    Error  // the reason
}

func (e *PacketError) Error() string {
	return fmt.Sprintf("rtcp: packet %d (%v count=%d): %s", e.Index, e.Header.Type, e.Header.Count, strings.TrimPrefix(e.Err.Error(), "rtcp: "))
}

// Unwrap returns the reason, so errors.Is(err, rtcp.ErrLength) works.
func (e *PacketError) Unwrap() error { return e.Err }

// Unmarshal reads a compound or reduced-size packet, packet by packet.
// It returns the packets it could read and, if one was refused, the
// first *PacketError.
func Unmarshal(b []byte) ([]Packet, error) {
	if len(b) == 0 {
		return nil, &PacketError{Err: ErrTooShort}
	}
	var (
		packets []Packet
		first   error
	)
	for i := 0; len(b) > 0; i++ {
		var h Header
		if err := h.Unmarshal(b); err != nil {
			return packets, firstOf(first, &PacketError{Index: i, Header: h, Err: reason(err)})
		}
		n := h.Size()
		if n > len(b) {
			return packets, firstOf(first, &PacketError{Index: i, Header: h, Err: ErrLength})
		}
		p := newPacket(h, b[:n])
		if err := p.Unmarshal(b[:n]); err != nil {
			first = firstOf(first, &PacketError{Index: i, Header: h, Err: reason(err)})
		} else {
			packets = append(packets, p)
		}
		b = b[n:]
	}
	return packets, first
}

// reason is err as an Error; every Unmarshal here returns one.
func reason(err error) Error {
	if e, ok := err.(Error); ok {
		return e
	}
	return ErrFormat
}

func firstOf(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// newPacket picks the type that parses a packet with header h.
func newPacket(h Header, b []byte) Packet {
	switch h.Type {
	case TypeSR:
		return &SenderReport{}
	case TypeRR:
		return &ReceiverReport{}
	case TypeSDES:
		return &SourceDescription{}
	case TypeBYE:
		return &Goodbye{}
	case TypeAPP:
		return &ApplicationDefined{}
	case TypeRTPFB:
		switch h.Count {
		case FormatNACK:
			return &TransportLayerNACK{}
		case FormatTWCC:
			return &TransportLayerCC{}
		}
	case TypePSFB:
		switch h.Count {
		case FormatPLI:
			return &PictureLossIndication{}
		case FormatFIR:
			return &FullIntraRequest{}
		case FormatAFB:
			if len(b) >= feedbackHeaderLen && isREMB(b[feedbackHeaderLen:]) {
				return &ReceiverEstimatedMaxBitrate{}
			}
			return &ApplicationLayerFeedback{}
		}
	}
	return &RawPacket{}
}

// Marshal writes packets one after the other: a compound packet (start
// with an RR, RFC 3550 §6.1) or, alone, a reduced-size one (RFC 5506).
func Marshal(packets ...Packet) ([]byte, error) {
	n := 0
	for _, p := range packets {
		n += p.MarshalSize()
	}
	b := make([]byte, n)
	off := 0
	for _, p := range packets {
		m, err := p.MarshalTo(b[off:])
		if err != nil {
			return nil, err
		}
		off += m
	}
	return b[:off], nil
}

// Format describes packets on one line, for the log: "SR ... + SDES ...".
func Format(packets []Packet) string {
	s := make([]string, len(packets))
	for i, p := range packets {
		s[i] = p.String()
	}
	return strings.Join(s, " + ")
}

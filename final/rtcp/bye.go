package rtcp

// Goodbye, RFC 3550 §6.6.
//
//	       0                   1                   2                   3
//	       0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	      |V=2|P|    SC   |   PT=BYE=203  |             length            |
//	      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	      |                           SSRC/CSRC                           |
//	      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	      :                              ...                              :
//	      +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	(opt) |     length    |               reason for leaving            ...
//	      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The sources listed stop sending. The optional reason is an 8-bit count
// and that much text, "padded with null octets to the next 32-bit
// boundary" unless it fills the packet exactly. A browser sends a BYE
// when a track stops or the connection closes politely; a killed browser
// sends nothing (the captures end that way).

import (
	"encoding/binary"
	"fmt"
)

// Goodbye is a BYE packet.
type Goodbye struct {
	Sources []uint32 // SSRC/CSRCs leaving, at most 31
	Reason  string   // optional, at most 255 bytes
}

// Unmarshal reads one BYE packet.
func (g *Goodbye) Unmarshal(b []byte) error {
	h, body, err := parse(b, TypeBYE)
	if err != nil {
		return err
	}
	n := int(h.Count)
	if len(body) < 4*n {
		return ErrTooShort
	}
	g.Sources = make([]uint32, n)
	for i := range g.Sources {
		g.Sources[i] = binary.BigEndian.Uint32(body[4*i:])
	}
	rest := body[4*n:]
	g.Reason = ""
	if len(rest) > 0 {
		l := int(rest[0])
		if 1+l > len(rest) {
			return ErrTooShort
		}
		g.Reason = string(rest[1 : 1+l])
	}
	return nil
}

// MarshalSize is the length MarshalTo writes.
func (g *Goodbye) MarshalSize() int {
	n := HeaderLen + 4*len(g.Sources)
	if g.Reason != "" {
		n += (1 + len(g.Reason) + 3) &^ 3
	}
	return n
}

// MarshalTo writes the packet into b.
func (g *Goodbye) MarshalTo(b []byte) (int, error) {
	n := g.MarshalSize()
	if err := checkSize(b, n); err != nil {
		return 0, err
	}
	if len(g.Sources) > 31 || len(g.Reason) > 255 {
		return 0, ErrFieldRange
	}
	writeHeader(b, uint8(len(g.Sources)), TypeBYE, n, false)
	off := HeaderLen
	for _, s := range g.Sources {
		binary.BigEndian.PutUint32(b[off:], s)
		off += 4
	}
	if g.Reason != "" {
		b[off] = byte(len(g.Reason))
		off += 1 + copy(b[off+1:], g.Reason)
	}
	clear(b[off:n])
	return n, nil
}

// Marshal returns the packet in a new slice.
func (g *Goodbye) Marshal() ([]byte, error) { return marshal(g) }

// String prints the packet: `BYE sources=[0x5bd77af8] reason="camera off"`.
func (g *Goodbye) String() string {
	s := "BYE sources=["
	for i, src := range g.Sources {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("0x%08x", src)
	}
	s += "]"
	if g.Reason != "" {
		s += fmt.Sprintf(" reason=%q", g.Reason)
	}
	return s
}

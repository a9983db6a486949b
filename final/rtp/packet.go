package rtp

// A whole RTP packet: header, payload and padding, RFC 3550 §5.1.
//
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    header (header.go)                         |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                          payload  ...                         |
//	|                               +-------------------------------+
//	|                               | RTP padding   | RTP pad count |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// "If the padding bit is set, the packet contains one or more additional
// padding octets at the end which are not part of the payload. The last
// octet of the padding contains a count of how many padding octets should
// be ignored, including itself." Appendix A.1 asks the receiver to check
// that count: at least 1 (it counts itself) and no more than what follows
// the header. Browsers pad their bandwidth probes: a packet with no
// payload at all and 255 bytes of padding, which a receiver counts and
// drops.

import (
	"fmt"
)

// Packet is an RTP packet. Unmarshal does not copy: Payload and the
// header's extension data alias the bytes it was given.
type Packet struct {
	Header
	Payload     []byte // between the header and the padding
	PaddingSize uint8  // padding bytes at the end, the count byte included; 0 without P
}

// Unmarshal reads a whole packet: the header, then the padding count if P
// is set (RFC 3550 §5.1, A.1), then the payload between them.
func (p *Packet) Unmarshal(b []byte) error {
	n, err := p.Header.Unmarshal(b)
	if err != nil {
		return err
	}
	end := len(b)
	p.PaddingSize = 0
	if p.Padding {
		count := int(b[len(b)-1]) // n ≤ len(b); n ≥ 12, so b is not empty
		if count == 0 || count > end-n {
			return ErrPadding
		}
		p.PaddingSize = uint8(count)
		end -= count
	}
	p.Payload = b[n:end:end]
	return nil
}

// MarshalSize is the length MarshalTo writes.
func (p *Packet) MarshalSize() int {
	return p.Header.MarshalSize() + len(p.Payload) + int(p.PaddingSize)
}

// MarshalTo writes the packet into b and returns its length. The P bit
// follows PaddingSize; the padding is zeros ending in the count.
func (p *Packet) MarshalTo(b []byte) (int, error) {
	if len(b) < p.MarshalSize() {
		return 0, ErrBufferTooSmall
	}
	h := p.Header // a copy, to set P without changing p
	h.Padding = p.PaddingSize > 0
	n, err := h.MarshalTo(b)
	if err != nil {
		return 0, err
	}
	n += copy(b[n:], p.Payload)
	if p.PaddingSize > 0 {
		end := n + int(p.PaddingSize)
		clear(b[n : end-1])
		b[end-1] = p.PaddingSize
		n = end
	}
	return n, nil
}

// Marshal returns the packet in a new slice.
func (p *Packet) Marshal() ([]byte, error) {
	b := make([]byte, p.MarshalSize())
	n, err := p.MarshalTo(b)
	if err != nil {
		return nil, err
	}
	return b[:n], nil
}

// String prints the header and the sizes on one line.
func (p *Packet) String() string {
	s := p.Header.String() + fmt.Sprintf(" payload=%dB", len(p.Payload))
	if p.PaddingSize > 0 {
		s += fmt.Sprintf(" padding=%dB", p.PaddingSize)
	}
	return s
}

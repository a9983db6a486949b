package rtcp

// The generic NACK, RFC 4585 §6.2.1: "these packets did not arrive".
//
// A transport-layer feedback message (PT=RTPFB, FMT=1) whose FCI holds one
// or more 32-bit entries:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|            PID                |             BLP               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// PID is the sequence number of a lost packet; BLP, the bitmask of
// following lost packets, covers the 16 after it: "bit i of the bit mask
// is set to 1 if the receiver has not received RTP packet number (PID+i)
// (modulo 2^16)", bit 1 being the least significant. So one entry names
// up to 17 packets:
//
//	lost 100, 101, 103, 117, 118
//	→ PID=100 BLP=0x0005   bits 1 and 3: 101 = PID+1, 103 = PID+3
//	  PID=117 BLP=0x0001   117 = 100+17 is out of reach of the first entry
//
// "The length of the FB message MUST be set to 2+n, with n being the
// number of Generic NACKs contained in the FCI field." The offer
// negotiates "a=rtcp-fb:96 nack" without RTX, so the browser answers a
// NACK by sending the same packet again, same SSRC and sequence number
// (rtp.Receiver fills its gap with it).

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// NACKPair is one FCI entry.
type NACKPair struct {
	PacketID    uint16 // PID: a lost sequence number
	LostPackets uint16 // BLP: bit i-1 set = PID+i lost too, for i = 1..16
}

// AppendSequenceNumbers appends the sequence numbers the entry names, in
// order.
func (p NACKPair) AppendSequenceNumbers(dst []uint16) []uint16 {
	dst = append(dst, p.PacketID)
	for i := range 16 {
		if p.LostPackets&(1<<i) != 0 {
			dst = append(dst, p.PacketID+uint16(i)+1)
		}
	}
	return dst
}

// NACKPairs packs lost sequence numbers into entries. Given in sequence
// order (as rtp.Receiver.AppendNACKs returns them, across a wrap too) it
// uses the fewest entries; any order gives entries that name every
// number.
func NACKPairs(lost []uint16) []NACKPair {
	var pairs []NACKPair
	for _, s := range lost {
		if n := len(pairs); n > 0 {
			d := s - pairs[n-1].PacketID // modulo 2^16
			if d == 0 {
				continue // named already
			}
			if d <= 16 {
				pairs[n-1].LostPackets |= 1 << (d - 1)
				continue
			}
		}
		pairs = append(pairs, NACKPair{PacketID: s})
	}
	return pairs
}

// TransportLayerNACK is a generic NACK packet.
type TransportLayerNACK struct {
	SenderSSRC uint32     // us
	MediaSSRC  uint32     // the stream whose packets are missing
	Pairs      []NACKPair // at least one
}

// NewNACK builds the NACK for the lost sequence numbers (NACKPairs).
func NewNACK(sender, media uint32, lost []uint16) *TransportLayerNACK {
	return &TransportLayerNACK{SenderSSRC: sender, MediaSSRC: media, Pairs: NACKPairs(lost)}
}

// SequenceNumbers lists every sequence number the packet names.
func (n *TransportLayerNACK) SequenceNumbers() []uint16 {
	var seqs []uint16
	for _, p := range n.Pairs {
		seqs = p.AppendSequenceNumbers(seqs)
	}
	return seqs
}

// Unmarshal reads one generic NACK packet.
func (n *TransportLayerNACK) Unmarshal(b []byte) error {
	sender, media, fci, err := parseFeedback(b, TypeRTPFB, FormatNACK)
	if err != nil {
		return err
	}
	if len(fci) == 0 || len(fci)%4 != 0 {
		return ErrFormat // "at least one" Generic NACK, 4 bytes each
	}
	n.SenderSSRC, n.MediaSSRC = sender, media
	n.Pairs = make([]NACKPair, len(fci)/4)
	for i := range n.Pairs {
		n.Pairs[i] = NACKPair{binary.BigEndian.Uint16(fci[4*i:]), binary.BigEndian.Uint16(fci[4*i+2:])}
	}
	return nil
}

// MarshalSize is the length MarshalTo writes.
func (n *TransportLayerNACK) MarshalSize() int { return feedbackHeaderLen + 4*len(n.Pairs) }

// MarshalTo writes the packet into b.
func (n *TransportLayerNACK) MarshalTo(b []byte) (int, error) {
	size := n.MarshalSize()
	if err := checkSize(b, size); err != nil {
		return 0, err
	}
	if len(n.Pairs) == 0 {
		return 0, ErrFormat
	}
	writeFeedbackHeader(b, TypeRTPFB, FormatNACK, size, false, n.SenderSSRC, n.MediaSSRC)
	for i, p := range n.Pairs {
		binary.BigEndian.PutUint16(b[feedbackHeaderLen+4*i:], p.PacketID)
		binary.BigEndian.PutUint16(b[feedbackHeaderLen+4*i+2:], p.LostPackets)
	}
	return size, nil
}

// Marshal returns the packet in a new slice.
func (n *TransportLayerNACK) Marshal() ([]byte, error) { return marshal(n) }

// String prints the packet with the numbers it names:
// "NACK sender=0x00000001 media=0x5bd77af8 [100 101 103] [117 118]".
func (n *TransportLayerNACK) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "NACK sender=0x%08x media=0x%08x", n.SenderSSRC, n.MediaSSRC)
	var seqs []uint16
	for _, p := range n.Pairs {
		seqs = p.AppendSequenceNumbers(seqs[:0])
		fmt.Fprintf(&b, " %v", seqs)
	}
	return b.String()
}

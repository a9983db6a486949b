package fakebrowser

import (
	"nutsandbolts/final/rtp"
	"nutsandbolts/final/vp8"
)

// Packetizer turns VP8 frames into RTP packets as RFC 7741 §4 says, the
// way a browser's sender does:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|V=2|P|X|  CC   |M|     PT      |       sequence number         |  M: last packet of the frame (§4.1)
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                           timestamp                           |  90 kHz, the same for a frame's packets
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|           synchronization source (SSRC) identifier            |
//	+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	|            VP8 payload descriptor (integer #octets)           |  §4.2: S=1 on the first packet, PID 0
//	:                                                               :
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	:                   VP8 payload (the frame's bytes, split)      :
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The frame is cut into pieces of nearly equal size, each small enough
// that descriptor and piece fit in MaxPayload bytes; partition boundaries
// are ignored, so every packet says PID 0 (§4.4). With PictureID set, the
// descriptor carries the 15-bit PictureID (I=1, M=1), which goes up by one
// per frame, as Chromium sends it.
type Packetizer struct {
	PayloadType uint8
	SSRC        uint32
	Sequence    uint16 // of the next packet; start at a random value (RFC 3550 §5.1)
	PictureID   uint16 // of the next frame, 15 bits
	UsePicture  bool   // send the PictureID
	MaxPayload  int    // RTP payload bytes per packet, descriptor included; default 1200
}

// Packetize appends the RTP packets of one frame, marshalled, to dst.
func (p *Packetizer) Packetize(dst [][]byte, frame []byte, timestamp uint32) [][]byte {
	d := vp8.Descriptor{Start: true, HasPictureID: p.UsePicture, LongPictureID: p.UsePicture, PictureID: p.PictureID & 0x7fff}
	p.PictureID = (p.PictureID + 1) & 0x7fff
	room := max(cmpOr(p.MaxPayload, 1200)-d.Len(), 1)
	n := max((len(frame)+room-1)/room, 1) // packets
	for i := range n {
		// Piece i is frame[i*len/n : (i+1)*len/n]: sizes differ by one at
		// most, so no packet is a tiny tail.
		piece := frame[i*len(frame)/n : (i+1)*len(frame)/n]
		payload, _ := d.AppendTo(make([]byte, 0, d.Len()+len(piece))) // fields are in range
		payload = append(payload, piece...)
		pkt := rtp.Packet{Header: rtp.Header{Marker: i == n-1, PayloadType: p.PayloadType,
			SequenceNumber: p.Sequence, Timestamp: timestamp, SSRC: p.SSRC}, Payload: payload}
		b, _ := pkt.Marshal() // a plain header cannot fail
		dst = append(dst, b)
		p.Sequence++
		d.Start = false // §4.2: S=1 only where the frame begins
	}
	return dst
}

// cmpOr returns v, or def when v is not positive.
func cmpOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

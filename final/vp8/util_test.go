package vp8

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// testFrame returns a VP8 frame that passes the Assembler's checks: a
// payload header (keyframe with w×h, or interframe) whose first
// partition covers half of the rest, then a recognisable pattern up to
// size bytes in all.
func testFrame(t testing.TB, keyframe bool, w, h, size int, seed byte) []byte {
	t.Helper()
	ph := PayloadHeader{Keyframe: keyframe, ShowFrame: true}
	if keyframe {
		ph.Width, ph.Height = w, h
	}
	if size < ph.Len() {
		t.Fatalf("frame of %d bytes too short for its header", size)
	}
	ph.FirstPartitionSize = (size - ph.Len()) / 2
	b, err := ph.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for i := len(b); i < size; i++ {
		b = append(b, seed+byte(i*7))
	}
	return b
}

// packet is one RTP packet as the Assembler sees it.
type packet struct {
	seq     uint16
	ts      uint32
	marker  bool
	payload []byte
}

// sender cuts frames into packets the way libwebrtc does: 15-bit
// PictureID, S=1 PID=0 on the first packet, S=0 on the others, the
// marker on the last.
type sender struct {
	seq       uint16
	ts        uint32
	pictureID uint16
	mtu       int  // VP8 data per packet
	nonRef    bool // set N=1 on the next frame
}

func newSender(seq uint16, ts uint32) *sender {
	return &sender{seq: seq, ts: ts, pictureID: 19294, mtu: 1140}
}

// frame returns the packets of frame and moves on to the next frame
// (timestamp + 3000, 30 frames a second).
func (s *sender) frame(frame []byte) []packet {
	var pkts []packet
	for off := 0; off < len(frame) || off == 0; off += s.mtu {
		end := min(off+s.mtu, len(frame))
		d := Descriptor{Start: off == 0, NonReference: s.nonRef, HasPictureID: true, LongPictureID: true, PictureID: s.pictureID}
		p, err := d.Marshal()
		if err != nil {
			panic(err)
		}
		pkts = append(pkts, packet{seq: s.seq, ts: s.ts, marker: end == len(frame), payload: append(p, frame[off:end]...)})
		s.seq++
		if end == len(frame) {
			break
		}
	}
	s.ts += 3000
	s.pictureID = (s.pictureID + 1) & 0x7fff
	s.nonRef = false
	return pkts
}

// feed pushes the packets and returns the frames passed on (copied) and
// every non-nil error, in order.
func feed(a *Assembler, pkts []packet) (frames []Frame, errs []error) {
	for _, p := range pkts {
		f, err := a.Push(p.seq, p.ts, p.marker, p.payload)
		if err != nil {
			errs = append(errs, err)
		}
		if f != nil {
			c := *f
			c.Data = bytes.Clone(f.Data)
			frames = append(frames, c)
		}
	}
	return frames, errs
}

// without returns pkts without the packets at the given indices.
func without(pkts []packet, drop ...int) []packet {
	var out []packet
	for i, p := range pkts {
		keep := true
		for _, d := range drop {
			keep = keep && i != d
		}
		if keep {
			out = append(out, p)
		}
	}
	return out
}

// concat joins packet lists.
func concat(lists ...[]packet) []packet {
	var out []packet
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// rtpPayload extracts what the Assembler needs from an RTP packet (RFC
// 3550 §5.1): sequence number, timestamp, marker and the payload after
// the fixed header, the CSRCs and the header extension (§5.3.1), without
// padding. Just enough for the captured packets; the rtp package does
// the real parsing.
func rtpPayload(t testing.TB, b []byte) packet {
	t.Helper()
	if len(b) < 12 || b[0]>>6 != 2 {
		t.Fatalf("not an RTP packet: % x", b[:min(len(b), 12)])
	}
	n := 12 + 4*int(b[0]&0x0f)
	if b[0]&0x10 != 0 { // X
		if len(b) < n+4 {
			t.Fatal("truncated header extension")
		}
		n += 4 + 4*int(binary.BigEndian.Uint16(b[n+2:]))
	}
	end := len(b)
	if b[0]&0x20 != 0 { // P: the last byte counts the padding
		if len(b) == 0 || int(b[len(b)-1]) > len(b)-n {
			t.Fatal("bad padding")
		}
		end -= int(b[len(b)-1])
	}
	if n > end {
		t.Fatal("RTP header longer than the packet")
	}
	return packet{
		seq:     binary.BigEndian.Uint16(b[2:]),
		ts:      binary.BigEndian.Uint32(b[4:]),
		marker:  b[1]&0x80 != 0,
		payload: b[n:end],
	}
}

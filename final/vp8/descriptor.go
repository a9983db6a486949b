package vp8

// The VP8 payload descriptor, RFC 7741 §4.2.
//
// Every RTP packet of a VP8 stream starts its payload with a descriptor of
// one to six octets. The first octet is always there; the rest are
// present only when the bits before them say so:
//
//	      0 1 2 3 4 5 6 7
//	     +-+-+-+-+-+-+-+-+
//	     |X|R|N|S|R| PID | (REQUIRED)
//	     +-+-+-+-+-+-+-+-+
//	X:   |I|L|T|K| RSV   | (OPTIONAL)
//	     +-+-+-+-+-+-+-+-+
//	I:   |M| PictureID   | (OPTIONAL)
//	     +-+-+-+-+-+-+-+-+
//	     |   PictureID   | (only when M=1: 15-bit PictureID)
//	     +-+-+-+-+-+-+-+-+
//	L:   |   TL0PICIDX   | (OPTIONAL)
//	     +-+-+-+-+-+-+-+-+
//	T/K: |TID|Y| KEYIDX  | (OPTIONAL)
//	     +-+-+-+-+-+-+-+-+
//
//	(RFC 7741 Figure 2, the 7- and 15-bit forms drawn as one)
//
// What matters to a receiver that only reassembles frames is S and PID:
// "The S bit MUST be set to 1 for the first packet of each encoded frame"
// and "The first VP8 partition ... MUST be labeled with PID = 0", so a
// packet with S=1 and PID=0 begins a frame. The rest describes the frame
// for a decoder or a forwarding server (an SFU):
//
//   - N, non-reference frame: nothing else depends on this frame, so it
//     can be dropped (or lost) harmlessly.
//   - PictureID: a running frame number, 7 or 15 bits, chosen per packet
//     with the M bit ("The receiver MUST NOT assume that the number of
//     bits in PictureID stays the same through the session"). Chromium
//     sends 15 bits; RTCP feedback (RPSI, SLI) refers to frames by it.
//   - TL0PICIDX, TID and Y: temporal scalability. Frames of temporal layer
//     TID > 0 depend on the base-layer frame TL0PICIDX; an SFU can drop
//     the higher layers to save bandwidth.
//   - KEYIDX: a running index of the keyframes that "convey parameter
//     updates critical to the interpretation of subsequent frames".
//
// The R and RSV bits "MUST be set to 0 and MUST be ignored by the
// receiver": Unmarshal ignores them and Marshal writes zeros. Likewise a
// TID without T, or a KEYIDX without K, "MUST be ignored": Unmarshal sets
// the field only when its bit says it is there, so a descriptor that was
// unmarshaled and marshaled again is the canonical form of the original.

import (
	"fmt"
	"strings"
)

// Descriptor is one VP8 payload descriptor (RFC 7741 §4.2).
type Descriptor struct {
	// Extended is the X bit: the extension octet (I|L|T|K) follows the
	// first octet. Marshal sets it whenever one of I, L, T or K is; it is
	// a field of its own only because X=1 with none of them is legal.
	Extended bool
	// NonReference is the N bit: no other frame depends on this one.
	NonReference bool
	// Start is the S bit: the payload begins a VP8 partition. With
	// PartitionID 0 it begins a frame.
	Start bool
	// PartitionID is PID, 0-7: the partition the first payload octet
	// belongs to. Senders that ignore partition boundaries use 0 for all
	// packets (RFC 7741 §4.4).
	PartitionID uint8

	// HasPictureID is the I bit; PictureID is valid only when it is set.
	HasPictureID bool
	// LongPictureID is the M bit of the PictureID field: 15 bits rather
	// than 7.
	LongPictureID bool
	// PictureID is the running frame index, 7 or 15 bits; it wraps to 0
	// after all bits set.
	PictureID uint16

	// HasTL0PICIDX is the L bit; TL0PICIDX is valid only when it is set.
	HasTL0PICIDX bool
	// TL0PICIDX is the running index of the temporal base-layer frames.
	TL0PICIDX uint8

	// HasTID is the T bit; TID is valid only when it is set.
	HasTID bool
	// TID is the temporal layer, 0-3; 0 is the base layer.
	TID uint8
	// LayerSync is the Y bit: this frame depends only on the base-layer
	// frame with the same TL0PICIDX. It is present whenever T or K is.
	LayerSync bool

	// HasKEYIDX is the K bit; KEYIDX is valid only when it is set.
	HasKEYIDX bool
	// KEYIDX is the running keyframe index, 0-31.
	KEYIDX uint8
}

// Bits of the first octet and of the extension octet (RFC 7741 Figure 2).
const (
	bitX = 0x80
	bitN = 0x20
	bitS = 0x10
	pid  = 0x07

	bitI = 0x80
	bitL = 0x40
	bitT = 0x20
	bitK = 0x10

	bitM = 0x80 // first PictureID octet: 15-bit PictureID
	bitY = 0x20 // T/K octet, after the 2-bit TID
)

// MaxDescriptorLen is the longest descriptor: first octet, extension
// octet, 15-bit PictureID, TL0PICIDX and TID/Y/KEYIDX.
const MaxDescriptorLen = 6

// BeginsFrame reports whether the packet begins a frame: S=1 and PID=0
// (RFC 7741 §4.2, §4.5.1). Only such a packet carries the payload header.
func (d *Descriptor) BeginsFrame() bool { return d.Start && d.PartitionID == 0 }

// Unmarshal decodes the descriptor at the start of an RTP payload and
// returns its length n: the VP8 data begins at payload[n:]. Every field is
// checked against the length before it is read; a payload too short for
// the descriptor its bits announce is ErrTooShort, and then d is zero.
// A payload that is only a descriptor is valid: n == len(payload).
func (d *Descriptor) Unmarshal(payload []byte) (n int, err error) {
	*d = Descriptor{}
	if n, err = d.unmarshal(payload); err != nil {
		*d = Descriptor{}
		return 0, err
	}
	return n, nil
}

func (d *Descriptor) unmarshal(payload []byte) (n int, err error) {
	if len(payload) < 1 {
		return 0, ErrTooShort
	}
	b := payload[0]
	d.NonReference = b&bitN != 0
	d.Start = b&bitS != 0
	d.PartitionID = b & pid
	n = 1
	if b&bitX == 0 {
		return n, nil // "If the bit is zero, all optional fields MUST be omitted."
	}
	d.Extended = true
	if len(payload) < 2 {
		return 0, ErrTooShort
	}
	x := payload[1]
	n = 2
	if x&bitI != 0 {
		if len(payload) < n+1 {
			return 0, ErrTooShort
		}
		d.HasPictureID = true
		if payload[n]&bitM == 0 {
			d.PictureID = uint16(payload[n] & 0x7f)
			n++
		} else {
			if len(payload) < n+2 {
				return 0, ErrTooShort
			}
			d.LongPictureID = true
			d.PictureID = uint16(payload[n]&0x7f)<<8 | uint16(payload[n+1])
			n += 2
		}
	}
	if x&bitL != 0 {
		if len(payload) < n+1 {
			return 0, ErrTooShort
		}
		d.HasTL0PICIDX = true
		d.TL0PICIDX = payload[n]
		n++
	}
	if x&(bitT|bitK) != 0 {
		if len(payload) < n+1 {
			return 0, ErrTooShort
		}
		tk := payload[n]
		n++
		d.LayerSync = tk&bitY != 0
		if x&bitT != 0 { // else "the TID field MUST be ignored"
			d.HasTID = true
			d.TID = tk >> 6
		}
		if x&bitK != 0 { // else "the KEYIDX field MUST be ignored"
			d.HasKEYIDX = true
			d.KEYIDX = tk & 0x1f
		}
	}
	return n, nil
}

// Len is the length of the descriptor Marshal writes.
func (d *Descriptor) Len() int {
	if !d.extended() {
		return 1
	}
	n := 2
	if d.HasPictureID {
		n++
		if d.LongPictureID {
			n++
		}
	}
	if d.HasTL0PICIDX {
		n++
	}
	if d.HasTID || d.HasKEYIDX {
		n++
	}
	return n
}

func (d *Descriptor) extended() bool {
	return d.Extended || d.HasPictureID || d.HasTL0PICIDX || d.HasTID || d.HasKEYIDX
}

// Marshal returns the wire form of d.
func (d *Descriptor) Marshal() ([]byte, error) {
	return d.AppendTo(make([]byte, 0, d.Len()))
}

// AppendTo appends the wire form of d to b. A field too large for its
// bits (PartitionID > 7, a PictureID beyond 7 or 15 bits, TID > 3,
// KEYIDX > 31) is an error rather than silently cut; LayerSync without T
// or K has no octet to go in and is an error too. On error b is returned
// unchanged.
func (d *Descriptor) AppendTo(b []byte) ([]byte, error) {
	if err := d.check(); err != nil {
		return b, err
	}
	first := d.PartitionID
	if d.NonReference {
		first |= bitN
	}
	if d.Start {
		first |= bitS
	}
	if !d.extended() {
		return append(b, first), nil
	}
	var x byte
	if d.HasPictureID {
		x |= bitI
	}
	if d.HasTL0PICIDX {
		x |= bitL
	}
	if d.HasTID {
		x |= bitT
	}
	if d.HasKEYIDX {
		x |= bitK
	}
	b = append(b, first|bitX, x)
	if d.HasPictureID {
		if d.LongPictureID {
			b = append(b, bitM|byte(d.PictureID>>8), byte(d.PictureID))
		} else {
			b = append(b, byte(d.PictureID))
		}
	}
	if d.HasTL0PICIDX {
		b = append(b, d.TL0PICIDX)
	}
	if d.HasTID || d.HasKEYIDX {
		var tk byte
		if d.HasTID {
			tk = d.TID << 6
		}
		if d.LayerSync {
			tk |= bitY
		}
		if d.HasKEYIDX {
			tk |= d.KEYIDX
		}
		b = append(b, tk)
	}
	return b, nil
}

func (d *Descriptor) check() error {
	switch {
	case d.PartitionID > 7:
		return fmt.Errorf("vp8: descriptor: PID %d does not fit in 3 bits", d.PartitionID)
	case d.HasPictureID && !d.LongPictureID && d.PictureID > 0x7f:
		return fmt.Errorf("vp8: descriptor: PictureID %d does not fit in 7 bits (set LongPictureID)", d.PictureID)
	case d.HasPictureID && d.PictureID > 0x7fff:
		return fmt.Errorf("vp8: descriptor: PictureID %d does not fit in 15 bits", d.PictureID)
	case d.HasTID && d.TID > 3:
		return fmt.Errorf("vp8: descriptor: TID %d does not fit in 2 bits", d.TID)
	case d.HasKEYIDX && d.KEYIDX > 31:
		return fmt.Errorf("vp8: descriptor: KEYIDX %d does not fit in 5 bits", d.KEYIDX)
	case d.LayerSync && !d.HasTID && !d.HasKEYIDX:
		return fmt.Errorf("vp8: descriptor: Y needs the TID/Y/KEYIDX octet, present only with T or K")
	}
	return nil
}

// String describes d in the RFC's names, the fields absent left out:
// "S=1 PID=0 PictureID=19294(15 bits)", "X=0 S=0 PID=1",
// "N=1 S=1 PID=0 PictureID=17(7 bits) TL0PICIDX=3 TID=1 Y=1 KEYIDX=5".
func (d *Descriptor) String() string {
	var b strings.Builder
	if !d.extended() {
		b.WriteString("X=0 ")
	}
	if d.NonReference {
		b.WriteString("N=1 ")
	}
	fmt.Fprintf(&b, "S=%d PID=%d", b2i(d.Start), d.PartitionID)
	if d.extended() && !d.HasPictureID && !d.HasTL0PICIDX && !d.HasTID && !d.HasKEYIDX {
		b.WriteString(" X=1(empty)")
	}
	if d.HasPictureID {
		bits := 7
		if d.LongPictureID {
			bits = 15
		}
		fmt.Fprintf(&b, " PictureID=%d(%d bits)", d.PictureID, bits)
	}
	if d.HasTL0PICIDX {
		fmt.Fprintf(&b, " TL0PICIDX=%d", d.TL0PICIDX)
	}
	if d.HasTID {
		fmt.Fprintf(&b, " TID=%d", d.TID)
	}
	if d.HasTID || d.HasKEYIDX {
		fmt.Fprintf(&b, " Y=%d", b2i(d.LayerSync))
	}
	if d.HasKEYIDX {
		fmt.Fprintf(&b, " KEYIDX=%d", d.KEYIDX)
	}
	return b.String()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

package rtcp

// The full intra request, RFC 5104 §4.3.1: "send a keyframe now".
//
// A payload-specific feedback message (PT=PSFB, FMT=4) with one FCI entry
// per media sender asked:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                              SSRC                             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	| Seq nr.       |    Reserved                                   |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// "The length of the FIR feedback message MUST be set to 2+2*N." Unlike a
// PLI, the target is in the FCI: the header's "SSRC of media source is not
// used and SHALL be set to 0" (§4.3.1.2).
//
// The command sequence number tells a new request from a repeated one:
// "The sequence number SHALL be increased by 1 modulo 256 for each new
// command. A repetition SHALL NOT increase the sequence number." A sender
// that already answered request 7 ignores another 7 and answers an 8. So
// the program keeps one counter per media SSRC, increments it when it
// decides to ask again, and resends the same number when it merely
// repeats (§4.3.1.3: after at least one round trip).
//
// RFC 5104 reserves FIR for cases where "not sending a decoder refresh
// point would render the video unusable" and recommends PLI for losses;
// a receiver tries PLI first and falls back to FIR when PLI goes
// unanswered.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// FIREntry is one FCI entry.
type FIREntry struct {
	SSRC           uint32 // the media sender asked for a keyframe
	SequenceNumber uint8  // the command sequence number
}

// FullIntraRequest is a FIR packet.
type FullIntraRequest struct {
	SenderSSRC uint32     // us
	MediaSSRC  uint32     // 0 (§4.3.1.2); kept as received
	Entries    []FIREntry // at least one
}

// NewFIR asks the media sender for a keyframe with command sequence
// number seq (the program's counter for that sender).
func NewFIR(sender, media uint32, seq uint8) *FullIntraRequest {
	return &FullIntraRequest{SenderSSRC: sender, Entries: []FIREntry{{SSRC: media, SequenceNumber: seq}}}
}

// Unmarshal reads one FIR packet.
func (f *FullIntraRequest) Unmarshal(b []byte) error {
	sender, media, fci, err := parseFeedback(b, TypePSFB, FormatFIR)
	if err != nil {
		return err
	}
	if len(fci) == 0 || len(fci)%8 != 0 {
		return ErrFormat // 2+2*N words, N ≥ 1
	}
	f.SenderSSRC, f.MediaSSRC = sender, media
	f.Entries = make([]FIREntry, len(fci)/8)
	for i := range f.Entries {
		f.Entries[i] = FIREntry{SSRC: binary.BigEndian.Uint32(fci[8*i:]), SequenceNumber: fci[8*i+4]}
	}
	return nil
}

// MarshalSize is the length MarshalTo writes.
func (f *FullIntraRequest) MarshalSize() int { return feedbackHeaderLen + 8*len(f.Entries) }

// MarshalTo writes the packet into b, the reserved bits zero.
func (f *FullIntraRequest) MarshalTo(b []byte) (int, error) {
	size := f.MarshalSize()
	if err := checkSize(b, size); err != nil {
		return 0, err
	}
	if len(f.Entries) == 0 {
		return 0, ErrFormat
	}
	writeFeedbackHeader(b, TypePSFB, FormatFIR, size, false, f.SenderSSRC, f.MediaSSRC)
	for i, e := range f.Entries {
		off := feedbackHeaderLen + 8*i
		binary.BigEndian.PutUint32(b[off:], e.SSRC)
		binary.BigEndian.PutUint32(b[off+4:], uint32(e.SequenceNumber)<<24)
	}
	return size, nil
}

// Marshal returns the packet in a new slice.
func (f *FullIntraRequest) Marshal() ([]byte, error) { return marshal(f) }

// String prints the packet: "FIR sender=0x00000001 [ssrc=0x5bd77af8 seq=7]".
func (f *FullIntraRequest) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "FIR sender=0x%08x", f.SenderSSRC)
	if f.MediaSSRC != 0 {
		fmt.Fprintf(&b, " media=0x%08x", f.MediaSSRC)
	}
	for _, e := range f.Entries {
		fmt.Fprintf(&b, " [ssrc=0x%08x seq=%d]", e.SSRC, e.SequenceNumber)
	}
	return b.String()
}

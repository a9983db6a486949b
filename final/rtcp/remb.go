package rtcp

// Application layer feedback, RFC 4585 §6.4, and the receiver estimated
// maximum bitrate (REMB) that travels in it, draft-alvestrand-rmcat-remb
// §2.2.
//
// FMT=15 of PSFB is the application's own: "the FCI ... contains
// information to be interpreted by the application". Browsers used it for
// REMB, a receiver's estimate of the bandwidth its senders may use, before
// transport-wide congestion control moved that estimate to the sender
// (twcc.go). A receiver that does not run congestion control (ours) does
// not send it, but receivers such as pion may, so it is parsed and shown:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|V=2|P| FMT=15  |   PT=206      |             length            |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                  SSRC of packet sender                        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                  SSRC of media source (0)                     |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Unique identifier 'R' 'E' 'M' 'B'                            |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Num SSRC     | BR Exp    |  BR Mantissa                      |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|   SSRC feedback                                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  ...                                                          |
//
// The bitrate, in bits per second, is mantissa × 2^exp (18 and 6 bits);
// the SSRCs are the streams the estimate covers.

import (
	"encoding/binary"
	"fmt"
)

// ApplicationLayerFeedback is a PSFB FMT=15 packet that is not a REMB.
type ApplicationLayerFeedback struct {
	SenderSSRC uint32
	MediaSSRC  uint32
	Data       []byte // the FCI, aliased to the input; a multiple of 4 bytes
}

// Unmarshal reads one application layer feedback packet.
func (a *ApplicationLayerFeedback) Unmarshal(b []byte) error {
	sender, media, fci, err := parseFeedback(b, TypePSFB, FormatAFB)
	if err != nil {
		return err
	}
	a.SenderSSRC, a.MediaSSRC, a.Data = sender, media, fci
	return nil
}

// MarshalSize is the length MarshalTo writes.
func (a *ApplicationLayerFeedback) MarshalSize() int {
	return feedbackHeaderLen + (len(a.Data)+3)&^3
}

// MarshalTo writes the packet into b.
func (a *ApplicationLayerFeedback) MarshalTo(b []byte) (int, error) {
	size := a.MarshalSize()
	if err := checkSize(b, size); err != nil {
		return 0, err
	}
	writeFeedbackHeader(b, TypePSFB, FormatAFB, size, false, a.SenderSSRC, a.MediaSSRC)
	off := feedbackHeaderLen + copy(b[feedbackHeaderLen:], a.Data)
	clear(b[off:size])
	return size, nil
}

// Marshal returns the packet in a new slice.
func (a *ApplicationLayerFeedback) Marshal() ([]byte, error) { return marshal(a) }

// String prints the packet.
func (a *ApplicationLayerFeedback) String() string {
	return fmt.Sprintf("AFB sender=0x%08x media=0x%08x data=%dB", a.SenderSSRC, a.MediaSSRC, len(a.Data))
}

// rembID is the REMB identifier that starts the FCI.
var rembID = [4]byte{'R', 'E', 'M', 'B'}

// isREMB reports whether a PSFB FMT=15 packet's FCI starts with "REMB".
func isREMB(fci []byte) bool { return len(fci) >= 4 && [4]byte(fci[:4]) == rembID }

// ReceiverEstimatedMaxBitrate is a REMB packet.
type ReceiverEstimatedMaxBitrate struct {
	SenderSSRC uint32
	MediaSSRC  uint32   // 0 by the draft; kept as received
	Exp        uint8    // BR Exp, 6 bits
	Mantissa   uint32   // BR Mantissa, 18 bits
	SSRCs      []uint32 // the streams the estimate applies to, at most 255
}

// NewREMB builds a REMB for a bitrate in bits per second, with the
// largest mantissa that holds it (rounded down).
func NewREMB(sender uint32, bitrate uint64, ssrcs []uint32) *ReceiverEstimatedMaxBitrate {
	r := &ReceiverEstimatedMaxBitrate{SenderSSRC: sender, SSRCs: ssrcs}
	for bitrate >= 1<<18 {
		bitrate >>= 1
		r.Exp++
	}
	r.Mantissa = uint32(bitrate)
	return r
}

// Bitrate is the estimate in bits per second: mantissa × 2^exp.
func (r *ReceiverEstimatedMaxBitrate) Bitrate() uint64 {
	if r.Exp > 63-18 {
		return ^uint64(0) // beyond 64 bits: saturate
	}
	return uint64(r.Mantissa) << r.Exp
}

// Unmarshal reads one REMB packet.
func (r *ReceiverEstimatedMaxBitrate) Unmarshal(b []byte) error {
	sender, media, fci, err := parseFeedback(b, TypePSFB, FormatAFB)
	if err != nil {
		return err
	}
	if len(fci) < 8 || !isREMB(fci) {
		return ErrFormat
	}
	n := int(fci[4])
	if len(fci) != 8+4*n {
		return ErrFormat // Num SSRC must match the length
	}
	r.SenderSSRC, r.MediaSSRC = sender, media
	r.Exp = fci[5] >> 2
	r.Mantissa = uint32(fci[5]&3)<<16 | uint32(binary.BigEndian.Uint16(fci[6:8]))
	r.SSRCs = make([]uint32, n)
	for i := range r.SSRCs {
		r.SSRCs[i] = binary.BigEndian.Uint32(fci[8+4*i:])
	}
	return nil
}

// MarshalSize is the length MarshalTo writes.
func (r *ReceiverEstimatedMaxBitrate) MarshalSize() int {
	return feedbackHeaderLen + 8 + 4*len(r.SSRCs)
}

// MarshalTo writes the packet into b.
func (r *ReceiverEstimatedMaxBitrate) MarshalTo(b []byte) (int, error) {
	size := r.MarshalSize()
	if err := checkSize(b, size); err != nil {
		return 0, err
	}
	if r.Exp > 63 || r.Mantissa >= 1<<18 || len(r.SSRCs) > 255 {
		return 0, ErrFieldRange
	}
	writeFeedbackHeader(b, TypePSFB, FormatAFB, size, false, r.SenderSSRC, r.MediaSSRC)
	fci := b[feedbackHeaderLen:size]
	copy(fci, rembID[:])
	fci[4] = byte(len(r.SSRCs))
	fci[5] = r.Exp<<2 | byte(r.Mantissa>>16)
	binary.BigEndian.PutUint16(fci[6:8], uint16(r.Mantissa))
	for i, s := range r.SSRCs {
		binary.BigEndian.PutUint32(fci[8+4*i:], s)
	}
	return size, nil
}

// Marshal returns the packet in a new slice.
func (r *ReceiverEstimatedMaxBitrate) Marshal() ([]byte, error) { return marshal(r) }

// String prints the packet: "REMB sender=0x00000001 bitrate=1.500Mbit/s ssrcs=[0x5bd77af8]".
func (r *ReceiverEstimatedMaxBitrate) String() string {
	s := fmt.Sprintf("REMB sender=0x%08x bitrate=%.3fMbit/s ssrcs=[", r.SenderSSRC, float64(r.Bitrate())/1e6)
	for i, x := range r.SSRCs {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("0x%08x", x)
	}
	return s + "]"
}

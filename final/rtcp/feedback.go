package rtcp

// Feedback messages, RFC 4585 §6.1, and the picture loss indication,
// §6.3.1.
//
// RFC 4585 (the AVPF profile, "RTP/SAVPF" in a WebRTC offer) lets a
// receiver tell a sender about a problem at once rather than in its next
// report. All feedback shares one layout:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|V=2|P|   FMT   |       PT      |          length               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                  SSRC of packet sender                        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                  SSRC of media source                         |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	:            Feedback Control Information (FCI)                 :
//	:                                                               :
//
// PT says the family: transport layer (RTPFB, 205: which packets) or
// payload-specific (PSFB, 206: what the decoder needs). FMT, in the count
// field, the message within the family; the FCI its parameters.
//
// The picture loss indication (PSFB, FMT=1) has none: "PLI does not
// require parameters. Therefore, the length field MUST be 2, and there
// MUST NOT be any Feedback Control Information." It tells the encoder
// that the decoder lost "an undefined amount of coded video data", and
// the encoder answers with a keyframe. It is what a receiver sends when
// video starts and whenever it cannot repair a loss. The captures hold
// pion's, 12 bytes:
//
//	81 ce 00 02  V=2, FMT=1, PT=206 (PSFB), length 2
//	00 00 00 00  sender SSRC 0 (pion leaves it unset)
//	5b d7 7a f8  media source 1540848376: the browser's video

import (
	"encoding/binary"
	"fmt"
)

// feedbackHeaderLen is the common header plus the two SSRCs.
const feedbackHeaderLen = HeaderLen + 8

// parseFeedback checks that b is one feedback packet of type t and format
// fmtValue and returns the two SSRCs and the FCI.
func parseFeedback(b []byte, t PacketType, fmtValue uint8) (sender, media uint32, fci []byte, err error) {
	h, body, err := parse(b, t)
	if err != nil {
		return 0, 0, nil, err
	}
	if h.Count != fmtValue {
		return 0, 0, nil, ErrType
	}
	if len(body) < 8 {
		return 0, 0, nil, ErrTooShort
	}
	return binary.BigEndian.Uint32(body[0:4]), binary.BigEndian.Uint32(body[4:8]), body[8:], nil
}

// writeFeedbackHeader writes the common header and the two SSRCs.
func writeFeedbackHeader(b []byte, t PacketType, fmtValue uint8, size int, padding bool, sender, media uint32) {
	writeHeader(b, fmtValue, t, size, padding)
	binary.BigEndian.PutUint32(b[4:8], sender)
	binary.BigEndian.PutUint32(b[8:12], media)
}

// PictureLossIndication is a PLI (RFC 4585 §6.3.1).
type PictureLossIndication struct {
	SenderSSRC uint32 // us
	MediaSSRC  uint32 // the video stream that needs a keyframe
}

// Unmarshal reads one PLI packet.
func (p *PictureLossIndication) Unmarshal(b []byte) error {
	sender, media, fci, err := parseFeedback(b, TypePSFB, FormatPLI)
	if err != nil {
		return err
	}
	if len(fci) != 0 {
		return ErrFormat // "MUST NOT be any Feedback Control Information"
	}
	p.SenderSSRC, p.MediaSSRC = sender, media
	return nil
}

// MarshalSize is the length MarshalTo writes: 12.
func (p *PictureLossIndication) MarshalSize() int { return feedbackHeaderLen }

// MarshalTo writes the packet into b.
func (p *PictureLossIndication) MarshalTo(b []byte) (int, error) {
	if err := checkSize(b, feedbackHeaderLen); err != nil {
		return 0, err
	}
	writeFeedbackHeader(b, TypePSFB, FormatPLI, feedbackHeaderLen, false, p.SenderSSRC, p.MediaSSRC)
	return feedbackHeaderLen, nil
}

// Marshal returns the packet in a new slice.
func (p *PictureLossIndication) Marshal() ([]byte, error) { return marshal(p) }

// String prints the packet: "PLI sender=0x00000000 media=0x5bd77af8".
func (p *PictureLossIndication) String() string {
	return fmt.Sprintf("PLI sender=0x%08x media=0x%08x", p.SenderSSRC, p.MediaSSRC)
}

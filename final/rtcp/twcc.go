package rtcp

// Transport-wide congestion control feedback,
// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1: identified and
// shown, not decoded.
//
// With transport-wide congestion control the browser numbers every packet
// it sends, across all its streams, in the transport-wide-cc header
// extension (the "twcc" element of rtp.ExtMap), and the receiver reports
// back when each numbered packet arrived. The browser's bandwidth
// estimator turns those arrival times into a sending rate. It is an
// RTPFB message with FMT=15:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|V=2|P|  FMT=15 |    PT=205     |           length              |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                     SSRC of packet sender                     |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                      SSRC of media source                     |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|      base sequence number     |      packet status count      |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                 reference time                | fb pkt. count |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|          packet chunk         |         packet chunk          |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	.                                                               .
//	|         packet chunk          |  recv delta   |  recv delta   |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	.                                                               .
//	|           recv delta          |  recv delta   | padding       |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The base sequence number and the status count say which transport-wide
// numbers the report covers; the reference time is in multiples of 64 ms
// (24 bits, signed), and the feedback packet count numbers the reports.
// The chunks (run-length or status vectors) and the deltas (250 µs units)
// follow; this package keeps them as bytes. The body rarely ends on a
// word, and senders (pion in the captures, libwebrtc) align it with RTCP
// padding, the P bit and a count of 1 to 3 in the last byte: pion's
//
//	af cd 00 06 ...         V=2, P=1, FMT=15, PT=205, length 6: 28 bytes
//	... 20 04 a4 09 14 00   a chunk (4 packets received) and their 4 deltas
//	00 02                   padding: a zero, and the count, 2
//
// Our server
// does not offer transport-cc, so browsers do not expect this from us;
// the captures hold pion's.

import (
	"encoding/binary"
	"fmt"
)

// TransportLayerCC is a transport-wide congestion control feedback packet.
type TransportLayerCC struct {
	SenderSSRC          uint32
	MediaSSRC           uint32
	BaseSequenceNumber  uint16 // first transport-wide sequence number reported
	PacketStatusCount   uint16 // how many numbers the report covers
	ReferenceTime       int32  // 24 bits signed, × 64 ms
	FeedbackPacketCount uint8  // counts the reports, modulo 256
	// Chunks are the packet chunks and receive deltas, undecoded and
	// aliased to the input, without the RTCP padding.
	Chunks []byte
}

const twccFixedLen = 8 // base, count, reference time, fb pkt count

// Unmarshal reads one transport-wide congestion control feedback packet.
func (t *TransportLayerCC) Unmarshal(b []byte) error {
	sender, media, fci, err := parseFeedback(b, TypeRTPFB, FormatTWCC)
	if err != nil {
		return err
	}
	if len(fci) < twccFixedLen {
		return ErrTooShort
	}
	t.SenderSSRC, t.MediaSSRC = sender, media
	t.BaseSequenceNumber = binary.BigEndian.Uint16(fci[0:2])
	t.PacketStatusCount = binary.BigEndian.Uint16(fci[2:4])
	t.ReferenceTime = int32(binary.BigEndian.Uint32(fci[4:8])) >> 8 // sign-extend 24 bits
	t.FeedbackPacketCount = fci[7]
	t.Chunks = fci[twccFixedLen:]
	return nil
}

// padding is the RTCP padding MarshalTo adds to end on a word.
func (t *TransportLayerCC) padding() int {
	return -(feedbackHeaderLen + twccFixedLen + len(t.Chunks)) & 3
}

// MarshalSize is the length MarshalTo writes.
func (t *TransportLayerCC) MarshalSize() int {
	return feedbackHeaderLen + twccFixedLen + len(t.Chunks) + t.padding()
}

// MarshalTo writes the packet into b, padded to a word with the P bit as
// senders do.
func (t *TransportLayerCC) MarshalTo(b []byte) (int, error) {
	size := t.MarshalSize()
	if err := checkSize(b, size); err != nil {
		return 0, err
	}
	if t.ReferenceTime < -1<<23 || t.ReferenceTime >= 1<<23 {
		return 0, ErrFieldRange
	}
	pad := t.padding()
	writeFeedbackHeader(b, TypeRTPFB, FormatTWCC, size, pad > 0, t.SenderSSRC, t.MediaSSRC)
	fci := b[feedbackHeaderLen:size]
	binary.BigEndian.PutUint16(fci[0:2], t.BaseSequenceNumber)
	binary.BigEndian.PutUint16(fci[2:4], t.PacketStatusCount)
	binary.BigEndian.PutUint32(fci[4:8], uint32(t.ReferenceTime)<<8|uint32(t.FeedbackPacketCount))
	off := twccFixedLen + copy(fci[twccFixedLen:], t.Chunks)
	if pad > 0 {
		clear(fci[off : len(fci)-1])
		fci[len(fci)-1] = byte(pad)
	}
	return size, nil
}

// Marshal returns the packet in a new slice.
func (t *TransportLayerCC) Marshal() ([]byte, error) { return marshal(t) }

// String prints the packet: "TWCC sender=0x37d77417 media=0x5bd77af8
// base_seq=12 status_count=8 ref_time=6 (384 ms) fb_pkt_count=1 chunks=14B".
func (t *TransportLayerCC) String() string {
	return fmt.Sprintf("TWCC sender=0x%08x media=0x%08x base_seq=%d status_count=%d ref_time=%d (%d ms) fb_pkt_count=%d chunks=%dB",
		t.SenderSSRC, t.MediaSSRC, t.BaseSequenceNumber, t.PacketStatusCount, t.ReferenceTime, int64(t.ReferenceTime)*64, t.FeedbackPacketCount, len(t.Chunks))
}

package rtcp

// Report blocks, RFC 3550 §6.4.1 (shared by SR and RR, §6.4.2).
//
// A receiver tells each source how its packets arrived, in one 24-byte
// block per source:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	|                 SSRC_1 (SSRC of first source)                 |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	| fraction lost |       cumulative number of packets lost       |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|           extended highest sequence number received           |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                      interarrival jitter                      |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                         last SR (LSR)                         |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                   delay since last SR (DLSR)                  |
//	+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//
// The fraction lost is lost/expected since the previous report, times
// 256; the cumulative loss is signed 24 bits ("the loss may be negative if
// there are duplicates"), clamped rather than wrapped (Appendix A.3). The
// jitter is in RTP timestamp units (Appendix A.8). LSR is the middle 32
// bits of the NTP timestamp of the last SR from that source and DLSR the
// time since it arrived in 1/65536 s: the source subtracts both from the
// time the report reaches it and so learns the round-trip time, which is
// how a browser's remote-inbound-rtp stats get theirs. The computations
// are in rtp.Receiver (package rtp, stats.go).

import (
	"encoding/binary"
	"fmt"
)

// ReportBlockLen is the length of one report block.
const ReportBlockLen = 24

// ReceptionReport is one report block.
type ReceptionReport struct {
	SSRC               uint32 // the source this block is about
	FractionLost       uint8  // lost/expected since the last report, in 1/256
	CumulativeLost     int32  // expected - received since the start, 24 bits signed
	ExtendedHighestSeq uint32 // cycles << 16 | highest sequence number received
	Jitter             uint32 // interarrival jitter, RTP timestamp units
	LSR                uint32 // middle 32 bits of the last SR's NTP timestamp; 0 without SR
	DLSR               uint32 // delay since that SR arrived, 1/65536 s; 0 without SR
}

// unmarshal reads one block from the first 24 bytes of b.
func (r *ReceptionReport) unmarshal(b []byte) {
	r.SSRC = binary.BigEndian.Uint32(b[0:4])
	r.FractionLost = b[4]
	r.CumulativeLost = int32(binary.BigEndian.Uint32(b[4:8])<<8) >> 8 // sign-extend 24 bits
	r.ExtendedHighestSeq = binary.BigEndian.Uint32(b[8:12])
	r.Jitter = binary.BigEndian.Uint32(b[12:16])
	r.LSR = binary.BigEndian.Uint32(b[16:20])
	r.DLSR = binary.BigEndian.Uint32(b[20:24])
}

// marshalTo writes the block into the first 24 bytes of b, the
// cumulative loss clamped to 24 bits (Appendix A.3).
func (r *ReceptionReport) marshalTo(b []byte) {
	lost := min(max(r.CumulativeLost, -0x800000), 0x7fffff)
	binary.BigEndian.PutUint32(b[0:4], r.SSRC)
	binary.BigEndian.PutUint32(b[4:8], uint32(lost)&0xffffff)
	b[4] = r.FractionLost
	binary.BigEndian.PutUint32(b[8:12], r.ExtendedHighestSeq)
	binary.BigEndian.PutUint32(b[12:16], r.Jitter)
	binary.BigEndian.PutUint32(b[16:20], r.LSR)
	binary.BigEndian.PutUint32(b[20:24], r.DLSR)
}

// unmarshalReports reads n blocks from the start of b and returns the
// rest.
func unmarshalReports(b []byte, n int) ([]ReceptionReport, []byte, error) {
	if len(b) < n*ReportBlockLen {
		return nil, nil, ErrFormat
	}
	var reports []ReceptionReport
	if n > 0 {
		reports = make([]ReceptionReport, n)
	}
	for i := range reports {
		reports[i].unmarshal(b[i*ReportBlockLen:])
	}
	return reports, b[n*ReportBlockLen:], nil
}

// String prints the block: "ssrc=0x5bd77af8 lost=0/256 cumulative=0
// highest=13215 jitter=72 lsr=0x8e019226 dlsr=0.389s".
func (r ReceptionReport) String() string {
	return fmt.Sprintf("ssrc=0x%08x lost=%d/256 cumulative=%d highest=%d jitter=%d lsr=0x%08x dlsr=%.3fs",
		r.SSRC, r.FractionLost, r.CumulativeLost, r.ExtendedHighestSeq, r.Jitter, r.LSR, float64(r.DLSR)/65536)
}

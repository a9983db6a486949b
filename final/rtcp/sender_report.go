package rtcp

// The sender report, RFC 3550 §6.4.1.
//
//	        0                   1                   2                   3
//	        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	header |V=2|P|    RC   |   PT=SR=200   |             length            |
//	       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	       |                         SSRC of sender                        |
//	       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	sender |              NTP timestamp, most significant word             |
//	info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	       |             NTP timestamp, least significant word             |
//	       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	       |                         RTP timestamp                         |
//	       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	       |                     sender's packet count                     |
//	       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	       |                      sender's octet count                     |
//	       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	report |                 SSRC_1 (SSRC of first source)                 |
//	block  :                   (reception_report.go)                       :
//	  1    +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	       :                              ...                              :
//	       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	       |                  profile-specific extensions                  |
//	       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The sender info ties the stream's RTP clock to wall-clock time: the NTP
// timestamp (seconds since 1900 in 32.32 fixed point, §4) and the RTP
// timestamp are the same instant. The counts are everything sent since
// the stream began: packets, and payload octets (headers and padding
// excluded). A browser sends one about every second per stream, with no
// report blocks when it receives nothing, followed by an SDES with its
// CNAME. Chromium's first, in the chromium-default capture:
//
//	80 c8 00 06              V=2, RC=0, PT=200 (SR), length 6: 28 bytes
//	5b d7 7a f8              SSRC 1540848376, the video stream
//	ee ac 8e 01 92 26 3d 81  NTP timestamp: 2026-11-21 21:39:13.570 UTC
//	16 6a 1b 2a              RTP timestamp 376052522, the same instant
//	00 00 00 17              23 packets sent so far
//	00 00 4e 4d              20045 payload octets
//
// pion's next RR about that stream echoes 8e 01 92 26, the middle of the
// NTP timestamp, as LSR (reception_report.go).

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// SenderReport is an SR packet.
type SenderReport struct {
	SSRC        uint32            // the sender
	NTPTime     uint64            // wall clock, NTP 32.32 fixed point (NTPTime, Time)
	RTPTime     uint32            // the same instant on the stream's RTP clock
	PacketCount uint32            // packets sent since the start
	OctetCount  uint32            // payload octets sent since the start
	Reports     []ReceptionReport // what the sender received, at most 31
	// ProfileExtensions are the words after the report blocks (§6.4.1),
	// aliased to the input.
	ProfileExtensions []byte
}

const senderInfoLen = 4 + 20 // SSRC and sender info

// Unmarshal reads one SR packet.
func (s *SenderReport) Unmarshal(b []byte) error {
	h, body, err := parse(b, TypeSR)
	if err != nil {
		return err
	}
	if len(body) < senderInfoLen {
		return ErrTooShort
	}
	s.SSRC = binary.BigEndian.Uint32(body[0:4])
	s.NTPTime = binary.BigEndian.Uint64(body[4:12])
	s.RTPTime = binary.BigEndian.Uint32(body[12:16])
	s.PacketCount = binary.BigEndian.Uint32(body[16:20])
	s.OctetCount = binary.BigEndian.Uint32(body[20:24])
	reports, rest, err := unmarshalReports(body[senderInfoLen:], int(h.Count))
	if err != nil {
		return err
	}
	s.Reports = reports
	s.ProfileExtensions = nil
	if len(rest) > 0 {
		s.ProfileExtensions = rest
	}
	return nil
}

// MarshalSize is the length MarshalTo writes.
func (s *SenderReport) MarshalSize() int {
	return HeaderLen + senderInfoLen + ReportBlockLen*len(s.Reports) + (len(s.ProfileExtensions)+3)&^3
}

// MarshalTo writes the packet into b.
func (s *SenderReport) MarshalTo(b []byte) (int, error) {
	n := s.MarshalSize()
	if err := checkSize(b, n); err != nil {
		return 0, err
	}
	if len(s.Reports) > 31 {
		return 0, ErrFieldRange
	}
	writeHeader(b, uint8(len(s.Reports)), TypeSR, n, false)
	binary.BigEndian.PutUint32(b[4:8], s.SSRC)
	binary.BigEndian.PutUint64(b[8:16], s.NTPTime)
	binary.BigEndian.PutUint32(b[16:20], s.RTPTime)
	binary.BigEndian.PutUint32(b[20:24], s.PacketCount)
	binary.BigEndian.PutUint32(b[24:28], s.OctetCount)
	off := HeaderLen + senderInfoLen
	for i := range s.Reports {
		s.Reports[i].marshalTo(b[off:])
		off += ReportBlockLen
	}
	off += copy(b[off:], s.ProfileExtensions)
	clear(b[off:n])
	return n, nil
}

// Marshal returns the packet in a new slice.
func (s *SenderReport) Marshal() ([]byte, error) { return marshal(s) }

// Time is the report's NTP timestamp as a time.Time.
func (s *SenderReport) Time() time.Time { return NTPToTime(s.NTPTime) }

// String prints the report: "SR ssrc=0x5bd77af8 ntp=2026-11-21T21:39:13.570Z
// rtp=376052522 packets=23 octets=20045 reports=0".
func (s *SenderReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "SR ssrc=0x%08x ntp=%s rtp=%d packets=%d octets=%d reports=%d",
		s.SSRC, s.Time().UTC().Format("2006-01-02T15:04:05.000Z"), s.RTPTime, s.PacketCount, s.OctetCount, len(s.Reports))
	for _, r := range s.Reports {
		b.WriteString(" [" + r.String() + "]")
	}
	if len(s.ProfileExtensions) > 0 {
		fmt.Fprintf(&b, " ext=%dB", len(s.ProfileExtensions))
	}
	return b.String()
}

// ntpEpochOffset is the seconds from the NTP epoch (1900-01-01) to the
// Unix epoch (1970-01-01), RFC 3550 §4 / RFC 5905 §6.
const ntpEpochOffset = 2208988800

// NTPTime converts t to an NTP timestamp: seconds since 1900 in the high
// 32 bits, the fraction of a second in the low 32 (RFC 3550 §4).
func NTPTime(t time.Time) uint64 {
	sec := uint64(t.Unix() + ntpEpochOffset)
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	return sec<<32 | frac
}

// NTPToTime converts an NTP timestamp to a time.Time (era 0, which ends in
// 2036; later timestamps wrap, as on the wire).
func NTPToTime(ntp uint64) time.Time {
	sec := int64(ntp >> 32)
	nsec := int64((ntp & 0xffffffff) * 1e9 >> 32)
	return time.Unix(sec-ntpEpochOffset, nsec)
}

// MiddleBits is the middle 32 bits of an NTP timestamp: what a report
// block's LSR field holds (RFC 3550 §6.4.1).
func MiddleBits(ntp uint64) uint32 { return uint32(ntp >> 16) }

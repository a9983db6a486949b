package rtcp

// The receiver report, RFC 3550 §6.4.2.
//
//	        0                   1                   2                   3
//	        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	header |V=2|P|    RC   |   PT=RR=201   |             length            |
//	       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	       |                     SSRC of packet sender                     |
//	       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	report |                 SSRC_1 (SSRC of first source)                 |
//	block  :                   (reception_report.go)                       :
//	  1    +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	       :                              ...                              :
//	       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	       |                  profile-specific extensions                  |
//	       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The same as an SR without the sender info: what a participant that
// sends no media reports. Our server only receives, so its reports are
// RRs, one block per media SSRC. The packet sender SSRC is our own: a
// receive-only endpoint still has one (RFC 3550 §8; browsers expect it not
// to collide with theirs).

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// ReceiverReport is an RR packet.
type ReceiverReport struct {
	SSRC              uint32            // the packet's sender: us, when we send it
	Reports           []ReceptionReport // at most 31
	ProfileExtensions []byte            // the words after the blocks, aliased to the input
}

// Unmarshal reads one RR packet.
func (r *ReceiverReport) Unmarshal(b []byte) error {
	h, body, err := parse(b, TypeRR)
	if err != nil {
		return err
	}
	if len(body) < 4 {
		return ErrTooShort
	}
	r.SSRC = binary.BigEndian.Uint32(body[0:4])
	reports, rest, err := unmarshalReports(body[4:], int(h.Count))
	if err != nil {
		return err
	}
	r.Reports = reports
	r.ProfileExtensions = nil
	if len(rest) > 0 {
		r.ProfileExtensions = rest
	}
	return nil
}

// MarshalSize is the length MarshalTo writes.
func (r *ReceiverReport) MarshalSize() int {
	return HeaderLen + 4 + ReportBlockLen*len(r.Reports) + (len(r.ProfileExtensions)+3)&^3
}

// MarshalTo writes the packet into b.
func (r *ReceiverReport) MarshalTo(b []byte) (int, error) {
	n := r.MarshalSize()
	if err := checkSize(b, n); err != nil {
		return 0, err
	}
	if len(r.Reports) > 31 {
		return 0, ErrFieldRange
	}
	writeHeader(b, uint8(len(r.Reports)), TypeRR, n, false)
	binary.BigEndian.PutUint32(b[4:8], r.SSRC)
	off := 8
	for i := range r.Reports {
		r.Reports[i].marshalTo(b[off:])
		off += ReportBlockLen
	}
	off += copy(b[off:], r.ProfileExtensions)
	clear(b[off:n])
	return n, nil
}

// Marshal returns the packet in a new slice.
func (r *ReceiverReport) Marshal() ([]byte, error) { return marshal(r) }

// String prints the report: "RR ssrc=0x23c114ca [ssrc=0x5bd77af8 lost=0/256
// cumulative=0 highest=13215 jitter=72 lsr=0x8e019226 dlsr=0.389s]".
func (r *ReceiverReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "RR ssrc=0x%08x", r.SSRC)
	for _, rr := range r.Reports {
		b.WriteString(" [" + rr.String() + "]")
	}
	if len(r.ProfileExtensions) > 0 {
		fmt.Fprintf(&b, " ext=%dB", len(r.ProfileExtensions))
	}
	return b.String()
}

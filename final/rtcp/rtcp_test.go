package rtcp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// roundTrip marshals p, checks the size, parses the bytes into a fresh
// packet of the same type, and compares.
func roundTrip(t *testing.T, p, fresh Packet) []byte {
	t.Helper()
	b, err := p.Marshal()
	if err != nil {
		t.Fatalf("%v: Marshal: %v", p, err)
	}
	if len(b) != p.MarshalSize() || len(b)%4 != 0 {
		t.Errorf("%v: %d bytes, MarshalSize %d", p, len(b), p.MarshalSize())
	}
	if err := fresh.Unmarshal(b); err != nil {
		t.Fatalf("%v: Unmarshal: %v", p, err)
	}
	if !reflect.DeepEqual(p, fresh) {
		t.Errorf("round trip:\n got %#v\nwant %#v", fresh, p)
	}
	pkts, err := Unmarshal(b)
	if err != nil || len(pkts) != 1 || reflect.TypeOf(pkts[0]) != reflect.TypeOf(p) {
		t.Errorf("%v: compound Unmarshal gives %v, %v", p, pkts, err)
	}
	_ = p.String()
	return b
}

func TestRoundTrips(t *testing.T) {
	block := ReceptionReport{SSRC: 0x5bd77af8, FractionLost: 34, CumulativeLost: -5, ExtendedHighestSeq: 1<<16 | 3, Jitter: 21, LSR: 0xb7052000, DLSR: 0x00054000}
	roundTrip(t, &SenderReport{SSRC: 1, NTPTime: 0xb44db705_20000000, RTPTime: 376052522, PacketCount: 23, OctetCount: 20045}, &SenderReport{})
	roundTrip(t, &SenderReport{SSRC: 1, Reports: []ReceptionReport{block, {SSRC: 2}}, ProfileExtensions: []byte{1, 2, 3, 4}}, &SenderReport{})
	roundTrip(t, &ReceiverReport{SSRC: 2}, &ReceiverReport{})
	roundTrip(t, &ReceiverReport{SSRC: 2, Reports: []ReceptionReport{block}}, &ReceiverReport{})
	roundTrip(t, &SourceDescription{Chunks: []SDESChunk{{Source: 1, Items: []SDESItem{{SDESCNAME, "sUyWS08LnvPM5Edh"}}}}}, &SourceDescription{})
	roundTrip(t, &SourceDescription{Chunks: []SDESChunk{
		{Source: 1, Items: []SDESItem{{SDESCNAME, "abc"}, {SDESTool, "nuts and bolts"}}},
		{Source: 2, Items: []SDESItem{{SDESCNAME, "abcd"}}},
		{Source: 3},
	}}, &SourceDescription{})
	roundTrip(t, &SourceDescription{Chunks: []SDESChunk{}}, &SourceDescription{})
	roundTrip(t, &Goodbye{Sources: []uint32{1, 2}, Reason: "camera off"}, &Goodbye{})
	roundTrip(t, &Goodbye{Sources: []uint32{1}, Reason: "abc"}, &Goodbye{}) // fills the word exactly
	roundTrip(t, &Goodbye{Sources: []uint32{}}, &Goodbye{})
	roundTrip(t, &ApplicationDefined{Subtype: 3, SSRC: 1, Name: [4]byte{'T', 'E', 'S', 'T'}, Data: []byte{1, 2, 3, 4}}, &ApplicationDefined{})
	roundTrip(t, &ApplicationDefined{SSRC: 1, Name: [4]byte{'N', 'O', 'N', 'E'}}, &ApplicationDefined{})
	roundTrip(t, &PictureLossIndication{SenderSSRC: 1, MediaSSRC: 0x5bd77af8}, &PictureLossIndication{})
	roundTrip(t, NewFIR(1, 0x5bd77af8, 7), &FullIntraRequest{})
	roundTrip(t, &FullIntraRequest{SenderSSRC: 1, Entries: []FIREntry{{2, 255}, {3, 0}}}, &FullIntraRequest{})
	roundTrip(t, NewNACK(1, 2, []uint16{100, 101, 103, 117, 118}), &TransportLayerNACK{})
	roundTrip(t, NewREMB(1, 1_500_000, []uint32{0x5bd77af8}), &ReceiverEstimatedMaxBitrate{})
	roundTrip(t, &ReceiverEstimatedMaxBitrate{SenderSSRC: 1, Exp: 63, Mantissa: 1<<18 - 1, SSRCs: []uint32{}}, &ReceiverEstimatedMaxBitrate{})
	roundTrip(t, &ApplicationLayerFeedback{SenderSSRC: 1, MediaSSRC: 2, Data: []byte("GOOG1234")}, &ApplicationLayerFeedback{})
	for _, chunks := range [][]byte{{}, {1}, {1, 2}, {1, 2, 3}, {1, 2, 3, 4}} {
		roundTrip(t, &TransportLayerCC{SenderSSRC: 1, MediaSSRC: 2, BaseSequenceNumber: 12, PacketStatusCount: 8, ReferenceTime: -5, FeedbackPacketCount: 1, Chunks: chunks}, &TransportLayerCC{})
	}
	raw := unhex(t, "81cf 0002 00000001 00000002") // XR with a body we do not read
	var r RawPacket
	if err := r.Unmarshal(raw); err != nil {
		t.Fatal(err)
	}
	roundTrip(t, &r, &RawPacket{})
}

// TestKnownBytes checks the wire form of what the server sends against
// bytes written out by hand from the RFCs' diagrams.
func TestKnownBytes(t *testing.T) {
	for _, c := range []struct {
		p    Packet
		want string
	}{
		// RFC 4585 §6.3.1: PT=206, FMT=1, length 2, no FCI.
		{&PictureLossIndication{SenderSSRC: 1, MediaSSRC: 0x5bd77af8}, "81ce 0002 00000001 5bd77af8"},
		// RFC 5104 §4.3.1: FMT=4, media SSRC 0, FCI SSRC + seq + 24 reserved bits.
		{NewFIR(1, 0x5bd77af8, 7), "84ce 0004 00000001 00000000 5bd77af8 07000000"},
		// RFC 4585 §6.2.1: PT=205, FMT=1, PID/BLP pairs.
		{NewNACK(1, 0x5bd77af8, []uint16{100, 101, 103, 117, 118}), "81cd 0004 00000001 5bd77af8 0064 0005 0075 0001"},
		// RFC 3550 §6.4.2: an RR with one block; cumulative loss -1 is 0xffffff.
		{&ReceiverReport{SSRC: 1, Reports: []ReceptionReport{{SSRC: 2, FractionLost: 0x80, CumulativeLost: -1, ExtendedHighestSeq: 0x00013456, Jitter: 9, LSR: 0xb7052000, DLSR: 0x00054000}}},
			"81c9 0007 00000001 00000002 80ffffff 00013456 00000009 b7052000 00054000"},
		// Clamped rather than wrapped (RFC 3550 A.3).
		{&ReceiverReport{SSRC: 1, Reports: []ReceptionReport{{SSRC: 2, CumulativeLost: 1 << 30}, {SSRC: 3, CumulativeLost: -1 << 30}}},
			"82c9 000d 00000001 00000002 007fffff 00000000 00000000 00000000 00000000 00000003 00800000 00000000 00000000 00000000 00000000"},
		// RFC 3550 §6.5: CNAME of 3 bytes: 4+2+3 = 9, one null and two of padding.
		{&SourceDescription{Chunks: []SDESChunk{{Source: 1, Items: []SDESItem{{SDESCNAME, "abc"}}}}}, "81ca 0003 00000001 0103 616263 000000"},
		// ... of 2 bytes: 4+2+2 = 8 on the boundary: four nulls.
		{&SourceDescription{Chunks: []SDESChunk{{Source: 1, Items: []SDESItem{{SDESCNAME, "ab"}}}}}, "81ca 0003 00000001 0102 6162 00000000"},
		// REMB: 1.5 Mbit/s = 187500 × 2^3.
		{NewREMB(1, 1_500_000, []uint32{2}), "8fce 0005 00000001 00000000 52454d42 01 0e dc6c 00000002"},
	} {
		b, err := c.p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if want := unhex(t, c.want); !bytes.Equal(b, want) {
			t.Errorf("%v\n got % x\nwant % x", c.p, b, want)
		}
	}
	r := NewREMB(1, 1_500_000, nil)
	if r.Exp != 3 || r.Mantissa != 187500 || r.Bitrate() != 1_500_000 {
		t.Errorf("REMB %d × 2^%d", r.Mantissa, r.Exp)
	}
}

// TestNACKPairs packs lost sequence numbers into PID/BLP entries.
func TestNACKPairs(t *testing.T) {
	for _, c := range []struct {
		lost []uint16
		want []NACKPair
	}{
		{nil, nil},
		{[]uint16{5}, []NACKPair{{5, 0}}},
		{[]uint16{100, 101, 103, 117, 118}, []NACKPair{{100, 0x0005}, {117, 0x0001}}},
		{[]uint16{100, 116}, []NACKPair{{100, 0x8000}}}, // PID+16: the last bit
		{[]uint16{100, 100, 101}, []NACKPair{{100, 0x0001}}},
		{[]uint16{65534, 65535, 0, 1}, []NACKPair{{65534, 0x0007}}}, // across the wrap
		{[]uint16{10, 5}, []NACKPair{{10, 0}, {5, 0}}},              // out of order: still all named
	} {
		got := NACKPairs(c.lost)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("NACKPairs(%v) = %v, want %v", c.lost, got, c.want)
		}
		n := &TransportLayerNACK{Pairs: got}
		back := n.SequenceNumbers()
		for _, s := range c.lost {
			found := false
			for _, x := range back {
				found = found || x == s
			}
			if !found {
				t.Errorf("NACKPairs(%v): %d not named", c.lost, s)
			}
		}
	}
	n := NewNACK(1, 2, []uint16{100, 101, 103, 117, 118})
	if got := n.String(); got != "NACK sender=0x00000001 media=0x00000002 [100 101 103] [117 118]" {
		t.Errorf("String %s", got)
	}
}

// TestNTP converts times to NTP timestamps and back (RFC 3550 §4).
func TestNTP(t *testing.T) {
	tm := time.Date(2026, 11, 21, 21, 39, 13, 500_000_000, time.UTC)
	ntp := NTPTime(tm)
	if ntp>>32 != uint64(tm.Unix())+2208988800 || uint32(ntp) != 1<<31 {
		t.Errorf("NTPTime = %#x", ntp)
	}
	if back := NTPToTime(ntp); !back.Equal(tm) {
		t.Errorf("NTPToTime = %v", back)
	}
	// RFC 3550 Figure 2: ntp_sec 0xb44db705, ntp_frac 0x20000000 → LSR 0xb7052000.
	if lsr := MiddleBits(0xb44db705_20000000); lsr != 0xb7052000 {
		t.Errorf("MiddleBits = %#x", lsr)
	}
	// It was 10 Nov 1995 11:33:25.125 UTC.
	if got := NTPToTime(0xb44db705_20000000).UTC(); !got.Equal(time.Date(1995, 11, 10, 11, 33, 25, 125_000_000, time.UTC)) {
		t.Errorf("Figure 2's SR time: %v", got)
	}
}

// TestCompound parses packet by packet: unknown types are kept raw, a
// malformed packet is skipped with its reason, a bad length stops.
func TestCompound(t *testing.T) {
	rr := "81c9 0007 00000001 00000002 80ffffff 00013456 00000009 b7052000 00054000"
	sdes := "81ca 0003 00000001 0103 616263 000000"
	xr := "80cf 0001 00000001"
	pli := "81ce 0002 00000001 5bd77af8"
	badPLI := "81ce 0003 00000001 5bd77af8 00000000" // FCI in a PLI
	pkts, err := Unmarshal(unhex(t, rr+sdes+xr+pli))
	if err != nil || len(pkts) != 4 {
		t.Fatalf("%v, %v", pkts, err)
	}
	if _, ok := pkts[2].(*RawPacket); !ok {
		t.Errorf("XR parsed as %T", pkts[2])
	}
	if got := Format(pkts); !strings.Contains(got, "RR ssrc=0x00000001") || !strings.Contains(got, " + XR count=0 (not parsed) 8B + PLI") {
		t.Errorf("Format: %s", got)
	}
	again, err := Marshal(pkts...)
	if err != nil || !bytes.Equal(again, unhex(t, rr+sdes+xr+pli)) {
		t.Errorf("Marshal of the compound differs: %v", err)
	}

	pkts, err = Unmarshal(unhex(t, rr+badPLI+pli))
	var pe *PacketError
	if len(pkts) != 2 || !errors.As(err, &pe) || pe.Index != 1 || !errors.Is(err, ErrFormat) {
		t.Errorf("malformed middle packet: %v, %v", pkts, err)
	}
	if err.Error() != "rtcp: packet 1 (PSFB count=1): malformed packet body" {
		t.Errorf("error text: %v", err)
	}

	for _, c := range []struct {
		name string
		b    string
		n    int
		err  error
	}{
		{"empty", "", 0, ErrTooShort},
		{"3 bytes", "81ce 00", 0, ErrTooShort},
		{"version 1", "41ce 0002 00000001 00000002", 0, ErrVersion},
		{"length past the end", rr + "81ce 0003 00000001 5bd77af8", 1, ErrLength},
		{"trailing bytes", pli + "8000", 1, ErrTooShort},
		{"padding count 0", "a1ce 0003 00000001 5bd77af8 00000000", 0, ErrPadding},
		{"padding count too big", "a1ce 0002 00000001 5bd77a09", 0, ErrPadding},
		{"PLI with padding", "a1ce 0003 00000001 5bd77af8 00000004", 1, nil},
		{"RR count past the length", "82c9 0007 00000001 00000002 80ffffff 00013456 00000009 b7052000 00054000", 0, ErrFormat},
		{"SDES without null", "81ca 0002 00000001 0102 6162", 0, ErrFormat},
		{"SDES item past the end", "81ca 0002 00000001 0109 6162", 0, ErrTooShort},
		{"SDES chunks short of the length", "81ca 0004 00000001 0102 6162 00000000 00000000", 0, ErrFormat},
		{"BYE reason past the end", "81cb 0002 00000001 09616263", 0, ErrTooShort},
		{"NACK without FCI", "81cd 0002 00000001 00000002", 0, ErrFormat},
		{"FIR half an entry", "84ce 0003 00000001 00000000 00000002", 0, ErrFormat},
		{"REMB count mismatch", "8fce 0005 00000001 00000000 52454d42 02 0e dc6c 00000002", 0, ErrFormat},
		{"feedback without SSRCs", "81ce 0000", 0, ErrTooShort},
		{"SR too short", "80c8 0001 00000001", 0, ErrTooShort},
		{"TWCC too short", "8fcd 0003 00000001 00000002 00010002", 0, ErrTooShort},
	} {
		pkts, err := Unmarshal(unhex(t, c.b))
		if !errors.Is(err, c.err) || len(pkts) != c.n {
			t.Errorf("%s: %d packets, %v; want %d, %v", c.name, len(pkts), err, c.n, c.err)
		}
	}
}

// TestWrongType: each type's Unmarshal refuses another type's packet.
func TestWrongType(t *testing.T) {
	pli := unhex(t, "81ce 0002 00000001 5bd77af8")
	for _, p := range []Packet{&SenderReport{}, &ReceiverReport{}, &SourceDescription{}, &Goodbye{}, &ApplicationDefined{},
		&TransportLayerNACK{}, &TransportLayerCC{}, &FullIntraRequest{}, &ReceiverEstimatedMaxBitrate{}, &ApplicationLayerFeedback{}} {
		if err := p.Unmarshal(pli); !errors.Is(err, ErrType) {
			t.Errorf("%T: %v", p, err)
		}
	}
	// Exactly one packet: not a compound.
	var p PictureLossIndication
	if err := p.Unmarshal(append(pli, pli...)); !errors.Is(err, ErrLength) {
		t.Errorf("two PLIs: %v", err)
	}
}

func TestMarshalErrors(t *testing.T) {
	for _, c := range []struct {
		p   Packet
		err error
	}{
		{&ReceiverReport{Reports: make([]ReceptionReport, 32)}, ErrFieldRange},
		{&SourceDescription{Chunks: []SDESChunk{{Items: []SDESItem{{SDESCNAME, strings.Repeat("x", 256)}}}}}, ErrFieldRange},
		{&SourceDescription{Chunks: []SDESChunk{{Items: []SDESItem{{SDESEnd, "x"}}}}}, ErrFieldRange},
		{&Goodbye{Reason: strings.Repeat("x", 256)}, ErrFieldRange},
		{&TransportLayerNACK{}, ErrFormat},
		{&FullIntraRequest{}, ErrFormat},
		{&ReceiverEstimatedMaxBitrate{Mantissa: 1 << 18}, ErrFieldRange},
		{&TransportLayerCC{ReferenceTime: 1 << 23}, ErrFieldRange},
		{&ApplicationDefined{Subtype: 32}, ErrFieldRange},
	} {
		if _, err := c.p.Marshal(); !errors.Is(err, c.err) {
			t.Errorf("%T: %v, want %v", c.p, err, c.err)
		}
	}
	pli := &PictureLossIndication{}
	if _, err := pli.MarshalTo(make([]byte, 11)); !errors.Is(err, ErrBufferTooSmall) {
		t.Errorf("short buffer: %v", err)
	}
}

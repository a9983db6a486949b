package pcap

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"
	"time"
)

// onesSum is the one's complement sum of b's 16-bit big-endian words,
// written again here, the slow and obvious way (an end-around carry after
// every addition), so that the tests do not check the package's
// arithmetic with itself.
func onesSum(chunks ...[]byte) uint16 {
	var all []byte
	for _, c := range chunks {
		all = append(all, c...)
	}
	if len(all)%2 == 1 {
		all = append(all, 0)
	}
	var s uint16
	for i := 0; i < len(all); i += 2 {
		w := uint16(all[i])<<8 | uint16(all[i+1])
		t := uint32(s) + uint32(w)
		s = uint16(t) + uint16(t>>16)
	}
	return s
}

// pseudoHeader builds the UDP checksum's pseudo-header (RFC 768 for IPv4,
// RFC 8200 §8.1 for IPv6).
func pseudoHeader(src, dst []byte, udpLen int) []byte {
	b := append(append([]byte{}, src...), dst...)
	if len(src) == 4 {
		return append(b, 0, 17, byte(udpLen>>8), byte(udpLen))
	}
	return append(b, 0, 0, byte(udpLen>>8), byte(udpLen), 0, 0, 0, 17)
}

func TestChecksumKnownAnswers(t *testing.T) {
	// RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2, whose
	// complement 220d is the checksum.
	if got := fold(sum(0, []byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7})); got != 0xddf2 {
		t.Errorf("RFC 1071 example: sum %04x, want ddf2", got)
	}
	// An odd octet is padded with a zero on its right: 0xab counts 0xab00.
	if got := fold(sum(0, []byte{0x00, 0x01, 0xab})); got != 0xab01 {
		t.Errorf("odd length: sum %04x, want ab01", got)
	}
	// A common worked example of the IPv4 header checksum: 45 00 00 73 00
	// 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7, a UDP packet of 115
	// bytes from 192.168.0.1 to 192.168.0.199, DF, TTL 64, ID 0.
	want := []byte{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
		0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7}
	got := make([]byte, IPv4HeaderLen)
	writeIPv4(got, 0x73, 0, netip.MustParseAddr("192.168.0.1"), netip.MustParseAddr("192.168.0.199"))
	if !bytes.Equal(got, want) {
		t.Errorf("IPv4 header\n got % x\nwant % x", got, want)
	}
}

func TestGlobalHeader(t *testing.T) {
	var buf bytes.Buffer
	if _, err := NewWriter(&buf); err != nil {
		t.Fatal(err)
	}
	want := []byte{
		0xd4, 0xc3, 0xb2, 0xa1, // magic, little-endian
		0x02, 0x00, 0x04, 0x00, // version 2.4
		0, 0, 0, 0, // thiszone
		0, 0, 0, 0, // sigfigs
		0xff, 0xff, 0x00, 0x00, // snaplen 65535
		101, 0, 0, 0, // LINKTYPE_RAW
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("global header\n got % x\nwant % x", buf.Bytes(), want)
	}
}

// record is one record of a capture file, as the tests read it.
type record struct {
	sec, usec, incl, orig uint32
	data                  []byte
}

// readFile splits a capture written by a Writer into its records, after
// checking the global header's length.
func readFile(t testing.TB, b []byte) []record {
	t.Helper()
	if len(b) < GlobalHeaderLen {
		t.Fatalf("file of %d bytes has no global header", len(b))
	}
	b = b[GlobalHeaderLen:]
	var recs []record
	le := binary.LittleEndian
	for len(b) > 0 {
		if len(b) < RecordHeaderLen {
			t.Fatalf("%d bytes left, not a record header", len(b))
		}
		r := record{sec: le.Uint32(b[0:]), usec: le.Uint32(b[4:]), incl: le.Uint32(b[8:]), orig: le.Uint32(b[12:])}
		b = b[RecordHeaderLen:]
		if int(r.incl) > len(b) {
			t.Fatalf("record of %d bytes, %d left", r.incl, len(b))
		}
		r.data, b = b[:r.incl], b[r.incl:]
		recs = append(recs, r)
	}
	return recs
}

// checkIPv4 checks an IPv4 packet's headers field by field and returns the
// payload.
func checkIPv4(t *testing.T, p []byte, id uint16, src, dst netip.AddrPort) []byte {
	t.Helper()
	be := binary.BigEndian
	if len(p) < 28 {
		t.Fatalf("packet of %d bytes", len(p))
	}
	ip, udp := p[:20], p[20:]
	fields := []struct {
		name      string
		got, want int
	}{
		{"version/IHL", int(ip[0]), 0x45},
		{"TOS", int(ip[1]), 0},
		{"total length", int(be.Uint16(ip[2:])), len(p)},
		{"identification", int(be.Uint16(ip[4:])), int(id)},
		{"flags/offset", int(be.Uint16(ip[6:])), 0x4000},
		{"TTL", int(ip[8]), 64},
		{"protocol", int(ip[9]), 17},
		{"IP header checksum verifies", int(onesSum(ip)), 0xffff},
		{"source port", int(be.Uint16(udp[0:])), int(src.Port())},
		{"destination port", int(be.Uint16(udp[2:])), int(dst.Port())},
		{"UDP length", int(be.Uint16(udp[4:])), len(udp)},
		{"UDP checksum verifies", int(onesSum(pseudoHeader(ip[12:16], ip[16:20], len(udp)), udp)), 0xffff},
	}
	for _, f := range fields {
		if f.got != f.want {
			t.Errorf("%s: got %#x, want %#x", f.name, f.got, f.want)
		}
	}
	s, d := src.Addr().Unmap().As4(), dst.Addr().Unmap().As4()
	if !bytes.Equal(ip[12:16], s[:]) || !bytes.Equal(ip[16:20], d[:]) {
		t.Errorf("addresses % x → % x, want %v → %v", ip[12:16], ip[16:20], src, dst)
	}
	// The checksum, computed independently: the complement of the sum
	// with the field zeroed.
	zeroed := append([]byte{}, ip...)
	zeroed[10], zeroed[11] = 0, 0
	if got, want := be.Uint16(ip[10:]), ^onesSum(zeroed); got != want {
		t.Errorf("IP header checksum %04x, want %04x", got, want)
	}
	zeroed = append([]byte{}, udp...)
	zeroed[6], zeroed[7] = 0, 0
	want := ^onesSum(pseudoHeader(ip[12:16], ip[16:20], len(udp)), zeroed)
	if want == 0 {
		want = 0xffff
	}
	if got := be.Uint16(udp[6:]); got != want {
		t.Errorf("UDP checksum %04x, want %04x", got, want)
	}
	return udp[8:]
}

// checkIPv6 does the same for an IPv6 packet.
func checkIPv6(t *testing.T, p []byte, src, dst netip.AddrPort) []byte {
	t.Helper()
	be := binary.BigEndian
	if len(p) < 48 {
		t.Fatalf("packet of %d bytes", len(p))
	}
	ip, udp := p[:40], p[40:]
	fields := []struct {
		name      string
		got, want int
	}{
		{"version/class/flow", int(be.Uint32(ip[0:])), 0x60000000},
		{"payload length", int(be.Uint16(ip[4:])), len(udp)},
		{"next header", int(ip[6]), 17},
		{"hop limit", int(ip[7]), 64},
		{"source port", int(be.Uint16(udp[0:])), int(src.Port())},
		{"destination port", int(be.Uint16(udp[2:])), int(dst.Port())},
		{"UDP length", int(be.Uint16(udp[4:])), len(udp)},
		{"UDP checksum verifies", int(onesSum(pseudoHeader(ip[8:24], ip[24:40], len(udp)), udp)), 0xffff},
	}
	for _, f := range fields {
		if f.got != f.want {
			t.Errorf("%s: got %#x, want %#x", f.name, f.got, f.want)
		}
	}
	s, d := src.Addr().As16(), dst.Addr().As16()
	if !bytes.Equal(ip[8:24], s[:]) || !bytes.Equal(ip[24:40], d[:]) {
		t.Errorf("addresses % x → % x, want %v → %v", ip[8:24], ip[24:40], src, dst)
	}
	return udp[8:]
}

func TestWritePacketIPv4(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	pkts := capturePackets(t, browser4, server4)
	for _, p := range pkts {
		if err := w.WritePacket(p.t, p.src, p.dst, p.payload); err != nil {
			t.Fatal(err)
		}
	}
	recs := readFile(t, buf.Bytes())
	if len(recs) != len(pkts) {
		t.Fatalf("%d records, want %d", len(recs), len(pkts))
	}
	for i, r := range recs {
		p := pkts[i]
		if r.sec != uint32(p.t.Unix()) || r.usec != uint32(p.t.Nanosecond()/1000) {
			t.Errorf("record %d: time %d.%06d, want %d.%06d", i, r.sec, r.usec, p.t.Unix(), p.t.Nanosecond()/1000)
		}
		if n := uint32(28 + len(p.payload)); r.incl != n || r.orig != n {
			t.Errorf("record %d: lengths %d/%d, want %d", i, r.incl, r.orig, n)
		}
		if got := checkIPv4(t, r.data, uint16(i), p.src, p.dst); !bytes.Equal(got, p.payload) {
			t.Errorf("record %d: payload differs", i)
		}
	}
	// The first record, byte for byte: its header says 2024-05-17
	// 10:30:00.123456 UTC (the nanoseconds are cut, not rounded).
	rec := buf.Bytes()[GlobalHeaderLen:]
	// 1715941800 s, 123456 µs, 1052 bytes (20 + 8 + 1024) twice.
	wantHdr := []byte{0xa8, 0x31, 0x47, 0x66, 0x40, 0xe2, 0x01, 0x00, 0x1c, 0x04, 0, 0, 0x1c, 0x04, 0, 0}
	if !bytes.Equal(rec[:16], wantHdr) {
		t.Errorf("record header\n got % x\nwant % x", rec[:16], wantHdr)
	}
	if got, want := rec[16:20], []byte{0x45, 0, 0x04, 0x1c}; !bytes.Equal(got, want) {
		t.Errorf("IPv4 start % x, want % x", got, want)
	}
}

func TestWritePacketIPv6(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf)
	pkts := capturePackets(t, browser6, server6)
	for _, p := range pkts {
		if err := w.WritePacket(p.t, p.src, p.dst, p.payload); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range readFile(t, buf.Bytes()) {
		p := pkts[i]
		if n := uint32(48 + len(p.payload)); r.incl != n || r.orig != n {
			t.Errorf("record %d: lengths %d/%d, want %d", i, r.incl, r.orig, n)
		}
		if got := checkIPv6(t, r.data, p.src, p.dst); !bytes.Equal(got, p.payload) {
			t.Errorf("record %d: payload differs", i)
		}
	}
}

func TestMixedFamilies(t *testing.T) {
	mapped := netip.MustParseAddrPort("[::ffff:192.0.2.10]:54321")
	zoned := netip.MustParseAddrPort("[fe80::1%eth0]:5000")
	for _, tc := range []struct {
		name     string
		src, dst netip.AddrPort
		v4       bool
	}{
		// A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
		{"mapped and IPv4", mapped, server4, true},
		{"IPv4 and mapped", server4, mapped, true},
		{"IPv6 and IPv4", browser6, server4, false},
		{"zoned", zoned, server6, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, _ := NewWriter(&buf)
			payload := []byte("odd-length payload")[:17]
			if err := w.WritePacket(start, tc.src, tc.dst, payload); err != nil {
				t.Fatal(err)
			}
			r := readFile(t, buf.Bytes())[0]
			if tc.v4 {
				checkIPv4(t, r.data, 0, tc.src, tc.dst)
				return
			}
			// An IPv4 address among IPv6 ones is written IPv4-mapped; a
			// zone is dropped.
			src := netip.AddrPortFrom(netip.AddrFrom16(tc.src.Addr().As16()), tc.src.Port())
			dst := netip.AddrPortFrom(netip.AddrFrom16(tc.dst.Addr().As16()), tc.dst.Port())
			checkIPv6(t, r.data, src, dst)
		})
	}
}

// TestChecksumZero builds a payload whose UDP checksum computes to zero,
// which RFC 768 says to send as all ones (zero means "no checksum").
func TestChecksumZero(t *testing.T) {
	payload := []byte{0, 0}
	var buf bytes.Buffer
	w, _ := NewWriter(&buf)
	w.WritePacket(start, browser4, server4, payload)
	udp := readFile(t, buf.Bytes())[0].data[20:]
	// The checksum is the complement of the sum s with payload 0000; a
	// payload word of ^s... makes the sum ffff and the checksum 0.
	s := ^binary.BigEndian.Uint16(udp[6:])
	binary.BigEndian.PutUint16(payload, ^s)
	buf.Reset()
	w, _ = NewWriter(&buf)
	w.WritePacket(start, browser4, server4, payload)
	p := readFile(t, buf.Bytes())[0].data
	if got := binary.BigEndian.Uint16(p[26:28]); got != 0xffff {
		t.Errorf("checksum %04x, want ffff", got)
	}
	checkIPv4(t, p, 0, browser4, server4)
}

func TestWritePacketErrors(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf)
	n := buf.Len()
	if err := w.WritePacket(start, netip.AddrPort{}, server4, []byte{1}); !errors.Is(err, ErrAddress) {
		t.Errorf("zero source: %v, want ErrAddress", err)
	}
	if err := w.WritePacket(start, browser4, server4, make([]byte, SnapLen-27)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("IPv4 of 65536 bytes: %v, want ErrTooLarge", err)
	}
	if err := w.WritePacket(start, browser6, server6, make([]byte, SnapLen-47)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("IPv6 of 65536 bytes: %v, want ErrTooLarge", err)
	}
	if buf.Len() != n {
		t.Errorf("failed writes wrote %d bytes", buf.Len()-n)
	}
	// The largest packets fit.
	if err := w.WritePacket(start, browser4, server4, make([]byte, SnapLen-28)); err != nil {
		t.Errorf("IPv4 of 65535 bytes: %v", err)
	}
	if err := w.WritePacket(start, browser6, server6, make([]byte, SnapLen-48)); err != nil {
		t.Errorf("IPv6 of 65535 bytes: %v", err)
	}
	// Write errors come back.
	fw, _ := NewWriter(&buf)
	fw.w = failWriter{}
	if err := fw.WritePacket(start, browser4, server4, []byte{1}); err == nil {
		t.Error("a failing writer: no error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWritePacketAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	w, _ := NewWriter(discard{})
	payload := make([]byte, 1200)
	w.WritePacket(start, browser4, server4, payload)
	if n := testing.AllocsPerRun(100, func() {
		w.WritePacket(start, browser4, server4, payload)
		w.WritePacket(start, browser6, server6, payload)
	}); n != 0 {
		t.Errorf("WritePacket allocates %v times per call once warm", n)
	}
}

// discard is io.Discard without the io package's special cases.
type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

func BenchmarkWritePacket(b *testing.B) {
	w, _ := NewWriter(discard{})
	payload := make([]byte, 1200)
	t := time.Now()
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		w.WritePacket(t, browser4, server4, payload)
	}
}

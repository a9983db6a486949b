package pcap

// FuzzWritePacket: any payload between any two addresses. The Writer
// parses nothing from the network, but it is handed whatever a browser
// sent; whatever that is, it must not panic, and every record it writes
// must be whole, carry the payload and have checksums that verify.
//
//	go test -run '^$' -fuzz FuzzWritePacket -fuzztime 1m -parallel 1 ./pcap/

import (
	"bytes"
	"net/netip"
	"testing"
	"time"
)

func FuzzWritePacket(f *testing.F) {
	for _, p := range capturePackets(f, browser4, server4) {
		f.Add(p.payload, []byte{192, 0, 2, 10}, uint16(54321), []byte{192, 0, 2, 1}, uint16(8443), int64(0))
	}
	f.Add([]byte{0, 0}, []byte(browser6.Addr().AsSlice()), uint16(1), []byte{192, 0, 2, 1}, uint16(0), int64(-1))
	f.Add([]byte{}, []byte{}, uint16(0), []byte{1, 2, 3, 4}, uint16(0), int64(1<<40))
	f.Fuzz(func(t *testing.T, payload, srcIP []byte, sport uint16, dstIP []byte, dport uint16, usec int64) {
		sa, _ := netip.AddrFromSlice(srcIP)
		da, _ := netip.AddrFromSlice(dstIP)
		src, dst := netip.AddrPortFrom(sa, sport), netip.AddrPortFrom(da, dport)
		var buf bytes.Buffer
		w, _ := NewWriter(&buf)
		if err := w.WritePacket(time.UnixMicro(usec), src, dst, payload); err != nil {
			if buf.Len() != GlobalHeaderLen {
				t.Fatalf("error %v, yet %d bytes written", err, buf.Len()-GlobalHeaderLen)
			}
			return
		}
		recs := readFile(t, buf.Bytes())
		if len(recs) != 1 {
			t.Fatalf("%d records", len(recs))
		}
		r := recs[0]
		if r.incl != r.orig || r.incl > SnapLen {
			t.Fatalf("lengths %d/%d", r.incl, r.orig)
		}
		var got []byte
		if sa.Unmap().Is4() && da.Unmap().Is4() {
			got = checkIPv4(t, r.data, 0, src, dst)
		} else {
			s := netip.AddrPortFrom(netip.AddrFrom16(sa.As16()), sport)
			d := netip.AddrPortFrom(netip.AddrFrom16(da.As16()), dport)
			got = checkIPv6(t, r.data, s, d)
		}
		if !bytes.Equal(got, payload) {
			t.Fatal("payload differs")
		}
	})
}

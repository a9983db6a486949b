package vp8

// Benchmarks of the per-packet path: Assembler.Push of packets with
// 1,200 bytes of VP8 data (frames of 1 keyframe and interframes of 5
// packets, as a browser's 640x480 stream), beside a plain copy of the same
// bytes, the one thing Push cannot avoid. Push must allocate nothing once
// its buffer has grown (0 allocs/op).
//
//	go test -run '^$' -bench . -benchmem ./vp8/

import (
	"testing"
)

const benchData = 1200

// benchStream returns one keyframe and 63 interframes of 5 packets each,
// as one list of packets to push over and over.
func benchStream(b *testing.B) []packet {
	s := newSender(0, 0)
	s.mtu = benchData
	pkts := s.frame(testFrame(b, true, 640, 480, 5*benchData, 1))
	for range 63 {
		pkts = append(pkts, s.frame(testFrame(b, false, 0, 0, 5*benchData, 2))...)
	}
	return pkts
}

func BenchmarkAssemblerPush(b *testing.B) {
	pkts := benchStream(b)
	a := NewAssembler()
	var seqOff uint16
	var tsOff uint32
	round := func() {
		for _, p := range pkts {
			if _, err := a.Push(p.seq+seqOff, p.ts+tsOff, p.marker, p.payload); err != nil {
				b.Fatal(err)
			}
		}
		seqOff += uint16(len(pkts))
		tsOff += 64 * 3000
	}
	round() // the buffer grows here
	b.SetBytes(int64(len(pkts) * benchData))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		round()
	}
	perPacket := float64(b.Elapsed().Nanoseconds()) / float64(b.N*len(pkts))
	b.ReportMetric(perPacket, "ns/packet")
	b.ReportMetric(1e9/perPacket, "packets/s")
}

// BenchmarkCopy is the baseline: copying the same VP8 data into one
// reused frame buffer.
func BenchmarkCopy(b *testing.B) {
	pkts := benchStream(b)
	buf := make([]byte, 0, 8*benchData)
	b.SetBytes(int64(len(pkts) * benchData))
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pkts {
			if p.payload[0]&bitS != 0 {
				buf = buf[:0]
			}
			buf = append(buf, p.payload[4:]...)
		}
	}
	perPacket := float64(b.Elapsed().Nanoseconds()) / float64(b.N*len(pkts))
	b.ReportMetric(perPacket, "ns/packet")
}

func BenchmarkDescriptorUnmarshal(b *testing.B) {
	payload := unhex(b, "90 80 cb 5e 90 9a 00 9d 01 2a")
	var d Descriptor
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Unmarshal(payload); err != nil {
			b.Fatal(err)
		}
	}
}

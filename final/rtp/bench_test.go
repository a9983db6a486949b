package rtp

import (
	"encoding/binary"
	"testing"
	"time"
)

// benchPacket is a 1,200-byte packet shaped like Chromium's: 24-byte
// header with the transport-wide number and mid, 1,176 bytes of payload.
func benchPacket(b *testing.B) []byte {
	p := Packet{
		Header: Header{
			PayloadType: 96, SequenceNumber: 0, Timestamp: 376022552, SSRC: testSSRC,
			Extension: true, ExtensionProfile: ExtensionProfileOneByte,
			Extensions: []Extension{{ID: 4, Data: []byte{0, 2}}, {ID: 1, Data: []byte("0")}},
		},
		Payload: make([]byte, 1200-24),
	}
	wire, err := p.Marshal()
	if err != nil || len(wire) != 1200 {
		b.Fatalf("%d bytes, %v", len(wire), err)
	}
	return wire
}

// BenchmarkReceiverPath is the per-packet path after SRTP: find the
// stream (PeekSSRC), Push (copy and parse the header), Poll. In the
// steady state it allocates nothing.
func BenchmarkReceiverPath(b *testing.B) {
	wire := benchPacket(b)
	r := NewReceiver(ReceiverConfig{SSRC: testSSRC, StartDelay: -1})
	now := t0
	seq := uint16(0)
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		binary.BigEndian.PutUint16(wire[2:], seq) // the next packet
		seq++
		now = now.Add(time.Millisecond)
		if ssrc, ok := PeekSSRC(wire); !ok || ssrc != r.SSRC() {
			b.Fatal("SSRC")
		}
		if err := r.Push(now, wire); err != nil {
			b.Fatal(err)
		}
		q, lost := r.Poll()
		if q == nil || lost != 0 {
			b.Fatal("not delivered")
		}
		if !r.NextDeadline().IsZero() {
			b.Fatal("deadline")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "packets/s")
}

// BenchmarkReceiverPathReorder is the same path with every 10th packet
// overtaken by the next one: a gap opens and closes each time.
func BenchmarkReceiverPathReorder(b *testing.B) {
	wire := benchPacket(b)
	r := NewReceiver(ReceiverConfig{SSRC: testSSRC, StartDelay: -1})
	now := t0
	i := 0
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		seq := uint16(i)
		switch i % 10 {
		case 8:
			seq++
		case 9:
			seq--
		}
		i++
		binary.BigEndian.PutUint16(wire[2:], seq)
		now = now.Add(time.Millisecond)
		if err := r.Push(now, wire); err != nil {
			b.Fatal(err)
		}
		for q, _ := r.Poll(); q != nil; q, _ = r.Poll() {
		}
		r.NextDeadline()
	}
}

// BenchmarkUnmarshal is the header parse alone.
func BenchmarkUnmarshal(b *testing.B) {
	wire := benchPacket(b)
	var p Packet
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Unmarshal(wire); err != nil {
			b.Fatal(err)
		}
	}
}

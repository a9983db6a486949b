package rtp

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// FuzzUnmarshal: any bytes either fail with a reason or give a packet
// that writes back to bytes that read back to the same packet.
func FuzzUnmarshal(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.rtp")
	for _, name := range files {
		for _, b := range records(f, name) {
			f.Add(b)
		}
	}
	f.Add([]byte{0x80, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3})
	f.Add([]byte{0xb1, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 9, 0x10, 0x0f, 0, 1, 1, 0, 0xff, 0, 0xaa, 2, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Packet
		if err := p.Unmarshal(b); err != nil {
			if _, ok := err.(Error); !ok {
				t.Fatalf("error %v is not an rtp.Error", err)
			}
			return
		}
		_ = p.String()
		out, err := p.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed packet: %v", err)
		}
		if len(out) != p.MarshalSize() || len(out) > len(b) {
			t.Fatalf("Marshal wrote %d bytes, MarshalSize %d, input %d", len(out), p.MarshalSize(), len(b))
		}
		var q Packet
		if err := q.Unmarshal(out); err != nil {
			t.Fatalf("Unmarshal of Marshal: %v", err)
		}
		if q.SequenceNumber != p.SequenceNumber || q.Timestamp != p.Timestamp || q.SSRC != p.SSRC ||
			q.Marker != p.Marker || q.PayloadType != p.PayloadType || q.PaddingSize != p.PaddingSize ||
			!bytes.Equal(q.Payload, p.Payload) || !reflect.DeepEqual(q.CSRC, p.CSRC) || len(q.Extensions) != len(p.Extensions) {
			t.Fatalf("round trip changed the packet:\n%v\n%v", &p, &q)
		}
		for i := range p.Extensions {
			if q.Extensions[i].ID != p.Extensions[i].ID || !bytes.Equal(q.Extensions[i].Data, p.Extensions[i].Data) {
				t.Fatalf("extension %d changed", i)
			}
		}
		again, _ := q.Marshal()
		if !bytes.Equal(again, out) {
			t.Fatal("Marshal is not stable")
		}
	})
}

// FuzzReceiver feeds a receiver arbitrary packets and times. Each 4-byte
// op is: what (push, poll, NACK, timeout), a sequence number, and a clock
// step in milliseconds (steps of 200 and more go back in time). The
// receiver must not panic, must keep its limits, and what Poll returns
// must follow the previous packet unless it reports a loss.
func FuzzReceiver(f *testing.F) {
	f.Add([]byte{0, 0, 10, 1, 0, 0, 12, 1, 0, 0, 11, 1, 1, 0, 0, 0})
	f.Add([]byte{0, 0xff, 0xfe, 1, 0, 0xff, 0xff, 1, 0, 0, 1, 1, 2, 0, 0, 20, 3, 0, 0, 250, 1, 0, 0, 0})
	f.Add([]byte{0, 0, 1, 0, 0, 0x80, 1, 0, 0, 0x80, 2, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		const maxPackets, maxBytes = 32, 600
		r := NewReceiver(ReceiverConfig{SSRC: 7, MaxPackets: maxPackets, MaxBytes: maxBytes, MaxNACKGap: 8})
		now := time.Unix(0, 0)
		var (
			prev    uint16
			started bool
			buf     []uint16
		)
		for len(ops) >= 4 {
			op, seq, step := ops[0]%4, binary.BigEndian.Uint16(ops[1:3]), ops[3]
			ops = ops[4:]
			if step < 200 {
				now = now.Add(time.Duration(step) * time.Millisecond)
			} else {
				now = now.Add(-time.Duration(step-200) * time.Millisecond)
			}
			switch op {
			case 0:
				p := Packet{Header: Header{SSRC: 7, SequenceNumber: seq, Timestamp: uint32(seq) * 3000}, Payload: make([]byte, int(step)%64)}
				if seq%97 == 0 {
					p.SSRC = 8
				}
				var err error
				if seq%2 == 0 {
					err = r.PushPacket(now, &p)
				} else {
					b, _ := p.Marshal()
					err = r.Push(now, b)
				}
				if err != nil {
					if _, ok := err.(Error); !ok {
						t.Fatalf("error %v is not an rtp.Error", err)
					}
				}
			case 1:
				for {
					p, lost := r.Poll()
					if p == nil {
						break
					}
					if lost < 0 || started && lost == 0 && p.SequenceNumber != prev+1 {
						t.Fatalf("delivered %d after %d with lost=%d", p.SequenceNumber, prev, lost)
					}
					prev, started = p.SequenceNumber, true
				}
			case 2:
				buf = r.AppendNACKs(buf[:0], now)
				if len(buf) > maxPackets {
					t.Fatalf("%d NACKs for a %d-packet window", len(buf), maxPackets)
				}
			case 3:
				r.HandleTimeout(now)
				_ = r.NextDeadline()
			}
			if n, b := r.Buffered(); n > maxPackets || b > maxBytes || b < 0 || r.missing < 0 {
				t.Fatalf("%d packets, %d bytes buffered, %d missing", n, b, r.missing)
			}
		}
		_ = r.Report(now)
		_ = r.Stats().String()
	})
}

package vp8

// Fuzz targets. No input may panic. A descriptor that unmarshals must
// marshal back to its canonical form, of the length Unmarshal reported,
// and that form must unmarshal to the same Descriptor; likewise for the
// payload header. The Assembler fed arbitrary packets must pass on only
// frames that were pushed whole, and stay within its limits.
//
//	go test -run '^$' -fuzz FuzzDescriptor -fuzztime 3m -parallel 1 ./vp8/

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func FuzzDescriptor(f *testing.F) {
	for _, c := range descriptorCases {
		f.Add(unhex(f, c.in))
	}
	f.Add([]byte{})
	f.Add([]byte{0x80})
	f.Add([]byte{0x80, 0x80, 0x80})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		var d Descriptor
		n, err := d.Unmarshal(b)
		if err != nil {
			if n != 0 || d != (Descriptor{}) {
				t.Fatalf("error %v with n=%d d=%+v", err, n, d)
			}
			return
		}
		if n < 1 || n > MaxDescriptorLen || n > len(b) {
			t.Fatalf("n = %d for %d bytes", n, len(b))
		}
		out, err := d.Marshal()
		if err != nil {
			t.Fatalf("%+v from % x does not marshal: %v", d, b, err)
		}
		if len(out) != n || d.Len() != n {
			t.Fatalf("% x: n=%d, marshaled % x, Len %d", b, n, out, d.Len())
		}
		// Canonical: the input with the bits that must be ignored cleared.
		if out[0] != b[0]&^0x48 {
			t.Fatalf("first octet %02x from %02x", out[0], b[0])
		}
		var d2 Descriptor
		n2, err := d2.Unmarshal(out)
		if err != nil || n2 != n || d2 != d {
			t.Fatalf("round trip: % x -> %+v -> % x -> %+v (%v)", b, d, out, d2, err)
		}
		_ = d.String()

		var h PayloadHeader
		hn, err := h.Unmarshal(b[n:])
		if err != nil {
			return
		}
		hb, err := h.Marshal()
		if err != nil || !bytes.Equal(hb, b[n:n+hn]) {
			t.Fatalf("payload header % x -> %+v -> % x (%v)", b[n:n+hn], h, hb, err)
		}
		_ = h.String()
	})
}

// FuzzAssembler reads the input as a list of packets: 2 bytes of
// sequence-number step, 1 byte of flags (marker; new timestamp; Lost
// before it; payload built from a frame header), 1 byte of length, then
// the payload. Every frame passed on must be the concatenation of the
// VP8 data of packets pushed since the last frame began.
func FuzzAssembler(f *testing.F) {
	s := newSender(65530, 1)
	key := testFrame(f, true, 64, 48, 300, 1)
	s.mtu = 120
	var seed []byte
	for _, p := range concat(s.frame(key), s.frame(testFrame(f, false, 0, 0, 200, 2))) {
		flags := byte(0)
		if p.marker {
			flags |= 1
		}
		seed = append(seed, 0, 1, flags, byte(len(p.payload)))
		seed = append(seed, p.payload...)
	}
	f.Add(seed)
	f.Add([]byte{0, 1, 1, 4, 0x10, 0x90, 0x9a, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		a := NewAssembler()
		a.MaxFrameSize = 2000
		a.MaxFramePackets = 16
		type pushed struct {
			seq       uint16
			ts        uint32
			padding   bool
			begins    bool
			afterLost bool
			body      []byte
		}
		var history []pushed // the packets the Assembler accepted
		seq, ts := uint16(0), uint32(0)
		lost := false
		for len(b) >= 4 {
			seq += binary.BigEndian.Uint16(b)
			flags, l := b[2], int(b[3])
			b = b[4:]
			l = min(l, len(b))
			payload := b[:l]
			b = b[l:]
			if flags&2 != 0 {
				ts += 3000
			}
			if flags&4 != 0 {
				a.Lost()
				lost = true
			}
			fr, err := a.Push(seq, ts, flags&1 != 0, payload)
			if err != nil {
				if _, ok := err.(Error); !ok {
					t.Fatalf("error of type %T", err)
				}
			}
			if err != ErrDuplicate && err != ErrLate {
				p := pushed{seq: seq, ts: ts, padding: len(payload) == 0, afterLost: lost}
				var d Descriptor
				if n, err := d.Unmarshal(payload); err == nil {
					p.begins, p.body = d.BeginsFrame(), payload[n:]
				}
				history = append(history, p)
				lost = false
			}
			if fr == nil {
				continue
			}
			if len(fr.Data) > a.MaxFrameSize || fr.Packets > a.MaxFramePackets || fr.Packets < 1 {
				t.Fatalf("frame of %d bytes, %d packets beyond the limits", len(fr.Data), fr.Packets)
			}
			if fr.Timestamp != ts || flags&1 == 0 {
				t.Fatal("frame passed on without its marker packet")
			}
			// The frame is the last fr.Packets packets with data, with
			// consecutive sequence numbers (padding between them
			// allowed), one timestamp, the first beginning the frame.
			var data []byte
			i, k := len(history)-1, 0
			for ; k < fr.Packets; i-- {
				if i < 0 {
					t.Fatal("frame of more packets than were pushed")
				}
				p := history[i]
				if i < len(history)-1 && (p.seq+1 != history[i+1].seq || history[i+1].afterLost) {
					t.Fatalf("frame across a gap: %d then %d", p.seq, history[i+1].seq)
				}
				if p.padding {
					continue
				}
				k++
				if p.ts != fr.Timestamp || p.begins != (k == fr.Packets) {
					t.Fatalf("packet %d of the frame: ts %d begins %v", fr.Packets-k, p.ts, p.begins)
				}
				data = append(p.body[:len(p.body):len(p.body)], data...)
			}
			if !bytes.Equal(data, fr.Data) {
				t.Fatal("frame data is not its packets' data")
			}
			var h PayloadHeader
			hn, err := h.Unmarshal(fr.Data)
			if err != nil || h != fr.Header || hn+h.FirstPartitionSize > len(fr.Data) {
				t.Fatalf("frame with a bad header passed on: %v", err)
			}
			if !fr.Keyframe && a.Stats().Keyframes == 0 {
				t.Fatal("interframe before any keyframe")
			}
		}
		st := a.Stats()
		if st.Frames > st.Packets || st.Keyframes > st.Frames {
			t.Fatalf("stats %v", st)
		}
	})
}

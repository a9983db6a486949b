package rtcp

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
)

// FuzzUnmarshalCompound: any bytes give packets and at most a
// *PacketError; every packet parsed writes back to bytes that parse to a
// packet that writes the same bytes again.
func FuzzUnmarshalCompound(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.rtcp")
	for _, name := range files {
		for _, b := range records(f, name) {
			f.Add(b)
		}
	}
	for _, p := range []Packet{
		&Goodbye{Sources: []uint32{1}, Reason: "bye"},
		&ApplicationDefined{SSRC: 1, Name: [4]byte{'T', 'E', 'S', 'T'}, Data: []byte{1, 2, 3, 4}},
		NewFIR(1, 2, 3), NewNACK(1, 2, []uint16{1, 2, 5}), NewREMB(1, 1e6, []uint32{2}),
		&ApplicationLayerFeedback{SenderSSRC: 1, Data: []byte("ABCD")},
		&ReceiverReport{SSRC: 1, Reports: []ReceptionReport{{SSRC: 2, CumulativeLost: -1}}},
	} {
		b, _ := p.Marshal()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		pkts, err := Unmarshal(b)
		if err != nil {
			var pe *PacketError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *PacketError", err)
			}
			_ = err.Error()
		}
		for _, p := range pkts {
			_ = p.String()
			out, err := p.Marshal()
			if err != nil {
				t.Fatalf("%v: Marshal of a parsed packet: %v", p, err)
			}
			if len(out) != p.MarshalSize() || len(out)%4 != 0 {
				t.Fatalf("%v: %d bytes, MarshalSize %d", p, len(out), p.MarshalSize())
			}
			again, err := Unmarshal(out)
			if err != nil || len(again) != 1 {
				t.Fatalf("%v: Unmarshal of Marshal: %v, %v", p, again, err)
			}
			out2, err := again[0].Marshal()
			if err != nil || !bytes.Equal(out, out2) {
				t.Fatalf("%v: Marshal not stable (%v)\n% x\n% x", p, err, out, out2)
			}
		}
	})
}

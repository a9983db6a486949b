package ivf

// FuzzReader: arbitrary bytes as an IVF file. No panic; every frame the
// Reader returns, written again with the same header, reproduces the
// input up to where the Reader stopped (bytes 28-31 aside, which the
// Writer zeroes).
//
//	go test -run '^$' -fuzz FuzzReader -fuzztime 1m -parallel 1 ./ivf/

import (
	"bytes"
	"testing"
)

func FuzzReader(f *testing.F) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, VP8Header(640, 480))
	w.WriteFrame(0, []byte{0x90, 0x9a, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01})
	w.WriteFrame(3000, []byte{0x91, 0x16, 0x00})
	w.Close()
	f.Add(buf.Bytes())
	f.Add(VP8Header(1, 1).Marshal())
	f.Fuzz(func(t *testing.T, b []byte) {
		r, h, err := NewReader(bytes.NewReader(b))
		if err != nil {
			return
		}
		var out bytes.Buffer
		w, err := NewWriter(&out, h)
		if err != nil {
			t.Fatal(err)
		}
		for {
			fr, err := r.Next()
			if err != nil {
				break
			}
			if err := w.WriteFrame(fr.Timestamp, fr.Data); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got := out.Bytes()
		headerLen := int(b[6]) | int(b[7])<<8
		want := append(append([]byte{}, b[:28]...), 0, 0, 0, 0)
		want = append(want, b[headerLen:min(len(b), headerLen+len(got)-HeaderLen)]...)
		want[6], want[7] = HeaderLen, 0
		if !bytes.Equal(got, want) {
			t.Fatalf("rewritten\n% x\nwant\n% x", got, want)
		}
	})
}

package vp8

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// descriptorCases covers every bit and form of RFC 7741 §4.2. canon is
// what Marshal writes back: the input itself unless the input has bits
// the receiver "MUST ignore".
var descriptorCases = []struct {
	name  string
	in    string // descriptor, possibly followed by VP8 data
	n     int
	want  Descriptor
	canon string // "" means in[:n]
	str   string
}{
	{"X=0 S=1 PID=0, the RFC 4.6.2 interframe", "10 91 16 00", 1,
		Descriptor{Start: true}, "", "X=0 S=1 PID=0"},
	{"X=0 S=0 continuation", "00", 1,
		Descriptor{}, "", "X=0 S=0 PID=0"},
	{"N=1", "30", 1,
		Descriptor{NonReference: true, Start: true}, "", "X=0 N=1 S=1 PID=0"},
	{"PID=7, S=0", "07", 1,
		Descriptor{PartitionID: 7}, "", "X=0 S=0 PID=7"},
	{"PID=5, S=1: a partition starts mid-frame", "15", 1,
		Descriptor{Start: true, PartitionID: 5}, "", "X=0 S=1 PID=5"},
	{"R bits set are ignored", "5f", 1,
		Descriptor{Start: true, PartitionID: 7}, "17", "X=0 S=1 PID=7"},
	{"X=1 with no extension: legal, one wasted octet", "90 00", 2,
		Descriptor{Extended: true, Start: true}, "", "S=1 PID=0 X=1(empty)"},
	{"X=1, RSV bits set are ignored", "90 0f", 2,
		Descriptor{Extended: true, Start: true}, "90 00", "S=1 PID=0 X=1(empty)"},
	{"I, 7-bit PictureID 17: RFC 7741 §4.6.1", "90 80 11 50 02 00", 3,
		Descriptor{Extended: true, Start: true, HasPictureID: true, PictureID: 17}, "", "S=1 PID=0 PictureID=17(7 bits)"},
	{"I, 7-bit PictureID 127, all bits set", "80 80 7f", 3,
		Descriptor{Extended: true, HasPictureID: true, PictureID: 127}, "", "S=0 PID=0 PictureID=127(7 bits)"},
	{"I, 15-bit PictureID 4711: RFC 7741 §4.6.5", "90 80 92 67", 4,
		Descriptor{Extended: true, Start: true, HasPictureID: true, LongPictureID: true, PictureID: 4711}, "", "S=1 PID=0 PictureID=4711(15 bits)"},
	{"I, 15-bit PictureID 19294: Chromium's first keyframe", "90 80 cb 5e 90 9a 00 9d 01 2a", 4,
		Descriptor{Extended: true, Start: true, HasPictureID: true, LongPictureID: true, PictureID: 19294}, "", "S=1 PID=0 PictureID=19294(15 bits)"},
	{"I, 15-bit PictureID 5: M=1 with a small value", "80 80 80 05", 4,
		Descriptor{Extended: true, HasPictureID: true, LongPictureID: true, PictureID: 5}, "", "S=0 PID=0 PictureID=5(15 bits)"},
	{"I, 15-bit PictureID 32767", "80 80 ff ff", 4,
		Descriptor{Extended: true, HasPictureID: true, LongPictureID: true, PictureID: 32767}, "", "S=0 PID=0 PictureID=32767(15 bits)"},
	{"L alone (RFC: T MUST be set too; parsed anyway)", "90 40 05", 3,
		Descriptor{Extended: true, Start: true, HasTL0PICIDX: true, TL0PICIDX: 5}, "", "S=1 PID=0 TL0PICIDX=5"},
	{"T: TID=3 Y=0", "90 20 c0", 3,
		Descriptor{Extended: true, Start: true, HasTID: true, TID: 3}, "", "S=1 PID=0 TID=3 Y=0"},
	{"T: TID=1 Y=1", "90 20 60", 3,
		Descriptor{Extended: true, Start: true, HasTID: true, TID: 1, LayerSync: true}, "", "S=1 PID=0 TID=1 Y=1"},
	{"T without K: KEYIDX bits ignored", "90 20 5f", 3,
		Descriptor{Extended: true, Start: true, HasTID: true, TID: 1}, "90 20 40", "S=1 PID=0 TID=1 Y=0"},
	{"K: KEYIDX=31", "90 10 1f", 3,
		Descriptor{Extended: true, Start: true, HasKEYIDX: true, KEYIDX: 31}, "", "S=1 PID=0 Y=0 KEYIDX=31"},
	{"K without T: TID bits ignored", "90 10 df", 3,
		Descriptor{Extended: true, Start: true, HasKEYIDX: true, KEYIDX: 31}, "90 10 1f", "S=1 PID=0 Y=0 KEYIDX=31"},
	{"K without T, Y=1", "90 10 25", 3,
		Descriptor{Extended: true, Start: true, HasKEYIDX: true, KEYIDX: 5, LayerSync: true}, "", "S=1 PID=0 Y=1 KEYIDX=5"},
	{"T and K", "90 30 a7", 3,
		Descriptor{Extended: true, Start: true, HasTID: true, TID: 2, LayerSync: true, HasKEYIDX: true, KEYIDX: 7}, "", "S=1 PID=0 TID=2 Y=1 KEYIDX=7"},
	{"L and T", "90 60 2a 40", 4,
		Descriptor{Extended: true, Start: true, HasTL0PICIDX: true, TL0PICIDX: 42, HasTID: true, TID: 1}, "", "S=1 PID=0 TL0PICIDX=42 TID=1 Y=0"},
	{"I 7-bit, L, T", "80 e0 11 2a 80", 5,
		Descriptor{Extended: true, HasPictureID: true, PictureID: 17, HasTL0PICIDX: true, TL0PICIDX: 42, HasTID: true, TID: 2}, "", "S=0 PID=0 PictureID=17(7 bits) TL0PICIDX=42 TID=2 Y=0"},
	{"everything: N S PID=7, I 15-bit, L, T, K", "b7 f0 ff ff 12 a7 ee", 6,
		Descriptor{Extended: true, NonReference: true, Start: true, PartitionID: 7, HasPictureID: true, LongPictureID: true, PictureID: 32767,
			HasTL0PICIDX: true, TL0PICIDX: 0x12, HasTID: true, TID: 2, LayerSync: true, HasKEYIDX: true, KEYIDX: 7},
		"", "N=1 S=1 PID=7 PictureID=32767(15 bits) TL0PICIDX=18 TID=2 Y=1 KEYIDX=7"},
}

func TestDescriptorUnmarshal(t *testing.T) {
	for _, c := range descriptorCases {
		t.Run(c.name, func(t *testing.T) {
			in := unhex(t, c.in)
			var d Descriptor
			n, err := d.Unmarshal(in)
			if err != nil {
				t.Fatal(err)
			}
			if n != c.n {
				t.Errorf("n = %d, want %d", n, c.n)
			}
			if d != c.want {
				t.Errorf("got  %+v\nwant %+v", d, c.want)
			}
			if got := d.String(); got != c.str {
				t.Errorf("String() = %q, want %q", got, c.str)
			}
			if d.Len() != n {
				t.Errorf("Len() = %d, want %d", d.Len(), n)
			}
			canon := in[:n]
			if c.canon != "" {
				canon = unhex(t, c.canon)
			}
			out, err := d.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, canon) {
				t.Errorf("Marshal = % x, want % x", out, canon)
			}
		})
	}
}

// TestDescriptorTruncated cuts every descriptor short at every length:
// always ErrTooShort, and a zero Descriptor, never a panic or a guess.
func TestDescriptorTruncated(t *testing.T) {
	for _, c := range descriptorCases {
		in := unhex(t, c.in)
		for l := 0; l < c.n; l++ {
			d := Descriptor{Start: true, PictureID: 9} // must be cleared
			n, err := d.Unmarshal(in[:l])
			if !errors.Is(err, ErrTooShort) || n != 0 || d != (Descriptor{}) {
				t.Errorf("%s, %d of %d bytes: n=%d err=%v d=%+v", c.name, l, c.n, n, err, d)
			}
		}
	}
}

func TestDescriptorBeginsFrame(t *testing.T) {
	for _, c := range []struct {
		d    Descriptor
		want bool
	}{
		{Descriptor{Start: true}, true},
		{Descriptor{Start: true, PartitionID: 1}, false}, // a later partition starts
		{Descriptor{}, false},
		{Descriptor{PartitionID: 3}, false},
	} {
		if got := c.d.BeginsFrame(); got != c.want {
			t.Errorf("%v: BeginsFrame = %v", c.d.String(), got)
		}
	}
}

func TestDescriptorMarshalRefusesWhatDoesNotFit(t *testing.T) {
	for _, d := range []Descriptor{
		{PartitionID: 8},
		{HasPictureID: true, PictureID: 128},
		{HasPictureID: true, LongPictureID: true, PictureID: 32768},
		{HasTID: true, TID: 4},
		{HasKEYIDX: true, KEYIDX: 32},
		{LayerSync: true},
		{Extended: true, LayerSync: true, HasTL0PICIDX: true},
	} {
		prefix := []byte{1, 2}
		out, err := d.AppendTo(prefix)
		if err == nil {
			t.Errorf("%+v: marshaled to % x", d, out)
		}
		if !bytes.Equal(out, prefix) {
			t.Errorf("%+v: b changed on error: % x", d, out)
		}
		if _, err := d.Marshal(); err == nil {
			t.Errorf("%+v: Marshal accepted it", d)
		}
	}
}

// TestDescriptorAppendTo checks that AppendTo appends and that a
// descriptor built field by field comes out as the RFC draws it.
func TestDescriptorAppendTo(t *testing.T) {
	d := Descriptor{Start: true, HasPictureID: true, LongPictureID: true, PictureID: 4711}
	out, err := d.AppendTo([]byte{0xaa})
	if err != nil {
		t.Fatal(err)
	}
	if want := unhex(t, "aa 90 80 92 67"); !bytes.Equal(out, want) {
		t.Errorf("got % x, want % x", out, want)
	}
}

package rtp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
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

// TestPacketRoundTrip writes packets of every shape and reads them back.
func TestPacketRoundTrip(t *testing.T) {
	for _, p := range []Packet{
		{Header: Header{PayloadType: 96, SequenceNumber: 1, Timestamp: 2, SSRC: 3}, Payload: []byte{1, 2, 3}},
		{Header: Header{Marker: true, PayloadType: 127, SequenceNumber: 65535, Timestamp: 0xffffffff, SSRC: 0xdeadbeef}, Payload: []byte{}},
		{Header: Header{PayloadType: 0, CSRC: []uint32{1, 2, 3}}, Payload: []byte{9}},
		{Header: Header{PayloadType: 96, CSRC: make([]uint32, 15)}, Payload: []byte{9}},
		{Header: Header{PayloadType: 96}, Payload: []byte{1, 2}, PaddingSize: 2},
		{Header: Header{PayloadType: 97}, Payload: []byte{}, PaddingSize: 255}, // a browser's probe
		{Header: Header{PayloadType: 96, Extension: true, ExtensionProfile: ExtensionProfileOneByte,
			Extensions: []Extension{{ID: 4, Data: []byte{0, 2}}, {ID: 1, Data: []byte("0")}}}, Payload: []byte{0x90}},
		{Header: Header{PayloadType: 96, Extension: true, ExtensionProfile: ExtensionProfileOneByte,
			Extensions: []Extension{{ID: 14, Data: bytes.Repeat([]byte{7}, 16)}}}, Payload: []byte{1}},
		{Header: Header{PayloadType: 96, Extension: true, ExtensionProfile: ExtensionProfileTwoByte | 0x5,
			Extensions: []Extension{{ID: 200, Data: bytes.Repeat([]byte{7}, 255)}, {ID: 1, Data: []byte{}}, {ID: 15, Data: []byte{1, 2, 3}}}}, Payload: []byte{1}},
		{Header: Header{PayloadType: 96, Extension: true, ExtensionProfile: 0x1234, ExtensionPayload: []byte{1, 2, 3, 4, 5, 6, 7, 8}}, Payload: []byte{1}},
		{Header: Header{PayloadType: 96, Extension: true, ExtensionProfile: ExtensionProfileOneByte}, Payload: []byte{1}, PaddingSize: 3},
	} {
		b, err := p.Marshal()
		if err != nil {
			t.Fatalf("%v: %v", &p, err)
		}
		if len(b) != p.MarshalSize() {
			t.Errorf("%v: %d bytes, MarshalSize %d", &p, len(b), p.MarshalSize())
		}
		var q Packet
		if err := q.Unmarshal(b); err != nil {
			t.Fatalf("%v: Unmarshal: %v", &p, err)
		}
		p.Padding = p.PaddingSize > 0
		if !p.Extension {
			p.Extensions, q.Extensions = nil, nil
		}
		if p.rfc8285() {
			p.ExtensionPayload = q.ExtensionPayload // the raw words, which Unmarshal keeps
		}
		if len(p.CSRC) == 0 {
			p.CSRC, q.CSRC = nil, nil
		}
		if len(p.Extensions) == 0 {
			p.Extensions, q.Extensions = nil, nil
		}
		if !reflect.DeepEqual(p, q) {
			t.Errorf("round trip:\n got %+v\nwant %+v", q, p)
		}
		again, _ := q.Marshal()
		if !bytes.Equal(again, b) {
			t.Errorf("%v: second Marshal differs", &p)
		}
	}
}

// TestOneByteExtension reads RFC 8285 §4.2's one-byte form: padding
// between elements and after them, an element of 16 bytes, ID 15 ending
// the processing.
func TestOneByteExtension(t *testing.T) {
	fixed := "90 60 00 01 00 00 00 02 00 00 00 03"
	for _, c := range []struct {
		name string
		ext  string // profile, length, elements
		want []Extension
		err  error
	}{
		{"chromium", "bede 0002 41 0002 10 30 000000", []Extension{{4, []byte{0, 2}}, {1, []byte("0")}}, nil},
		{"padding between", "bede 0002 10 30 00 00 41 0002 00", []Extension{{1, []byte("0")}, {4, []byte{0, 2}}}, nil},
		{"16 bytes", "bede 0005 2f 00112233445566778899aabbccddeeff 000000", []Extension{{2, unhex(t, "00112233445566778899aabbccddeeff")}}, nil},
		{"id 15 stops", "bede 0002 10 30 f1 ffff 41 0002", []Extension{{1, []byte("0")}}, nil},
		{"id 0 stops", "bede 0001 10 30 05 00", []Extension{{1, []byte("0")}}, nil},
		{"only padding", "bede 0001 00000000", nil, nil},
		{"empty", "bede 0000", nil, nil},
		{"element overruns", "bede 0001 10 30 42 00", nil, ErrExtension},
		{"length overruns packet", "bede 0003 10 30 0000", nil, ErrTooShort},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := unhex(t, fixed+c.ext+"aa") // one byte of payload
			var p Packet
			err := p.Unmarshal(b)
			if !errors.Is(err, c.err) {
				t.Fatalf("err %v, want %v", err, c.err)
			}
			if err != nil {
				return
			}
			if len(p.Extensions) != len(c.want) {
				t.Fatalf("extensions %v, want %v", p.Extensions, c.want)
			}
			for i := range c.want {
				if p.Extensions[i].ID != c.want[i].ID || !bytes.Equal(p.Extensions[i].Data, c.want[i].Data) {
					t.Errorf("element %d: %v, want %v", i, p.Extensions[i], c.want[i])
				}
			}
			if !bytes.Equal(p.Payload, []byte{0xaa}) {
				t.Errorf("payload % x", p.Payload)
			}
		})
	}
}

// TestTwoByteExtension reads RFC 8285 §4.3's two-byte form: IDs above
// 14, empty elements, elements over 16 bytes, the appbits.
func TestTwoByteExtension(t *testing.T) {
	b := unhex(t, "90 60 00 01 00 00 00 02 00 00 00 03"+
		"100f 0004"+ // two-byte form, appbits 0xf, 4 words
		"0100"+ // ID 1, empty
		"ff03 616263"+ // ID 255, "abc"
		"00"+ // padding between
		"1104 01020304"+ // ID 17
		"0000"+ // padding
		"bb")
	var p Packet
	if err := p.Unmarshal(b); err != nil {
		t.Fatal(err)
	}
	want := []Extension{{1, []byte{}}, {255, []byte("abc")}, {17, []byte{1, 2, 3, 4}}}
	if len(p.Extensions) != 3 {
		t.Fatalf("extensions %v", p.Extensions)
	}
	for i := range want {
		if p.Extensions[i].ID != want[i].ID || !bytes.Equal(p.Extensions[i].Data, want[i].Data) {
			t.Errorf("element %d: %v, want %v", i, p.Extensions[i], want[i])
		}
	}
	if d, ok := p.GetExtension(1); !ok || len(d) != 0 {
		t.Error("empty element 1 not found")
	}
	if _, ok := p.GetExtension(2); ok {
		t.Error("element 2 found")
	}
	if p.ExtensionProfile != 0x100f {
		t.Errorf("profile %#x: appbits lost", p.ExtensionProfile)
	}
	// Marshal packs the elements and pads at the end.
	again, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	wantBytes := unhex(t, "90 60 00 01 00 00 00 02 00 00 00 03 100f 0004 0100 ff03 616263 1104 01020304 000000 bb")
	if !bytes.Equal(again, wantBytes) {
		t.Errorf("Marshal\n got % x\nwant % x", again, wantBytes)
	}
	for _, bad := range []string{
		"100f 0001 00000005", // an ID in the last byte, without its length
		"1000 0001 0105 0000",
	} {
		var q Packet
		if err := q.Unmarshal(unhex(t, "90 60 00 01 00 00 00 02 00 00 00 03"+bad+"bb")); !errors.Is(err, ErrExtension) {
			t.Errorf("%s: err %v, want ErrExtension", bad, err)
		}
	}
}

// TestExtensionMarshalChecks refuses elements their form cannot carry.
func TestExtensionMarshalChecks(t *testing.T) {
	for _, h := range []Header{
		{Extension: true, ExtensionProfile: ExtensionProfileOneByte, Extensions: []Extension{{ID: 15, Data: []byte{1}}}},
		{Extension: true, ExtensionProfile: ExtensionProfileOneByte, Extensions: []Extension{{ID: 0, Data: []byte{1}}}},
		{Extension: true, ExtensionProfile: ExtensionProfileOneByte, Extensions: []Extension{{ID: 1, Data: []byte{}}}},
		{Extension: true, ExtensionProfile: ExtensionProfileOneByte, Extensions: []Extension{{ID: 1, Data: make([]byte, 17)}}},
		{Extension: true, ExtensionProfile: ExtensionProfileTwoByte, Extensions: []Extension{{ID: 0, Data: []byte{1}}}},
		{Extension: true, ExtensionProfile: ExtensionProfileTwoByte, Extensions: []Extension{{ID: 1, Data: make([]byte, 256)}}},
		{Extension: true, ExtensionProfile: 0x1234, ExtensionPayload: []byte{1, 2, 3}},
	} {
		if _, err := h.Marshal(); !errors.Is(err, ErrExtension) {
			t.Errorf("%v: err %v, want ErrExtension", &h, err)
		}
	}
	for _, h := range []Header{{PayloadType: 128}, {CSRC: make([]uint32, 16)}} {
		if _, err := h.Marshal(); !errors.Is(err, ErrFieldRange) {
			t.Errorf("%v: err %v, want ErrFieldRange", &h, err)
		}
	}
	h := Header{PayloadType: 96}
	if _, err := h.MarshalTo(make([]byte, 11)); !errors.Is(err, ErrBufferTooSmall) {
		t.Errorf("short buffer: %v", err)
	}
}

// TestPadding checks RFC 3550 §5.1's padding count, as A.1 asks: at least
// 1 (it counts itself), at most what follows the header.
func TestPadding(t *testing.T) {
	hdr := "a0 60 00 01 00 00 00 02 00 00 00 03" // V=2, P=1
	for _, c := range []struct {
		name        string
		rest        string
		payload     int
		paddingSize uint8
		err         error
	}{
		{"one byte", "aabb 01", 2, 1, nil},
		{"four bytes", "aabb 000000 04", 2, 4, nil},
		{"padding only", "000000 04", 0, 4, nil},
		{"count zero", "aabb 00", 0, 0, ErrPadding},
		{"count past the header", "aabb 04", 0, 0, ErrPadding},
		{"no byte after the header", "", 0, 0, ErrPadding},
	} {
		t.Run(c.name, func(t *testing.T) {
			var p Packet
			err := p.Unmarshal(unhex(t, hdr+c.rest))
			if !errors.Is(err, c.err) {
				t.Fatalf("err %v, want %v", err, c.err)
			}
			if err == nil && (len(p.Payload) != c.payload || p.PaddingSize != c.paddingSize) {
				t.Errorf("payload %d padding %d, want %d and %d", len(p.Payload), p.PaddingSize, c.payload, c.paddingSize)
			}
		})
	}
	// Marshal writes zeros ending in the count, and sets P itself.
	p := Packet{Header: Header{PayloadType: 96}, Payload: []byte{0xaa}, PaddingSize: 3}
	b, _ := p.Marshal()
	if want := unhex(t, "a0 60 0000 00000000 00000000 aa 0000 03"); !bytes.Equal(b, want) {
		t.Errorf("Marshal % x, want % x", b, want)
	}
	p.Padding, p.PaddingSize = true, 0
	b, _ = p.Marshal()
	if b[0]&0x20 != 0 {
		t.Error("P set without padding")
	}
}

// TestHeaderErrors: what Unmarshal refuses.
func TestHeaderErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		b    string
		err  error
	}{
		{"empty", "", ErrTooShort},
		{"11 bytes", "80 60 0000 00000000 000000", ErrTooShort},
		{"version 1", "40 60 0000 00000000 00000000", ErrVersion},
		{"version 0", "00 60 0000 00000000 00000000", ErrVersion},
		{"version 3", "c0 60 0000 00000000 00000000", ErrVersion},
		{"CSRCs missing", "82 60 0000 00000000 00000000 00000001", ErrTooShort},
		{"extension header missing", "90 60 0000 00000000 00000000 bede", ErrTooShort},
		{"extension words missing", "90 60 0000 00000000 00000000 bede 0001", ErrTooShort},
	} {
		var p Packet
		if err := p.Unmarshal(unhex(t, c.b)); !errors.Is(err, c.err) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
		}
	}
	var p Packet
	if err := p.Unmarshal(unhex(t, "82 60 0000 00000000 00000000 00000001 00000002")); err != nil || len(p.CSRC) != 2 || p.CSRC[1] != 2 || len(p.Payload) != 0 {
		t.Errorf("two CSRCs: %v %v", err, &p)
	}
}

// TestUnmarshalReuses: a Packet reused for the next datagram forgets
// the previous one's CSRCs, extension and padding.
func TestUnmarshalReuses(t *testing.T) {
	var p Packet
	if err := p.Unmarshal(unhex(t, "b1 60 0000 00000000 00000000 00000009 bede 0001 10 30 0000 aa 02 02")); err != nil {
		t.Fatal(err)
	}
	if err := p.Unmarshal(unhex(t, "80 60 0000 00000000 00000000 bb")); err != nil {
		t.Fatal(err)
	}
	if len(p.CSRC) != 0 || len(p.Extensions) != 0 || p.ExtensionPayload != nil || p.ExtensionProfile != 0 || p.PaddingSize != 0 || !bytes.Equal(p.Payload, []byte{0xbb}) {
		t.Errorf("state left over: %+v", p)
	}
}

// TestExtMap names and decodes elements by the answer's a=extmap lines.
func TestExtMap(t *testing.T) {
	m := ExtMap{1: URIMid, 3: URIAbsSendTime, 4: URITransportWideCC, 5: "urn:example:private", 6: URITimeOffset}
	h := Header{Extension: true, ExtensionProfile: ExtensionProfileOneByte, Extensions: []Extension{
		{4, []byte{0x12, 0x34}}, {1, []byte("video")}, {3, []byte{0x00, 0x40, 0x00}}, {5, []byte{0xab}}, {9, []byte{1}}, {6, []byte{0xff, 0xff, 0xfe}},
	}}
	want := `4:twcc=4660 1:mid="video" 3:abs-send-time=0.062500s 5:urn:example:private=ab 9:id 9=01 6:toffset=-2`
	if got := m.Format(&h); got != want {
		t.Errorf("Format\n got %s\nwant %s", got, want)
	}
	if id, ok := m.ID(URITransportWideCC); !ok || id != 4 {
		t.Errorf("ID(twcc) = %d, %v", id, ok)
	}
	if _, ok := m.ID("urn:none"); ok {
		t.Error("ID of an unmapped URI")
	}
	if got := h.String(); got != "ssrc=0x00000000 pt=0 seq=0 ts=0 ext=bede[4:2B 1:5B 3:3B 5:1B 9:1B 6:3B]" {
		t.Errorf("String %s", got)
	}
}

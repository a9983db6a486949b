package vp8

import (
	"bytes"
	"errors"
	"testing"
)

var payloadHeaderCases = []struct {
	name string
	in   string
	n    int
	want PayloadHeader
	str  string
}{
	{"Chromium's first keyframe", "90 9a 00 9d 01 2a 80 02 e0 01 39 69", 10,
		PayloadHeader{Keyframe: true, ShowFrame: true, FirstPartitionSize: 1236, Width: 640, Height: 480},
		"keyframe 640x480 version 0 show_frame 1 first partition 1236 bytes"},
	{"interframe, P=1", "f1 12 00", 3,
		PayloadHeader{ShowFrame: true, FirstPartitionSize: 0x12f1 >> 5},
		"interframe version 0 show_frame 1 first partition 151 bytes"},
	{"interframe not shown (H=0), version 3", "07 00 00", 3,
		PayloadHeader{Version: 3},
		"interframe version 3 show_frame 0 first partition 0 bytes"},
	{"largest first partition: 19 bits", "ff ff ff", 3,
		PayloadHeader{Version: 7, ShowFrame: true, FirstPartitionSize: 1<<19 - 1},
		"interframe version 7 show_frame 1 first partition 524287 bytes"},
	{"keyframe 175x143, version 1", "02 00 00 9d 01 2a af 00 8f 00", 10,
		PayloadHeader{Keyframe: true, Version: 1, Width: 175, Height: 143},
		"keyframe 175x143 version 1 show_frame 0 first partition 0 bytes"},
	{"keyframe 16383x1 with scaling 1 and 3", "10 00 00 9d 01 2a ff 7f 01 c0", 10,
		PayloadHeader{Keyframe: true, ShowFrame: true, Width: 16383, Height: 1, HorizontalScale: 1, VerticalScale: 3},
		"keyframe 16383x1 scale 1/3 version 0 show_frame 1 first partition 0 bytes"},
	{"keyframe 320x240 scaling 2/2", "50 0e 00 9d 01 2a 40 81 f0 80", 10,
		PayloadHeader{Keyframe: true, ShowFrame: true, FirstPartitionSize: 0x0e50 >> 5, Width: 320, Height: 240, HorizontalScale: 2, VerticalScale: 2},
		"keyframe 320x240 scale 2/2 version 0 show_frame 1 first partition 114 bytes"},
}

func TestPayloadHeader(t *testing.T) {
	for _, c := range payloadHeaderCases {
		t.Run(c.name, func(t *testing.T) {
			in := unhex(t, c.in)
			var h PayloadHeader
			n, err := h.Unmarshal(in)
			if err != nil {
				t.Fatal(err)
			}
			if n != c.n || h != c.want {
				t.Errorf("n=%d %+v\nwant n=%d %+v", n, h, c.n, c.want)
			}
			if got := h.String(); got != c.str {
				t.Errorf("String() = %q\nwant       %q", got, c.str)
			}
			out, err := h.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, in[:n]) {
				t.Errorf("Marshal = % x, want % x", out, in[:n])
			}
			if h.Len() != n {
				t.Errorf("Len = %d", h.Len())
			}
		})
	}
}

func TestPayloadHeaderRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrPayloadHeader},
		{"2 bytes", "91 16", ErrPayloadHeader},
		{"keyframe tag only", "90 9a 00", ErrPayloadHeader},
		{"keyframe cut in the size", "90 9a 00 9d 01 2a 80 02 e0", ErrPayloadHeader},
		{"keyframe, wrong start code", "90 9a 00 9d 01 2b 80 02 e0 01", ErrStartCode},
		{"keyframe, start code of an interframe's data", "90 9a 00 00 00 00 80 02 e0 01", ErrStartCode},
		{"keyframe, width 0", "90 9a 00 9d 01 2a 00 c0 e0 01", ErrZeroSize},
		{"keyframe, height 0", "90 9a 00 9d 01 2a 80 02 00 40", ErrZeroSize},
	} {
		h := PayloadHeader{Width: 5}
		n, err := h.Unmarshal(unhex(t, c.in))
		if !errors.Is(err, c.want) || n != 0 || h != (PayloadHeader{}) {
			t.Errorf("%s: n=%d err=%v h=%+v, want %v", c.name, n, err, h, c.want)
		}
	}
}

func TestPayloadHeaderMarshalRefusesWhatDoesNotFit(t *testing.T) {
	for _, h := range []PayloadHeader{
		{Version: 8},
		{FirstPartitionSize: 1 << 19},
		{FirstPartitionSize: -1},
		{Width: 640, Height: 480}, // interframe
		{HorizontalScale: 1},      // interframe
		{Keyframe: true, Width: 0, Height: 480},
		{Keyframe: true, Width: 16384, Height: 480},
		{Keyframe: true, Width: 640, Height: 480, VerticalScale: 4},
	} {
		if out, err := h.AppendTo([]byte{7}); err == nil || !bytes.Equal(out, []byte{7}) {
			t.Errorf("%+v: % x, %v", h, out, err)
		}
	}
}

package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// The walk-through of docs/07-jpeg.md: the values the chapter quotes from
// this tool for the Chromium keyframe.
func TestExplainChromium(t *testing.T) {
	frame, err := os.ReadFile("../../vp8/testdata/chromium-640x480.vp8")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := explain(&out, frame, 4, 0, 0, ""); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	for _, want := range []string{
		"uncompressed data chunk (§9.1)  90 9a 00 9d 01 2a 80 02 e0 01",
		"first_part_size   1236 bytes",
		"     3   128    128  72d2     64  4000    1     128  65a4",
		"quantizer_update_value[1]    L(7) with sign = -52",
		"loop_filter_level            L(6) = 31",
		"ref_frame_delta[0] intra     L(6) with sign = 2",
		"mb_mode_delta[0] B_PRED      L(6) with sign = 4",
		"y_ac_qi                      L(7) = 104",
		"(bools so far)               109",
		"2175 bytes in all after the first partition",
		"  [ 60  60  66  71  78  83  89  89  89  89  89  89  89  89  89  89]",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// A frame that is cut short or is not a key frame gives an error.
func TestExplainRefuses(t *testing.T) {
	for _, frame := range [][]byte{nil, {0x31, 0x02, 0x00, 0, 0, 0, 0, 0, 0, 0}, {0x90, 0x9a, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, 0x39}} {
		if err := explain(&bytes.Buffer{}, frame, 4, 0, 0, ""); err == nil {
			t.Errorf("% x: no error", frame)
		}
	}
}

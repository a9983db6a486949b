// Command vp8explain shows how a VP8 key frame begins, for docs/07-jpeg.md:
// the uncompressed data chunk (RFC 6386 §9.1), the first bools of the first
// partition decoded one by one with the boolean decoder exactly as §7.3
// writes it, and the frame header fields that need no probability table
// (§9.2–§9.7, §19.2), up to refresh_entropy_probs. Then it decodes the
// frame with package vp8 and prints the luma of one macroblock, and with
// -png writes the picture.
//
//	go run ./step07-jpeg/cmd/vp8explain step07-jpeg/vp8/testdata/chromium-640x480.vp8
//	go run ./step07-jpeg/cmd/vp8explain -bools 20 -mb 0,0 -png frame.png frame.vp8
//
// The boolean decoder here is the RFC's, a 2-byte window shifted bit by
// bit, so that each step can be printed; package vp8 does the same
// arithmetic faster (boolean_decoder.go).
package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"

	"nutsandbolts/final/vp8"
)

func main() {
	nbools := flag.Int("bools", 12, "print the first `n` bools of the first partition step by step")
	mb := flag.String("mb", "0,0", "print the decoded luma of this macroblock, `column,row`")
	pngFile := flag.String("png", "", "write the decoded picture as a PNG `file`")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: vp8explain [-bools n] [-mb x,y] [-png file] frame.vp8")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	var mbx, mby int
	if _, err := fmt.Sscanf(*mb, "%d,%d", &mbx, &mby); err != nil {
		fmt.Fprintln(os.Stderr, "vp8explain: -mb: want column,row")
		os.Exit(2)
	}
	frame, err := os.ReadFile(flag.Arg(0))
	if err == nil {
		err = explain(os.Stdout, frame, *nbools, mbx, mby, *pngFile)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "vp8explain:", err)
		os.Exit(1)
	}
}

// explain prints the walk-through of one key frame.
func explain(w io.Writer, frame []byte, nbools, mbx, mby int, pngFile string) error {
	if len(frame) < 10 {
		return fmt.Errorf("%d bytes: too short for a key frame", len(frame))
	}
	// §9.1: a 3-byte frame tag, little endian, then on key frames the
	// start code and two 16-bit dimensions.
	tag := uint32(frame[0]) | uint32(frame[1])<<8 | uint32(frame[2])<<16
	if tag&1 != 0 {
		return fmt.Errorf("not a key frame (frame tag % x)", frame[:3])
	}
	first := int(tag >> 5)
	fmt.Fprintf(w, "uncompressed data chunk (§9.1)  % x\n", frame[:10])
	fmt.Fprintf(w, "  frame tag       % x = 0x%06x\n", frame[:3], tag)
	fmt.Fprintf(w, "    key_frame         %d (0: a key frame)\n", tag&1)
	fmt.Fprintf(w, "    version           %d\n", tag>>1&7)
	fmt.Fprintf(w, "    show_frame        %d\n", tag>>4&1)
	fmt.Fprintf(w, "    first_part_size   %d bytes\n", first)
	fmt.Fprintf(w, "  start code      % x\n", frame[3:6])
	wd, ht := int(frame[6])|int(frame[7])<<8, int(frame[8])|int(frame[9])<<8
	fmt.Fprintf(w, "  width           % x = %d, horizontal_scale %d\n", frame[6:8], wd&0x3fff, wd>>14)
	fmt.Fprintf(w, "  height          % x = %d, vertical_scale %d\n", frame[8:10], ht&0x3fff, ht>>14)
	if 10+first > len(frame) {
		return fmt.Errorf("first partition of %d bytes, but only %d follow", first, len(frame)-10)
	}

	part := frame[10 : 10+first]
	fmt.Fprintf(w, "\nfirst partition (%d bytes), starting % x\n", first, part[:min(8, len(part))])
	d := newBoolDecoder(part)
	d.trace, d.w = nbools, w
	if nbools > 0 {
		fmt.Fprintln(w, "  bool  prob  range  value  split  SPLIT   bit  range  value  (after the shifts)")
	}
	h := readHeader(d)
	fmt.Fprintln(w, "\nframe header (§9.2–§9.7)")
	for _, f := range h {
		fmt.Fprintf(w, "  %-28s %s\n", f.name, f.value)
	}

	// §9.5: the sizes of all token partitions but the last follow the
	// first partition, 3 bytes each.
	n := 1 << d.fields["log2_nbr_of_dct_partitions"]
	rest := frame[10+first:]
	fmt.Fprintf(w, "\ntoken partitions (§9.5): %d", n)
	for i := 0; i < n-1 && len(rest) >= 3*(n-1); i++ {
		fmt.Fprintf(w, ", #%d: %d bytes", i, int(rest[3*i])|int(rest[3*i+1])<<8|int(rest[3*i+2])<<16)
	}
	fmt.Fprintf(w, "; the last one takes the rest: %d bytes in all after the first partition\n", len(rest))

	img, err := vp8.NewDecoder().Decode(frame)
	if err != nil {
		return err
	}
	b := img.Bounds()
	if mbx < 0 || mby < 0 || 16*mbx >= b.Dx() || 16*mby >= b.Dy() {
		return fmt.Errorf("macroblock %d,%d is outside the %dx%d picture", mbx, mby, b.Dx(), b.Dy())
	}
	fmt.Fprintf(w, "\ndecoded: %dx%d; luma of macroblock %d,%d (pixels %d,%d):\n", b.Dx(), b.Dy(), mbx, mby, 16*mbx, 16*mby)
	for r := 16 * mby; r < min(16*mby+16, b.Dy()); r++ {
		row := img.Y[r*img.YStride+16*mbx : r*img.YStride+min(16*mbx+16, b.Dx())]
		fmt.Fprintf(w, "  %3d\n", row)
	}
	if pngFile != "" {
		return writePNG(pngFile, img)
	}
	return nil
}

// boolDecoder is the boolean entropy decoder of RFC 6386 §7.3, as written
// there: value holds 2 bytes, the top one compared with split.
type boolDecoder struct {
	input    []byte
	value    uint32 // "value": 2 bytes, big endian
	rng      uint32 // "range", 128..255 between bools
	bitCount int    // shifts since the last byte was loaded

	trace  int // bools still to print
	count  int // bools decoded
	w      io.Writer
	fields map[string]int
}

func newBoolDecoder(data []byte) *boolDecoder {
	d := &boolDecoder{input: data, rng: 255, fields: map[string]int{}}
	d.value = uint32(d.next())<<8 | uint32(d.next())
	return d
}

// next returns the next input byte, or zero past the end (§20.2).
func (d *boolDecoder) next() byte {
	if len(d.input) == 0 {
		return 0
	}
	b := d.input[0]
	d.input = d.input[1:]
	return b
}

// bool decodes one bool whose probability of being 0 is prob/256.
func (d *boolDecoder) bool(prob uint32) int {
	rng0, value0 := d.rng, d.value
	split := 1 + (((d.rng - 1) * prob) >> 8)
	bigSplit := split << 8
	bit := 0
	if d.value >= bigSplit {
		bit = 1
		d.rng -= split
		d.value -= bigSplit
	} else {
		d.rng = split
	}
	for d.rng < 128 {
		d.value <<= 1
		d.rng <<= 1
		if d.bitCount++; d.bitCount == 8 {
			d.bitCount = 0
			d.value |= uint32(d.next())
		}
	}
	d.count++
	if d.trace > 0 {
		d.trace--
		fmt.Fprintf(d.w, "  %4d  %4d  %5d  %04x  %5d  %04x    %d   %5d  %04x\n",
			d.count, prob, rng0, value0, split, bigSplit, bit, d.rng, d.value)
	}
	return bit
}

// literal decodes an n-bit number, most significant bit first: L(n).
func (d *boolDecoder) literal(n int) int {
	v := 0
	for i := 0; i < n; i++ {
		v = v<<1 | d.bool(128)
	}
	return v
}

// field is one header field as printed.
type field struct{ name, value string }

// readHeader reads the key frame header of §19.2 up to
// refresh_entropy_probs; the coefficient probability updates that follow
// need the table of §13.4.
func readHeader(d *boolDecoder) []field {
	var out []field
	lit := func(name string, n int) int {
		v := d.literal(n)
		d.fields[name] = v
		out = append(out, field{name, fmt.Sprintf("L(%d) = %d", n, v)})
		return v
	}
	// An optional signed value: flag, magnitude, sign (§9.3, §9.6).
	signed := func(name string, n int) {
		if d.literal(1) == 0 {
			out = append(out, field{name, "absent (flag 0)"})
			return
		}
		v := d.literal(n)
		if d.literal(1) == 1 {
			v = -v
		}
		out = append(out, field{name, fmt.Sprintf("L(%d) with sign = %d", n, v)})
	}
	lit("color_space", 1)
	lit("clamping_type", 1)
	if lit("segmentation_enabled", 1) == 1 {
		updateMap := lit("update_mb_segmentation_map", 1)
		if lit("update_segment_feature_data", 1) == 1 {
			lit("segment_feature_mode", 1)
			for i := 0; i < 4; i++ {
				signed(fmt.Sprintf("quantizer_update_value[%d]", i), 7)
			}
			for i := 0; i < 4; i++ {
				signed(fmt.Sprintf("loop_filter_update_value[%d]", i), 6)
			}
		}
		if updateMap == 1 {
			for i := 0; i < 3; i++ {
				name := fmt.Sprintf("segment_prob[%d]", i)
				if d.literal(1) == 1 {
					lit(name, 8)
				} else {
					out = append(out, field{name, "absent (flag 0): 255"})
				}
			}
		}
	}
	lit("filter_type", 1)
	lit("loop_filter_level", 6)
	lit("sharpness_level", 3)
	if lit("loop_filter_adj_enable", 1) == 1 {
		if lit("mode_ref_lf_delta_update", 1) == 1 {
			for _, name := range []string{"ref_frame_delta[0] intra", "ref_frame_delta[1] last", "ref_frame_delta[2] golden", "ref_frame_delta[3] altref",
				"mb_mode_delta[0] B_PRED", "mb_mode_delta[1] ZEROMV", "mb_mode_delta[2] NEWMV...", "mb_mode_delta[3] SPLITMV"} {
				signed(name, 6)
			}
		}
	}
	lit("log2_nbr_of_dct_partitions", 2)
	lit("y_ac_qi", 7)
	for _, name := range []string{"y_dc_delta", "y2_dc_delta", "y2_ac_delta", "uv_dc_delta", "uv_ac_delta"} {
		signed(name, 4)
	}
	lit("refresh_entropy_probs", 1)
	out = append(out, field{"(bools so far)", fmt.Sprint(d.count)})
	return out
}

// writePNG writes the picture as a PNG.
func writePNG(name string, img image.Image) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

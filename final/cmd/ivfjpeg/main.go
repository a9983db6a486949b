// Command ivfjpeg decodes the keyframes of an IVF file with the project's
// own VP8 decoder (package vp8, RFC 6386): the files step 6 writes, or the
// official VP8 test vectors.
//
//	go run ./step07-jpeg/cmd/ivfjpeg -out shots output/3f9a2c1e.ivf   # every keyframe as a JPEG
//	go run ./step07-jpeg/cmd/ivfjpeg -md5 vp80-00-comprehensive-001.ivf
//
// With -md5 it prints, for each keyframe that is shown, the MD5 of its
// planar I420 picture at display size, in the format of the conformance
// vectors' .md5 files ("<md5>  <name>-<W>x<H>-<NNNN>.i420", frames counted
// from 1 over the whole file), so that its output can be checked against
// them line by line. Like libvpx, it does not print a keyframe whose
// show_frame bit is 0 (RFC 6386 §9.1). Inter frames are skipped: this
// decoder reads keyframes only.
package main

import (
	"crypto/md5"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"

	"nutsandbolts/final/ivf"
	"nutsandbolts/final/vp8"
)

func main() {
	sums := flag.Bool("md5", false, "print the MD5 of each shown keyframe, as the conformance vectors' .md5 files do")
	out := flag.String("out", "", "write each keyframe as a JPEG into this `folder`")
	quality := flag.Int("quality", 90, "JPEG `quality`")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: ivfjpeg [-md5] [-out folder] file.ivf ...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	for _, name := range flag.Args() {
		if err := run(name, *sums, *out, *quality, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "ivfjpeg: %s: %v\n", name, err)
			os.Exit(1)
		}
	}
}

// run decodes the keyframes of one IVF file.
func run(name string, sums bool, out string, quality int, w io.Writer) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	r, _, err := ivf.NewReader(f)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(filepath.Base(name), ".ivf")
	dec := vp8.NewDecoder()
	for n := 1; ; n++ {
		fr, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(fr.Data) == 0 || fr.Data[0]&1 != 0 {
			continue // an inter frame (RFC 6386 §9.1: bit 0 of the frame tag is 1)
		}
		img, err := dec.Decode(fr.Data)
		if err != nil {
			return fmt.Errorf("frame %d: %w", n, err)
		}
		if fr.Data[0]>>4&1 == 0 {
			continue // decoded, but not shown
		}
		b := img.Bounds()
		if sums {
			fmt.Fprintf(w, "%x  %s-%dx%d-%04d.i420\n", i420MD5(img), base, b.Dx(), b.Dy(), n)
		}
		if out != "" {
			file := filepath.Join(out, fmt.Sprintf("%s-%04d.jpg", base, n))
			if err := writeJPEG(file, img, quality); err != nil {
				return err
			}
			if !sums {
				fmt.Fprintf(w, "%s  %dx%d\n", file, b.Dx(), b.Dy())
			}
		}
	}
}

// i420MD5 is the MD5 of the picture as planar I420 at display size: Y
// row by row without stride padding, then U, then V.
func i420MD5(img *image.YCbCr) [16]byte {
	h := md5.New()
	b := img.Bounds()
	w, ht := b.Dx(), b.Dy()
	for y := range ht {
		h.Write(img.Y[y*img.YStride : y*img.YStride+w])
	}
	cw, ch := (w+1)/2, (ht+1)/2
	for _, plane := range [][]byte{img.Cb, img.Cr} {
		for y := range ch {
			h.Write(plane[y*img.CStride : y*img.CStride+cw])
		}
	}
	var sum [16]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// writeJPEG saves a decoded picture. The samples are written as they are,
// studio range; the server (step 7's shots.go) converts them to full range.
func writeJPEG(name string, img image.Image, quality int) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: quality}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

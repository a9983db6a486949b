package vp8

import (
	"os"
	"path/filepath"
	"testing"
)

// benchmarkDecode decodes frame repeatedly with one Decoder and reports
// the throughput in megabytes of output pixels (the I420 picture) per
// second.
func benchmarkDecode(b *testing.B, frame []byte) {
	d := NewDecoder()
	img, err := d.Decode(frame)
	if err != nil {
		b.Fatal(err)
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	b.SetBytes(int64(w*h + 2*((w+1)/2)*((h+1)/2)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := d.Decode(frame); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode decodes key frames from testdata: the Chromium key frame
// (640x480, 3.4 KB) and a 720p camera-like frame made by libvpx (22 KB).
func BenchmarkDecode(b *testing.B) {
	for _, c := range []struct{ name, file string }{
		{"640x480", "chromium-640x480.vp8"},
		{"1280x720", "ffmpeg-webcam-0001.vp8"},
	} {
		frame, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) { benchmarkDecode(b, frame) })
	}
}

package main

import (
	"fmt"
	"image"
	"image/jpeg"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// The colour tables map BT.601 studio range onto JFIF's full range.
func TestFullRangeTables(t *testing.T) {
	for _, c := range []struct {
		table *[256]uint8
		in    int
		want  uint8
	}{
		{&lumaFull, 0, 0}, {&lumaFull, 16, 0}, {&lumaFull, 126, 128}, {&lumaFull, 235, 255}, {&lumaFull, 255, 255},
		{&chromaFull, 16, 0}, {&chromaFull, 128, 128}, {&chromaFull, 240, 255}, {&chromaFull, 0, 0}, {&chromaFull, 255, 255},
	} {
		if got := c.table[c.in]; got != c.want {
			t.Errorf("table[%d] = %d, want %d", c.in, got, c.want)
		}
	}
}

// Keyframes become shoot<N>.jpg, numbered after the files already in the
// folder, readable JPEGs of the keyframe's size; past the cap none is
// written; a frame that does not decode writes nothing.
func TestPhotographer(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "shoot7.jpg"), []byte("an earlier run's"), 0o644)
	key, err := os.ReadFile("vp8/testdata/chromium-640x480.vp8")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPhotographer(dir, 90, 2, 1, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	var told []string
	done := make(chan bool, 4)
	tell := func(name string, w, h, size int) {
		told = append(told, fmt.Sprintf("saved %s (%d×%d)", name, w, h))
		done <- true
	}
	p.take(shot{session: "s1", frame: key, saved: tell})
	<-done
	p.take(shot{session: "s1", frame: []byte{0x90, 0, 0}}) // not a keyframe that decodes
	p.take(shot{session: "s1", frame: key, saved: tell})
	<-done
	p.take(shot{session: "s1", frame: key, saved: tell}) // past the cap of 2
	p.close()
	if got, _ := os.ReadFile(filepath.Join(dir, "shoot7.jpg")); string(got) != "an earlier run's" {
		t.Error("shoot7.jpg was overwritten")
	}
	for _, n := range []string{"shoot8.jpg", "shoot9.jpg"} {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(f)
		f.Close()
		if err != nil || img.Bounds() != image.Rect(0, 0, 640, 480) {
			t.Errorf("%s: %v %v", n, err, img.Bounds())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "shoot10.jpg")); err == nil {
		t.Error("shoot10.jpg written past the cap")
	}
	if len(told) != 2 || told[0] != "saved shoot8.jpg (640×480)" {
		t.Errorf("the page was told %q", told)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("the folder holds %d files, want 3 (no temporary files left)", len(entries))
	}
}

// take never waits: with the workers busy, keyframes are skipped and
// counted.
func TestPhotographerNeverWaits(t *testing.T) {
	p := &photographer{log: slog.New(slog.DiscardHandler), queue: make(chan shot, 2)} // no worker
	for range 5 {
		p.take(shot{session: "s1", frame: []byte{1}})
	}
	if got := p.skipped.Load(); got != 3 {
		t.Errorf("skipped %d, want 3", got)
	}
}

// The page gets the JPEG files at /shots/<name>, and nothing else from the
// output folder or outside it.
func TestShotsAreServedSafely(t *testing.T) {
	m := &media{udp: &udpLoop{shots: &photographer{dir: "/srv/out"}}}
	for name, want := range map[string]string{
		"shoot1.jpg":      "/srv/out/shoot1.jpg",
		"shoot42.jpg":     "/srv/out/shoot42.jpg",
		"../shoot1.jpg":   "",
		"shoot1.jpg/..":   "",
		".shoot-1.tmp":    "",
		"3f9a2c1e.ivf":    "",
		"shoot1.jpg\x00":  "",
		"..%2fshoot1.jpg": "",
		"":                "",
	} {
		got, ok := m.File(name)
		if (want != "") != ok || got != want {
			t.Errorf("File(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

// TestPhotographerFair: one session cannot take the queue from the others:
// at most shotPerSession of its keyframes wait, and the bytes waiting are
// bounded, so a session sending huge keyframes has them skipped while
// another session's small one still gets in.
func TestPhotographerFair(t *testing.T) {
	p, err := newPhotographer(t.TempDir(), 90, 0, 0, slog.New(slog.DiscardHandler)) // no workers: nothing leaves the queue
	if err != nil {
		t.Fatal(err)
	}
	var a, b atomic.Int32
	for i, want := range []bool{true, true, false, false} {
		if got := p.take(shot{session: "a", frame: make([]byte, 100), pending: &a}); got != want {
			t.Errorf("session a's keyframe %d: queued %v, want %v", i+1, got, want)
		}
	}
	if p.take(shot{session: "huge", frame: make([]byte, shotQueueBytes)}) {
		t.Error("a keyframe larger than the queue's bytes was queued")
	}
	if !p.take(shot{session: "b", frame: make([]byte, 100), pending: &b}) {
		t.Error("session b was skipped because of session a")
	}
	if a.Load() != 2 || b.Load() != 1 || p.queued.Load() != 300 || p.skipped.Load() != 3 {
		t.Errorf("pending a=%d b=%d, queued %d bytes, skipped %d", a.Load(), b.Load(), p.queued.Load(), p.skipped.Load())
	}
}

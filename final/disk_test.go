package main

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// The budget refuses past the run's cap, and past the disk's reserve as
// statfs reports it.
func TestBudget(t *testing.T) {
	b := newBudget(t.TempDir(), 100, 0)
	if err := b.take(60); err != nil {
		t.Fatal(err)
	}
	if err := b.take(41); !errors.Is(err, errOutputCap) {
		t.Errorf("take past the cap: %v", err)
	}
	if err := b.take(40); err != nil || b.Used() != 100 {
		t.Errorf("take up to the cap: %v, used %d", err, b.Used())
	}
	free := int64(1000)
	b = newBudget("x", 0, 500)
	b.statfs = func(string) (int64, error) { return free, nil }
	if err := b.take(400); err != nil {
		t.Fatal(err)
	}
	free = 600 // what the disk now says
	if err := b.take(200); !errors.Is(err, errDiskFull) {
		t.Errorf("take into the reserve: %v", err)
	}
	free = 10_000 // space freed: statfs is asked again when the estimate is short
	if err := b.take(200); err != nil {
		t.Errorf("after space was freed: %v", err)
	}
}

// A full disk (here the cap) stops one session's video for good: the file
// written so far is closed and plays, the page is told once, and the
// recorder goes on for the others.
func TestRecorderStopsAtTheCap(t *testing.T) {
	dir := t.TempDir()
	r, err := newRecorder(dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	r.budget = newBudget(dir, 3*(100+12), 0)
	var told atomic.Int32
	refused := func(error) { told.Add(1) }
	for i := range 6 {
		r.frame(recording{session: "s1", frame: make([]byte, 100), ts: uint32(i * 3000), width: 64, height: 48, keyframe: i == 0, refused: refused})
	}
	r.end("s1")
	r.close()
	if told.Load() != 1 {
		t.Errorf("the page was told %d times, want once", told.Load())
	}
	_, frames := readIVF(t, filepath.Join(dir, "s1.ivf"))
	if len(frames) != 3 {
		t.Errorf("%d frames saved, want the 3 within the cap", len(frames))
	}
}

// An output folder removed while the server runs: the JPEG is not saved,
// the page is told, nothing crashes, and the files saved before stay.
func TestPhotographerFolderGone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	os.Mkdir(dir, 0o755)
	key, err := os.ReadFile("vp8/testdata/chromium-640x480.vp8")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPhotographer(dir, 90, 0, 1, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	p.budget = newBudget(dir, 0, 0)
	done := make(chan error, 2)
	saved := func(string, int, int, int) { done <- nil }
	refused := func(err error) { done <- err }
	p.take(shot{session: "s1", frame: key, saved: saved, refused: refused})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	kept := filepath.Join(t.TempDir(), "kept.jpg")
	os.Rename(filepath.Join(dir, "shoot1.jpg"), kept)
	os.RemoveAll(dir)
	p.take(shot{session: "s1", frame: key, saved: saved, refused: refused})
	if err := <-done; err == nil {
		t.Error("a JPEG saved into a folder that is gone")
	}
	p.close()
	if p.failures.Load() != 1 {
		t.Errorf("failures %d, want 1", p.failures.Load())
	}
}

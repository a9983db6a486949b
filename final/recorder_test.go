package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"nutsandbolts/final/ivf"
)

// readIVF returns the header and the frames of an IVF file.
func readIVF(t *testing.T, name string) (ivf.Header, [][]byte) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, h, err := ivf.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var frames [][]byte
	for {
		fr, err := r.Next()
		if err != nil {
			break
		}
		frames = append(frames, append([]byte(nil), fr.Data...))
	}
	return h, frames
}

// Frames go to <out>/<session>.ivf from the first keyframe on; a size
// change starts <session>-2.ivf; the end of the session closes the file
// with its frame count in the header.
func TestRecorder(t *testing.T) {
	dir := t.TempDir()
	r, err := newRecorder(dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	r.frame(recording{session: "s1", frame: []byte{1}, ts: 100, width: 640, height: 480}) // before a keyframe: not written
	r.frame(recording{session: "s1", frame: []byte{2}, ts: 200, width: 640, height: 480, keyframe: true})
	r.frame(recording{session: "s1", frame: []byte{3}, ts: 3200, width: 640, height: 480})
	r.frame(recording{session: "s1", frame: []byte{4}, ts: 6200, width: 320, height: 240, keyframe: true, resized: true})
	r.end("s1")
	r.close()
	h, frames := readIVF(t, filepath.Join(dir, "s1.ivf"))
	if h.Width != 640 || h.Height != 480 || h.FrameCount != 2 || len(frames) != 2 || frames[0][0] != 2 || frames[1][0] != 3 {
		t.Errorf("s1.ivf: %v, frames %v", h, frames)
	}
	h, frames = readIVF(t, filepath.Join(dir, "s1-2.ivf"))
	if h.Width != 320 || h.FrameCount != 1 || len(frames) != 1 || frames[0][0] != 4 {
		t.Errorf("s1-2.ivf: %v, frames %v", h, frames)
	}
}

// An output folder that cannot be written is an error at start.
func TestRecorderUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, nil, 0o644)
	if _, err := newRecorder(filepath.Join(file, "out"), slog.New(slog.DiscardHandler)); err == nil {
		t.Error("no error for an output folder under a file")
	}
}

// When the disk does not keep up, frame never waits: past the queue, frames
// are dropped and counted.
func TestRecorderNeverWaits(t *testing.T) {
	r := &recorder{log: slog.New(slog.DiscardHandler), queue: make(chan recording, 2), wake: make(chan struct{}, 1)}
	// No goroutine drains the queue: the disk is stuck.
	for i := range 10 {
		r.frame(recording{session: "s1", frame: []byte{byte(i)}})
	}
	r.end("s1")
	if got := r.dropped.Load(); got != 8 {
		t.Errorf("dropped %d frames, want 8", got)
	}
}

package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"nutsandbolts/final/ivf"
)

// The recorder writes every session's VP8 frames, as they come out of the
// assembler, to <out>/<session>.ivf: the IVF container that ffplay, VLC
// and vpxdec play. Disks are slow and sometimes full, and the UDP loop
// serves every browser, so the loop never writes: it hands each frame to
// the recorder's goroutine through a bounded queue and goes on. When the
// queue is full the frame is dropped and counted; the file then misses a
// frame, which a player shows as a glitch until the next keyframe.

// recorderQueue is how many frames may wait for the disk: a few seconds
// of one camera, a third of a second of a hundred (final). Frames vary in
// size (a keyframe can be megabytes), so the bytes waiting are bounded too.
const (
	recorderQueue      = 1024
	recorderQueueBytes = 64 << 20
)

// recording is one frame for the recorder's goroutine.
type recording struct {
	session  string
	frame    []byte // the frame, owned by the recorder from now on
	ts       uint32 // its RTP timestamp
	width    int    // the picture size of the last keyframe
	height   int
	resized  bool        // a keyframe whose size differs from the one before
	keyframe bool        // a file starts only at a keyframe
	refused  func(error) // told, once per session, when its video can no longer be written; may be nil
}

// recorder owns the files. Only its goroutine touches them.
type recorder struct {
	dir     string
	budget  *budget      // bytes the run may still write (disk.go); nil: no limit
	log     *slog.Logger // [ivf]
	queue   chan recording
	dropped atomic.Uint64 // frames dropped because the queue was full
	queued  atomic.Int64  // bytes of the frames in the queue
	wg      sync.WaitGroup

	mu    sync.Mutex
	ended []string      // sessions whose files are to be closed
	wake  chan struct{} // tells the goroutine that ended has grown
}

// newRecorder checks that frames can be written to dir, creating it if
// needed, so that a folder that cannot be written is an error at start
// rather than a surprise when the first frame arrives.
func newRecorder(dir string, log *slog.Logger) (*recorder, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	probe, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return nil, fmt.Errorf("output folder %s cannot be written: %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	r := &recorder{dir: dir, log: log, queue: make(chan recording, recorderQueue), wake: make(chan struct{}, 1)}
	r.wg.Add(1)
	go r.run()
	return r, nil
}

// frame queues one frame of a session without waiting. It reports whether
// the frame was queued.
func (r *recorder) frame(rec recording) bool {
	n := int64(len(rec.frame))
	if r.queued.Add(n) <= recorderQueueBytes {
		select {
		case r.queue <- rec:
			return true
		default:
		}
	}
	r.queued.Add(-n)
	mx.ivfDropped.Inc()
	if r.dropped.Add(1) == 1 {
		r.log.Warn("the disk is not keeping up: dropping frames (further drops are only counted)", "session", rec.session)
	}
	return false
}

// end closes a session's file once the frames queued before have been
// written. Like frame, it never waits.
func (r *recorder) end(session string) {
	r.mu.Lock()
	r.ended = append(r.ended, session)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default: // already woken
	}
}

// close writes what is queued, closes every file and stops.
func (r *recorder) close() {
	close(r.queue)
	r.wg.Wait()
	if n := r.dropped.Load(); n > 0 {
		r.log.Warn("frames dropped because the disk did not keep up", "frames", n)
	}
}

// file is one open IVF file.
type file struct {
	f        *os.File
	w        *ivf.Writer
	timeline ivf.RTPTimeline
	name     string
	parts    int // files this session has had (a new one per size change)
	frames   int
	stopped  bool // the budget refused a frame: nothing more is written for the session
}

// run is the recorder's goroutine.
func (r *recorder) run() {
	defer r.wg.Done()
	files := map[string]*file{}
	defer func() {
		for session, f := range files {
			r.finish(session, f)
		}
	}()
	for {
		select {
		case rec, ok := <-r.queue:
			if !ok {
				return
			}
			r.write(files, rec)
			r.queued.Add(-int64(len(rec.frame)))
		case <-r.wake:
			// The frames queued before a session ended come first.
			for n := len(r.queue); n > 0; n-- {
				rec, ok := <-r.queue
				if !ok {
					return
				}
				r.write(files, rec)
				r.queued.Add(-int64(len(rec.frame)))
			}
			r.mu.Lock()
			ended := r.ended
			r.ended = nil
			r.mu.Unlock()
			for _, session := range ended {
				if f := files[session]; f != nil {
					r.finish(session, f)
					delete(files, session)
				}
			}
		}
	}
}

// write appends one frame to its session's file, opening the file first.
func (r *recorder) write(files map[string]*file, rec recording) {
	f := files[rec.session]
	if f != nil && rec.resized && f.w != nil {
		// A new size: an IVF header has one size, so the stream goes on
		// in a new file.
		r.finish(rec.session, f)
	}
	if f == nil {
		f = &file{}
		files[rec.session] = f
	}
	if f.stopped {
		return
	}
	if r.budget != nil {
		if err := r.budget.take(len(rec.frame) + 12); err != nil { // the frame and its IVF header
			r.stop(rec, f, err)
			return
		}
	}
	if f.w == nil {
		if !rec.keyframe {
			return // a player needs a keyframe first
		}
		if err := r.open(rec, f); err != nil {
			r.log.Error("cannot write the session's video", "session", rec.session, "err", err.Error())
			return
		}
	}
	if err := f.w.WriteFrame(f.timeline.PTS(rec.ts), rec.frame); err != nil {
		// A full disk, a folder removed: the file so far stays readable
		// (its header is rewritten on close) and nothing more is tried
		// for this session.
		r.stop(rec, f, err)
		return
	}
	f.frames++
}

// stop ends a session's recording for good, keeping what was written, and
// tells the log and the page why.
func (r *recorder) stop(rec recording, f *file, err error) {
	f.stopped = true
	r.log.Error("no more video written for this session", "session", rec.session, "err", err.Error())
	r.finish(rec.session, f)
	if rec.refused != nil {
		rec.refused(err)
	}
}

// open starts a session's next IVF file, sized as its last keyframe.
func (r *recorder) open(rec recording, f *file) error {
	f.parts++
	f.name = filepath.Join(r.dir, rec.session+".ivf")
	if f.parts > 1 {
		f.name = filepath.Join(r.dir, fmt.Sprintf("%s-%d.ivf", rec.session, f.parts))
	}
	out, err := os.Create(f.name)
	if err != nil {
		return err
	}
	w, err := ivf.NewWriter(out, ivf.VP8Header(uint16(rec.width), uint16(rec.height)))
	if err != nil {
		out.Close()
		return err
	}
	f.f, f.w, f.timeline, f.frames = out, w, ivf.RTPTimeline{}, 0
	r.log.Info("writing the session's video", "session", rec.session, "file", f.name, "width", rec.width, "height", rec.height)
	return nil
}

// finish closes a file, writing its frame count into the header.
func (r *recorder) finish(session string, f *file) {
	if f.w == nil {
		return
	}
	err := f.w.Close()
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		r.log.Error("closing the session's video", "session", session, "file", f.name, "err", err.Error())
	} else {
		r.log.Info("video saved: play it with ffplay or vpxdec", "session", session, "file", f.name, "frames", f.frames)
	}
	f.w = nil
}

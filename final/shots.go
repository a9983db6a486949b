package main

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"nutsandbolts/final/vp8"
)

// The photographer turns keyframes into JPEG files, as the original
// project did with libvpx: decode the keyframe with our own VP8 decoder
// (package vp8, RFC 6386), convert its colours to JPEG's, encode it with
// image/jpeg and save it as <out>/shootN.jpg. A 640×480 keyframe costs a
// few milliseconds to decode and as many to encode, far too long for the
// UDP loop that serves every browser, so the loop only hands the keyframe
// to a worker through a bounded queue. When the queue is full the keyframe
// is skipped and counted: there will be another one.

// Many browsers at once (final): the queue is long enough for the bursts
// of keyframes that sessions starting together send, and bounded three
// ways, so that no session can take it from the others: in keyframes, in
// bytes (a keyframe may be megabytes), and per session (a session whose
// keyframes are still waiting has the next one skipped, not queued).
const (
	shotQueue      = 64       // keyframes waiting for a worker, at most
	shotQueueBytes = 32 << 20 // their bytes, at most
	shotPerSession = 2        // of one session, at most
)

// shot is one keyframe to save.
type shot struct {
	session string
	frame   []byte                                     // the VP8 keyframe, owned by the worker
	pending *atomic.Int32                              // the session's keyframes queued or being saved; nil: no limit
	saved   func(name string, width, height, size int) // told of the file, on the worker; may be nil
	refused func(error)                                // told when the file cannot be written; may be nil
}

// photographer owns the JPEG files.
type photographer struct {
	dir      string
	budget   *budget // bytes the run may still write (disk.go); nil: no limit
	quality  int
	max      int // files this run may write; past it, keyframes are not saved
	log      *slog.Logger
	queue    chan shot
	skipped  atomic.Uint64 // keyframes not saved because the queue was full
	queued   atomic.Int64  // bytes of the keyframes in the queue
	failures atomic.Uint64 // JPEGs not saved: the disk refused, or the budget
	wg       sync.WaitGroup

	mu      sync.Mutex
	next    int  // the number of the next file
	written int  // files written by this run
	full    bool // the cap was reached (logged once)
}

// shotName matches the files the photographer writes.
var shotName = regexp.MustCompile(`^shoot(\d+)\.jpg$`)

// newPhotographer starts workers that write JPEG files into dir. Numbering
// continues after the files already there: no file is ever overwritten.
func newPhotographer(dir string, quality, maxFiles, workers int, log *slog.Logger) (*photographer, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	p := &photographer{dir: dir, quality: quality, max: maxFiles, log: log, queue: make(chan shot, shotQueue), next: 1}
	for _, e := range entries {
		if m := shotName.FindStringSubmatch(e.Name()); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n >= p.next {
				p.next = n + 1
			}
		}
	}
	for range workers {
		p.wg.Add(1)
		go p.work()
	}
	return p, nil
}

// take queues a keyframe without waiting; false if it was skipped.
func (p *photographer) take(s shot) bool {
	if s.pending == nil || s.pending.Load() < shotPerSession {
		if p.queued.Add(int64(len(s.frame))) <= shotQueueBytes {
			if s.pending != nil {
				s.pending.Add(1)
			}
			select {
			case p.queue <- s:
				return true
			default:
			}
			p.done(s)
		} else {
			p.queued.Add(-int64(len(s.frame)))
		}
	}
	mx.jpegSkipped.Inc()
	if p.skipped.Add(1) == 1 {
		p.log.Warn("the JPEG workers are busy: skipping keyframes (further ones are only counted)", "session", s.session)
	}
	return false
}

// done gives back what a queued keyframe held: its bytes, its place
// among its session's.
func (p *photographer) done(s shot) {
	p.queued.Add(-int64(len(s.frame)))
	if s.pending != nil {
		s.pending.Add(-1)
	}
}

// close finishes the queued keyframes and stops the workers.
func (p *photographer) close() {
	close(p.queue)
	p.wg.Wait()
	if n := p.skipped.Load(); n > 0 {
		p.log.Info("keyframes not saved because the workers were busy", "keyframes", n)
	}
	if n := p.failures.Load(); n > 0 {
		p.log.Warn("JPEG files not saved: the disk or the cap refused them", "files", n)
	}
}

// work is one worker: its own decoder, reused from frame to frame.
func (p *photographer) work() {
	defer p.wg.Done()
	dec := vp8.NewDecoder()
	var full *image.YCbCr // the converted picture, reused
	for s := range p.queue {
		full = p.shoot(dec, full, s)
		p.done(s)
	}
}

// shoot decodes, converts, encodes and saves one keyframe; full is the
// worker's converted picture, reused.
func (p *photographer) shoot(dec *vp8.Decoder, full *image.YCbCr, s shot) *image.YCbCr {
	start := time.Now()
	img, err := dec.Decode(s.frame)
	if err != nil {
		p.log.Warn("keyframe not decoded", "session", s.session, "bytes", len(s.frame), "err", err.Error())
		return full
	}
	decoded := time.Since(start)
	mx.decode.ObserveDuration(decoded)
	full = fullRange(full, img)
	var buf bytes.Buffer
	start = time.Now()
	if err := jpeg.Encode(&buf, full, &jpeg.Options{Quality: p.quality}); err != nil {
		p.log.Error("JPEG encoding failed", "session", s.session, "err", err.Error())
		return full
	}
	encoded := time.Since(start)
	mx.encode.ObserveDuration(encoded)
	name, err := p.save(buf.Bytes())
	if err != nil {
		mx.jpegFailures.Inc()
		if p.failures.Add(1) == 1 {
			p.log.Error("cannot save the JPEG (further failures are only counted)", "session", s.session, "err", err.Error())
		}
		if s.refused != nil {
			s.refused(err)
		}
		return full
	}
	if name == "" {
		return full // the cap is reached
	}
	mx.jpegs.Inc()
	b := img.Bounds()
	p.log.Info("keyframe decoded and saved", "session", s.session, "bytes", len(s.frame),
		"width", b.Dx(), "height", b.Dy(), "decode", decoded.Round(10*time.Microsecond).String(),
		"encode", encoded.Round(10*time.Microsecond).String(), "file", name)
	if s.saved != nil {
		s.saved(filepath.Base(name), b.Dx(), b.Dy(), buf.Len())
	}
	return full
}

// save writes a JPEG under the next free number: to a temporary name
// first, then renamed, so that a crash never leaves half a file under a
// shootN.jpg name. It returns "" once the cap is reached.
func (p *photographer) save(data []byte) (string, error) {
	p.mu.Lock()
	if p.max > 0 && p.written >= p.max {
		if !p.full {
			p.full = true
			p.log.Warn("no more JPEG files: the cap for this run is reached", "max_jpegs", p.max)
		}
		p.mu.Unlock()
		return "", nil
	}
	if p.budget != nil {
		if err := p.budget.take(len(data)); err != nil {
			p.mu.Unlock()
			return "", err
		}
	}
	n := p.next
	p.next++
	p.written++
	p.mu.Unlock()
	tmp, err := os.CreateTemp(p.dir, ".shoot-*.tmp")
	if err != nil {
		return "", err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	name := filepath.Join(p.dir, fmt.Sprintf("shoot%d.jpg", n))
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return name, nil
}

// VP8 stores its samples as BT.601 "studio range" (RFC 6386 §9.2, color
// space 0): luma from 16 (black) to 235 (white), chroma from 16 to 240
// around 128. JFIF, the JPEG file format, uses the full range 0–255 for
// all three. Written as they are, the picture would look washed out: grey
// blacks and dim whites. So each sample goes through a table.
var lumaFull, chromaFull [256]uint8

func init() {
	for i := range 256 {
		lumaFull[i] = clamp255(roundDiv((i-16)*255, 219))          // 16 → 0, 235 → 255
		chromaFull[i] = clamp255(128 + roundDiv((i-128)*255, 224)) // 16 → 0, 128 → 128, 240 → 255
	}
}

// roundDiv divides rounding to the nearest integer, halves away from zero.
func roundDiv(a, b int) int {
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}

func clamp255(x int) uint8 {
	switch {
	case x < 0:
		return 0
	case x > 255:
		return 255
	}
	return uint8(x)
}

// fullRange converts a decoded picture to full range into dst (reused when
// its size fits).
func fullRange(dst, src *image.YCbCr) *image.YCbCr {
	r := src.Bounds()
	if dst == nil || dst.Bounds() != r {
		dst = image.NewYCbCr(r, src.SubsampleRatio)
	}
	for y := 0; y < r.Dy(); y++ {
		s := src.Y[y*src.YStride : y*src.YStride+r.Dx()]
		d := dst.Y[y*dst.YStride : y*dst.YStride+r.Dx()]
		for i, v := range s {
			d[i] = lumaFull[v]
		}
	}
	cw, ch := (r.Dx()+1)/2, (r.Dy()+1)/2
	for y := 0; y < ch; y++ {
		for i := 0; i < cw; i++ {
			dst.Cb[y*dst.CStride+i] = chromaFull[src.Cb[y*src.CStride+i]]
			dst.Cr[y*dst.CStride+i] = chromaFull[src.Cr[y*src.CStride+i]]
		}
	}
	return dst
}

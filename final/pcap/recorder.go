package pcap

// The Recorder puts a queue between the UDP loop and the disk. The loop
// serves every browser and must never wait: a disk can stall for
// hundreds of milliseconds (a full page cache, a slow USB stick, a
// network file system), and during that time packets would pile up in
// the socket's receive buffer and be lost, for every session at once.
// So the loop only copies the packet into a queue of fixed size and goes
// on; one goroutine takes packets off the queue and writes them. When
// the disk cannot keep up the queue fills, and further packets are
// dropped from the capture and counted, never from the session.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// recorderBuffer is the bufio.Writer in front of the file: some
	// fifty 1200-byte packets per write call.
	recorderBuffer = 64 << 10
	// flushEvery bounds how long a written packet may sit in the buffer,
	// so that a capture of a quiet session, or of a server that is
	// killed, is complete up to the last second.
	flushEvery = time.Second
	// slotSize is the capacity of a recycled payload buffer: a packet
	// that fits a 1500-byte MTU, with room to spare.
	slotSize = 2048
)

// queued is one packet waiting for the disk.
type queued struct {
	t        time.Time
	src, dst netip.AddrPort
	payload  []byte // a copy, owned by the Recorder
}

// Recorder writes packets to a capture file from its own goroutine. Write
// is safe for concurrent use and never blocks; Close waits for the queue
// to be written.
type Recorder struct {
	path    string
	log     func(msg string, args ...any)
	queue   chan queued
	free    chan []byte // payload buffers to reuse, so that Write does not allocate
	done    chan struct{}
	closed  atomic.Bool
	dropped atomic.Uint64 // packets not written: queue full, after Close, or after a write error
	written atomic.Uint64 // packets handed to the file
	wg      sync.WaitGroup
	err     error // the first write, flush or close error; read after wg.Wait
	file    io.WriteCloser
	bw      *bufio.Writer
	w       *Writer
}

// NewRecorder creates (or truncates) the file at path, writes the global
// header and starts the goroutine. queue is how many packets may wait for
// the disk (at least 1; a second of one camera is a few hundred); the
// Recorder keeps up to twice that many 2 KiB buffers, queued or ready for
// reuse. log,
// which may be nil, is called from the Recorder's goroutine, never from
// Write: to report drops and a failing disk, as slog.Logger.Warn would be.
func NewRecorder(path string, queue int, log func(msg string, args ...any)) (*Recorder, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("pcap: %w", err)
	}
	r, err := newRecorder(f, path, queue, log)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// newRecorder is NewRecorder on any destination; the tests give it one
// that blocks.
func newRecorder(f io.WriteCloser, path string, queue int, log func(msg string, args ...any)) (*Recorder, error) {
	if queue < 1 {
		queue = 1
	}
	if log == nil {
		log = func(string, ...any) {}
	}
	bw := bufio.NewWriterSize(f, recorderBuffer)
	w, err := NewWriter(bw)
	if err == nil {
		err = bw.Flush() // a file that cannot be written fails here, not later
	}
	if err != nil {
		return nil, fmt.Errorf("pcap: %s: %w", path, err)
	}
	r := &Recorder{
		path:  path,
		log:   log,
		queue: make(chan queued, queue),
		free:  make(chan []byte, queue),
		done:  make(chan struct{}),
		file:  f,
		bw:    bw,
		w:     w,
	}
	r.wg.Add(1)
	go r.run()
	return r, nil
}

// Write queues a copy of payload, from src to dst at t, and returns
// without waiting. It reports false, and counts the packet as dropped,
// when the queue is full or the Recorder is closed. A packet queued by a
// Write that runs concurrently with Close may be neither written nor
// counted: stop writing before closing.
func (r *Recorder) Write(t time.Time, src, dst netip.AddrPort, payload []byte) bool {
	// When the disk is behind, the queue stays full: do not copy a packet
	// only to drop it. (The length may change right after; the send below
	// decides.)
	if r.closed.Load() || len(r.queue) == cap(r.queue) {
		r.dropped.Add(1)
		return false
	}
	var buf []byte
	select {
	case buf = <-r.free:
	default:
		buf = make([]byte, 0, max(slotSize, len(payload)))
	}
	q := queued{t: t, src: src, dst: dst, payload: append(buf[:0], payload...)}
	select {
	case r.queue <- q:
		return true
	default:
		r.dropped.Add(1)
		r.recycle(q.payload)
		return false
	}
}

// recycle returns a payload buffer to the free list, if there is room and
// it is of the usual size (an occasional huge one is left to the GC).
func (r *Recorder) recycle(b []byte) {
	if cap(b) != slotSize {
		return
	}
	select {
	case r.free <- b:
	default:
	}
}

// Dropped is the number of packets that were not written: the queue was
// full, the Recorder was closed, or the file had failed.
func (r *Recorder) Dropped() uint64 { return r.dropped.Load() }

// Written is the number of packets handed to the file's buffer. They
// reach the file at the next flush (at most a second later) or at Close;
// if the file fails in between, Close says so.
func (r *Recorder) Written() uint64 { return r.written.Load() }

// Path is the file's path.
func (r *Recorder) Path() string { return r.path }

// Close stops taking packets, writes those still queued, flushes and
// closes the file. It returns the first error the file gave, if any.
// Calling it again returns the same error.
func (r *Recorder) Close() error {
	if r.closed.CompareAndSwap(false, true) {
		close(r.done)
	}
	r.wg.Wait()
	return r.err
}

// run is the Recorder's goroutine: the only one that touches the file.
func (r *Recorder) run() {
	defer r.wg.Done()
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	dirty := false      // packets written since the last flush
	var reported uint64 // drops already logged
	for {
		select {
		case q := <-r.queue:
			r.write(q)
			dirty = true
		case <-tick.C:
			if dirty {
				r.flush()
				dirty = false
			}
			reported = r.reportDrops(reported)
		case <-r.done:
			r.drain()
			r.flush()
			if err := r.file.Close(); err != nil {
				r.fail(err)
			}
			r.reportDrops(reported)
			return
		}
	}
}

// drain writes the packets still queued when Close was called.
func (r *Recorder) drain() {
	for {
		select {
		case q := <-r.queue:
			r.write(q)
		default:
			return
		}
	}
}

// write writes one packet, unless the file has failed.
func (r *Recorder) write(q queued) {
	defer r.recycle(q.payload)
	if r.err != nil {
		r.dropped.Add(1)
		return
	}
	err := r.w.WritePacket(q.t, q.src, q.dst, q.payload)
	if errors.Is(err, ErrAddress) || errors.Is(err, ErrTooLarge) {
		// This packet cannot be written; the file is fine.
		r.dropped.Add(1)
		return
	}
	if err != nil {
		r.fail(err)
		r.dropped.Add(1)
		return
	}
	r.written.Add(1)
}

func (r *Recorder) flush() {
	if r.err == nil {
		if err := r.bw.Flush(); err != nil {
			r.fail(err)
		}
	}
}

// fail remembers the first error. The Recorder goes on taking packets off
// the queue, and counts them as dropped, so that Write keeps returning at
// once and the count says how much the capture misses.
func (r *Recorder) fail(err error) {
	if r.err == nil {
		r.err = fmt.Errorf("pcap: %s: %w", r.path, err)
		r.log("capture file failed; further packets are dropped", "path", r.path, "err", err)
	}
}

// reportDrops logs the drops since the last report, at most once per
// tick, and returns the new total.
func (r *Recorder) reportDrops(reported uint64) uint64 {
	n := r.dropped.Load()
	if n > reported {
		r.log("capture dropped packets (queue full or file failed)", "path", r.path, "dropped", n-reported, "total", n)
	}
	return n
}

package pcap

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestRecorderFile: what the Recorder writes is what a Writer writes.
func TestRecorderFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "r.pcap")
	r, err := NewRecorder(file, 64, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	w, _ := NewWriter(&want)
	pkts := append(capturePackets(t, browser4, server4), capturePackets(t, browser6, server6)...)
	for _, p := range pkts {
		payload := append([]byte{}, p.payload...)
		if !r.Write(p.t, p.src, p.dst, payload) {
			t.Fatal("dropped")
		}
		clear(payload) // Write copied it
		w.WritePacket(p.t, p.src, p.dst, p.payload)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("the Recorder's file (%d bytes) differs from the Writer's (%d)", len(got), want.Len())
	}
	if r.Written() != uint64(len(pkts)) || r.Dropped() != 0 {
		t.Errorf("written %d, dropped %d; want %d, 0", r.Written(), r.Dropped(), len(pkts))
	}
	// After Close: dropped, counted, no panic; Close again is harmless.
	if r.Write(start, browser4, server4, []byte{1}) {
		t.Error("Write after Close queued a packet")
	}
	if r.Dropped() != 1 {
		t.Errorf("dropped %d after a Write after Close, want 1", r.Dropped())
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRecorderBadPath(t *testing.T) {
	if _, err := NewRecorder(filepath.Join(t.TempDir(), "no", "such", "dir.pcap"), 1, nil); err == nil {
		t.Error("no error for a file that cannot be created")
	}
}

// testLog adapts t.Log to the Recorder's log function, which takes
// slog-style key-value pairs.
func testLog(t *testing.T) func(string, ...any) {
	return func(msg string, args ...any) { t.Log(append([]any{msg}, args...)...) }
}

// stuckFile is a destination whose writes wait until release is closed.
// entered receives once per write that starts waiting.
type stuckFile struct {
	entered chan struct{}
	release chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
	err     error
}

func newStuckFile() *stuckFile {
	return &stuckFile{entered: make(chan struct{}, 100), release: make(chan struct{})}
}

func (f *stuckFile) Write(b []byte) (int, error) {
	f.entered <- struct{}{}
	<-f.release
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return 0, f.err
	}
	return f.buf.Write(b)
}

func (f *stuckFile) Close() error { return nil }

// TestRecorderFullQueue: with the disk stuck, Write returns at once,
// queues as many packets as the queue holds and drops and counts the
// rest; when the disk comes back, Close writes the queued ones.
func TestRecorderFullQueue(t *testing.T) {
	const queue = 8
	f := newStuckFile()
	go func() { <-f.entered; f.release <- struct{}{} }() // let the global header through
	r, err := newRecorder(f, "stuck", queue, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	// Two packets that do not fit the bufio.Writer's buffer together: the
	// second makes it write the first to the file, where the goroutine is
	// stuck once entered fires.
	big := make([]byte, recorderBuffer*7/8)
	for range 2 {
		if !r.Write(start, browser4, server4, big) {
			t.Fatal("big packet dropped")
		}
	}
	select {
	case <-f.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the Recorder's goroutine never wrote")
	}

	// The goroutine is stuck and the queue is empty. None of these calls
	// may wait: they run in a goroutine that must finish long before the
	// deadline.
	const extra = 100
	results := make(chan []bool, 1)
	go func() {
		var ok []bool
		for i := 0; i < queue+extra; i++ {
			ok = append(ok, r.Write(start, browser4, server4, []byte{byte(i)}))
		}
		results <- ok
	}()
	var ok []bool
	select {
	case ok = <-results:
	case <-time.After(10 * time.Second):
		t.Fatal("Write blocked while the disk was stuck")
	}
	for i, queued := range ok {
		if queued != (i < queue) {
			t.Errorf("Write %d returned %v; want the first %d queued, the rest dropped", i, queued, queue)
		}
	}
	if got := r.Dropped(); got != extra {
		t.Errorf("Dropped() = %d, want %d", got, extra)
	}

	close(f.release)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := r.Written(), uint64(2+queue); got != want {
		t.Errorf("Written() = %d, want %d", got, want)
	}
	recs := readFile(t, f.buf.Bytes())
	if len(recs) != 2+queue {
		t.Fatalf("%d records in the file, want %d", len(recs), 2+queue)
	}
	for i, rec := range recs[2:] {
		if p := rec.data[28:]; len(p) != 1 || p[0] != byte(i) {
			t.Errorf("record %d: payload % x, want %02x", i+3, p, i)
		}
	}
}

// TestRecorderFailingDisk: after a write error the Recorder keeps taking
// packets (Write never blocks), counts them as dropped and Close reports
// the error.
func TestRecorderFailingDisk(t *testing.T) {
	f := newStuckFile()
	close(f.release)
	r, err := newRecorder(f, "failing", 4, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.err = errors.New("no space left on device")
	f.mu.Unlock()
	// The first packet goes to the buffer (and counts as written); the
	// second does not fit with it, the buffer is written and fails.
	big := make([]byte, recorderBuffer*7/8)
	r.Write(start, browser4, server4, big)
	r.Write(start, browser4, server4, big)
	for i := 0; i < 1000; i++ {
		r.Write(start, browser4, server4, []byte{1, 2, 3})
	}
	if err := r.Close(); err == nil {
		t.Error("Close: no error after the disk failed")
	}
	if r.Written() != 1 || r.Dropped() != 1001 {
		t.Errorf("written %d, dropped %d; want 1, 1001", r.Written(), r.Dropped())
	}
}

// TestRecorderConcurrent: several goroutines write while the Recorder
// runs; every packet is either written or counted. Run with -race.
func TestRecorderConcurrent(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.pcap")
	r, err := NewRecorder(file, 32, nil)
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 4, 500
	var wg sync.WaitGroup
	payload := make([]byte, 1200)
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r.Write(time.Now(), browser4, server4, payload)
			}
		}()
	}
	wg.Wait()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if got := r.Written() + r.Dropped(); got != writers*each {
		t.Errorf("written %d + dropped %d = %d, want %d", r.Written(), r.Dropped(), got, writers*each)
	}
	b, _ := os.ReadFile(file)
	if n := len(readFile(t, b)); uint64(n) != r.Written() {
		t.Errorf("%d records in the file, Written() = %d", n, r.Written())
	}
}

// TestRecorderWriteAllocs: once its buffers circulate, Write does not
// allocate, so the loop produces no garbage for the capture.
func TestRecorderWriteAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	r, err := newRecorder(nopCloser{discard{}}, "discard", 64, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	payload := make([]byte, 1200)
	for i := 0; i < 1000; i++ {
		r.Write(start, browser4, server4, payload)
	}
	if n := testing.AllocsPerRun(1000, func() { r.Write(start, browser4, server4, payload) }); n != 0 {
		t.Errorf("Write allocates %v times per call", n)
	}
}

type nopCloser struct{ discard }

func (nopCloser) Close() error { return nil }

// BenchmarkRecorderWriteOverloaded measures Write when packets come
// faster than the goroutine writes them, as in a flood: the queue is
// nearly always full, and almost every Write drops.
func BenchmarkRecorderWriteOverloaded(b *testing.B) {
	r, err := newRecorder(nopCloser{discard{}}, "discard", 256, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	payload := make([]byte, 1200)
	t := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		r.Write(t, browser4, server4, payload)
	}
	b.ReportMetric(float64(r.Dropped())/float64(b.N), "dropped/op")
}

// BenchmarkRecorderWriteQueued measures Write when the queue has room:
// a copy into a recycled buffer and a channel send. Every 128 packets it
// waits, off the clock, for the goroutine to empty the queue.
func BenchmarkRecorderWriteQueued(b *testing.B) {
	r, err := newRecorder(nopCloser{discard{}}, "discard", 256, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	payload := make([]byte, 1200)
	t := time.Now()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if i%128 == 0 {
			b.StopTimer()
			for len(r.queue) > 0 {
				time.Sleep(10 * time.Microsecond)
			}
			b.StartTimer()
		}
		r.Write(t, browser4, server4, payload)
	}
	b.ReportMetric(float64(r.Dropped())/float64(b.N), "dropped/op")
}

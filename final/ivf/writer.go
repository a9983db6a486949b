package ivf

// Writing an IVF file: the header once, then a frame header and the frame
// for each frame, and at the end the frame count back in the header.

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// bufferSize is the Writer's buffer: a few interframes, so that a stream
// of small frames costs one write call now and then. Larger frames go
// straight through.
const bufferSize = 64 << 10

// Writer writes an IVF file. It buffers what it writes; Flush pushes it
// out and Close finishes the file. It is not safe for concurrent use.
type Writer struct {
	w      io.Writer     // the destination
	bw     *bufio.Writer // in front of w
	seeker io.Seeker     // w, if it can seek: the frame count is patched
	start  int64         // the offset of the header in w, if it can seek
	frames uint32        // frames written
	hdr    [FrameHeaderLen]byte
	err    error // the first error; every later call returns it
}

// NewWriter writes the file header h to w and returns a Writer for the
// frames. h.FrameCount is written as given (0 when unknown); if w is an
// io.WriteSeeker, such as an *os.File, Close overwrites it with the
// number of frames written.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	iw := &Writer{w: w, bw: bufio.NewWriterSize(w, bufferSize)}
	if s, ok := w.(io.WriteSeeker); ok {
		if off, err := s.Seek(0, io.SeekCurrent); err == nil {
			iw.seeker, iw.start = s, off
		}
	}
	if _, err := iw.bw.Write(h.Marshal()); err != nil {
		return nil, fmt.Errorf("ivf: writing the file header: %w", err)
	}
	return iw, nil
}

// WriteFrame appends one frame with its timestamp in time base units.
// The data is copied or written before WriteFrame returns.
func (w *Writer) WriteFrame(timestamp uint64, data []byte) error {
	if w.err != nil {
		return w.err
	}
	if uint64(len(data)) > math.MaxUint32 {
		return fmt.Errorf("ivf: frame of %d bytes does not fit the 32-bit size field", len(data))
	}
	if w.frames == math.MaxUint32 {
		return errors.New("ivf: 2^32-1 frames written, the count is full")
	}
	binary.LittleEndian.PutUint32(w.hdr[0:], uint32(len(data)))
	binary.LittleEndian.PutUint64(w.hdr[4:], timestamp)
	if _, err := w.bw.Write(w.hdr[:]); err != nil {
		return w.fail(err)
	}
	if _, err := w.bw.Write(data); err != nil {
		return w.fail(err)
	}
	w.frames++
	return nil
}

// Frames returns the number of frames written.
func (w *Writer) Frames() uint32 { return w.frames }

// Flush writes out what the Writer has buffered.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		return w.fail(err)
	}
	return nil
}

// Close flushes the Writer and, if the destination can seek, writes the
// frame count into the header and moves back to the end. It does not
// close the destination. Every call after the first returns the first
// one's result, and WriteFrame fails after it.
func (w *Writer) Close() error {
	if w.err != nil {
		if errors.Is(w.err, errClosed) {
			return nil
		}
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		return w.fail(err)
	}
	if w.seeker != nil {
		var n [4]byte
		binary.LittleEndian.PutUint32(n[:], w.frames)
		if _, err := w.seeker.Seek(w.start+24, io.SeekStart); err != nil {
			return w.fail(err)
		}
		if _, err := w.w.Write(n[:]); err != nil {
			return w.fail(err)
		}
		if _, err := w.seeker.Seek(0, io.SeekEnd); err != nil {
			return w.fail(err)
		}
	}
	w.err = errClosed
	return nil
}

var errClosed = errors.New("ivf: writer closed")

func (w *Writer) fail(err error) error {
	w.err = fmt.Errorf("ivf: %w", err)
	return w.err
}

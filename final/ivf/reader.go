package ivf

// Reading an IVF file: the header, then one frame at a time.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// MaxFrameSize is the largest frame the Reader accepts: a corrupt size
// field must not make it allocate gigabytes.
const MaxFrameSize = 256 << 20

// readChunk is how much the Reader reads at a time into a frame larger
// than its buffer, so that a size field larger than the rest of the file
// costs only what the file really holds.
const readChunk = 1 << 20

// Reader reads the frames of an IVF file. It is not safe for concurrent
// use.
type Reader struct {
	r      io.Reader
	hdr    [FrameHeaderLen]byte
	buf    []byte // the last frame; reused
	frames int    // frames read
}

// NewReader reads the file header from r and returns a Reader for the
// frames. The header's FourCC is not checked: the caller looks at it.
func NewReader(r io.Reader) (*Reader, Header, error) {
	var h Header
	b := make([]byte, HeaderLen)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, h, fmt.Errorf("ivf: reading the file header: %w", noEOF(err))
	}
	n, err := h.Unmarshal(b)
	if err != nil {
		return nil, h, err
	}
	if n > HeaderLen { // fields this reader does not know
		if _, err := io.CopyN(io.Discard, r, int64(n-HeaderLen)); err != nil {
			return nil, h, fmt.Errorf("ivf: reading the file header: %w", noEOF(err))
		}
	}
	return &Reader{r: r}, h, nil
}

// Next returns the next frame. Its Data is valid until the next call to
// Next; copy it to keep it. At the end of the file Next returns io.EOF;
// a file that ends inside a frame or its header is io.ErrUnexpectedEOF.
func (r *Reader) Next() (Frame, error) {
	if _, err := io.ReadFull(r.r, r.hdr[:]); err != nil {
		if err == io.EOF {
			return Frame{}, io.EOF
		}
		return Frame{}, fmt.Errorf("ivf: frame %d header: %w", r.frames+1, err)
	}
	size := int64(binary.LittleEndian.Uint32(r.hdr[0:]))
	ts := binary.LittleEndian.Uint64(r.hdr[4:])
	if size > MaxFrameSize {
		return Frame{}, fmt.Errorf("ivf: frame %d of %d bytes, more than %d", r.frames+1, size, MaxFrameSize)
	}
	r.buf = r.buf[:0]
	for int64(len(r.buf)) < size {
		n := min(size-int64(len(r.buf)), readChunk)
		start := len(r.buf)
		r.buf = append(r.buf, make([]byte, n)...)
		if _, err := io.ReadFull(r.r, r.buf[start:]); err != nil {
			return Frame{}, fmt.Errorf("ivf: frame %d of %d bytes: %w", r.frames+1, size, noEOF(err))
		}
	}
	r.frames++
	return Frame{Timestamp: ts, Data: r.buf}, nil
}

// noEOF turns io.EOF into io.ErrUnexpectedEOF: the file ended where it
// must not.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

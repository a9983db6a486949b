// Package ivf reads and writes IVF, the simple container that libvpx's
// vpxenc and vpxdec use for VP8 (and VP9, AV1) streams, and that ffmpeg,
// ffplay and VLC play.
//
// IVF has no RFC; its definition is libvpx's reader and writer (ivfdec.c,
// ivfenc.c). A file is a 32-byte header and then the frames, each behind
// a 12-byte frame header. Every number is little-endian:
//
//	file header (32 bytes)
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    signature "DKIF"                           |  0
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|         version (0)           |     header length (32)        |  4
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    codec FourCC "VP80"                        |  8
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|         width (pixels)        |        height (pixels)        | 12
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|          time base denominator ("rate", e.g. 90000)           | 16
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|          time base numerator ("scale", e.g. 1)                | 20
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    number of frames                           | 24
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    unused (0)                                 | 28
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//	frame header (12 bytes), then the frame
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    frame size (bytes)                         |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    timestamp (64 bits,                        |
//	+                    in time base units)                        +
//	|                                                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    frame (frame size bytes)                   |
//	:                                                               :
//
// A timestamp counts time base units: with the time base 1/90000 that
// RTP video uses (RFC 3550 §5.1, RFC 7741 §4.1), an RTP timestamp
// difference can be written as it is. The conformance vectors in
// shared/vp8-test-vectors use 1000/30000 (a frame rate of 30) and number
// their frames 0, 1, 2...
//
// The frame count is known only at the end. The Writer patches it in
// Close when it writes to a file (an io.WriteSeeker); otherwise it stays
// at what the header said, normally 0, which players accept: they read
// frames until the end of the file.
//
// Files, in reading order:
//
//	ivf.go     the file header and frame header
//	writer.go  writing a file
//	reader.go  reading one back
//	rtp.go     timestamps from RTP
package ivf

import (
	"encoding/binary"
	"fmt"
)

// Lengths of the headers.
const (
	HeaderLen      = 32 // file header
	FrameHeaderLen = 12 // before each frame
)

// Signature begins every IVF file.
const Signature = "DKIF"

// FourCCVP8 names the VP8 codec in the header.
var FourCCVP8 = [4]byte{'V', 'P', '8', '0'}

// RTPVideoRate is the time base denominator for timestamps taken from
// RTP video: its 90 kHz clock (RFC 3550 §5.1, RFC 7741 §4.1).
const RTPVideoRate = 90000

// Header is the IVF file header.
type Header struct {
	// Version is 0; the Reader accepts others, as ffmpeg does.
	Version uint16
	// FourCC names the codec: FourCCVP8 for VP8.
	FourCC [4]byte
	// Width and Height are the picture size in pixels. A stream may
	// change size at a keyframe; the header keeps the first.
	Width, Height uint16
	// TimebaseDenominator and TimebaseNumerator are the unit of the
	// frame timestamps, Numerator/Denominator seconds: 1/90000 for RTP
	// video. libvpx calls them "rate" and "scale": Denominator is the
	// frame rate when every timestamp is a frame number.
	TimebaseDenominator, TimebaseNumerator uint32
	// FrameCount is the number of frames, or 0 when unknown.
	FrameCount uint32
}

// VP8Header returns the header for a VP8 stream received over RTP:
// timestamps in 90 kHz units.
func VP8Header(width, height uint16) Header {
	return Header{FourCC: FourCCVP8, Width: width, Height: height, TimebaseDenominator: RTPVideoRate, TimebaseNumerator: 1}
}

// Marshal returns the 32-byte wire form of h.
func (h Header) Marshal() []byte {
	b := make([]byte, HeaderLen)
	copy(b, Signature)
	binary.LittleEndian.PutUint16(b[4:], h.Version)
	binary.LittleEndian.PutUint16(b[6:], HeaderLen)
	copy(b[8:12], h.FourCC[:])
	binary.LittleEndian.PutUint16(b[12:], h.Width)
	binary.LittleEndian.PutUint16(b[14:], h.Height)
	binary.LittleEndian.PutUint32(b[16:], h.TimebaseDenominator)
	binary.LittleEndian.PutUint32(b[20:], h.TimebaseNumerator)
	binary.LittleEndian.PutUint32(b[24:], h.FrameCount)
	return b // bytes 28-31 unused, 0
}

// Unmarshal decodes a file header from b, which holds at least its
// first 32 bytes, and returns the header length the file declares (32,
// or more when a later writer added fields).
func (h *Header) Unmarshal(b []byte) (headerLen int, err error) {
	if len(b) < HeaderLen {
		return 0, fmt.Errorf("ivf: file header of %d bytes, want %d", len(b), HeaderLen)
	}
	if string(b[:4]) != Signature {
		return 0, fmt.Errorf("ivf: signature %q, want %q", b[:4], Signature)
	}
	headerLen = int(binary.LittleEndian.Uint16(b[6:]))
	if headerLen < HeaderLen {
		return 0, fmt.Errorf("ivf: header length %d, want at least %d", headerLen, HeaderLen)
	}
	*h = Header{
		Version:             binary.LittleEndian.Uint16(b[4:]),
		FourCC:              [4]byte(b[8:12]),
		Width:               binary.LittleEndian.Uint16(b[12:]),
		Height:              binary.LittleEndian.Uint16(b[14:]),
		TimebaseDenominator: binary.LittleEndian.Uint32(b[16:]),
		TimebaseNumerator:   binary.LittleEndian.Uint32(b[20:]),
		FrameCount:          binary.LittleEndian.Uint32(b[24:]),
	}
	return headerLen, nil
}

// String describes h: "VP80 640x480, time base 1/90000, frame count 1".
func (h Header) String() string {
	return fmt.Sprintf("%s %dx%d, time base %d/%d, frame count %d",
		h.FourCC[:], h.Width, h.Height, h.TimebaseNumerator, h.TimebaseDenominator, h.FrameCount)
}

// Frame is one frame of an IVF file.
type Frame struct {
	// Timestamp is the presentation time in time base units.
	Timestamp uint64
	// Data is the frame.
	Data []byte
}

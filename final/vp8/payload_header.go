package vp8

// The payload header: the first bytes of every VP8 frame, RFC 7741 §4.3
// and RFC 6386 §9.1 ("uncompressed data chunk"), §19.1.
//
// A VP8 frame begins with a 3-byte frame tag that is not entropy-coded,
// so a receiver can read it without a decoder. RFC 7741 calls it the
// payload header and draws it as it lies in memory, most significant bit
// first:
//
//	 0 1 2 3 4 5 6 7
//	+-+-+-+-+-+-+-+-+
//	|Size0|H| VER |P|
//	+-+-+-+-+-+-+-+-+
//	|     Size1     |
//	+-+-+-+-+-+-+-+-+
//	|     Size2     |
//	+-+-+-+-+-+-+-+-+
//	| Octets 4..N of|
//	| VP8 payload   |
//	:               :
//	(RFC 7741 Figure 3)
//
// RFC 6386 §19.1 reads the same three bytes as one little-endian 24-bit
// number, least significant bit first:
//
//	tmp = (c[2] << 16) | (c[1] << 8) | c[0];
//	key_frame = tmp & 0x1;                    P: 0 for a keyframe (inverted)
//	version = (tmp >> 1) & 0x7;               VER: profile 0-3
//	show_frame = (tmp >> 4) & 0x1;            H: 0 for a frame not shown
//	first_part_size = (tmp >> 5) & 0x7FFFF;   Size0 + 8*Size1 + 2048*Size2
//
// The "key_frame" bit is 0 for a keyframe, hence RFC 7741's name "inverse
// key frame flag". A keyframe's tag is followed by 7 more bytes (RFC 6386
// §9.1), a start code and the picture size, little-endian too:
//
//	Start code byte 0     0x9d
//	Start code byte 1     0x01
//	Start code byte 2     0x2a
//	16 bits      :     (2 bits Horizontal Scale << 14) | Width (14 bits)
//	16 bits      :     (2 bits Vertical Scale << 14) | Height (14 bits)
//
// Chromium's first keyframe starts 90 9a 00 9d 01 2a 80 02 e0 01:
// tmp = 0x009a90, so P=0 (keyframe), version 0, show_frame 1, first
// partition 0x9a90>>5 = 1236 bytes; then the start code; 0x0280 = 640
// wide and 0x01e0 = 480 high, no scaling.
//
// RFC 7741 counts the 7 keyframe bytes as ordinary payload, so in theory
// they need not be in the frame's first packet; the Assembler therefore
// reads this header from the reassembled frame, not from a packet.

import (
	"encoding/binary"
	"fmt"
)

// The lengths of the payload header (RFC 6386 §9.1).
const (
	FrameTagLen          = 3  // every frame
	KeyframeHeaderLen    = 10 // keyframes: tag, start code, width, height
	maxFirstPartitionLen = 1<<19 - 1
	maxDimension         = 1<<14 - 1
)

// startCode marks a keyframe's dimensions (RFC 6386 §9.1).
var startCode = [3]byte{0x9d, 0x01, 0x2a}

// PayloadHeader is the start of a VP8 frame: the frame tag and, for
// keyframes, the picture size (RFC 7741 §4.3, RFC 6386 §9.1).
type PayloadHeader struct {
	// Keyframe is true when the tag's P bit (RFC 6386's key_frame) is 0:
	// the frame is decodable on its own.
	Keyframe bool
	// Version is the profile, 0-3 (RFC 6386 §9.1): which reconstruction
	// and loop filters the decoder uses. Browsers send 0.
	Version uint8
	// ShowFrame is false for a frame that is decoded but not displayed
	// (the H bit, RFC 6386's show_frame), such as an alternate reference
	// frame.
	ShowFrame bool
	// FirstPartitionSize is the length of the first partition (modes and
	// motion vectors) in bytes, not counting this header: 19 bits.
	FirstPartitionSize int

	// Width and Height are the picture size in pixels, 14 bits each;
	// keyframes only, zero for interframes.
	Width, Height int
	// HorizontalScale and VerticalScale are the 2-bit upscaling codes for
	// display (0: none, 1: 5/4, 2: 5/3, 3: 2); keyframes only.
	HorizontalScale, VerticalScale uint8
}

// Unmarshal decodes the payload header at the start of frame and returns
// its length: 3 for an interframe, 10 for a keyframe. It fails, leaving
// h zero, with ErrPayloadHeader when frame is too short for the header
// its tag announces, ErrStartCode when a keyframe lacks the start code,
// and ErrZeroSize when a keyframe has a zero width or height. It does not compare
// FirstPartitionSize with the frame's length, because frame may be only
// the first packet's payload; the Assembler does that for whole frames.
func (h *PayloadHeader) Unmarshal(frame []byte) (n int, err error) {
	*h = PayloadHeader{}
	if len(frame) < FrameTagLen {
		return 0, ErrPayloadHeader
	}
	tag := uint32(frame[0]) | uint32(frame[1])<<8 | uint32(frame[2])<<16
	keyframe := tag&1 == 0
	if !keyframe {
		h.Version = uint8(tag >> 1 & 7)
		h.ShowFrame = tag>>4&1 != 0
		h.FirstPartitionSize = int(tag >> 5)
		return FrameTagLen, nil
	}
	if len(frame) < KeyframeHeaderLen {
		return 0, ErrPayloadHeader
	}
	if [3]byte(frame[3:6]) != startCode {
		return 0, ErrStartCode
	}
	w := binary.LittleEndian.Uint16(frame[6:8])
	v := binary.LittleEndian.Uint16(frame[8:10])
	if w&maxDimension == 0 || v&maxDimension == 0 {
		return 0, ErrZeroSize // no picture to decode
	}
	h.Keyframe = true
	h.Version = uint8(tag >> 1 & 7)
	h.ShowFrame = tag>>4&1 != 0
	h.FirstPartitionSize = int(tag >> 5)
	h.Width, h.HorizontalScale = int(w&maxDimension), uint8(w>>14)
	h.Height, h.VerticalScale = int(v&maxDimension), uint8(v>>14)
	return KeyframeHeaderLen, nil
}

// Len is the length of the header Marshal writes: 10 for a keyframe, 3
// otherwise.
func (h *PayloadHeader) Len() int {
	if h.Keyframe {
		return KeyframeHeaderLen
	}
	return FrameTagLen
}

// Marshal returns the wire form of h.
func (h *PayloadHeader) Marshal() ([]byte, error) {
	return h.AppendTo(make([]byte, 0, h.Len()))
}

// AppendTo appends the wire form of h to b. Values too large for their
// bits are an error, and so are dimensions on an interframe, whose
// header has no room for them. On error b is returned unchanged.
func (h *PayloadHeader) AppendTo(b []byte) ([]byte, error) {
	switch {
	case h.Version > 7:
		return b, fmt.Errorf("vp8: payload header: version %d does not fit in 3 bits", h.Version)
	case h.FirstPartitionSize < 0 || h.FirstPartitionSize > maxFirstPartitionLen:
		return b, fmt.Errorf("vp8: payload header: first partition size %d does not fit in 19 bits", h.FirstPartitionSize)
	case !h.Keyframe && (h.Width != 0 || h.Height != 0 || h.HorizontalScale != 0 || h.VerticalScale != 0):
		return b, fmt.Errorf("vp8: payload header: an interframe carries no dimensions")
	case h.Keyframe && (h.Width < 1 || h.Width > maxDimension || h.Height < 1 || h.Height > maxDimension):
		return b, fmt.Errorf("vp8: payload header: %dx%d is not within 1..16383", h.Width, h.Height)
	case h.HorizontalScale > 3 || h.VerticalScale > 3:
		return b, fmt.Errorf("vp8: payload header: scale %d/%d does not fit in 2 bits", h.HorizontalScale, h.VerticalScale)
	}
	tag := uint32(h.FirstPartitionSize)<<5 | uint32(h.Version)<<1
	if h.ShowFrame {
		tag |= 1 << 4
	}
	if !h.Keyframe {
		tag |= 1 // P: interframe
	}
	b = append(b, byte(tag), byte(tag>>8), byte(tag>>16))
	if !h.Keyframe {
		return b, nil
	}
	b = append(b, startCode[:]...)
	b = binary.LittleEndian.AppendUint16(b, uint16(h.HorizontalScale)<<14|uint16(h.Width))
	b = binary.LittleEndian.AppendUint16(b, uint16(h.VerticalScale)<<14|uint16(h.Height))
	return b, nil
}

// String describes h: "keyframe 640x480 version 0 show_frame 1 first
// partition 1236 bytes", "interframe version 0 show_frame 1 first
// partition 300 bytes"; a scaling code, when not 0, follows the size as
// "scale 1/2".
func (h *PayloadHeader) String() string {
	if !h.Keyframe {
		return fmt.Sprintf("interframe version %d show_frame %d first partition %d bytes",
			h.Version, b2i(h.ShowFrame), h.FirstPartitionSize)
	}
	scale := ""
	if h.HorizontalScale != 0 || h.VerticalScale != 0 {
		scale = fmt.Sprintf(" scale %d/%d", h.HorizontalScale, h.VerticalScale)
	}
	return fmt.Sprintf("keyframe %dx%d%s version %d show_frame %d first partition %d bytes",
		h.Width, h.Height, scale, h.Version, b2i(h.ShowFrame), h.FirstPartitionSize)
}

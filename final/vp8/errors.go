package vp8

// Why packets and frames are refused, and the counters of an Assembler.
//
// A receiver sees bad input all the time: lost packets, a frame whose end
// never came, an interframe that refers to a frame it did not get. None
// of these is a failure of the program, so none is logged per packet.
// Each has its own reason here; the Assembler counts them, and the
// program logs a reason the first time it occurs and the counts now and
// then.

import (
	"fmt"
	"strings"
)

// Error is the reason a packet or frame was refused. The values are
// comparable sentinels (errors.Is(err, vp8.ErrNoMarker) or
// err == vp8.ErrNoMarker), and returning one allocates nothing, so a
// flood of bad packets makes no garbage.
type Error uint8

// The reasons.
const (
	// ErrTooShort: an RTP payload shorter than the VP8 payload
	// descriptor its bits announce (RFC 7741 §4.2).
	ErrTooShort Error = iota + 1
	// ErrPayloadHeader: a frame shorter than its payload header: 3 bytes,
	// or 10 for a keyframe (RFC 7741 §4.3, RFC 6386 §9.1).
	ErrPayloadHeader
	// ErrStartCode: a keyframe without the start code 9d 01 2a
	// (RFC 6386 §9.1).
	ErrStartCode
	// ErrZeroSize: a keyframe with a width or height of 0.
	ErrZeroSize
	// ErrPartitionSize: a frame shorter than its header and the first
	// partition the header announces.
	ErrPartitionSize

	// ErrDuplicate: a packet with the sequence number of the previous one.
	ErrDuplicate
	// ErrLate: a packet with a sequence number before the previous one.
	// The receiver puts packets in order, so this is a duplicate of an
	// older packet, or a stream that started over (call Reset).
	ErrLate
	// ErrPacketsLost: packets are missing (a gap in the sequence numbers,
	// or the receiver called Lost), so the frame being assembled is
	// incomplete and discarded.
	ErrPacketsLost
	// ErrNoStart: a frame whose first packet (S=1, PID=0) is missing: its
	// other packets are discarded.
	ErrNoStart
	// ErrNoMarker: a frame that ended without its marker packet: the next
	// frame began (new timestamp, or S=1 PID=0) first (RFC 7741 §4.1:
	// the marker "MUST be set for the very last packet of each encoded
	// frame").
	ErrNoMarker
	// ErrFrameTooLarge: a frame of more than Assembler.MaxFrameSize bytes.
	ErrFrameTooLarge
	// ErrTooManyPackets: a frame of more than Assembler.MaxFramePackets
	// packets.
	ErrTooManyPackets
	// ErrNeedKeyframe: a complete interframe, discarded because a frame
	// before it was lost: it may refer to that frame, and decoding it
	// would show garbage. Nothing but a keyframe is passed on until one
	// arrives.
	ErrNeedKeyframe

	numErrors // size of the counter array; Error(0) is never returned
)

var errorText = [numErrors]string{
	ErrTooShort:       "payload shorter than its VP8 descriptor",
	ErrPayloadHeader:  "frame shorter than its payload header",
	ErrStartCode:      "keyframe without the start code 9d 01 2a",
	ErrZeroSize:       "keyframe with zero width or height",
	ErrPartitionSize:  "frame shorter than its first partition",
	ErrDuplicate:      "duplicate packet",
	ErrLate:           "packet older than the previous one",
	ErrPacketsLost:    "packets lost: incomplete frame discarded",
	ErrNoStart:        "frame without its first packet (S=1 PID=0) discarded",
	ErrNoMarker:       "frame without its marker packet discarded",
	ErrFrameTooLarge:  "frame larger than the size limit discarded",
	ErrTooManyPackets: "frame of more packets than the limit discarded",
	ErrNeedKeyframe:   "interframe after a lost frame discarded: waiting for a keyframe",
}

// errorName is the reason's short name, for counters.
var errorName = [numErrors]string{
	ErrTooShort:       "too_short",
	ErrPayloadHeader:  "payload_header",
	ErrStartCode:      "start_code",
	ErrZeroSize:       "zero_size",
	ErrPartitionSize:  "partition_size",
	ErrDuplicate:      "duplicate",
	ErrLate:           "late",
	ErrPacketsLost:    "packets_lost",
	ErrNoStart:        "no_start",
	ErrNoMarker:       "no_marker",
	ErrFrameTooLarge:  "frame_too_large",
	ErrTooManyPackets: "too_many_packets",
	ErrNeedKeyframe:   "need_keyframe",
}

func (e Error) Error() string {
	if e == 0 || e >= numErrors {
		return fmt.Sprintf("vp8: error %d", uint8(e))
	}
	return "vp8: " + errorText[e]
}

// Name is a short identifier of the reason, such as "no_marker".
func (e Error) Name() string {
	if e == 0 || e >= numErrors {
		return fmt.Sprintf("error_%d", uint8(e))
	}
	return errorName[e]
}

// Stats counts what an Assembler did.
type Stats struct {
	Packets   uint64 // packets pushed, padding and refused ones included
	Padding   uint64 // packets with an empty payload: padding only (RFC 3550 §5.1)
	Frames    uint64 // complete frames passed on
	Keyframes uint64 // of which keyframes
	Bytes     uint64 // VP8 bytes in the frames passed on

	// Dropped counts the refusals per reason, e.g.
	// s.Dropped[vp8.ErrNoMarker]: packets for ErrDuplicate, ErrLate and
	// ErrTooShort; gaps and calls to Lost for ErrPacketsLost; frames for
	// the others.
	Dropped [numErrors]uint64
	// PacketsDiscarded counts the packets thrown away other than
	// duplicates and late ones: those of discarded frames, of frames
	// whose start was missing, and malformed ones.
	PacketsDiscarded uint64
}

// String summarises the counters in one line, reasons with a zero count
// left out: "packets 230, frames 21 (keyframes 4), 452310 bytes, dropped
// packets_lost=1 need_keyframe=3 (12 packets)".
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "packets %d, frames %d (keyframes %d), %d bytes", s.Packets, s.Frames, s.Keyframes, s.Bytes)
	if s.Padding != 0 {
		fmt.Fprintf(&b, ", padding %d", s.Padding)
	}
	first := true
	for e := Error(1); e < numErrors; e++ {
		if s.Dropped[e] == 0 {
			continue
		}
		if first {
			b.WriteString(", dropped")
			first = false
		}
		fmt.Fprintf(&b, " %s=%d", e.Name(), s.Dropped[e])
	}
	if s.PacketsDiscarded != 0 {
		fmt.Fprintf(&b, " (%d packets)", s.PacketsDiscarded)
	}
	return b.String()
}

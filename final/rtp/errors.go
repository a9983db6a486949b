package rtp

// Why packets are refused.
//
// A packet from the network that fails a check is dropped, never
// half-used: RFC 3550 Appendix A.1 lists the header checks (version,
// padding count, extension length), and the receiver adds its own
// (duplicate, too late, wrong stream). Each reason is a comparable
// sentinel, so returning one allocates nothing and a flood of bad packets
// makes no garbage; the program counts them and logs each reason once.

import "fmt"

// Error is the reason a packet was refused. Compare with == or errors.Is.
type Error uint8

// The reasons.
const (
	// ErrTooShort: shorter than its fixed header, CSRCs or extension
	// (RFC 3550 §5.1, §5.3.1).
	ErrTooShort Error = iota + 1
	// ErrVersion: the version field is not 2 (RFC 3550 §5.1, A.1).
	ErrVersion
	// ErrPadding: P is set but the last byte is not a valid count: 0, or
	// more than what follows the header (RFC 3550 §5.1, A.1).
	ErrPadding
	// ErrExtension: an RFC 8285 element runs past the extension, or an
	// element cannot be written in the extension's form.
	ErrExtension
	// ErrBufferTooSmall: MarshalTo was given fewer bytes than MarshalSize.
	ErrBufferTooSmall
	// ErrFieldRange: a header field does not fit its bits (more than 15
	// CSRCs, a payload type above 127, an extension longer than the
	// 16-bit length allows).
	ErrFieldRange

	// ErrWrongSSRC: the receiver is for another synchronization source.
	ErrWrongSSRC
	// ErrDuplicate: this sequence number is buffered or was delivered.
	ErrDuplicate
	// ErrTooLate: the sequence number was already given up, or is older
	// than anything the receiver remembers.
	ErrTooLate
	// ErrSequenceJump: the sequence number is far from the stream's
	// (RFC 3550 A.1 MAX_DROPOUT, MAX_MISORDER); dropped unless the next
	// packet follows it, which restarts the stream.
	ErrSequenceJump
	// ErrTooLarge: the packet is larger than the receiver's
	// MaxPacketSize (what the program accepts from the socket), or its
	// byte limit.
	ErrTooLarge

	numErrors // size of the counter arrays; Error(0) is never returned
)

var errorText = [numErrors]string{
	ErrTooShort:       "packet too short",
	ErrVersion:        "not RTP version 2",
	ErrPadding:        "invalid padding count",
	ErrExtension:      "malformed header extension",
	ErrBufferTooSmall: "buffer too small",
	ErrFieldRange:     "header field out of range",
	ErrWrongSSRC:      "packet of another SSRC",
	ErrDuplicate:      "duplicate packet",
	ErrTooLate:        "packet too late",
	ErrSequenceJump:   "sequence number jump",
	ErrTooLarge:       "packet larger than the receiver accepts",
}

var errorName = [numErrors]string{
	ErrTooShort:       "too_short",
	ErrVersion:        "version",
	ErrPadding:        "padding",
	ErrExtension:      "extension",
	ErrBufferTooSmall: "buffer_too_small",
	ErrFieldRange:     "field_range",
	ErrWrongSSRC:      "wrong_ssrc",
	ErrDuplicate:      "duplicate",
	ErrTooLate:        "too_late",
	ErrSequenceJump:   "sequence_jump",
	ErrTooLarge:       "too_large",
}

func (e Error) Error() string {
	if e == 0 || e >= numErrors {
		return fmt.Sprintf("rtp: error %d", uint8(e))
	}
	return "rtp: " + errorText[e]
}

// Name is a short identifier of the reason, such as "duplicate", for
// counters and log attributes.
func (e Error) Name() string {
	if e == 0 || e >= numErrors {
		return fmt.Sprintf("error_%d", uint8(e))
	}
	return errorName[e]
}

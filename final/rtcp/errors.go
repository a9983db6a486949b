package rtcp

// Why packets are refused.
//
// RFC 3550 Appendix A.2 lists the checks of a compound packet: version 2,
// lengths that add up to the datagram. Each packet type adds its own: a
// count that fits the length, a valid padding count, the FCI size its
// RFC demands. A packet that fails is dropped; Unmarshal returns the
// packets before it, so the program can still use them. The reasons are
// comparable sentinels (errors.Is); Unmarshal of a compound wraps them
// with the position and type of the packet that failed.

import "fmt"

// Error is the reason a packet was refused or could not be written.
type Error uint8

// The reasons.
const (
	// ErrTooShort: shorter than its header or than its fields.
	ErrTooShort Error = iota + 1
	// ErrVersion: the version field is not 2 (RFC 3550 §6.4.1, A.2).
	ErrVersion
	// ErrLength: the length field does not match the bytes (A.2: "the
	// length fields of the individual RTCP packets must add up to the
	// overall length of the compound RTCP packet").
	ErrLength
	// ErrPadding: P is set but the last byte is not a valid count.
	ErrPadding
	// ErrType: Unmarshal of one type was given a packet of another.
	ErrType
	// ErrFormat: the body does not have the form its type demands, such
	// as a PLI with FCI or a NACK without.
	ErrFormat
	// ErrBufferTooSmall: MarshalTo was given fewer bytes than MarshalSize.
	ErrBufferTooSmall
	// ErrFieldRange: a field does not fit its bits (more than 31 report
	// blocks, an SDES text over 255 bytes, a REMB mantissa over 18 bits).
	ErrFieldRange

	numErrors
)

var errorText = [numErrors]string{
	ErrTooShort:       "packet too short",
	ErrVersion:        "not RTCP version 2",
	ErrLength:         "length field does not match the packet",
	ErrPadding:        "invalid padding count",
	ErrType:           "wrong packet type",
	ErrFormat:         "malformed packet body",
	ErrBufferTooSmall: "buffer too small",
	ErrFieldRange:     "field out of range",
}

var errorName = [numErrors]string{
	ErrTooShort:       "too_short",
	ErrVersion:        "version",
	ErrLength:         "length",
	ErrPadding:        "padding",
	ErrType:           "type",
	ErrFormat:         "format",
	ErrBufferTooSmall: "buffer_too_small",
	ErrFieldRange:     "field_range",
}

func (e Error) Error() string {
	if e == 0 || e >= numErrors {
		return fmt.Sprintf("rtcp: error %d", uint8(e))
	}
	return "rtcp: " + errorText[e]
}

// Name is a short identifier of the reason, such as "length".
func (e Error) Name() string {
	if e == 0 || e >= numErrors {
		return fmt.Sprintf("error_%d", uint8(e))
	}
	return errorName[e]
}

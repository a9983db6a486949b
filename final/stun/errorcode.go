package stun

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"
)

// This file implements ERROR-CODE (RFC 8489 §14.8), which says why a
// request failed, and UNKNOWN-ATTRIBUTES (§14.13), which a 420 error
// response carries.

// Error codes of RFC 8489 §14.8, and 487 of RFC 8445 §16.2.
const (
	CodeTryAlternate     = 300 // use ALTERNATE-SERVER; ICE forbids it
	CodeBadRequest       = 400 // malformed; e.g. a check without USERNAME or MESSAGE-INTEGRITY (§9.1.3)
	CodeUnauthenticated  = 401 // unknown USERNAME or wrong MESSAGE-INTEGRITY (§9.1.3)
	CodeUnknownAttribute = 420 // an unknown comprehension-required attribute; see UNKNOWN-ATTRIBUTES
	CodeStaleNonce       = 438 // long-term credentials only
	CodeRoleConflict     = 487 // both ICE agents claim the same role (RFC 8445 §7.3.1.1)
	CodeServerError      = 500 // temporary; the client may retry
)

// reasonPhrases are the recommended reason phrases (§14.8, RFC 8445 §16.2).
var reasonPhrases = map[int]string{
	CodeTryAlternate:     "Try Alternate",
	CodeBadRequest:       "Bad Request",
	CodeUnauthenticated:  "Unauthenticated",
	CodeUnknownAttribute: "Unknown Attribute",
	CodeStaleNonce:       "Stale Nonce",
	CodeRoleConflict:     "Role Conflict",
	CodeServerError:      "Server Error",
}

// ErrorCode is the value of ERROR-CODE (§14.8). It is also an error, so a
// client can return the server's answer as is and a caller can look for a
// particular code with errors.As (487 makes an ICE agent switch roles).
type ErrorCode struct {
	Code   int    // 300 to 699: the Class (hundreds digit) times 100 plus the Number
	Reason string // the reason phrase, for humans; "can be anything appropriate"
}

// Error returns "stun: error response 401 Unauthenticated".
func (e ErrorCode) Error() string {
	return fmt.Sprintf("stun: error response %d %s", e.Code, e.Reason)
}

// ErrorCode returns ERROR-CODE:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|           Reserved, should be 0         |Class|     Number    |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|      Reason Phrase (variable)                                ..
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//	              Figure 7: Format of ERROR-CODE Attribute
//
// The hundreds digit is kept apart "to facilitate processing": a client
// can act on the class (3, 4, 5 or 6) alone (§6.3.4). The Class "MUST be
// between 3 and 6" and the Number "between 0 and 99"; other values are an
// error. The Reserved bits are ignored.
func (m *Message) ErrorCode() (ErrorCode, error) {
	v, ok := m.Get(AttrErrorCode)
	if !ok {
		return ErrorCode{}, notFound(AttrErrorCode)
	}
	if len(v) < 4 {
		return ErrorCode{}, fmt.Errorf("stun: ERROR-CODE of %d bytes is shorter than 4", len(v))
	}
	class, number := int(v[2]&0x07), int(v[3])
	if class < 3 || class > 6 || number > 99 {
		return ErrorCode{}, fmt.Errorf("stun: ERROR-CODE class %d number %d, want class 3-6 and number 0-99", class, number)
	}
	return ErrorCode{Code: class*100 + number, Reason: string(v[4:])}, nil
}

// AddErrorCode appends ERROR-CODE. An empty reason is replaced by the
// recommended phrase. It fails if code is not within 300–699, or if the
// reason is not UTF-8 of fewer than 128 characters.
func (m *Message) AddErrorCode(code int, reason string) error {
	if code < 300 || code > 699 {
		return fmt.Errorf("stun: error code %d is outside 300-699", code)
	}
	if reason == "" {
		reason = reasonPhrases[code]
	}
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > maxTextChars {
		return fmt.Errorf("stun: ERROR-CODE reason must be UTF-8 of fewer than 128 characters, got %d", utf8.RuneCountInString(reason))
	}
	v := make([]byte, 4, 4+len(reason))
	v[2] = byte(code / 100)
	v[3] = byte(code % 100)
	m.Add(AttrErrorCode, append(v, reason...))
	return nil
}

// UnknownAttributes returns UNKNOWN-ATTRIBUTES (§14.13):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|      Attribute 1 Type         |       Attribute 2 Type        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|      Attribute 3 Type         |       Attribute 4 Type    ...
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//	        Figure 10: Format of UNKNOWN-ATTRIBUTES Attribute
//
// RFC 3489 padded an odd list by repeating the last type; since RFC 5389
// the normal padding is used, so the length is twice the number of types.
func (m *Message) UnknownAttributes() ([]AttrType, error) {
	v, ok := m.Get(AttrUnknownAttributes)
	if !ok {
		return nil, notFound(AttrUnknownAttributes)
	}
	if len(v)%2 != 0 {
		return nil, fmt.Errorf("stun: UNKNOWN-ATTRIBUTES of %d bytes is not a list of 16-bit types", len(v))
	}
	types := make([]AttrType, 0, len(v)/2)
	for i := 0; i+2 <= len(v); i += 2 {
		types = append(types, AttrType(binary.BigEndian.Uint16(v[i:])))
	}
	return types, nil
}

// AddUnknownAttributes appends UNKNOWN-ATTRIBUTES listing types.
func (m *Message) AddUnknownAttributes(types []AttrType) {
	v := make([]byte, 0, 2*len(types))
	for _, t := range types {
		v = binary.BigEndian.AppendUint16(v, uint16(t))
	}
	m.Add(AttrUnknownAttributes, v)
}

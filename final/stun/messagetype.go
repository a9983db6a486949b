package stun

import "fmt"

// This file implements the STUN Message Type field of RFC 8489 §5, in which
// the 2 bits of the class are scattered between the 12 bits of the method.

// Class is the message class (RFC 8489 §5). It tells whether a message asks
// something (request), answers it (success or error response) or only
// informs the peer (indication). A request and its response form a
// transaction. An indication gets no answer and is never retransmitted.
type Class uint8

// The four classes, with the 2-bit values that RFC 8489 §5 gives them.
const (
	ClassRequest         Class = 0b00 // asks; answered by a response that echoes its transaction ID
	ClassIndication      Class = 0b01 // informs; no response, no retransmission
	ClassSuccessResponse Class = 0b10 // the request succeeded
	ClassErrorResponse   Class = 0b11 // the request failed; ERROR-CODE says why
)

// String returns the class in the RFC's words, as used in log lines.
func (c Class) String() string {
	switch c {
	case ClassRequest:
		return "request"
	case ClassIndication:
		return "indication"
	case ClassSuccessResponse:
		return "success response"
	case ClassErrorResponse:
		return "error response"
	}
	return fmt.Sprintf("class 0b%02b", uint8(c))
}

// Method is the 12-bit STUN method, the "primary function" of a message
// (RFC 8489 §5). STUN itself defines only Binding; TURN (RFC 8656) adds
// Allocate, Refresh and others, which this package does not implement.
type Method uint16

// MethodBinding is the only method of RFC 8489 (§18.2). A Binding request
// asks "which transport address do you see me at?". ICE (RFC 8445 §7) reuses
// it for connectivity checks.
const MethodBinding Method = 0x001

// String returns "Binding", or the method number for other methods.
func (m Method) String() string {
	if m == MethodBinding {
		return "Binding"
	}
	return fmt.Sprintf("method 0x%03X", uint16(m))
}

// MessageType is the STUN Message Type field split into its two parts.
// The parts are independent: every method can, in principle, be sent in
// every class (RFC 8489 §5).
type MessageType struct {
	Method Method // the 12-bit method, M11 through M0
	Class  Class  // the 2-bit class, C1 and C0
}

// The four message types of the Binding method.
var (
	BindingRequest         = MessageType{Method: MethodBinding, Class: ClassRequest}         // 0x0001
	BindingIndication      = MessageType{Method: MethodBinding, Class: ClassIndication}      // 0x0011
	BindingSuccessResponse = MessageType{Method: MethodBinding, Class: ClassSuccessResponse} // 0x0101
	BindingErrorResponse   = MessageType{Method: MethodBinding, Class: ClassErrorResponse}   // 0x0111
)

// Value returns the 14-bit STUN Message Type field. RFC 8489 §5, Figure 3:
//
//	            0                 1
//	            2  3  4 5 6 7 8 9 0 1 2 3 4 5
//	           +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
//	           |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
//	           |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
//	           +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
//
//	Figure 3: Format of STUN Message Type Field
//
// The class bits sit at positions 4 and 8 because RFC 3489 had already
// given the Binding request the value 0x0001 and its response 0x0101
// before anyone thought of indications; the RFC calls it "this unfortunate
// encoding".
func (t MessageType) Value() uint16 {
	m := uint16(t.Method) & 0x0FFF
	c := uint16(t.Class) & 0b11
	return m&0x000F | // M3..M0 stay in bits 3..0
		(c&0b01)<<4 | // C0 goes to bit 4
		(m&0x0070)<<1 | // M6..M4 move up one, to bits 7..5
		(c&0b10)<<7 | // C1 goes to bit 8
		(m&0x0F80)<<2 // M11..M7 move up two, to bits 13..9
}

// MessageTypeFromValue splits a STUN Message Type field into method and
// class. It is the inverse of Value; the two top bits of v are ignored
// (Unmarshal has already checked that they are zero).
func MessageTypeFromValue(v uint16) MessageType {
	return MessageType{
		Method: Method(v&0x000F | (v>>1)&0x0070 | (v>>2)&0x0F80),
		Class:  Class((v>>4)&0b01 | (v>>7)&0b10),
	}
}

// String returns the type as the RFC writes it, such as "Binding request".
func (t MessageType) String() string {
	return t.Method.String() + " " + t.Class.String()
}

package stun

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// This file implements the STUN message of RFC 8489 §5: the 20-byte header
// and the list of attributes behind it, decoded with Unmarshal and encoded
// with Marshal.

// MagicCookie is the fixed second word of every STUN header (RFC 8489 §5).
// RFC 3489 had a 128-bit transaction ID; RFC 5389 took its first 32 bits for
// this constant so that a receiver can tell STUN from other protocols on the
// same port, and an RFC 3489 peer from a newer one.
const MagicCookie uint32 = 0x2112A442

// HeaderSize is the length of the fixed STUN header (RFC 8489 §5).
const HeaderSize = 20

// TransactionID is the 96-bit identifier that pairs a response with its
// request (RFC 8489 §5). The client picks it; the server echoes it.
type TransactionID [12]byte

// NewTransactionID returns a transaction ID from crypto/rand. RFC 8489 §5
// requires it to be "uniformly and randomly chosen from the interval
// 0 .. 2**96-1" and "cryptographically random": an off-path attacker who
// could guess it could forge a response that the client would accept.
func NewTransactionID() TransactionID {
	var id TransactionID
	rand.Read(id[:]) // never fails: crypto/rand crashes the program rather than return predictable bytes
	return id
}

// String returns the ID as 24 lowercase hex digits, the way the capture
// reports and Wireshark print it.
func (id TransactionID) String() string {
	return hex.EncodeToString(id[:])
}

// Message is one STUN message (RFC 8489 §5):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|0 0|     STUN Message Type     |         Message Length        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                         Magic Cookie                          |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                                                               |
//	|                     Transaction ID (96 bits)                  |
//	|                                                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//	             Figure 2: Format of STUN Message Header
//
// followed by zero or more attributes (see Attribute). The Message Length
// and the Magic Cookie are not stored: Marshal computes the one and writes
// the other.
//
// The attributes are a slice in wire order, not a map, because order
// matters: MESSAGE-INTEGRITY covers only what precedes it, FINGERPRINT must
// come last, and an attribute may appear more than once (§14: only the
// first occurrence needs to be processed).
type Message struct {
	Type          MessageType   // class and method
	TransactionID TransactionID // pairs a response with its request
	Attributes    []Attribute   // in wire order, duplicates kept

	// Raw is the message exactly as it was received. Unmarshal sets it (a
	// copy, so the caller may reuse its read buffer) and the attribute
	// values point into it. MESSAGE-INTEGRITY and FINGERPRINT are checked
	// against these bytes rather than against a re-encoding. Every Add
	// method sets Raw to nil, because the bytes then no longer describe the
	// message; a message built locally has no Raw.
	Raw []byte
}

// NewMessage returns an empty message of type t with a fresh random
// transaction ID, as a client forms a request or indication (§6.1).
func NewMessage(t MessageType) *Message {
	return &Message{Type: t, TransactionID: NewTransactionID()}
}

// IsMessage reports whether the datagram b looks like STUN, for a port
// shared with DTLS and SRTP. RFC 7983 §7 sends a datagram to STUN when its
// first byte is 0 to 3; this also checks that there is room for a header
// and that the Magic Cookie is present, which tells STUN from anything else
// that starts with a small byte (RFC 8489 §5, §7). Unmarshal does the full
// checks.
func IsMessage(b []byte) bool {
	return len(b) >= HeaderSize &&
		b[0] <= 3 &&
		binary.BigEndian.Uint32(b[4:8]) == MagicCookie
}

// Unmarshal decodes the datagram b into m, following the checks of
// RFC 8489 §6.3: the two top bits must be zero, the Magic Cookie must be
// present and the Message Length must be a multiple of 4 that accounts for
// exactly the rest of the datagram. Each attribute must fit in the message.
//
// Unmarshal checks the syntax only. It does not look at what the
// attributes mean, nor verify MESSAGE-INTEGRITY or FINGERPRINT: the caller
// does that with CheckFingerprint and CheckIntegrity, in the order §6.3
// gives. m may be reused: its Raw and Attributes are overwritten in place,
// so attribute values from an earlier Unmarshal become invalid. On error m
// is left empty.
func (m *Message) Unmarshal(b []byte) error {
	if err := m.unmarshal(b); err != nil {
		m.Type = MessageType{}
		m.TransactionID = TransactionID{}
		m.Attributes = m.Attributes[:0]
		m.Raw = m.Raw[:0]
		return err
	}
	return nil
}

func (m *Message) unmarshal(b []byte) error {
	if len(b) < HeaderSize {
		return fmt.Errorf("stun: message of %d bytes is shorter than the 20-byte header", len(b))
	}
	if b[0]&0xC0 != 0 {
		return fmt.Errorf("stun: first two bits are %02b, must be 00", b[0]>>6)
	}
	if c := binary.BigEndian.Uint32(b[4:8]); c != MagicCookie {
		return fmt.Errorf("stun: magic cookie 0x%08x, want 0x%08x", c, MagicCookie)
	}
	length := int(binary.BigEndian.Uint16(b[2:4]))
	if length%4 != 0 {
		return fmt.Errorf("stun: message length %d is not a multiple of 4", length)
	}
	// Over UDP a message is a whole datagram (§6.2.1). Bytes beyond the
	// Message Length mean that this is not STUN, or not intact.
	if length != len(b)-HeaderSize {
		return fmt.Errorf("stun: message length %d does not match the %d bytes after the header", length, len(b)-HeaderSize)
	}

	m.Raw = append(m.Raw[:0], b...)
	m.Type = MessageTypeFromValue(binary.BigEndian.Uint16(b[0:2]))
	copy(m.TransactionID[:], b[8:HeaderSize])
	m.Attributes = m.Attributes[:0]

	raw := m.Raw
	for off := HeaderSize; off < len(raw); {
		// Cannot fail while length%4 == 0 and every step is a multiple of
		// 4, but a decoder of untrusted bytes checks before every read.
		if len(raw)-off < attrHeaderSize {
			return fmt.Errorf("stun: attribute header at offset %d truncated (%d bytes left)", off, len(raw)-off)
		}
		typ := AttrType(binary.BigEndian.Uint16(raw[off:]))
		n := int(binary.BigEndian.Uint16(raw[off+2:]))
		start := off + attrHeaderSize
		if left := len(raw) - start; n > left {
			return fmt.Errorf("stun: attribute 0x%04X length %d runs past message end (%d bytes left)", uint16(typ), n, left)
		}
		// The three-index slice caps the value, so that appending to it
		// cannot overwrite the next attribute in Raw.
		m.Attributes = append(m.Attributes, Attribute{Type: typ, Value: raw[start : start+n : start+n]})
		// The padding fits too: the space left is a multiple of 4, so
		// it is at least n rounded up to 4.
		off = start + padded(n)
	}
	return nil
}

// Marshal returns the wire form of m, with zero padding (§14). Marshal does
// not change m, and does not set Raw.
func (m *Message) Marshal() []byte {
	return m.AppendTo(make([]byte, 0, m.encodedLen()))
}

// AppendTo appends the wire form of m to b and returns the extended slice,
// so that a sender can encode into a reused buffer.
func (m *Message) AppendTo(b []byte) []byte {
	return m.appendPrefix(b, len(m.Attributes), 0)
}

// appendPrefix appends the header and the first n attributes. The Message
// Length field says that the message is extra bytes longer than what is
// written: MESSAGE-INTEGRITY and FINGERPRINT are computed over a message
// whose length already counts the attribute being computed (§14.5, §14.7).
func (m *Message) appendPrefix(b []byte, n, extra int) []byte {
	start := len(b)
	b = binary.BigEndian.AppendUint16(b, m.Type.Value())
	b = binary.BigEndian.AppendUint16(b, 0) // Message Length, filled in below
	b = binary.BigEndian.AppendUint32(b, MagicCookie)
	b = append(b, m.TransactionID[:]...)
	for _, a := range m.Attributes[:n] {
		b = a.appendTo(b)
	}
	binary.BigEndian.PutUint16(b[start+2:], uint16(len(b)-start-HeaderSize+extra))
	return b
}

// encodedLen is the length of the wire form of m.
func (m *Message) encodedLen() int {
	return HeaderSize + m.attributesLen(len(m.Attributes))
}

// attributesLen is the encoded length of the first n attributes; it is also
// their offset from the end of the header.
func (m *Message) attributesLen(n int) int {
	l := 0
	for _, a := range m.Attributes[:n] {
		l += attrHeaderSize + padded(len(a.Value))
	}
	return l
}

// wire returns the bytes that MESSAGE-INTEGRITY and FINGERPRINT are checked
// against: the received bytes when there are any, else the encoding of a
// locally built message.
func (m *Message) wire() []byte {
	if m.Raw != nil && len(m.Raw) == m.encodedLen() {
		return m.Raw
	}
	return m.Marshal()
}

package stun

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
)

// This file implements MESSAGE-INTEGRITY (RFC 8489 §14.5), an HMAC-SHA1 of
// the message, and the keys of the two credential mechanisms (§9.1.1,
// §9.2.2). ICE uses the short-term mechanism: the key is the ice-pwd from
// the SDP of the agent that receives the request (RFC 8445 §7.2.2).

// messageIntegritySize is the length of an HMAC-SHA1, the value of
// MESSAGE-INTEGRITY.
const messageIntegritySize = sha1.Size

// ErrIntegrityMismatch means that MESSAGE-INTEGRITY does not match the HMAC
// computed with the given key: wrong password, or a message altered on the
// way. §9.1.3: a server answers such a request with 401, and §9.1.4: a
// client discards such a response.
var ErrIntegrityMismatch = errors.New("stun: MESSAGE-INTEGRITY mismatch")

// ShortTermKey returns the HMAC key of the short-term credential mechanism,
// RFC 8489 §9.1.1: "key = OpaqueString(password)". ICE passwords are
// made of ice-chars (ALPHA / DIGIT / "+" / "/", RFC 8839), which the
// OpaqueString profile of RFC 8265 leaves unchanged, so the key is the
// password's bytes.
func ShortTermKey(password string) []byte { return []byte(password) }

// LongTermKey returns the HMAC key of the long-term credential mechanism,
// RFC 8489 §9.2.2: MD5(username ":" OpaqueString(realm) ":"
// OpaqueString(password)). The strings are used as given: the caller
// applies any PRECIS processing. TURN uses this mechanism; ICE does not.
func LongTermKey(username, realm, password string) []byte {
	sum := md5.Sum([]byte(username + ":" + realm + ":" + password))
	return sum[:]
}

// AddMessageIntegrity appends MESSAGE-INTEGRITY computed with key (§14.5).
// Add it after every other attribute except FINGERPRINT: the HMAC covers
// only what precedes it, and a receiver ignores whatever follows it (§9).
func (m *Message) AddMessageIntegrity(key []byte) {
	b := m.appendPrefix(nil, len(m.Attributes), 0)
	m.Add(AttrMessageIntegrity, messageIntegrity(key, b))
}

// CheckIntegrity verifies the first MESSAGE-INTEGRITY of the message with
// key, over the bytes as received (Raw). It returns ErrIntegrityMismatch (or
// an error that wraps it) if the HMAC differs, and an error that wraps
// ErrAttributeNotFound if there is no MESSAGE-INTEGRITY. Attributes after
// MESSAGE-INTEGRITY do not affect the result.
func (m *Message) CheckIntegrity(key []byte) error {
	i := m.index(AttrMessageIntegrity)
	if i < 0 {
		return notFound(AttrMessageIntegrity)
	}
	got := m.Attributes[i].Value
	if len(got) != messageIntegritySize {
		return fmt.Errorf("%w: value of %d bytes, want %d", ErrIntegrityMismatch, len(got), messageIntegritySize)
	}
	b := m.wire()
	want := messageIntegrity(key, b[:HeaderSize+m.attributesLen(i)])
	if !hmac.Equal(got, want) { // constant time, so that timing does not leak the HMAC
		return ErrIntegrityMismatch
	}
	return nil
}

// messageIntegrity computes the HMAC-SHA1 of §14.5 over msg, the message up
// to but not including MESSAGE-INTEGRITY:
//
//	"The text used as input to HMAC is the STUN message, up to and
//	including the attribute preceding the MESSAGE-INTEGRITY attribute. The
//	Length field of the STUN message header is adjusted to point to the end
//	of the MESSAGE-INTEGRITY attribute."
//
// The adjusted length covers MESSAGE-INTEGRITY but not the FINGERPRINT
// that may follow it, so the sender can compute the HMAC before it knows
// whether more attributes follow, and the receiver gets the same input.
func messageIntegrity(key, msg []byte) []byte {
	var header [HeaderSize]byte
	copy(header[:], msg)
	length := len(msg) - HeaderSize + attrHeaderSize + messageIntegritySize
	binary.BigEndian.PutUint16(header[2:4], uint16(length))
	mac := hmac.New(sha1.New, key)
	mac.Write(header[:])
	mac.Write(msg[HeaderSize:])
	return mac.Sum(nil)
}

// index returns the position of the first attribute of type t, or -1.
func (m *Message) index(t AttrType) int {
	for i, a := range m.Attributes {
		if a.Type == t {
			return i
		}
	}
	return -1
}

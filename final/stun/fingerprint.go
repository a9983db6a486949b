package stun

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// This file implements FINGERPRINT (RFC 8489 §7, §14.7): a CRC-32 of the
// message that tells STUN apart from other protocols sharing the port.
// It is not a security measure; anyone can compute it. ICE requires it
// (RFC 8445 §7.3: an agent "MUST utilize the FINGERPRINT mechanism").

// fingerprintXOR is XORed into the CRC, "the 32-bit value 0x5354554e"
// ("STUN" in ASCII), so that a packet of another protocol that ends in its
// own CRC-32 does not pass for STUN (§14.7).
const fingerprintXOR uint32 = 0x5354554e

// fingerprintSize is the length of the value of FINGERPRINT.
const fingerprintSize = 4

// ErrFingerprintMismatch means that FINGERPRINT does not match the CRC-32
// of the message. §7: the datagram is probably not STUN at all; §6.3: it is
// silently discarded.
var ErrFingerprintMismatch = errors.New("stun: FINGERPRINT mismatch")

// AddFingerprint appends FINGERPRINT. It must be the last attribute, after
// MESSAGE-INTEGRITY (§14.7).
func (m *Message) AddFingerprint() {
	b := m.appendPrefix(nil, len(m.Attributes), 0)
	var v [fingerprintSize]byte
	binary.BigEndian.PutUint32(v[:], fingerprint(b))
	m.Add(AttrFingerprint, v[:])
}

// CheckFingerprint verifies FINGERPRINT over the bytes as received (Raw).
// FINGERPRINT must be the last attribute (§14.7). A message without one
// returns an error that wraps ErrAttributeNotFound: for ICE that is a
// failure too, since the usage requires the mechanism.
func (m *Message) CheckFingerprint() error {
	i := m.index(AttrFingerprint)
	if i < 0 {
		return notFound(AttrFingerprint)
	}
	if last := len(m.Attributes) - 1; i != last {
		return fmt.Errorf("stun: FINGERPRINT is attribute %d of %d, it must be the last", i+1, last+1)
	}
	got := m.Attributes[i].Value
	if len(got) != fingerprintSize {
		return fmt.Errorf("%w: value of %d bytes, want %d", ErrFingerprintMismatch, len(got), fingerprintSize)
	}
	b := m.wire()
	if binary.BigEndian.Uint32(got) != fingerprint(b[:HeaderSize+m.attributesLen(i)]) {
		return ErrFingerprintMismatch
	}
	return nil
}

// fingerprint computes the value of FINGERPRINT over msg, the message up to
// but not including FINGERPRINT: "the CRC-32 of the STUN message up to (but
// excluding) the FINGERPRINT attribute itself, XOR'ed with the 32-bit value
// 0x5354554e" (§14.7). The CRC is that of ITU V.42 and RFC 1952, which Go
// calls crc32.IEEE. As with MESSAGE-INTEGRITY, the Length field in the
// header must already count the FINGERPRINT attribute.
func fingerprint(msg []byte) uint32 {
	var header [HeaderSize]byte
	copy(header[:], msg)
	length := len(msg) - HeaderSize + attrHeaderSize + fingerprintSize
	binary.BigEndian.PutUint16(header[2:4], uint16(length))
	crc := crc32.Update(0, crc32.IEEETable, header[:])
	crc = crc32.Update(crc, crc32.IEEETable, msg[HeaderSize:])
	return crc ^ fingerprintXOR
}

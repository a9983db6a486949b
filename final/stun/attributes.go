package stun

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"
)

// This file implements the attribute TLV of RFC 8489 §14, the registry of
// attribute types (§18.3), the rules on which attributes a receiver must
// consider (§9, §14), and the text attributes USERNAME (§14.3), REALM
// (§14.9), NONCE (§14.10) and SOFTWARE (§14.14).

// AttrType is the 16-bit attribute type. Types below 0x8000 are
// comprehension-required: a receiver that does not know one cannot process
// the message (§14). Types from 0x8000 up are comprehension-optional and
// may be ignored.
type AttrType uint16

// Attribute types, named as in the IANA registry (RFC 8489 §18.3; RFC 8445
// §16.1 for the ICE ones).
const (
	AttrMappedAddress          AttrType = 0x0001 // §14.1, only for RFC 3489 clients
	AttrUsername               AttrType = 0x0006 // §14.3
	AttrMessageIntegrity       AttrType = 0x0008 // §14.5, HMAC-SHA1
	AttrErrorCode              AttrType = 0x0009 // §14.8
	AttrUnknownAttributes      AttrType = 0x000A // §14.13
	AttrRealm                  AttrType = 0x0014 // §14.9, long-term credentials
	AttrNonce                  AttrType = 0x0015 // §14.10, long-term credentials
	AttrMessageIntegritySHA256 AttrType = 0x001C // §14.6, not implemented: browsers send MESSAGE-INTEGRITY
	AttrPasswordAlgorithm      AttrType = 0x001D // §14.12, not implemented
	AttrUserhash               AttrType = 0x001E // §14.4, not implemented
	AttrXORMappedAddress       AttrType = 0x0020 // §14.2
	AttrPriority               AttrType = 0x0024 // RFC 8445 §16.1
	AttrUseCandidate           AttrType = 0x0025 // RFC 8445 §16.1
	AttrPasswordAlgorithms     AttrType = 0x8002 // §14.11, not implemented
	AttrAlternateDomain        AttrType = 0x8003 // §14.16, not implemented
	AttrSoftware               AttrType = 0x8022 // §14.14
	AttrAlternateServer        AttrType = 0x8023 // §14.15, not implemented (ICE forbids it, RFC 8445 §7.3)
	AttrFingerprint            AttrType = 0x8028 // §14.7
	AttrICEControlled          AttrType = 0x8029 // RFC 8445 §16.1
	AttrICEControlling         AttrType = 0x802A // RFC 8445 §16.1

	// AttrGoogNetworkInfo is not in any RFC. Chromium puts it in its ICE
	// connectivity checks: a 16-bit network ID and a 16-bit network cost.
	// It lies in the comprehension-optional range assigned by Expert
	// Review (§18.3), so a receiver that does not know it ignores it.
	AttrGoogNetworkInfo AttrType = 0xC057
)

// attrNames maps the types above to their registry names.
var attrNames = map[AttrType]string{
	AttrMappedAddress:          "MAPPED-ADDRESS",
	AttrUsername:               "USERNAME",
	AttrMessageIntegrity:       "MESSAGE-INTEGRITY",
	AttrErrorCode:              "ERROR-CODE",
	AttrUnknownAttributes:      "UNKNOWN-ATTRIBUTES",
	AttrRealm:                  "REALM",
	AttrNonce:                  "NONCE",
	AttrMessageIntegritySHA256: "MESSAGE-INTEGRITY-SHA256",
	AttrPasswordAlgorithm:      "PASSWORD-ALGORITHM",
	AttrUserhash:               "USERHASH",
	AttrXORMappedAddress:       "XOR-MAPPED-ADDRESS",
	AttrPriority:               "PRIORITY",
	AttrUseCandidate:           "USE-CANDIDATE",
	AttrPasswordAlgorithms:     "PASSWORD-ALGORITHMS",
	AttrAlternateDomain:        "ALTERNATE-DOMAIN",
	AttrSoftware:               "SOFTWARE",
	AttrAlternateServer:        "ALTERNATE-SERVER",
	AttrFingerprint:            "FINGERPRINT",
	AttrICEControlled:          "ICE-CONTROLLED",
	AttrICEControlling:         "ICE-CONTROLLING",
	AttrGoogNetworkInfo:        "GOOG-NETWORK-INFO",
}

// String returns the registry name of t, or its number as 0x1234.
func (t AttrType) String() string {
	if name, ok := attrNames[t]; ok {
		return name
	}
	return fmt.Sprintf("0x%04X", uint16(t))
}

// ComprehensionRequired reports whether t lies in 0x0000–0x7FFF, where a
// receiver that does not understand the attribute must reject the message
// (§14, §6.3).
func (t AttrType) ComprehensionRequired() bool { return t < 0x8000 }

// understood reports whether this package implements t. It decides which
// comprehension-required attributes count as unknown (§6.3.1).
// MESSAGE-INTEGRITY-SHA256, USERHASH and PASSWORD-ALGORITHM are listed
// above but not implemented, so a request that carries them is answered
// with 420, as an RFC 5389 server would.
func (t AttrType) understood() bool {
	switch t {
	case AttrMappedAddress, AttrUsername, AttrMessageIntegrity, AttrErrorCode,
		AttrUnknownAttributes, AttrRealm, AttrNonce, AttrXORMappedAddress,
		AttrPriority, AttrUseCandidate:
		return true
	}
	return !t.ComprehensionRequired()
}

// attrHeaderSize is the size of an attribute's Type and Length fields.
const attrHeaderSize = 4

// Attribute is one attribute TLV (RFC 8489 §14):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|         Type                  |            Length             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                         Value (variable)                ....
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//	              Figure 4: Format of STUN Attributes
//
// Length counts the value without its padding. The padding brings each
// attribute to a 32-bit boundary; it "MUST be set to zero on sending and
// MUST be ignored by the receiver", so it is not kept.
type Attribute struct {
	Type  AttrType // what the value means; bit 15 clear = comprehension-required
	Value []byte   // the value, without padding; at most 65535 bytes
}

// appendTo appends the TLV with zero padding.
func (a Attribute) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(a.Type))
	b = binary.BigEndian.AppendUint16(b, uint16(len(a.Value)))
	b = append(b, a.Value...)
	var zeros [3]byte
	return append(b, zeros[:padded(len(a.Value))-len(a.Value)]...)
}

// padded rounds n up to a multiple of 4, the 32-bit boundary of §14.
func padded(n int) int { return (n + 3) &^ 3 }

// ErrAttributeNotFound is wrapped by the getters when the message does not
// carry the attribute, or carries it only where it must be ignored.
var ErrAttributeNotFound = errors.New("stun: attribute not found")

func notFound(t AttrType) error { return fmt.Errorf("%w: %v", ErrAttributeNotFound, t) }

// considered returns how many leading attributes a receiver must look at.
// RFC 8489 §9: "agents MUST ignore all attributes that follow
// MESSAGE-INTEGRITY, with the exception of the MESSAGE-INTEGRITY-SHA256 and
// FINGERPRINT attributes. Similarly, agents MUST ignore all attributes that
// follow the MESSAGE-INTEGRITY-SHA256 attribute if the MESSAGE-INTEGRITY
// attribute is not present, with the exception of the FINGERPRINT
// attribute." Otherwise anyone on the path could append attributes that the
// HMAC does not cover.
func (m *Message) considered() int {
	sha256 := -1
	for i, a := range m.Attributes {
		switch a.Type {
		case AttrMessageIntegrity:
			return i + 1
		case AttrMessageIntegritySHA256:
			if sha256 < 0 {
				sha256 = i + 1
			}
		}
	}
	if sha256 >= 0 {
		return sha256
	}
	return len(m.Attributes)
}

// Get returns the value of the first attribute of type t that a receiver
// must consider: one before MESSAGE-INTEGRITY (§9), or FINGERPRINT when it
// is the last attribute (§14.7). Duplicates after the first are ignored, as
// §14 allows.
func (m *Message) Get(t AttrType) ([]byte, bool) {
	if t == AttrFingerprint {
		if n := len(m.Attributes); n > 0 && m.Attributes[n-1].Type == AttrFingerprint {
			return m.Attributes[n-1].Value, true
		}
		return nil, false
	}
	for _, a := range m.Attributes[:m.considered()] {
		if a.Type == t {
			return a.Value, true
		}
	}
	return nil, false
}

// Has reports whether Get would find an attribute of type t.
func (m *Message) Has(t AttrType) bool {
	_, ok := m.Get(t)
	return ok
}

// Add appends an attribute. Attributes are written in the order they are
// added, so MESSAGE-INTEGRITY and FINGERPRINT, which cover what precedes
// them, must be added last with AddMessageIntegrity and AddFingerprint.
// value is not copied and must be at most 65535 bytes long.
func (m *Message) Add(t AttrType, value []byte) {
	m.Attributes = append(m.Attributes, Attribute{Type: t, Value: value})
	m.Raw = nil
}

// UnknownComprehensionRequired lists the comprehension-required attribute
// types (below 0x8000) that this package does not understand, once each, in
// wire order. A server answers a request that has any with a 420 error
// response listing them (§6.3.1, NewUnknownAttributesResponse); a client
// treats such a response as a failed transaction (§6.3.3, §6.3.4).
// Attributes after MESSAGE-INTEGRITY are ignored (§9) and not listed.
func (m *Message) UnknownComprehensionRequired() []AttrType {
	var unknown []AttrType
	for _, a := range m.Attributes[:m.considered()] {
		if !a.Type.understood() && !slices.Contains(unknown, a.Type) {
			unknown = append(unknown, a.Type)
		}
	}
	return unknown
}

// Limits on text attributes. USERNAME "MUST contain a UTF-8-encoded
// sequence of fewer than 509 bytes" (§14.3); SOFTWARE and the ERROR-CODE
// reason phrase must be "fewer than 128 characters (which can be as long as
// 509 when encoding them)" (§14.14, §14.8). The receiving side accepts
// longer values, which RFC 5389 allowed.
const (
	maxUsernameBytes = 508
	maxTextChars     = 127
)

// Username returns USERNAME (§14.3). In ICE it is "remote-ufrag:local-ufrag"
// as seen by the sender of the request (RFC 8445 §7.2.2): the receiver
// finds its own ufrag before the colon.
func (m *Message) Username() (string, error) { return m.text(AttrUsername) }

// AddUsername appends USERNAME. It fails if u is not UTF-8 or is 509 bytes
// or longer.
func (m *Message) AddUsername(u string) error {
	if !utf8.ValidString(u) || len(u) > maxUsernameBytes {
		return fmt.Errorf("stun: USERNAME must be UTF-8 of fewer than 509 bytes, got %d bytes", len(u))
	}
	m.Add(AttrUsername, []byte(u))
	return nil
}

// Software returns SOFTWARE (§14.14), a description of the sender's
// software, for diagnostics only.
func (m *Message) Software() (string, error) { return m.text(AttrSoftware) }

// AddSoftware appends SOFTWARE. It fails if s is not UTF-8 or has 128
// characters or more.
func (m *Message) AddSoftware(s string) error {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxTextChars {
		return fmt.Errorf("stun: SOFTWARE must be UTF-8 of fewer than 128 characters, got %d", utf8.RuneCountInString(s))
	}
	m.Add(AttrSoftware, []byte(s))
	return nil
}

// Realm returns REALM (§14.9), which announces the long-term credential
// mechanism. ICE does not use it.
func (m *Message) Realm() (string, error) { return m.text(AttrRealm) }

// Nonce returns NONCE (§14.10), the server's challenge in the long-term
// credential mechanism. ICE does not use it.
func (m *Message) Nonce() (string, error) { return m.text(AttrNonce) }

// text returns a text attribute as it is on the wire. It is not checked for
// UTF-8: these values are compared or logged, never interpreted.
func (m *Message) text(t AttrType) (string, error) {
	v, ok := m.Get(t)
	if !ok {
		return "", notFound(t)
	}
	return string(v), nil
}

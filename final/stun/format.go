package stun

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// This file writes a message as one log line, so that the program's log
// says what each datagram carried:
//
//	Binding request tx=534444742b7a4775456f6a63 USERNAME="uTFgFWhMGUbyjsNg:Qlgk"
//	  GOOG-NETWORK-INFO(network-id=1, cost=50) ICE-CONTROLLED=0x5666eb08746cc726
//	  PRIORITY=1853824767 MESSAGE-INTEGRITY FINGERPRINT
//
// (on one line). Attributes keep their wire order. Those a receiver must
// ignore, after MESSAGE-INTEGRITY (§9), are marked "(ignored)"; values that
// do not decode are shown as "(malformed, N bytes)".

// String returns the message as one log line.
func (m *Message) String() string {
	var sb strings.Builder
	sb.WriteString(m.Type.String())
	sb.WriteString(" tx=")
	sb.WriteString(m.TransactionID.String())
	considered := m.considered()
	for i, a := range m.Attributes {
		sb.WriteByte(' ')
		sb.WriteString(m.formatAttribute(a))
		last := i == len(m.Attributes)-1
		if i >= considered && !(last && a.Type == AttrFingerprint) {
			sb.WriteString("(ignored)")
		}
	}
	return sb.String()
}

// formatAttribute returns one attribute as NAME=value, or NAME alone for
// flags and for MESSAGE-INTEGRITY and FINGERPRINT, whose values mean nothing
// to a reader.
func (m *Message) formatAttribute(a Attribute) string {
	v := a.Value
	malformed := func() string { return fmt.Sprintf("%v(malformed, %d bytes)", a.Type, len(v)) }
	switch a.Type {
	case AttrUsername, AttrSoftware, AttrRealm, AttrNonce:
		return fmt.Sprintf("%v=%q", a.Type, v)
	case AttrMappedAddress, AttrXORMappedAddress:
		var id *TransactionID
		if a.Type == AttrXORMappedAddress {
			id = &m.TransactionID
		}
		ap, err := decodeAddress(a.Type, v, id)
		if err != nil {
			return malformed()
		}
		return fmt.Sprintf("%v=%v", a.Type, ap)
	case AttrPriority:
		if len(v) != 4 {
			return malformed()
		}
		return fmt.Sprintf("%v=%d", a.Type, binary.BigEndian.Uint32(v))
	case AttrICEControlled, AttrICEControlling:
		if len(v) != 8 {
			return malformed()
		}
		return fmt.Sprintf("%v=0x%016x", a.Type, binary.BigEndian.Uint64(v))
	case AttrUseCandidate:
		if len(v) != 0 {
			return malformed()
		}
		return a.Type.String()
	case AttrMessageIntegrity:
		if len(v) != messageIntegritySize {
			return malformed()
		}
		return a.Type.String()
	case AttrFingerprint:
		if len(v) != fingerprintSize {
			return malformed()
		}
		return a.Type.String()
	case AttrErrorCode:
		e, err := (&Message{Attributes: []Attribute{a}}).ErrorCode()
		if err != nil {
			return malformed()
		}
		return fmt.Sprintf("%v=%d(%q)", a.Type, e.Code, e.Reason)
	case AttrUnknownAttributes:
		types, err := (&Message{Attributes: []Attribute{a}}).UnknownAttributes()
		if err != nil {
			return malformed()
		}
		s := make([]string, len(types))
		for i, t := range types {
			s[i] = t.String()
		}
		return fmt.Sprintf("%v=[%s]", a.Type, strings.Join(s, " "))
	case AttrGoogNetworkInfo:
		if len(v) != 4 {
			return malformed()
		}
		return fmt.Sprintf("%v(network-id=%d, cost=%d)", a.Type,
			binary.BigEndian.Uint16(v[0:2]), binary.BigEndian.Uint16(v[2:4]))
	}
	return fmt.Sprintf("%v(%d bytes)", a.Type, len(v))
}

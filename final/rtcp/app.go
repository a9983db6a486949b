package rtcp

// Application-defined packets, RFC 3550 §6.7.
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|V=2|P| subtype |   PT=APP=204  |             length            |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                           SSRC/CSRC                           |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                          name (ASCII)                         |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                   application-dependent data                ...
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// For experiments: a 4-character name and a 5-bit subtype say what the
// data means. "APP packets with unrecognized names SHOULD be ignored", and
// browsers send none to us; the type is here so that a compound holding
// one parses and logs.

import (
	"encoding/binary"
	"fmt"
)

// ApplicationDefined is an APP packet.
type ApplicationDefined struct {
	Subtype uint8   // 5 bits
	SSRC    uint32  // SSRC/CSRC
	Name    [4]byte // four ASCII characters, case-sensitive
	Data    []byte  // a multiple of 4 bytes, aliased to the input
}

// Unmarshal reads one APP packet.
func (a *ApplicationDefined) Unmarshal(b []byte) error {
	h, body, err := parse(b, TypeAPP)
	if err != nil {
		return err
	}
	if len(body) < 8 {
		return ErrTooShort
	}
	a.Subtype = h.Count
	a.SSRC = binary.BigEndian.Uint32(body[0:4])
	copy(a.Name[:], body[4:8])
	a.Data = nil
	if len(body) > 8 {
		a.Data = body[8:]
	}
	return nil
}

// MarshalSize is the length MarshalTo writes.
func (a *ApplicationDefined) MarshalSize() int {
	return HeaderLen + 8 + (len(a.Data)+3)&^3
}

// MarshalTo writes the packet into b; data that is not a whole number of
// words is padded with zeros.
func (a *ApplicationDefined) MarshalTo(b []byte) (int, error) {
	n := a.MarshalSize()
	if err := checkSize(b, n); err != nil {
		return 0, err
	}
	if a.Subtype > 31 {
		return 0, ErrFieldRange
	}
	writeHeader(b, a.Subtype, TypeAPP, n, false)
	binary.BigEndian.PutUint32(b[4:8], a.SSRC)
	copy(b[8:12], a.Name[:])
	off := 12 + copy(b[12:], a.Data)
	clear(b[off:n])
	return n, nil
}

// Marshal returns the packet in a new slice.
func (a *ApplicationDefined) Marshal() ([]byte, error) { return marshal(a) }

// String prints the packet: `APP ssrc=0x00000001 name="TEST" subtype=3 data=8B`.
func (a *ApplicationDefined) String() string {
	return fmt.Sprintf("APP ssrc=0x%08x name=%q subtype=%d data=%dB", a.SSRC, a.Name[:], a.Subtype, len(a.Data))
}

package stun

import (
	"encoding/binary"
	"fmt"
)

// This file implements the attributes that ICE adds to STUN, RFC 8445 §7.1
// and §16.1. They only appear in connectivity checks: Binding requests
// between two ICE agents, authenticated with the short-term credentials of
// the SDP.

// Priority returns PRIORITY (0x0024), "a 32-bit unsigned integer"
// (RFC 8445 §16.1). The sender computes it as the priority its candidate
// would have if it were peer-reflexive (§7.1.1): if the receiver sees the
// request come from an address it did not know, it learns a
// peer-reflexive candidate with this priority (§7.3.1.3).
func (m *Message) Priority() (uint32, error) {
	v, err := m.fixed(AttrPriority, 4)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(v), nil
}

// AddPriority appends PRIORITY.
func (m *Message) AddPriority(p uint32) {
	m.Add(AttrPriority, binary.BigEndian.AppendUint32(nil, p))
}

// UseCandidate reports whether the request carries USE-CANDIDATE (0x0025).
// "The attribute has no content (the Length field of the attribute is
// zero); it serves as a flag" (§16.1). The controlling agent sends it to
// nominate the pair the media will use (§7.1.2, §8.1.1); the controlled
// agent marks the pair as nominated once the check succeeds (§7.3.1.5).
func (m *Message) UseCandidate() bool { return m.Has(AttrUseCandidate) }

// AddUseCandidate appends USE-CANDIDATE. Only the controlling agent may
// send it (§7.1.2).
func (m *Message) AddUseCandidate() { m.Add(AttrUseCandidate, nil) }

// ICEControlled returns the tiebreaker of ICE-CONTROLLED (0x8029), "a 64-bit
// unsigned integer in network byte order" (§16.1). Its presence says the
// sender believes it is the controlled agent. If both agents claim the same
// role, the larger tiebreaker wins (§7.3.1.1), and the loser may be told
// so with a 487 Role Conflict.
func (m *Message) ICEControlled() (uint64, error) {
	v, err := m.fixed(AttrICEControlled, 8)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(v), nil
}

// AddICEControlled appends ICE-CONTROLLED. An agent uses one tiebreaker for
// the whole ICE session (§16.1).
func (m *Message) AddICEControlled(tiebreaker uint64) {
	m.Add(AttrICEControlled, binary.BigEndian.AppendUint64(nil, tiebreaker))
}

// ICEControlling returns the tiebreaker of ICE-CONTROLLING (0x802A), sent by
// the agent that believes it is controlling (§7.1.3, §16.1).
func (m *Message) ICEControlling() (uint64, error) {
	v, err := m.fixed(AttrICEControlling, 8)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(v), nil
}

// AddICEControlling appends ICE-CONTROLLING.
func (m *Message) AddICEControlling(tiebreaker uint64) {
	m.Add(AttrICEControlling, binary.BigEndian.AppendUint64(nil, tiebreaker))
}

// fixed returns the value of attribute t, which must be size bytes long.
func (m *Message) fixed(t AttrType, size int) ([]byte, error) {
	v, ok := m.Get(t)
	if !ok {
		return nil, notFound(t)
	}
	if len(v) != size {
		return nil, fmt.Errorf("stun: %v has %d bytes, want %d", t, len(v), size)
	}
	return v, nil
}

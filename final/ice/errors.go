package ice

import (
	"errors"
	"maps"
)

// This file lists why Handle drops a datagram, and the counters the
// program can expose. A dropped datagram gets no answer: RFC 8489 §9.1.3
// would answer a bad check with 400 or 401, but those answers help an
// attacker probe which ufrags are live and cost us a datagram each, while a
// browser that sends a bad check has a bug that no answer will fix.

// Why Handle dropped a datagram. Handle returns an error that wraps one of
// these (test with errors.Is) and adds the details; Stats counts them.
var (
	ErrBadSource     = errors.New("ice: invalid source address")
	ErrNotSTUN       = errors.New("ice: not a STUN message")                 // RFC 7983 §7: first byte, magic cookie
	ErrMalformed     = errors.New("ice: malformed STUN message")             // RFC 8489 §6.3: header or attribute syntax
	ErrNotRequest    = errors.New("ice: not a STUN request")                 // a response or indication: we send no requests
	ErrNotBinding    = errors.New("ice: not a Binding request")              // another method, e.g. TURN's Allocate
	ErrFingerprint   = errors.New("ice: FINGERPRINT mismatch")               // RFC 8489 §14.7: probably not STUN
	ErrNoFingerprint = errors.New("ice: check without FINGERPRINT")          // RFC 8445 §7.3: "It MUST utilize the FINGERPRINT mechanism"
	ErrNoUsername    = errors.New("ice: MESSAGE-INTEGRITY without USERNAME") // RFC 8489 §9.1.3: 400 Bad Request
	ErrNoIntegrity   = errors.New("ice: USERNAME without MESSAGE-INTEGRITY") // RFC 8489 §9.1.3: 400 Bad Request
	ErrBadUsername   = errors.New("ice: USERNAME is not <ufrag>:<ufrag>")    // RFC 8445 §7.3: "two values separated by a colon"
	ErrUnknownUfrag  = errors.New("ice: unknown ufrag")                      // no live session has this local ufrag: 401
	ErrRemoteUfrag   = errors.New("ice: remote ufrag mismatch")              // not the browser ufrag of the answer: 401
	ErrIntegrity     = errors.New("ice: MESSAGE-INTEGRITY mismatch")         // wrong password or altered message: 401
	ErrAddressInUse  = errors.New("ice: address is another session's pair")  // authenticated, but the 5-tuple has another session's consent (pairs.go)
)

// dropError is the error Handle returns: a reason from the list above and
// the details of this datagram.
type dropError struct {
	reason error  // one of the Err values above
	detail string // what exactly was wrong, for the log
}

func (e *dropError) Error() string {
	if e.detail == "" {
		return e.reason.Error()
	}
	return e.reason.Error() + ": " + e.detail
}

func (e *dropError) Unwrap() error { return e.reason }

// drop returns the error for a datagram dropped for reason.
func drop(reason error, detail string) error { return &dropError{reason: reason, detail: detail} }

// clip shortens an untrusted string for an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// Stats are the agent's counters since NewAgent, for the program to log or
// export.
type Stats struct {
	Bindings          uint64           // plain Binding requests answered like a STUN server (server-reflexive discovery)
	Checks            uint64           // connectivity checks answered with a success response (RFC 8445 §7.3)
	RoleConflicts     uint64           // checks answered with 487 Role Conflict (RFC 8445 §7.3.1.1)
	UnknownAttributes uint64           // requests answered with 420 Unknown Attribute (RFC 8489 §6.3.1)
	PairsValid        uint64           // PairValid events
	Selections        uint64           // Selected events
	PairExpiries      uint64           // PairExpired events
	ConsentExpiries   uint64           // ConsentExpired events
	Dropped           map[error]uint64 // dropped datagrams by reason (the Err values above)
}

// Stats returns a copy of the counters.
func (a *Agent) Stats() Stats {
	s := a.stats
	s.Dropped = maps.Clone(a.stats.Dropped)
	return s
}

// countDrop adds a dropped datagram to Stats.Dropped under its reason.
func (a *Agent) countDrop(err error) {
	var d *dropError
	if errors.As(err, &d) {
		a.stats.Dropped[d.reason]++
	}
}

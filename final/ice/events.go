package ice

import (
	"fmt"
	"net/netip"
	"time"
)

// This file defines what the agent tells the program, in the RFC's words.
// The program takes events with PollEvent after each call into the agent.

// Event is one of PairValid, Selected, PairExpired or ConsentExpired.
type Event interface {
	// String describes the event for a log line.
	String() string
	event() // only this package's types are events
}

// PairValid: the first authenticated check from Remote has been answered,
// so the pair (our port, Remote) is in the session's valid list
// (RFC 8445 §7.3.2: the pair is "placed into the valid list"). Route now
// returns the session for Remote.
//
// The pair is usable at once for DTLS and media, without waiting for
// USE-CANDIDATE: Chromium nominates only after a few more checks (tens of
// milliseconds on loopback, more on a real network), while its ClientHello
// follows its first successful check within milliseconds. Waiting for the
// nomination would add that wait to every connection, and drop the
// ClientHello.
type PairValid struct {
	Session string         // the session id given to AddSession
	Remote  netip.AddrPort // the browser's address as we see it: its host, server-reflexive or peer-reflexive candidate
}

// Selected: the browser nominated the pair to Remote with USE-CANDIDATE
// (RFC 8445 §8.1.1), and we accepted it (§7.3.2: "The agent sets the
// nominated flag for that pair to true"). §8.2: "Once there are nominated
// pairs for each component of a data stream, the pairs become the selected
// pairs"; with rtcp-mux and BUNDLE there is one component, so the nominated
// pair is the selected pair. The program sends its own packets (DTLS,
// RTCP) to Remote from now on.
//
// It is emitted when the selected pair is new or changes: Firefox nominates
// on its first check (aggressive nomination) and may nominate another pair
// later; a browser whose network changes moves to a new address. It is
// also emitted, right after PairExpired, when the selected pair has lost
// consent while other pairs of the session still have it: then Remote is
// the pair checked most recently, which the agent selects in the browser's
// stead, and Previous the pair that expired.
type Selected struct {
	Session  string         // the session id given to AddSession
	Remote   netip.AddrPort // the remote address of the selected pair
	Previous netip.AddrPort // the address selected before; invalid (zero) on the first nomination
	Fallback bool           // the agent chose Remote because Previous lost consent; the browser nominated nothing
}

// PairExpired: the pair to Remote has had no authenticated check for
// ConsentTimeout and has lost consent (RFC 7675 §5.1: the endpoint "MUST
// cease transmission on that 5-tuple"), while the session lives on through
// its other pairs. The pair has left the valid list: Route no longer
// returns the session for Remote, and the program must send nothing more
// there. If it was the selected pair, a Selected event follows with the
// pair that takes its place; if none is left (a rare case: the session's
// last check came on a pair evicted since, see MaxValidPairs), the session
// has no selected pair until the browser nominates one, and ConsentExpired
// follows unless a check comes first.
//
// When the whole session expires, its pairs go with it without a
// PairExpired each: ConsentExpired says it all.
type PairExpired struct {
	Session string         // the session id given to AddSession
	Remote  netip.AddrPort // the remote address of the pair
	Last    time.Time      // the last answered check on the pair
}

// ConsentExpired: no authenticated check arrived from the browser for
// ConsentTimeout on any pair (RFC 7675 §5.1). The session's ICE state is
// already freed (its routes too); the program closes the rest of the
// session.
type ConsentExpired struct {
	Session string    // the session id given to AddSession
	Last    time.Time // the last answered check, or AddSession's time if none came
}

func (PairValid) event()      {}
func (Selected) event()       {}
func (PairExpired) event()    {}
func (ConsentExpired) event() {}

func (e PairValid) String() string {
	return fmt.Sprintf("ice: session %s: pair to %v valid", e.Session, e.Remote)
}

func (e Selected) String() string {
	if e.Previous.IsValid() {
		return fmt.Sprintf("ice: session %s: selected pair to %v (was %v)", e.Session, e.Remote, e.Previous)
	}
	return fmt.Sprintf("ice: session %s: selected pair to %v", e.Session, e.Remote)
}

func (e PairExpired) String() string {
	return fmt.Sprintf("ice: session %s: pair to %v lost consent (last check %s)", e.Session, e.Remote, e.Last.Format(time.RFC3339Nano))
}

func (e ConsentExpired) String() string {
	return fmt.Sprintf("ice: session %s: consent expired (last check %s)", e.Session, e.Last.Format(time.RFC3339Nano))
}

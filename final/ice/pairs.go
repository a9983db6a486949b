package ice

import (
	"fmt"
	"net/netip"
	"time"
)

// This file keeps the valid list and the selected pair of a session
// (RFC 8445 §7.3.2, §8.2). With one local candidate per address family and
// one component, a pair is known by its remote address alone: the local
// side is always our port.
//
// RFC 8445 §7.3.2 (lite implementations): "the agent constructs a
// candidate pair whose local candidate has the transport address on which
// the request was received, and whose remote candidate is equal to the
// source transport address of the request that was received. This
// candidate pair is assigned an arbitrary priority and placed into the
// valid list". The RFC does this for a check with USE-CANDIDATE; we do it
// for every answered check, because DTLS starts before the nomination
// (see PairValid).
//
// A pair stays in the valid list while it has consent (consent.go): until
// ConsentTimeout after its last answered check.

// MaxValidPairs bounds the valid list of one session, so that a browser
// that keeps changing address (or a peer with valid credentials that
// sprays checks from many ports) cannot grow the agent without bound. A
// browser has a few candidates per network interface; 8 is plenty.
const MaxValidPairs = 8

// pair is one entry of a session's valid list.
type pair struct {
	remote netip.AddrPort // the source of the checks: the browser's candidate as we see it
	last   time.Time      // the last answered check on this pair: its consent (RFC 7675 §5.1), and to evict the stalest
}

// claim says whether s may have a valid pair to remote: not if remote is
// the remote address of a valid pair of another session.
//
// Route knows a DTLS or SRTP datagram's session by its source address
// alone, so a 5-tuple can carry one session only, and it carries the one
// that holds its consent (RFC 7675 §5.1: consent belongs to "that
// 5-tuple"). Anyone can open the page and get valid ICE credentials of
// their own; if an authenticated check of their session could take an
// address over, a check with a spoofed source would move another
// browser's address to the attacker's session, and that browser's DTLS
// would go to the attacker's association. So the address stays with its
// session while that pair has consent. It is free again once the pair has
// lost consent (the agent removes such pairs before it looks at any
// datagram, in Handle), or once the session has ended (RemoveSession,
// ConsentExpired). A NAT that gives a closed session's port to a new
// browser within ConsentTimeout delays that one candidate; the program
// frees it at once by calling RemoveSession when the old session ends.
//
// The check is dropped (ErrAddressInUse) without an answer: a success
// response would tell the browser that a pair works whose DTLS we would
// route elsewhere. The browser's transaction times out, it sets that pair
// to Failed (RFC 8445 §7.2.5.2.3: "If the Binding request transaction
// times out, the ICE agent MUST set the candidate pair state to Failed")
// and goes on with its other pairs.
func (a *Agent) claim(s *session, remote netip.AddrPort) error {
	if owner, ok := a.routes[remote]; ok && owner != s {
		return drop(ErrAddressInUse, fmt.Sprintf("session %s: %v is a valid pair of session %s", s.id, remote, owner.id))
	}
	return nil
}

// accept updates s after an answered check from remote at now: the valid
// list (PairValid), the pair's consent, and the nomination (Selected).
// claim has allowed remote for s.
func (a *Agent) accept(now time.Time, s *session, remote netip.AddrPort, useCandidate bool) {
	i := s.find(remote)
	if i < 0 {
		if len(s.pairs) == MaxValidPairs {
			a.forget(s, s.stalest())
		}
		s.pairs = append(s.pairs, pair{remote: remote, last: now})
		i = len(s.pairs) - 1
		a.routes[remote] = s
		a.emit(PairValid{Session: s.id, Remote: remote})
	}
	a.refresh(now, s, i)

	// §8.2: "once the lite agent accepts a nomination request for a
	// candidate pair, the lite agent considers the pair nominated." The
	// browser repeats USE-CANDIDATE on its later checks of the same pair;
	// only a change is news.
	if useCandidate && s.selected != remote {
		prev := s.selected
		s.selected = remote
		a.emit(Selected{Session: s.id, Remote: remote, Previous: prev})
	}
}

// find returns the index of the pair to remote in the valid list, or -1.
func (s *session) find(remote netip.AddrPort) int {
	for i, p := range s.pairs {
		if p.remote == remote {
			return i
		}
	}
	return -1
}

// stalest returns the remote address of the pair checked least recently,
// sparing the selected pair: it carries the media, and the browser keeps
// checking it, so it is rarely the stalest anyway.
func (s *session) stalest() netip.AddrPort {
	var victim netip.AddrPort
	var oldest time.Time
	for _, p := range s.pairs {
		if p.remote == s.selected {
			continue
		}
		if !victim.IsValid() || p.last.Before(oldest) {
			victim, oldest = p.remote, p.last
		}
	}
	return victim
}

// freshest returns the remote address of the pair checked most recently,
// or the zero AddrPort if the valid list is empty.
func (s *session) freshest() netip.AddrPort {
	var best netip.AddrPort
	var newest time.Time
	for _, p := range s.pairs {
		if !best.IsValid() || p.last.After(newest) {
			best, newest = p.remote, p.last
		}
	}
	return best
}

// forget removes the pair to remote from s and its route. If it was the
// selected pair, s has no selected pair until the next nomination.
func (a *Agent) forget(s *session, remote netip.AddrPort) {
	if i := s.find(remote); i >= 0 {
		s.pairs = append(s.pairs[:i], s.pairs[i+1:]...)
	}
	if a.routes[remote] == s {
		delete(a.routes, remote)
	}
	if s.selected == remote {
		s.selected = netip.AddrPort{}
	}
}

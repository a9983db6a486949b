package ice

import (
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

// MaxValidPairs bounds the valid list of one session, so that a browser
// that keeps changing address (or a peer with valid credentials that
// sprays checks from many ports) cannot grow the agent without bound. A
// browser has a few candidates per network interface; 8 is plenty.
const MaxValidPairs = 8

// pair is one entry of a session's valid list.
type pair struct {
	remote netip.AddrPort // the source of the checks: the browser's candidate as we see it
	last   time.Time      // the last answered check on this pair, to evict the stalest
}

// accept updates s after an answered check from remote at now: consent,
// the valid list (PairValid), and the nomination (Selected).
func (a *Agent) accept(now time.Time, s *session, remote netip.AddrPort, useCandidate bool) {
	a.refresh(now, s)

	if i := s.find(remote); i >= 0 {
		s.pairs[i].last = now
	} else {
		// The same address may have been valid for another session: a
		// NAT that reused a port, or a browser that closed one
		// PeerConnection and opened another on the same socket. The
		// check just answered proves it belongs to s now.
		if other, ok := a.routes[remote]; ok && other != s {
			a.forget(other, remote)
		}
		if len(s.pairs) == MaxValidPairs {
			a.forget(s, s.stalest())
		}
		s.pairs = append(s.pairs, pair{remote: remote, last: now})
		a.routes[remote] = s
		a.emit(PairValid{Session: s.id, Remote: remote})
	}

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

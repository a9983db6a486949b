package ice

import (
	"container/heap"
	"net/netip"
	"time"
)

// This file implements consent expiry after RFC 7675 §5.1: "Consent
// expires after 30 seconds. That is, if a valid STUN binding response has
// not been received from the remote peer's transport address in 30
// seconds, the endpoint MUST cease transmission on that 5-tuple."
//
// RFC 7675 describes the agent that sends checks. A lite agent sends none,
// so it cannot obtain consent itself; it sees the other half of the
// exchange. The browser keeps checking the selected pair (Chromium every
// 2-5 s once connected, RFC 7675 §5.1: "a period between checks of 4 to 6
// seconds"), and each check we answer tells us that the browser is still
// there and still wants our packets on that 5-tuple.
//
// Consent is kept per candidate pair, as RFC 7675 keeps it per 5-tuple:
// an answered check refreshes the pair it arrived on, and no other. A pair
// that has had no answered check for ConsentTimeout loses consent: it
// leaves the valid list and Route forgets its address (PairExpired). If it
// was the selected pair, the program must stop sending there; the pair
// checked most recently takes its place (Selected), since the browser is
// evidently still checking that one.
//
// The session lives as long as one of its pairs does: it expires
// ConsentTimeout after its last answered check on any pair, or after
// AddSession if no check came (ConsentExpired). Its state is then freed,
// and the program closes the rest of it.
//
// The sessions sit in a min-heap by their next deadline (the earliest
// consent deadline of their pairs, or their own), so that PollTimeout is
// O(1) and a refresh O(MaxValidPairs + log n) however many sessions share
// the port.

// deadline is when the session s expires: ConsentTimeout after its last
// answered check. Expiry happens at exactly that instant, not before.
func (a *Agent) deadline(s *session) time.Time { return s.last.Add(a.timeout) }

// pairDeadline is when the pair p loses consent: ConsentTimeout after its
// last answered check.
func (a *Agent) pairDeadline(p pair) time.Time { return p.last.Add(a.timeout) }

// refresh records an answered, authenticated check at now on the pair
// s.pairs[i].
func (a *Agent) refresh(now time.Time, s *session, i int) {
	// A clock that steps back never shortens consent.
	if now.After(s.pairs[i].last) {
		s.pairs[i].last = now
	}
	if now.After(s.last) {
		s.last = now
	}
	a.schedule(s)
}

// schedule recomputes when s next needs HandleTimeout, and moves it in the
// heap.
func (a *Agent) schedule(s *session) {
	s.wake = a.deadline(s)
	for _, p := range s.pairs {
		if d := a.pairDeadline(p); d.Before(s.wake) {
			s.wake = d
		}
	}
	a.consent.fix(s)
}

// PollTimeout returns when HandleTimeout must next be called: the earliest
// consent deadline of all pairs and sessions. It returns false when there
// are no sessions. The program arms its timer with it after every call
// into the agent.
func (a *Agent) PollTimeout() (time.Time, bool) {
	if len(a.consent) == 0 {
		return time.Time{}, false
	}
	return a.consent[0].wake, true
}

// HandleTimeout expires whatever has lost consent at or before now. A
// session that expires is freed and a ConsentExpired event queued, so that
// the program closes the session (DTLS, SRTP, its WebSocket); its pairs go
// with it. In a session that lives on, each pair that has lost consent is
// removed with a PairExpired event, followed by Selected if it was the
// selected pair and another pair is left.
func (a *Agent) HandleTimeout(now time.Time) {
	for len(a.consent) > 0 {
		s := a.consent[0]
		if now.Before(s.wake) {
			return
		}
		if !now.Before(a.deadline(s)) {
			heap.Pop(&a.consent)
			a.free(s)
			a.emit(ConsentExpired{Session: s.id, Last: s.last})
			continue
		}
		a.expirePairs(now, s)
		a.schedule(s) // now every deadline of s is after now: the loop moves on
	}
}

// expirePairs removes the pairs of s that have lost consent at now.
func (a *Agent) expirePairs(now time.Time, s *session) {
	var lost netip.AddrPort // the selected pair, if it lost consent
	kept := s.pairs[:0]
	for _, p := range s.pairs {
		if now.Before(a.pairDeadline(p)) {
			kept = append(kept, p)
			continue
		}
		if a.routes[p.remote] == s {
			delete(a.routes, p.remote)
		}
		if p.remote == s.selected {
			lost, s.selected = p.remote, netip.AddrPort{}
		}
		a.emit(PairExpired{Session: s.id, Remote: p.remote, Last: p.last})
	}
	clear(s.pairs[len(kept):])
	s.pairs = kept

	// RFC 7675 §5.1: we "MUST cease transmission on that 5-tuple", so the
	// program needs another address for its packets. The browser has
	// nominated no other pair, or that one would be selected; but it
	// still checks the freshest pair, which therefore has consent.
	if lost.IsValid() && len(s.pairs) > 0 {
		s.selected = s.freshest()
		a.emit(Selected{Session: s.id, Remote: s.selected, Previous: lost, Fallback: true})
	}
}

// consentQueue is a min-heap of sessions by their next deadline
// (session.wake). It implements heap.Interface; each session knows its
// index (session.heap) so that a refresh or a removal can fix the heap in
// place.
type consentQueue []*session

func (q consentQueue) Len() int           { return len(q) }
func (q consentQueue) Less(i, j int) bool { return q[i].wake.Before(q[j].wake) }
func (q consentQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].heap, q[j].heap = i, j
}

// Push and Pop are for container/heap; use add, fix and remove.
func (q *consentQueue) Push(x any) {
	s := x.(*session)
	s.heap = len(*q)
	*q = append(*q, s)
}

func (q *consentQueue) Pop() any {
	old := *q
	s := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	s.heap = -1
	return s
}

func (q *consentQueue) add(s *session)    { heap.Push(q, s) }
func (q *consentQueue) fix(s *session)    { heap.Fix(q, s.heap) }
func (q *consentQueue) remove(s *session) { heap.Remove(q, s.heap) }

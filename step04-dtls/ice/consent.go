package ice

import (
	"container/heap"
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
// there and still wants our packets. When no check has come for
// ConsentTimeout, the browser has gone (tab closed, network lost) or has
// withdrawn consent, and its session is freed.
//
// Consent is kept per session, not per pair: any answered check of the
// session refreshes it. The browser checks only its selected pair once ICE
// has concluded, so in practice the two are the same, and a per-session
// timer is what the program needs to close the session.
//
// The deadlines sit in a min-heap, so that PollTimeout is O(1) and a
// refresh O(log n) however many sessions share the port.

// deadline is when the consent of s expires: ConsentTimeout after the last
// answered check. Expiry happens at exactly that instant, not before.
func (a *Agent) deadline(s *session) time.Time { return s.last.Add(a.timeout) }

// refresh records an answered, authenticated check at now.
func (a *Agent) refresh(now time.Time, s *session) {
	if now.After(s.last) { // a clock that steps back never shortens consent
		s.last = now
	}
	a.consent.fix(s)
}

// PollTimeout returns when HandleTimeout must next be called: the earliest
// consent deadline of all sessions. It returns false when there are no
// sessions. The program arms its timer with it after every call into the
// agent.
func (a *Agent) PollTimeout() (time.Time, bool) {
	if len(a.consent) == 0 {
		return time.Time{}, false
	}
	return a.deadline(a.consent[0]), true
}

// HandleTimeout expires every session whose consent deadline is at or
// before now: its state is freed and a ConsentExpired event is queued, so
// that the program closes the session (DTLS, SRTP, its WebSocket).
func (a *Agent) HandleTimeout(now time.Time) {
	for len(a.consent) > 0 {
		s := a.consent[0]
		if now.Before(a.deadline(s)) {
			return
		}
		heap.Pop(&a.consent)
		a.free(s)
		a.emit(ConsentExpired{Session: s.id, Last: s.last})
	}
}

// consentQueue is a min-heap of sessions by last refresh. Every session
// has the same timeout, so the oldest refresh is the earliest deadline.
// It implements heap.Interface; each session knows its index (session.heap)
// so that a refresh or a removal can fix the heap in place.
type consentQueue []*session

func (q consentQueue) Len() int           { return len(q) }
func (q consentQueue) Less(i, j int) bool { return q[i].last.Before(q[j].last) }
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

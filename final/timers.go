package main

import (
	"container/heap"
	"time"
)

// Every peer has timers: DTLS retransmission, NACKs and their give-up,
// receiver reports, keyframe requests, the once-a-second summary. The
// loop must wake at the earliest of them all. Scanning every peer after
// every datagram costs O(sessions) per packet; a min-heap of deadlines
// costs O(log sessions) when one changes and O(1) to find the earliest.
//
// A peer's deadline changes whenever a datagram or a timer touches it.
// Rather than find and fix its entry, the loop pushes a new one and lets
// the old one go stale: each entry carries the peer and the generation it
// was pushed at, and an entry whose generation is no longer the peer's
// (or whose peer is gone) is skipped when it reaches the top. The heap is
// rebuilt when stale entries outnumber live ones, so it stays O(sessions).

// timerEntry is one deadline of one peer. It names the peer by its
// session id, not by pointer, so that a stale entry of an ended session
// keeps nothing of it alive.
type timerEntry struct {
	at  time.Time
	id  string
	gen uint64 // the peer's timerGen when pushed
}

// timerHeap is a min-heap of deadlines (container/heap).
type timerHeap []timerEntry

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)        { *h = append(*h, x.(timerEntry)) }
func (h *timerHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// live returns e's peer if e is its current deadline.
func (e timerEntry) live(peers map[string]*peer) *peer {
	if p := peers[e.id]; p != nil && p.timerGen == e.gen {
		return p
	}
	return nil
}

// schedule records p's deadline after something touched it. Nothing is
// pushed if it has not changed.
func (h *timerHeap) schedule(p *peer, peers map[string]*peer) {
	if peers[p.id] != p {
		return // ended
	}
	at, ok := p.deadline()
	h.scheduleAt(p, peers, at, ok)
}

// scheduleAt records that p's next deadline is at (none if !ok).
func (h *timerHeap) scheduleAt(p *peer, peers map[string]*peer, at time.Time, ok bool) {
	if ok == p.timerQueued && (!ok || at.Equal(p.timerAt)) {
		return // unchanged
	}
	p.timerGen++
	p.timerAt, p.timerQueued = at, ok
	if ok {
		heap.Push(h, timerEntry{at: at, id: p.id, gen: p.timerGen})
	}
	if len(*h) > 2*len(peers)+64 {
		h.compact(peers)
	}
}

// next returns the earliest live deadline, dropping stale entries on top.
func (h *timerHeap) next(peers map[string]*peer) (time.Time, bool) {
	for len(*h) > 0 {
		if e := (*h)[0]; e.live(peers) != nil {
			return e.at, true
		}
		heap.Pop(h)
	}
	return time.Time{}, false
}

// popDue removes and returns a peer whose deadline is at or before now,
// or nil. The peer's entry is gone: touching it schedules a new one.
func (h *timerHeap) popDue(now time.Time, peers map[string]*peer) *peer {
	at, ok := h.next(peers)
	if !ok || at.After(now) {
		return nil
	}
	p := heap.Pop(h).(timerEntry).live(peers)
	p.timerGen++ // no entry for it now
	p.timerQueued = false
	return p
}

// compact drops the stale entries.
func (h *timerHeap) compact(peers map[string]*peer) {
	live := (*h)[:0]
	for _, e := range *h {
		if e.live(peers) != nil {
			live = append(live, e)
		}
	}
	*h = live
	heap.Init(h)
}

package main

import (
	"fmt"
	"testing"
	"time"
)

// The heap wakes each peer at its deadline, skips stale entries, and stays
// small however often deadlines change.
func TestTimerHeap(t *testing.T) {
	var h timerHeap
	peers := map[string]*peer{}
	t0 := time.Now()
	deadlines := map[*peer]time.Time{}
	for i, d := range []time.Duration{3, 1, 2} {
		p := &peer{id: string(rune('a' + i))}
		peers[p.id] = p
		deadlines[p] = t0.Add(d * time.Second)
		h.scheduleAt(p, peers, deadlines[p], true)
	}
	// b's deadline moves later many times: one live entry, the rest stale.
	b := peers["b"]
	for i := range 1000 {
		h.scheduleAt(b, peers, t0.Add(time.Duration(4000+i)*time.Millisecond), true)
	}
	if len(h) > 2*len(peers)+64 {
		t.Errorf("heap of %d entries for %d peers", len(h), len(peers))
	}
	if at, ok := h.next(peers); !ok || !at.Equal(t0.Add(2*time.Second)) {
		t.Errorf("next = %v %v, want c's deadline at +2s", at.Sub(t0), ok)
	}
	delete(peers, "c") // ended: its entry is stale
	var order []string
	for p := h.popDue(t0.Add(10*time.Second), peers); p != nil; p = h.popDue(t0.Add(10*time.Second), peers) {
		order = append(order, p.id)
	}
	if got := len(order); got != 2 || order[0] != "a" || order[1] != "b" {
		t.Errorf("woken %v, want [a b]", order)
	}
	if _, ok := h.next(peers); ok {
		t.Error("an entry left after every peer was woken")
	}
	// A peer whose deadline goes away has no live entry.
	a := peers["a"]
	h.scheduleAt(a, peers, t0, true)
	h.scheduleAt(a, peers, time.Time{}, false)
	if _, ok := h.next(peers); ok {
		t.Error("a cancelled deadline is still live")
	}
}

// BenchmarkTimers: what the loop pays per datagram to keep its next
// wake-up right, with n sessions: one peer's deadline moves (a packet
// touched it) and the earliest of all is read. "heap" is timers.go;
// "scan" is the baseline it replaced, a pass over every peer's deadline.
func BenchmarkTimers(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		peers := map[string]*peer{}
		list := make([]*peer, n)
		deadlines := make([]time.Time, n)
		t0 := time.Now()
		var h timerHeap
		for i := range n {
			p := &peer{id: fmt.Sprint(i)}
			peers[p.id], list[i] = p, p
			deadlines[i] = t0.Add(time.Duration(i) * time.Millisecond)
			h.scheduleAt(p, peers, deadlines[i], true)
		}
		b.Run(fmt.Sprintf("heap/sessions=%d", n), func(b *testing.B) {
			for i := range b.N {
				p := list[i%n]
				h.scheduleAt(p, peers, t0.Add(time.Duration(i%1000+n)*time.Millisecond), true)
				h.next(peers)
			}
		})
		b.Run(fmt.Sprintf("scan/sessions=%d", n), func(b *testing.B) {
			for i := range b.N {
				deadlines[i%n] = t0.Add(time.Duration(i%1000+n) * time.Millisecond)
				next := t0.Add(time.Hour)
				for _, d := range deadlines {
					if d.Before(next) {
						next = d
					}
				}
			}
		})
	}
}

package rtp

// Loss: asking again, and giving up. RFC 4585 §6.2.1 (generic NACK) and
// §3.5 (when feedback may be sent).
//
// A missing number is NACKed after NACKDelay, in case it was only
// overtaken, then again every NACK interval, at most MaxNACKs times:
//
//	gap seen   +10 ms      +60 ms      +110 ms                +210 ms
//	   |       NACK 1      NACK 2      NACK 3                 given up → Poll: lost
//	           <- interval ->          <- minRetransmitWait ->
//
// The interval is NACKInterval (50 ms) until a retransmission has shown
// what a round trip is: the time from a NACK to the packet it brought back
// (counted only when one NACK was sent, so the answer is not mistaken for
// the answer to an earlier one), smoothed with gain 1/8; then 1.5 round
// trips, between 10 and 100 ms. Asking sooner than a round trip only
// brings the packet twice.
//
// RFC 4585 §3.5 lets an AVPF receiver send feedback at once ("immediate
// feedback mode") when few receivers share the session, as in a WebRTC
// call, so NACKs leave as soon as they are due, in one generic NACK per
// stream. The offer negotiates nack without RTX, so the browser resends
// the packet itself, same SSRC and sequence number, and it fills its
// entry (receiver.go).
//
// A gap is given up (abandoned) MaxDelay (250 ms) after it was seen, or
// a NACK interval (at least minRetransmitWait, 100 ms) after its last
// NACK, whichever comes first: holding
// back everything behind it longer only freezes the video, and the codec
// can recover with a keyframe. Gaps of more than MaxNACKGap numbers are
// abandoned at once: asking for that much again costs more than a
// keyframe.

import "time"

// nackInterval is the time between two NACKs of a number: 1.5 round trips
// once a retransmission has measured one, NACKInterval before.
func (r *Receiver) nackInterval() time.Duration {
	if r.rtt == 0 {
		return r.cfg.NACKInterval
	}
	return min(max(r.rtt*3/2, minNACKInterval), maxNACKInterval)
}

// nextNACK is when a missing entry may be NACKed next; ok is false when
// it will not be NACKed again.
func (r *Receiver) nextNACK(e *entry) (t time.Time, ok bool) {
	if r.cfg.DisableNACK || int(e.nacks) >= r.cfg.MaxNACKs {
		return time.Time{}, false
	}
	if e.nacks == 0 {
		return e.since.Add(r.cfg.NACKDelay), true
	}
	return e.lastNACK.Add(r.nackInterval()), true
}

// minRetransmitWait is the least time a receiver waits for an answer to
// its last NACK. The round trip alone is too short a wait: a browser's
// pacer and its own NACK handling delay a retransmission by tens of
// milliseconds more (measured on loopback: a median of 12–44 ms, at times
// over 100 ms), and a packet given up costs a keyframe.
const minRetransmitWait = 100 * time.Millisecond

// giveUpAt is when a missing entry is abandoned: MaxDelay after the gap
// was seen, or a while (a NACK interval, at least minRetransmitWait) after
// its last NACK, whichever is first.
func (r *Receiver) giveUpAt(e *entry) time.Time {
	t := e.since.Add(r.cfg.MaxDelay)
	if !r.cfg.DisableNACK && int(e.nacks) >= r.cfg.MaxNACKs {
		if u := e.lastNACK.Add(max(r.nackInterval(), minRetransmitWait)); u.Before(t) {
			t = u
		}
	}
	return t
}

// AppendNACKs appends the sequence numbers to NACK now, in sequence
// order, and counts them as NACKed: build the packet with
// rtcp.NewNACK(ourSSRC, r.SSRC(), seqs). At most 256 at a time; call
// again when NextDeadline is now.
func (r *Receiver) AppendNACKs(dst []uint16, now time.Time) []uint16 {
	if r.missing == 0 || r.cfg.DisableNACK {
		return dst
	}
	n := 0
	for x := r.next; x <= r.highest && n < maxNACKsPerCall; x++ {
		e := r.at(x)
		if e.state != stateMissing {
			continue
		}
		if t, ok := r.nextNACK(e); !ok || now.Before(t) {
			continue
		}
		dst = append(dst, uint16(x))
		e.nacks++
		e.lastNACK = now
		n++
	}
	if n > 0 {
		r.counters.NACKed += uint64(n)
		r.deadlineOK = false
	}
	return dst
}

// HandleTimeout ends the start's hold and gives up the gaps whose time
// is up. Poll then delivers or skips them.
func (r *Receiver) HandleTimeout(now time.Time) {
	if r.holding && !now.Before(r.holdUntil) {
		r.release()
	}
	if r.missing == 0 {
		return
	}
	for x := r.next; x <= r.highest; x++ {
		e := r.at(x)
		if e.state == stateMissing && !now.Before(r.giveUpAt(e)) {
			e.state = stateAbandoned
			r.missing--
			r.deadlineOK = false
		}
	}
}

// NextDeadline is when the receiver next has something to do: a NACK to
// send (AppendNACKs), a gap to give up or the start to release
// (HandleTimeout). Zero when nothing is pending.
func (r *Receiver) NextDeadline() time.Time {
	if r.missing == 0 && !r.holding {
		return time.Time{}
	}
	if r.deadlineOK {
		return r.deadline
	}
	var d time.Time
	earlier := func(t time.Time) {
		if d.IsZero() || t.Before(d) {
			d = t
		}
	}
	if r.holding {
		earlier(r.holdUntil)
	}
	for x := r.next; x <= r.highest; x++ {
		e := r.at(x)
		if e.state != stateMissing {
			continue
		}
		earlier(r.giveUpAt(e))
		if t, ok := r.nextNACK(e); ok {
			earlier(t)
		}
	}
	r.deadline, r.deadlineOK = d, true
	return d
}

// sampleRTT takes the time from a NACK to the retransmission it brought
// (RFC 6298-style smoothing with gain 1/8).
func (r *Receiver) sampleRTT(d time.Duration) {
	if d <= 0 {
		return
	}
	if r.rtt == 0 {
		r.rtt = d
	} else {
		r.rtt += (d - r.rtt) / 8
	}
	r.deadlineOK = false
}

// SetRTT tells the receiver the round-trip time, if the program knows it
// better (0 forgets it).
func (r *Receiver) SetRTT(d time.Duration) {
	r.rtt = max(d, 0)
	r.deadlineOK = false
}

// RTT is the round-trip estimate the NACK timing uses; 0 when unknown.
func (r *Receiver) RTT() time.Duration { return r.rtt }

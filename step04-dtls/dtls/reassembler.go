package dtls

// Handshake message reassembly, RFC 6347 §4.2.3.
//
//	"When a DTLS implementation receives a handshake message fragment, it
//	 MUST buffer it until it has the entire handshake message.  DTLS
//	 implementations MUST be able to handle overlapping fragment ranges."
//
// and §4.2.2:
//
//	"If the next message is not yet available [message_seq is ahead], the
//	 implementation ... MAY queue it for future handling ... if a message
//	 with a lower sequence number [arrives] ... the receiver MUST discard
//	 it" (paraphrased).
//
// The reassembler keeps one partial message per message_seq in a small
// window ahead of the next expected one, records which byte ranges of each
// body have arrived, and hands out complete messages strictly in
// message_seq order. A fragment of an already delivered message means the
// peer retransmitted a flight: the caller may then retransmit its own
// (§4.2.4).
//
// Memory is bounded: a message may not exceed maxHandshakeMessageLen, no
// more than reassemblyWindow messages ahead are kept, and the bodies
// buffered at once may not exceed maxBufferedBytes. Every partial body is
// allocated at its announced length, so these caps are checked before
// allocating.

import (
	"errors"
	"fmt"
)

const (
	maxHandshakeMessageLen = 64 << 10  // biggest message we accept (a ClientHello or a chain)
	reassemblyWindow       = 8         // message_seq values buffered ahead of next
	maxBufferedBytes       = 128 << 10 // total of the partial bodies held at once
)

// errTooBig is returned for a fragment of a message beyond the caps.
var errTooBig = errors.New("dtls: handshake: message exceeds the reassembly limits")

// partialMessage is a message whose fragments are still arriving.
type partialMessage struct {
	typ    HandshakeType // msg_type of the first fragment; later ones must agree
	epoch  uint16        // epoch of the record that carried the first fragment
	body   []byte        // the body, len = announced length
	ranges [][2]int      // received byte ranges [start, end), sorted and merged
}

// add copies a fragment into the body and merges its range. Duplicate and
// overlapping fragments simply write the same bytes again.
func (p *partialMessage) add(off int, data []byte) {
	if len(data) == 0 {
		return
	}
	copy(p.body[off:], data)
	start, end := off, off+len(data)
	merged := make([][2]int, 0, len(p.ranges)+1)
	placed := false
	for _, rg := range p.ranges {
		switch {
		case rg[1] < start: // entirely before, not touching
			merged = append(merged, rg)
		case rg[0] > end: // entirely after
			if !placed {
				merged = append(merged, [2]int{start, end})
				placed = true
			}
			merged = append(merged, rg)
		default: // overlaps or touches: absorb it
			start, end = min(start, rg[0]), max(end, rg[1])
		}
	}
	if !placed {
		merged = append(merged, [2]int{start, end})
	}
	p.ranges = merged
}

// complete reports whether every byte of the body has arrived.
func (p *partialMessage) complete() bool {
	if len(p.body) == 0 {
		return true
	}
	return len(p.ranges) == 1 && p.ranges[0][0] == 0 && p.ranges[0][1] == len(p.body)
}

// reassembler turns fragments into in-order messages.
type reassembler struct {
	next     uint16                     // message_seq of the next message to deliver
	pending  map[uint16]*partialMessage // partial or complete messages not yet delivered
	buffered int                        // sum of len(body) over pending
	anySeq   bool                       // the next fragment's message_seq becomes next (waiting for a ClientHello)
}

// newReassembler returns a reassembler that will accept the first message it
// is given, whatever its message_seq: a stateless server does not know which
// ClientHello (first, or retransmitted, or with cookie) arrives first.
func newReassembler() *reassembler {
	return &reassembler{pending: map[uint16]*partialMessage{}, anySeq: true}
}

// resetAnySeq drops everything buffered and waits for a new first message.
func (r *reassembler) resetAnySeq() {
	clear(r.pending)
	r.buffered = 0
	r.anySeq = true
}

// push adds one fragment that arrived in a record of the given epoch. old is
// true when the fragment belongs to a message already delivered, which tells
// the caller that the peer is retransmitting. Fragments that cannot be
// buffered are dropped with an error that explains why.
func (r *reassembler) push(f *HandshakeFragment, epoch uint16) (old bool, err error) {
	h := &f.Header
	if h.Length > maxHandshakeMessageLen {
		return false, errTooBig
	}
	if r.anySeq && len(r.pending) == 0 {
		r.next, r.anySeq = h.MessageSeq, false
	}
	if h.MessageSeq < r.next {
		return true, nil // already delivered: a retransmission
	}
	if h.MessageSeq-r.next >= reassemblyWindow {
		return false, fmt.Errorf("dtls: handshake: message_seq %d too far ahead of %d", h.MessageSeq, r.next)
	}
	p := r.pending[h.MessageSeq]
	if p == nil {
		if r.buffered+h.Length > maxBufferedBytes {
			return false, errTooBig
		}
		p = &partialMessage{typ: h.Type, epoch: epoch, body: make([]byte, h.Length)}
		r.pending[h.MessageSeq] = p
		r.buffered += h.Length
	}
	if p.typ != h.Type || len(p.body) != h.Length || p.epoch != epoch {
		return false, fmt.Errorf("dtls: handshake: fragment of message_seq %d disagrees (%v/%d/epoch %d, had %v/%d/epoch %d)",
			h.MessageSeq, h.Type, h.Length, epoch, p.typ, len(p.body), p.epoch)
	}
	p.add(h.FragmentOffset, f.Data)
	return false, nil
}

// pop returns the next message if all of it has arrived.
func (r *reassembler) pop() (*HandshakeMessage, bool) {
	p := r.pending[r.next]
	if p == nil || !p.complete() {
		return nil, false
	}
	delete(r.pending, r.next)
	r.buffered -= len(p.body)
	m := &HandshakeMessage{Type: p.typ, MessageSeq: r.next, Epoch: p.epoch, Body: p.body}
	r.next++
	return m, true
}

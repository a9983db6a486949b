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
// The reassembler keeps one partial message per message_seq, records in a
// bitmap which bytes of each body have arrived, and hands out complete
// messages. It works in two modes:
//
//   - Stateless, until the server accepts a ClientHello: nothing is known
//     about the client yet, so a message of any message_seq may be the
//     ClientHello to answer, and none of them fixes which message_seq
//     comes next. Complete messages are handed out in the order they
//     complete. When the partial messages exceed the caps, the oldest is
//     forgotten.
//   - Ordered, once a ClientHello was accepted: messages are handed out
//     strictly in message_seq order, starting after that ClientHello; a
//     fragment of an already accepted message means the peer retransmitted
//     a flight, and the caller may then retransmit its own (§4.2.4). Only
//     a small window ahead of the next message is buffered.
//
// pop hands out a complete message but does not move past it: the caller
// says with accept whether the message was taken. A message the caller
// drops (a forged plaintext message, say) leaves its message_seq open for
// the real one.
//
// Fragments are not authenticated in epoch 0, so a fragment that disagrees
// with the partial message of its message_seq (type, length, epoch or
// source address) replaces it: a stray fragment must not block a
// message_seq for good. An epoch-0 fragment never replaces an epoch-1
// (authenticated) one.
//
// Work and memory are bounded: a message may not exceed
// maxHandshakeMessageLen, the bodies buffered at once may not exceed
// maxBufferedBytes, and one datagram may not make the reassembler allocate
// more than maxBufferedBytes of bodies (startDatagram resets that budget).
// Each fragment then costs time proportional to its length: a copy and a
// few word operations on the bitmap.

import (
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
)

const (
	maxHandshakeMessageLen = 64 << 10  // biggest message we accept (a ClientHello or a chain)
	reassemblyWindow       = 8         // message_seq values buffered ahead of next, or partial messages kept while stateless
	maxBufferedBytes       = 128 << 10 // total of the partial bodies held at once, and allocated per datagram
)

// errTooBig is returned for a fragment of a message beyond the caps.
var errTooBig = errors.New("dtls: handshake: message exceeds the reassembly limits")

// errBudget is returned when one datagram asks for more allocation than
// maxBufferedBytes.
var errBudget = errors.New("dtls: handshake: this datagram started too many large messages")

// partialMessage is a message whose fragments are still arriving.
type partialMessage struct {
	typ      handshakeType  // msg_type of the first fragment; later ones must agree
	epoch    uint16         // epoch of the record that carried the first fragment
	from     netip.AddrPort // source address of the first fragment
	body     []byte         // the body, len = announced length
	received []uint64       // bit i set: body[i] has arrived
	missing  int            // bytes of body not yet received
	order    uint64         // creation order, oldest first
}

// add copies a fragment into the body and marks its bytes received.
// Duplicate and overlapping fragments simply write the same bytes again.
func (p *partialMessage) add(off int, data []byte) {
	if len(data) == 0 {
		return
	}
	copy(p.body[off:], data)
	p.missing -= setBits(p.received, off, off+len(data))
}

// setBits sets bits [start, end) of a bitmap, a word at a time, and returns
// how many of them were clear.
func setBits(words []uint64, start, end int) int {
	n := 0
	for start < end {
		w, lo := start/64, start%64
		width := min(64-lo, end-start)
		mask := ^uint64(0) >> (64 - width) << lo
		n += bits.OnesCount64(mask &^ words[w])
		words[w] |= mask
		start += width
	}
	return n
}

// complete reports whether every byte of the body has arrived.
func (p *partialMessage) complete() bool { return p.missing == 0 }

// reassembler turns fragments into messages.
type reassembler struct {
	ordered  bool                       // a message was accepted: deliver in message_seq order from next
	next     uint16                     // ordered: message_seq of the next message to deliver
	pending  map[uint16]*partialMessage // partial or complete messages not yet delivered
	buffered int                        // sum of len(body) over pending
	budget   int                        // bytes of bodies the current datagram may still allocate
	created  uint64                     // partial messages created so far, for partialMessage.order
	complete bool                       // stateless: some pending message may be complete (saves pop a scan per fragment)
}

// newReassembler returns a stateless reassembler: it accepts messages of
// any message_seq until accept is called, since a stateless server does
// not know which ClientHello (first, retransmitted, or with the cookie)
// arrives first.
func newReassembler() *reassembler {
	return &reassembler{pending: map[uint16]*partialMessage{}, budget: maxBufferedBytes}
}

// startDatagram renews the allocation budget for a new datagram.
func (r *reassembler) startDatagram() { r.budget = maxBufferedBytes }

// expect switches to ordered mode, with next as the next message_seq, and
// forgets everything buffered.
func (r *reassembler) expect(next uint16) {
	clear(r.pending)
	r.buffered = 0
	r.ordered, r.next = true, next
}

// push adds one fragment that arrived in a record of the given epoch from
// the given address. old is true when the fragment belongs to a message
// already accepted, which tells the caller that the peer is retransmitting.
// err says what was dropped: the fragment, or (when it replaced one) the
// partial message it disagreed with; in that last case the fragment was
// taken and pop may have a message.
func (r *reassembler) push(f *handshakeFragment, epoch uint16, from netip.AddrPort) (old bool, err error) {
	h := &f.Header
	if h.Length > maxHandshakeMessageLen {
		return false, errTooBig
	}
	if r.ordered {
		if h.MessageSeq < r.next {
			return true, nil // already accepted: a retransmission
		}
		if h.MessageSeq-r.next >= reassemblyWindow {
			return false, fmt.Errorf("dtls: handshake: message_seq %d too far ahead of %d", h.MessageSeq, r.next)
		}
	}
	p := r.pending[h.MessageSeq]
	if p != nil && (p.typ != h.Type || len(p.body) != h.Length || p.epoch != epoch || p.from != from) {
		if epoch < p.epoch {
			return false, fmt.Errorf("dtls: handshake: epoch-%d fragment of message_seq %d disagrees with the epoch-%d message being reassembled",
				epoch, h.MessageSeq, p.epoch)
		}
		err = fmt.Errorf("dtls: handshake: dropped the partial message_seq %d (%v/%d/epoch %d from %v) for a disagreeing fragment (%v/%d/epoch %d from %v)",
			h.MessageSeq, p.typ, len(p.body), p.epoch, p.from, h.Type, h.Length, epoch, from)
		r.remove(h.MessageSeq)
		p = nil
	}
	if p == nil {
		if h.Length > r.budget {
			return false, errBudget
		}
		if !r.makeRoom(h.MessageSeq, h.Length) {
			return false, errTooBig
		}
		r.budget -= h.Length
		r.created++
		p = &partialMessage{typ: h.Type, epoch: epoch, from: from, body: make([]byte, h.Length),
			received: make([]uint64, (h.Length+63)/64), missing: h.Length, order: r.created}
		r.pending[h.MessageSeq] = p
		r.buffered += h.Length
	}
	p.add(h.FragmentOffset, f.Data)
	r.complete = r.complete || p.complete()
	return false, err
}

// makeRoom makes space for a new message of n bytes at message_seq seq,
// forgetting other partial messages if needed: when stateless, the oldest
// ones; when ordered, those further ahead than seq, so that the message
// the handshake needs next always fits. It reports whether there is room.
func (r *reassembler) makeRoom(seq uint16, n int) bool {
	for len(r.pending) >= reassemblyWindow || r.buffered+n > maxBufferedBytes {
		victim, found := uint16(0), false
		for s, p := range r.pending {
			switch {
			case !r.ordered && (!found || p.order < r.pending[victim].order):
				victim, found = s, true
			case r.ordered && s > seq && (!found || s > victim):
				victim, found = s, true
			}
		}
		if !found {
			return false
		}
		r.remove(victim)
	}
	return true
}

// remove forgets the partial message of message_seq seq.
func (r *reassembler) remove(seq uint16) {
	if p := r.pending[seq]; p != nil {
		r.buffered -= len(p.body)
		delete(r.pending, seq)
	}
}

// pop returns a complete message, if there is one, and forgets it: when
// ordered, the message of message_seq next; when stateless, the one that
// completed first. The caller calls accept if it took the message.
func (r *reassembler) pop() (*handshakeMessage, bool) {
	seq, found := r.next, false
	if r.ordered {
		p := r.pending[r.next]
		found = p != nil && p.complete()
	} else if r.complete {
		for s, p := range r.pending {
			if p.complete() && (!found || p.order < r.pending[seq].order) {
				seq, found = s, true
			}
		}
		r.complete = found
	}
	if !found {
		return nil, false
	}
	p := r.pending[seq]
	r.remove(seq)
	return &handshakeMessage{Type: p.typ, MessageSeq: seq, Epoch: p.epoch, Body: p.body}, true
}

// accept moves past m, a message pop returned that the handshake took:
// the next message is m's successor. The first accept ends the stateless
// mode and forgets the other messages buffered until then.
func (r *reassembler) accept(m *handshakeMessage) {
	if !r.ordered {
		r.expect(m.MessageSeq + 1)
		return
	}
	r.next = m.MessageSeq + 1
}

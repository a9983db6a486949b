package rtp

// The receiver of one media stream: reorder, detect loss, ask again, give
// up in time. RFC 3550 §6.4.1 and Appendix A.1 (sequence numbers), RFC
// 4585 §6.2.1 (generic NACK) and §3.5 (when to send feedback).
//
// UDP delivers packets late, twice, out of order or not at all. A video
// decoder needs them in sequence order and complete, so between the SRTP
// layer and the codec sits a small buffer per media SSRC:
//
//	arrival:   100 101 103 104 102 105            (102 was overtaken)
//	delivery:  100 101         102 103 104 105    (Poll)
//
//	arrival:   100 101 103 104  ·  NACK 102  ·  102 (retransmitted) 105
//	delivery:  100 101                          102 103 104 105
//
//	arrival:   100 101 103 104  ·  NACK 102 ×3  ·  (250 ms, nothing)
//	delivery:  100 101                             103 (lost=1) 104 105
//
// The buffer is a ring of MaxPackets entries indexed by extended sequence
// number (seq.go). Entry next is the first packet not yet delivered;
// highest, the highest received. In between, each entry holds a packet,
// or marks a number as missing:
//
//	        next                               highest
//	         v                                    v
//	... [delivered] [missing] [pkt] [pkt] [missing] [pkt]  [ free ... ]
//	                 ^ NACKed, waiting        ^ waiting
//
// A packet beyond highest opens a gap: the numbers skipped are marked
// missing, to be asked for again or given up (loss.go). Poll skips what
// was given up and says how many it skipped (lost), which tells the
// program to ask for a keyframe (RTCP PLI).
//
// The first packet is held back for StartDelay (10 ms): if the first
// packets were reordered, the earlier ones still come first and become the
// start of the stream.
//
// Limits: at most MaxPackets numbers between next and the newest packet
// (a packet further ahead pushes the window, giving up what falls out of
// it), at most MaxBytes of buffered packets (the oldest are dropped
// first), packets of at most MaxPacketSize. Memory is bounded by
// MaxPackets+1 buffers of MaxPacketSize, allocated as packets arrive.
//
// Sequence numbers follow Appendix A.1's update_seq: a packet up to
// MAX_DROPOUT (3000) ahead is in the stream; one up to the window size
// behind is late or reordered (A.1's MAX_MISORDER is 100, too few once
// retransmissions arrive a round trip late); anything else is a jump,
// dropped unless the next packet follows it, which means the sender
// restarted: the receiver then starts over, as A.1's init_seq does.
//
// Packets the receiver has sent on are remembered until their entry is
// reused, so a late duplicate is told from a packet too late to use.

import (
	"encoding/binary"
	"math"
	"time"
)

// ReceiverConfig configures a Receiver. Zero fields take the defaults.
type ReceiverConfig struct {
	SSRC      uint32 // the media SSRC this receiver is for
	ClockRate uint32 // the RTP clock rate, for the jitter: 90000 for video (default)

	MaxPackets    int // reorder window, rounded up to a power of two; default 512
	MaxBytes      int // buffered bytes (headers included); default 1 MiB
	MaxPacketSize int // largest packet accepted; default 1500

	// MaxDelay is how long a gap may hold back the packets behind it
	// before it is given up; default 250 ms.
	MaxDelay time.Duration

	// StartDelay holds the first packet back this long, in case earlier
	// ones were overtaken: they are delivered first. Default 10 ms,
	// negative for none.
	StartDelay time.Duration

	DisableNACK  bool          // never NACK; gaps are waited for (MaxDelay), then given up
	NACKDelay    time.Duration // wait before the first NACK, in case of reordering; default 10 ms, negative for none
	NACKInterval time.Duration // between NACKs of one number before a round trip is known; default 50 ms
	MaxNACKs     int           // NACKs per missing number; default 3
	MaxNACKGap   int           // gaps longer than this are given up at once; default 128
}

// Defaults.
const (
	DefaultMaxPackets    = 512
	DefaultMaxBytes      = 1 << 20
	DefaultMaxPacketSize = 1500
	DefaultMaxDelay      = 250 * time.Millisecond
	DefaultStartDelay    = 10 * time.Millisecond
	DefaultNACKDelay     = 10 * time.Millisecond
	DefaultNACKInterval  = 50 * time.Millisecond
	DefaultMaxNACKs      = 3
	DefaultMaxNACKGap    = 128

	maxDropout       = 3000                   // RFC 3550 A.1 MAX_DROPOUT
	minNACKInterval  = 10 * time.Millisecond  // bounds of the RTT-based NACK interval
	maxNACKInterval  = 100 * time.Millisecond //
	maxNACKsPerCall  = 256                    // sequence numbers AppendNACKs returns at once
	noBadSeq         = -1                     // A.1 bad_seq when no jump is pending
	noExt            = math.MinInt64          // the ext of an entry never used
	defaultClockRate = 90000
)

func (c *ReceiverConfig) defaults() {
	if c.ClockRate == 0 {
		c.ClockRate = defaultClockRate
	}
	if c.MaxPackets <= 0 {
		c.MaxPackets = DefaultMaxPackets
	}
	n := 1
	for n < c.MaxPackets && n < 1<<14 {
		n <<= 1
	}
	c.MaxPackets = n
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxPacketSize <= 0 {
		c.MaxPacketSize = DefaultMaxPacketSize
	}
	if c.MaxDelay <= 0 {
		c.MaxDelay = DefaultMaxDelay
	}
	if c.StartDelay == 0 {
		c.StartDelay = DefaultStartDelay
	} else if c.StartDelay < 0 {
		c.StartDelay = 0
	}
	if c.NACKDelay == 0 {
		c.NACKDelay = DefaultNACKDelay
	} else if c.NACKDelay < 0 {
		c.NACKDelay = 0
	}
	if c.NACKInterval <= 0 {
		c.NACKInterval = DefaultNACKInterval
	}
	if c.MaxNACKs <= 0 {
		c.MaxNACKs = DefaultMaxNACKs
	}
	if c.MaxNACKGap <= 0 {
		c.MaxNACKGap = DefaultMaxNACKGap
	}
}

// entryState is what the receiver knows about one sequence number.
type entryState uint8

const (
	stateEmpty     entryState = iota // nothing (yet) for entry.ext
	stateMissing                     // a gap: waiting, NACKing
	stateAbandoned                   // a gap given up; Poll skips it
	statePresent                     // a packet, waiting for Poll
	stateDelivered                   // Poll returned it
	stateSkipped                     // given up or dropped, and passed
)

// entry is one place of the ring.
type entry struct {
	ext      int64      // the extended sequence number this entry is about
	state    entryState //
	nacks    uint8      // NACKs sent for it
	since    time.Time  // missing: when the gap was seen
	lastNACK time.Time  // missing: when it was last NACKed
	size     int        // present: bytes buffered
	slot     *slot      // present: the packet; kept when the entry moves on, for reuse
}

// slot holds one packet: its bytes, and the Packet parsed from them. A
// packet is copied and parsed into the receiver's spare slot, and the
// slot changes places with the entry's when the packet is kept, so
// nothing is copied twice and, once every entry has a slot, nothing is
// allocated.
type slot struct {
	buf []byte
	pkt Packet
}

// Receiver puts one media stream's packets in order. It is sans-IO and
// not safe for concurrent use: the program's loop calls it.
type Receiver struct {
	cfg  ReceiverConfig
	ring []entry
	mask int64

	started       bool
	next          int64 // first number not yet delivered or skipped
	highest       int64 // highest number received
	lastDelivered int64 // the number of the last packet Poll returned
	restarted     bool  // the stream restarted since the last Poll
	holding       bool  // the start is held back until holdUntil
	holdUntil     time.Time
	badSeq        int32 // A.1 bad_seq: the number that would confirm a jump
	missing       int   // entries in stateMissing
	bytes         int   // bytes of buffered packets

	rtt        time.Duration // smoothed NACK → retransmission time; 0 = unknown
	deadline   time.Time     // cached NextDeadline
	deadlineOK bool          // whether deadline is current

	spare *slot // where Push copies and parses the next packet

	stats    receptionStats // RFC 3550 A.1, A.3, A.8 (stats.go)
	counters ReceiverStats
}

// NewReceiver returns a receiver for cfg.SSRC.
func NewReceiver(cfg ReceiverConfig) *Receiver {
	cfg.defaults()
	r := &Receiver{cfg: cfg, ring: make([]entry, cfg.MaxPackets), mask: int64(cfg.MaxPackets - 1), badSeq: noBadSeq, spare: &slot{}}
	for i := range r.ring {
		r.ring[i].ext = noExt
	}
	return r
}

// Config returns the configuration in use, defaults filled in.
func (r *Receiver) Config() ReceiverConfig { return r.cfg }

// SSRC is the media SSRC of the stream.
func (r *Receiver) SSRC() uint32 { return r.cfg.SSRC }

func (r *Receiver) at(ext int64) *entry { return &r.ring[ext&r.mask] }

// Push takes a received RTP packet, the plain bytes after SRTP. It copies
// and parses them (Packet.Unmarshal), so b may be reused when Push
// returns. The error says why a packet was refused: a header that does
// not parse, or ErrWrongSSRC, ErrDuplicate, ErrTooLate, ErrSequenceJump,
// ErrTooLarge (all of type Error). A refused packet changes nothing but
// the counters and, for a late or duplicate one, the RR's received count
// (RFC 3550 §6.4.1 counts them).
func (r *Receiver) Push(now time.Time, b []byte) error {
	if len(b) >= FixedHeaderLen && binary.BigEndian.Uint32(b[8:12]) != r.cfg.SSRC {
		r.counters.WrongSSRC++
		return ErrWrongSSRC
	}
	if len(b) > r.cfg.MaxPacketSize || len(b) > r.cfg.MaxBytes {
		r.counters.TooLarge++
		return ErrTooLarge
	}
	s := r.spareFor(len(b))
	copy(s.buf, b)
	if err := s.pkt.Unmarshal(s.buf[:len(b)]); err != nil {
		return err
	}
	return r.push(now, len(b))
}

// PushPacket is Push for a packet held as a Packet: it is written
// (MarshalTo) into the receiver's buffer and parsed back from there.
func (r *Receiver) PushPacket(now time.Time, p *Packet) error {
	if p.SSRC != r.cfg.SSRC {
		r.counters.WrongSSRC++
		return ErrWrongSSRC
	}
	size := p.MarshalSize()
	if size > r.cfg.MaxPacketSize || size > r.cfg.MaxBytes {
		r.counters.TooLarge++
		return ErrTooLarge
	}
	s := r.spareFor(size)
	if _, err := p.MarshalTo(s.buf[:size]); err != nil {
		return err
	}
	if err := s.pkt.Unmarshal(s.buf[:size]); err != nil {
		return err // unreachable: MarshalTo writes what Unmarshal reads
	}
	return r.push(now, size)
}

// spareFor returns the spare slot with room for size bytes.
func (r *Receiver) spareFor(size int) *slot {
	s := r.spare
	if cap(s.buf) < size {
		s.buf = make([]byte, r.cfg.MaxPacketSize)
	}
	return s
}

// push places the packet parsed into the spare slot, size bytes.
func (r *Receiver) push(now time.Time, size int) error {
	p := &r.spare.pkt
	if !r.started {
		r.start(now, p.SequenceNumber)
	}
	if r.holding && !now.Before(r.holdUntil) {
		r.release()
	}

	// Where is it? RFC 3550 A.1 update_seq, with the window as misorder.
	var ext int64
	u := p.SequenceNumber - uint16(r.highest)
	switch {
	case u < maxDropout:
		ext = r.highest + int64(u)
	case int(u) >= 1<<16-len(r.ring):
		ext = r.highest - int64(1<<16-int(u))
	case int32(p.SequenceNumber) == r.badSeq:
		// Two packets in sequence after a jump: the sender restarted.
		r.restart(now, p.SequenceNumber)
		ext = r.highest + 1
	default:
		r.badSeq = int32(p.SequenceNumber + 1)
		r.counters.Jumps++
		return ErrSequenceJump
	}
	r.badSeq = noBadSeq
	r.counters.Received++
	r.counters.Bytes += uint64(size)
	r.stats.received++

	e := r.at(ext)
	switch {
	case ext < r.next && r.holding && r.highest-ext < int64(len(r.ring)) && r.bytes+size <= r.cfg.MaxBytes:
		// Overtaken by the first packets, while they are held back: the
		// stream starts earlier.
		r.stats.arrived(now, p.Timestamp, r.cfg.ClockRate)
		r.counters.Reordered++
		for x := ext + 1; x < r.next; x++ {
			m := r.at(x)
			*m = entry{ext: x, state: stateMissing, since: now, slot: m.slot}
			r.missing++
		}
		r.next, r.lastDelivered, r.stats.base = ext, ext-1, ext
		r.store(e, ext, size)
		r.deadlineOK = false
		return nil

	case ext < r.next:
		if e.ext == ext && e.state == stateDelivered {
			r.counters.Duplicates++
			return ErrDuplicate
		}
		r.counters.Late++
		return ErrTooLate

	case ext <= r.highest: // fills a gap, or a duplicate
		if e.state == statePresent {
			r.counters.Duplicates++
			return ErrDuplicate
		}
		if r.makeRoom(size); ext < r.next {
			r.counters.Late++ // its gap was given up to make room
			return ErrTooLate
		}
		if e.nacks > 0 {
			r.counters.Recovered++
			if e.nacks == 1 { // one NACK: the sample is unambiguous (Karn)
				r.sampleRTT(now.Sub(e.lastNACK))
			}
		} else {
			r.counters.Reordered++
			r.stats.arrived(now, p.Timestamp, r.cfg.ClockRate) // not a retransmission: part of the stream's timing
		}
		if e.state == stateMissing {
			r.missing--
		}
		r.store(e, ext, size)
		r.deadlineOK = false
		return nil
	}

	// Newer than anything so far.
	r.stats.arrived(now, p.Timestamp, r.cfg.ClockRate)
	if ext-r.next >= int64(len(r.ring)) {
		r.advance(ext - int64(len(r.ring)) + 1)
	}
	r.makeRoom(size)
	from := max(r.highest+1, r.next)
	if gap := ext - from; gap > 0 {
		state := stateMissing
		if gap > int64(r.cfg.MaxNACKGap) {
			state = stateAbandoned // too much to ask for again
		}
		for x := from; x < ext; x++ {
			m := r.at(x)
			*m = entry{ext: x, state: state, since: now, slot: m.slot} // keep the slot
		}
		if state == stateMissing {
			r.missing += int(gap)
		}
		r.deadlineOK = false
	}
	r.highest = ext
	r.store(r.at(ext), ext, size)
	return nil
}

// start takes the first packet's number as the start of the stream.
func (r *Receiver) start(now time.Time, seq uint16) {
	r.started = true
	ext := int64(seq)
	r.next, r.highest, r.lastDelivered = ext, ext-1, ext-1
	r.stats.init(ext)
	r.holding, r.holdUntil = r.cfg.StartDelay > 0, now.Add(r.cfg.StartDelay)
}

// release ends the start's hold: Poll delivers from now on.
func (r *Receiver) release() {
	r.holding = false
	r.deadlineOK = false
}

// restart forgets the stream and starts over at seq (RFC 3550 A.1
// init_seq): what is buffered is dropped, and the next packet Poll returns
// reports a loss.
func (r *Receiver) restart(now time.Time, seq uint16) {
	for i := range r.ring {
		e := &r.ring[i]
		if e.state == statePresent {
			r.counters.Discarded++
		}
		*e = entry{ext: noExt, slot: e.slot}
	}
	r.missing, r.bytes, r.deadlineOK = 0, 0, false
	r.counters.Restarts++
	r.start(now, seq)
	r.restarted = true
}

// store keeps the packet in the spare slot as the entry of ext: the
// slots change places.
func (r *Receiver) store(e *entry, ext int64, size int) {
	e.slot, r.spare = r.spare, e.slot
	if r.spare == nil {
		r.spare = &slot{} // until every entry has one
	}
	e.ext, e.state, e.size, e.nacks = ext, statePresent, size, 0
	r.bytes += size
}

// drop gives up the entry at next, whatever it holds, and moves next on.
func (r *Receiver) drop() {
	e := r.at(r.next)
	switch e.state {
	case statePresent:
		r.counters.Discarded++
		r.bytes -= e.size
	case stateMissing:
		r.missing--
	}
	e.ext, e.state = r.next, stateSkipped
	r.next++
	r.deadlineOK = false
}

// advance moves next to to, giving up everything before it: the window
// must make room for a packet far ahead.
func (r *Receiver) advance(to int64) {
	for r.next < to && r.next <= r.highest {
		r.drop()
	}
	r.next = max(r.next, to)
}

// makeRoom drops the oldest buffered packets and gaps until size more
// bytes fit under MaxBytes.
func (r *Receiver) makeRoom(size int) {
	for r.bytes+size > r.cfg.MaxBytes && r.next <= r.highest {
		r.drop()
	}
}

// Poll returns the next packet in sequence order, or nil when the next
// number has not arrived, nothing is buffered, or the start is still held
// (StartDelay: HandleTimeout or a later Push releases it). lost > 0 says
// that many numbers before this packet were given up: the stream does not
// continue from the previous packet, and a codec must resynchronise (1
// after a restart, whose count is unknown). The packet stays valid until
// the next call to Push.
func (r *Receiver) Poll() (p *Packet, lost int) {
	if r.holding {
		return nil, 0
	}
	for r.next <= r.highest {
		e := r.at(r.next)
		switch e.state {
		case stateMissing:
			return nil, 0 // wait for it, or for HandleTimeout to give it up
		case statePresent:
			e.state = stateDelivered
			r.next++
			r.bytes -= e.size
			gap := e.ext - r.lastDelivered - 1
			if r.restarted {
				gap, r.restarted = max(gap, 1), false
			}
			r.lastDelivered = e.ext
			r.counters.Delivered++
			if gap > 0 {
				r.counters.Lost += uint64(gap)
				r.counters.LossEvents++
			}
			return &e.slot.pkt, int(min(gap, math.MaxInt32))
		}
		e.ext, e.state = r.next, stateSkipped // abandoned: skip it
		r.next++
	}
	return nil, 0
}

// Buffered is how many packets and bytes wait for Poll or for a gap.
func (r *Receiver) Buffered() (packets, bytes int) {
	for x := r.next; x <= r.highest; x++ {
		if r.at(x).state == statePresent {
			packets++
		}
	}
	return packets, r.bytes
}

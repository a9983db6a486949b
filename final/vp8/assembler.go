package vp8

// Frames put back together from RTP packets, RFC 7741 §4.4 and §4.5.1.
//
// RFC 7741 §4.5.1 gives the receiver's rule:
//
//	1: Collect all packets with a given RTP timestamp.
//
//	2: Go through packets in order, sorted by sequence numbers, if
//	   packets are missing, send NACK as defined in [RFC4585] or decode
//	   with missing partitions, see Section 4.5.2 below.
//
//	3: A frame is complete if the frame has no missing sequence numbers,
//	   the first packet in the frame contains S=1 with partId=0 and the
//	   last packet in the frame has the marker bit set.
//
// The program's RTP receiver does step 2: it puts packets in order, asks
// for missing ones with NACK, and gives up on them after a while. The
// Assembler does steps 1 and 3. It is fed the packets of one SSRC in
// sequence-number order and keeps at most one frame in progress:
//
//	            packet S=1 PID=0                       packet with M=1
//	  idle ──────────────────────────> assembling ─────────────────────> frame out
//	   ^                                |  same timestamp, next seq:     (if decodable)
//	   |                                |  append its VP8 data
//	   |   gap in seq, Lost(),          v
//	   |   too large, bad packet    skipping ── a new timestamp, or M=1 ──> idle
//	   |                                ^
//	   └── packet S=0 where a frame ────┘
//	       should begin (start lost)
//
// A new timestamp (or a second S=1 PID=0) while assembling means the
// frame's marker packet never came: the frame is discarded (ErrNoMarker).
//
// An incomplete frame is never passed on: a decoder fed half a frame
// shows garbage, and so does every frame that predicts from it. VP8
// interframes predict from earlier frames (the last, golden and
// alternate reference frames, RFC 6386 §2, §9.7), and the RTP layer
// cannot tell which ones; so once a frame is lost, nothing is passed on
// until the next keyframe, which depends on nothing (ErrNeedKeyframe).
// NeedKeyframe says when that is the case, so that the program can ask
// the sender for one (RTCP PLI, RFC 4585 §6.3.1). The one exception is a
// lost frame marked N=1 in its descriptor: "the frame can be discarded
// without affecting any other future or past frames" (RFC 7741 §4.2).
// This applies only when the loss is known to lie inside that frame; a
// gap that could have swallowed the start of another frame always
// counts.
//
// The Assembler holds one frame's worth of memory, reused for every
// frame, and refuses frames beyond MaxFrameSize bytes or MaxFramePackets
// packets, so a sender that never sets the marker bit cannot make it
// grow without bound. Once its buffer has grown to the largest frame, it
// allocates nothing per packet.

// Limits on one frame.
const (
	// DefaultMaxFrameSize is 4 MiB. A 1080p keyframe from a browser is a
	// few hundred kilobytes; libvpx's largest possible frame at 4K is
	// below this.
	DefaultMaxFrameSize = 4 << 20
	// DefaultMaxFramePackets is enough for DefaultMaxFrameSize in
	// 1,200-byte packets, with room to spare.
	DefaultMaxFramePackets = 8192
)

// Frame is a complete VP8 frame as passed on by the Assembler.
type Frame struct {
	// Timestamp is the frame's RTP timestamp: 90 kHz, the capture time
	// (RFC 7741 §4.1).
	Timestamp uint32
	// Keyframe: the frame is decodable on its own (RFC 6386 §9.1).
	Keyframe bool
	// Width and Height are the picture size in pixels: from this frame's
	// header for a keyframe, from the last keyframe passed on otherwise
	// (an interframe has the size of the keyframe before it).
	Width, Height int
	// Resized is true on a keyframe whose size differs from that of the
	// keyframe passed on before it; false on the first keyframe.
	Resized bool
	// Data is the VP8 frame: the packets' payloads without their
	// descriptors, concatenated. It starts with the payload header. It
	// points into the Assembler's buffer and is valid until the next call
	// to Push, Lost or Reset; copy it to keep it.
	Data []byte
	// Packets is the number of RTP packets the frame came in.
	Packets int
	// Header is the frame's payload header.
	Header PayloadHeader
	// Descriptor is the payload descriptor of the frame's first packet,
	// with its PictureID, TL0PICIDX and so on.
	Descriptor Descriptor
}

// state is where the Assembler is in the frame it is looking at.
type state uint8

const (
	idle       state = iota // between frames: the next packet must begin one
	assembling              // collecting the packets of the frame at ts
	skipping                // discarding the rest of the frame at ts
)

// Assembler turns the in-order RTP packets of one VP8 stream (one SSRC)
// into complete frames. Make one with NewAssembler; the zero value works
// too, with the default limits. It is not safe for concurrent use.
type Assembler struct {
	// MaxFrameSize is the largest frame, in bytes, that is passed on;
	// 0 means DefaultMaxFrameSize.
	MaxFrameSize int
	// MaxFramePackets is the most packets one frame may take; 0 means
	// DefaultMaxFramePackets.
	MaxFramePackets int

	synced  bool   // lastSeq holds the previous packet's sequence number
	lastSeq uint16 // sequence number of the previous packet

	// refOK says that every frame since the last keyframe passed on was
	// complete, so an interframe may be passed on. False at the start
	// and after a loss: then only a keyframe is.
	refOK bool

	state   state
	ts      uint32     // timestamp of the frame assembled or skipped
	first   Descriptor // descriptor of that frame's first packet
	packets int        // packets in buf
	buf     []byte     // the frame's VP8 data so far; reused

	width, height int   // size of the last keyframe passed on; 0 before
	frame         Frame // the frame Push returns a pointer to
	stats         Stats
}

// NewAssembler returns an Assembler with the default limits, waiting for
// a keyframe.
func NewAssembler() *Assembler {
	return &Assembler{MaxFrameSize: DefaultMaxFrameSize, MaxFramePackets: DefaultMaxFramePackets}
}

// NeedKeyframe reports whether the Assembler passes on nothing but a
// keyframe: true until the first keyframe arrives and again after a
// frame was lost, until the next one. A receiver that sees it true asks
// the sender for a keyframe (rate-limited).
func (a *Assembler) NeedKeyframe() bool { return !a.refOK }

// Stats returns the counters.
func (a *Assembler) Stats() Stats { return a.stats }

// Push takes the next packet of the stream: its RTP sequence number,
// timestamp and marker bit, and its payload after the RTP header with any
// padding removed (RFC 3550 §5.1). Packets must come in sequence-number
// order; a gap means the packets in it are lost. An empty payload is a
// padding-only packet: it keeps the sequence numbers continuous and is
// otherwise ignored. Push copies what it keeps, so payload may be reused
// when it returns.
//
// When the packet completes a frame that may be decoded, Push returns it;
// the Frame and its Data are valid until the next call to Push, Lost or
// Reset. A non-nil error (a vp8.Error) says that something was discarded
// on the way: the packet, or a frame that it showed to be incomplete.
// Both can happen in one call (a keyframe in a single packet right after
// a frame whose marker was lost), so look at the frame even when err is
// not nil. Every refusal is counted in Stats.
func (a *Assembler) Push(seq uint16, timestamp uint32, marker bool, payload []byte) (*Frame, error) {
	a.stats.Packets++
	var p push
	if a.synced {
		switch d := seq - a.lastSeq; {
		case d == 0:
			a.stats.Dropped[ErrDuplicate]++
			return nil, ErrDuplicate
		case d >= 0x8000: // before the previous one, in RFC 1982 serial arithmetic
			a.stats.Dropped[ErrLate]++
			return nil, ErrLate
		case d > 1:
			a.stats.Dropped[ErrPacketsLost]++
			p.note(ErrPacketsLost)
			a.lose(timestamp, true)
		}
	}
	a.synced, a.lastSeq = true, seq

	if len(payload) == 0 {
		a.stats.Padding++
		return nil, p.err()
	}
	var d Descriptor
	n, err := d.Unmarshal(payload)
	if err != nil {
		// Unusable: as if it had been lost. Its timestamp still says
		// which frame it belonged to.
		a.stats.Dropped[ErrTooShort]++
		p.note(ErrTooShort)
		a.lose(timestamp, true)
		a.skip(timestamp, marker)
		return nil, p.err()
	}

	// A new timestamp ends the frame before it, complete or not.
	if a.state != idle && timestamp != a.ts {
		if a.state == assembling {
			p.note(a.discard(ErrNoMarker))
		}
		a.state = idle
	}
	switch {
	case a.state == skipping:
		a.stats.PacketsDiscarded++
		if marker {
			a.state = idle
		}
		return nil, p.err()
	case a.state == assembling && d.BeginsFrame():
		// A second first packet in one timestamp: the frame before
		// never ended.
		p.note(a.discard(ErrNoMarker))
	case a.state == idle && !d.BeginsFrame():
		// Its first packet is missing (or this is the first packet
		// ever seen, in the middle of a frame).
		a.stats.Dropped[ErrNoStart]++
		p.note(ErrNoStart)
		a.frameLost(d.NonReference)
		a.skip(timestamp, marker)
		return nil, p.err()
	}
	if a.state == idle {
		a.state, a.ts, a.first, a.packets, a.buf = assembling, timestamp, d, 0, a.buf[:0]
	}

	body := payload[n:]
	if len(a.buf)+len(body) > a.maxFrameSize() {
		p.note(a.discard(ErrFrameTooLarge))
		a.skip(timestamp, marker)
		return nil, p.err()
	}
	if a.packets+1 > a.maxFramePackets() {
		p.note(a.discard(ErrTooManyPackets))
		a.skip(timestamp, marker)
		return nil, p.err()
	}
	a.buf = append(a.buf, body...)
	a.packets++
	if !marker {
		return nil, p.err()
	}
	a.state = idle
	f, e := a.complete()
	p.note(e)
	return f, p.err()
}

// complete checks the frame in buf, whose marker packet has just come,
// and passes it on if it may be decoded.
func (a *Assembler) complete() (*Frame, Error) {
	var h PayloadHeader
	hn, err := h.Unmarshal(a.buf)
	if err == nil && h.FirstPartitionSize > len(a.buf)-hn {
		err = ErrPartitionSize
	}
	if err != nil {
		return nil, a.discard(err.(Error))
	}
	if !h.Keyframe && !a.refOK {
		a.stats.Dropped[ErrNeedKeyframe]++
		a.stats.PacketsDiscarded += uint64(a.packets)
		return nil, ErrNeedKeyframe
	}
	resized := false
	if h.Keyframe {
		a.refOK = true
		resized = a.width != 0 && (h.Width != a.width || h.Height != a.height)
		a.width, a.height = h.Width, h.Height
	}
	a.frame = Frame{
		Timestamp:  a.ts,
		Keyframe:   h.Keyframe,
		Width:      a.width,
		Height:     a.height,
		Resized:    resized,
		Data:       a.buf,
		Packets:    a.packets,
		Header:     h,
		Descriptor: a.first,
	}
	a.stats.Frames++
	if h.Keyframe {
		a.stats.Keyframes++
	}
	a.stats.Bytes += uint64(len(a.buf))
	return &a.frame, 0
}

// Lost tells the Assembler that the receiver gave up on one or more
// packets before the next one it will push: the frame in progress is
// discarded, the rest of its packets will be too, and nothing but a
// keyframe is passed on until one arrives. The next packet's sequence
// number is accepted whatever it is, so Lost also resynchronises after a
// jump in the sequence numbers.
func (a *Assembler) Lost() {
	a.synced = false
	a.stats.Dropped[ErrPacketsLost]++
	a.lose(a.ts, false)
}

// Reset forgets the stream (for a new SSRC, or a sender that started
// over): the frame in progress, the sequence numbers and the last size.
// Like a new Assembler, it then waits for a keyframe. The counters and
// the buffer are kept.
func (a *Assembler) Reset() {
	if a.state == assembling {
		a.stats.PacketsDiscarded += uint64(a.packets)
	}
	a.synced, a.refOK, a.state = false, false, idle
	a.width, a.height = 0, 0
	a.frame = Frame{}
}

// lose handles lost packets ahead of a packet with timestamp ts: the
// frame being assembled is discarded. If the packets are known to lie
// inside it (ts is that frame's, and known says the packet really is the
// next one) and it is a non-reference frame, only that frame is lost;
// otherwise they may have held any frame.
func (a *Assembler) lose(ts uint32, known bool) {
	inside := known && a.state == assembling && ts == a.ts
	if a.state == assembling {
		a.stats.PacketsDiscarded += uint64(a.packets)
		a.state = skipping // the rest of it, if any, is useless
	}
	if !inside || !a.first.NonReference {
		a.refOK = false
	}
}

// discard throws away the frame being assembled, for reason e, and
// returns e.
func (a *Assembler) discard(e Error) Error {
	a.stats.Dropped[e]++
	a.stats.PacketsDiscarded += uint64(a.packets)
	a.frameLost(a.first.NonReference)
	a.state = idle
	return e
}

// frameLost notes that a frame is lost: the frames after it are useless
// until a keyframe, unless nothing refers to it (N=1).
func (a *Assembler) frameLost(nonReference bool) {
	if !nonReference {
		a.refOK = false
	}
}

// skip discards the packet just pushed, with timestamp ts, and the rest
// of its frame: everything up to its marker, or to a new timestamp.
func (a *Assembler) skip(ts uint32, marker bool) {
	a.stats.PacketsDiscarded++
	a.state, a.ts = skipping, ts
	if marker {
		a.state = idle
	}
}

func (a *Assembler) maxFrameSize() int {
	if a.MaxFrameSize > 0 {
		return a.MaxFrameSize
	}
	return DefaultMaxFrameSize
}

func (a *Assembler) maxFramePackets() int {
	if a.MaxFramePackets > 0 {
		return a.MaxFramePackets
	}
	return DefaultMaxFramePackets
}

// push collects the first reason something was discarded in one call to
// Push: the cause, when one thing led to another.
type push struct{ e Error }

func (p *push) note(e Error) {
	if p.e == 0 {
		p.e = e
	}
}

func (p *push) err() error {
	if p.e == 0 {
		return nil
	}
	return p.e
}

package ivf

// Timestamps from RTP.
//
// An RTP timestamp is 32 bits and starts at a random value (RFC 3550
// §5.1: "The initial value of the timestamp SHOULD be random"). At
// 90 kHz it wraps every 2^32 / 90000 s, about 13 hours, and with a random
// start the first wrap can come at any moment. An IVF timestamp is 64
// bits, and players expect the first frame near 0. RTPTimeline converts:
// the first frame is 0, and each later one adds the difference to the
// frame before it, read as a signed 32-bit number (RFC 3550 §5.1 and
// RFC 1982 serial arithmetic), so a wrap adds a small step, not -2^32.

// RTPTimeline turns the RTP timestamps of one stream into IVF timestamps
// in RTP units (time base 1/90000 for video). The zero value is ready.
type RTPTimeline struct {
	started bool
	last    uint32 // the previous RTP timestamp
	pts     int64  // its IVF timestamp
}

// PTS returns the IVF timestamp of a frame with RTP timestamp ts. VP8
// frames come in timestamp order; one timestamped before the first
// (a misbehaving sender) is clamped to 0.
func (t *RTPTimeline) PTS(ts uint32) uint64 {
	if !t.started {
		t.started, t.last = true, ts
		return 0
	}
	t.pts += int64(int32(ts - t.last))
	t.last = ts
	return uint64(max(t.pts, 0))
}

package rtp

// Extended sequence numbers, RFC 3550 §6.4.1 and Appendix A.1.
//
// The sequence number has 16 bits. A browser starts it at a random value
// and sends a few hundred packets a second, so it wraps from 65535 to 0
// every few minutes, and can do so in the middle of a frame. Ordering,
// loss counting and the receiver report need a number that does not wrap:
// RFC 3550 extends it with "the corresponding count of sequence number
// cycles" (the extended highest sequence number of §6.4.1, the cycles of
// A.1's update_seq).
//
// The rule is the nearest one: a new 16-bit number is taken to be the
// extended number closest to the highest seen so far. Packets up to 32767
// ahead count as ahead (a wrap forward adds a cycle), up to 32768 behind
// as late. The receiver narrows this down further with A.1's MAX_DROPOUT
// and MAX_MISORDER (receiver.go).
//
//	highest 65534 (cycle 0)   seq 1      → 65537  (cycle 1: wrapped forward)
//	highest 65537 (cycle 1)   seq 65535  → 65535  (cycle 0: late, from before the wrap)
//
// Extended numbers are int64 and start at the first packet's 16-bit
// number (cycle 0), so a late packet from before a wrap at the very start
// is negative rather than a huge unsigned value.

// Distance is the signed difference to - from of two sequence numbers,
// taking the nearer way round: Distance(65535, 1) is 2, Distance(1, 65535)
// is -2.
func Distance(from, to uint16) int {
	return int(int16(to - from))
}

// Unwrapper extends the sequence numbers of one stream. The zero value is
// ready; the first number it sees is its own extension.
type Unwrapper struct {
	highest int64 // highest extended sequence number seen
	started bool
}

// Unwrap returns the extended sequence number of seq, the one nearest the
// highest seen so far, and remembers it if it is higher.
func (u *Unwrapper) Unwrap(seq uint16) int64 {
	if !u.started {
		u.started = true
		u.highest = int64(seq)
		return u.highest
	}
	ext := u.highest + int64(Distance(uint16(u.highest), seq))
	if ext > u.highest {
		u.highest = ext
	}
	return ext
}

// Highest is the highest extended sequence number seen, and whether any
// was.
func (u *Unwrapper) Highest() (int64, bool) { return u.highest, u.started }

package dtls

// Anti-replay, RFC 6347 §4.1.2.6.
//
// An attacker (or the network) can deliver a datagram twice. DTLS keeps, for
// each epoch, the highest sequence number it has accepted and a bitmap of the
// 64 numbers below it; the RFC borrows the scheme from IPsec (RFC 4303
// §3.4.3):
//
//	"Duplicates are rejected through the use of a sliding receive window.
//	 ... A minimum window size of 32 MUST be supported, but a window size
//	 of 64 is preferred and SHOULD be employed as the default."
//
// The window is updated only after a record has been authenticated ("The
// receive window is updated only if the MAC verification succeeds"), so a
// forged record with a huge sequence number cannot slide it: check first,
// decrypt, then accept. (Epoch 0 has no authentication: conn.go accepts
// its records only once their content moved the handshake forward.)

// replayWindowSize is the window width in records.
const replayWindowSize = 64

// replayWindow remembers which sequence numbers of one epoch were received.
type replayWindow struct {
	latest uint64 // highest sequence number accepted so far
	bitmap uint64 // bit i set: latest-i was accepted (bit 0 is latest itself)
	seen   bool   // false until the first accept
}

// check reports whether seq is new: ahead of the window, or inside it and not
// yet seen. Numbers that fell off the left edge are rejected as too old.
func (w *replayWindow) check(seq uint64) bool {
	if !w.seen || seq > w.latest {
		return true
	}
	diff := w.latest - seq
	if diff >= replayWindowSize {
		return false // too old: left of the window
	}
	return w.bitmap&(1<<diff) == 0
}

// accept marks seq as received, sliding the window when seq is ahead.
func (w *replayWindow) accept(seq uint64) {
	switch {
	case !w.seen:
		w.seen, w.latest, w.bitmap = true, seq, 1
	case seq > w.latest:
		shift := seq - w.latest
		if shift >= replayWindowSize {
			w.bitmap = 1
		} else {
			w.bitmap = w.bitmap<<shift | 1
		}
		w.latest = seq
	default:
		if diff := w.latest - seq; diff < replayWindowSize {
			w.bitmap |= 1 << diff
		}
	}
}

package srtp

// Replay protection, RFC 3711 §3.3.2.
//
// Authentication proves a packet was made by someone with the key; it does
// not prove the packet is new. An attacker (or a confused network) can
// deliver a recorded packet again. SRTP therefore keeps, per SSRC, a
// Replay List of the indices already received and authenticated:
//
//	"Packet indices which lag behind the packet index in the context by
//	 more than SRTP-WINDOW-SIZE can be assumed to have been received,
//	 where SRTP-WINDOW-SIZE is a receiver-side, implementation-dependent
//	 parameter and MUST be at least 64, but which MAY be set to a higher
//	 value."
//
//	"Only packets with index ahead of the window, or, inside the window
//	 but not already received, SHALL be accepted."
//
//	"After the packet has been authenticated (if necessary the window is
//	 first moved ahead), the replay list SHALL be updated with the new
//	 index."
//
// The list is a bitmap over the last ReplayWindowSize indices, kept as a
// ring: index i lives at bit i mod ReplayWindowSize, so moving the window
// ahead only clears the bits it uncovers. It is checked before the tag
// (cheap rejection) and updated only after the tag verified, so a forged
// packet can neither mark an index as seen nor slide the window.
//
//	            too old            |<------ ReplayWindowSize ------>|  ahead: accept
//	  ...  i < top-size+1: drop    | seen: drop / unseen: accept    | i > top
//	                               top-size+1                     top

// ReplayWindowSize is SRTP-WINDOW-SIZE, the number of packet indices below
// the highest one received for which a late packet is still accepted.
//
// RFC 3711 asks for at least 64; that is too few for video. A browser's
// 720p stream runs at 150-300 packets a second and a keyframe is 100 or
// more packets sent in one burst. When one of them is lost, the receiver
// NACKs it (RFC 4585) and, without RTX, the retransmission reuses the
// original sequence number and arrives a round trip or more later, behind
// the rest of the keyframe and the next frames: with a 64-packet window
// it would be dropped as too old, though it is exactly the packet that
// repairs the keyframe. 1024 indices cover several seconds of 720p and
// about half a second of a 20 Mbit/s stream, for 128 bytes per SSRC.
// SRTCP uses the same window; its packets are far fewer, so it never
// comes close to the edge.
const ReplayWindowSize = 1024

// replayWindow is the Replay List of one SSRC (SRTP) or one SRTCP context.
// It exists only once a first packet authenticated, so it is never empty.
type replayWindow struct {
	top  uint64                        // highest index accepted; for SRTP, ROC || s_l
	bits [ReplayWindowSize / 64]uint64 // bit i mod ReplayWindowSize: index i accepted
}

// newReplayWindow starts a window at the first authenticated index.
func newReplayWindow(index uint64) replayWindow {
	var w replayWindow
	w.top = index
	w.set(index)
	return w
}

func (w *replayWindow) set(i uint64) {
	w.bits[i/64%uint64(len(w.bits))] |= 1 << (i % 64)
}

func (w *replayWindow) has(i uint64) bool {
	return w.bits[i/64%uint64(len(w.bits))]&(1<<(i%64)) != 0
}

// check says whether index i may be accepted: ahead of the window, or
// inside it and not yet received. It changes nothing.
func (w *replayWindow) check(i uint64) Error {
	switch {
	case i > w.top:
		return 0
	case w.top-i >= ReplayWindowSize:
		return ErrTooOld
	case w.has(i):
		return ErrReplayed
	}
	return 0
}

// accept records index i, which check allowed and whose packet
// authenticated, moving the window ahead when i is beyond the top.
func (w *replayWindow) accept(i uint64) {
	if i > w.top {
		if i-w.top >= ReplayWindowSize {
			clear(w.bits[:])
		} else {
			for j := w.top + 1; j <= i; j++ { // uncovered: not received yet
				w.bits[j/64%uint64(len(w.bits))] &^= 1 << (j % 64)
			}
		}
		w.top = i
	}
	w.set(i)
}

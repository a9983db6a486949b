package srtp

import (
	"bytes"
	"testing"
)

func TestReplayWindow(t *testing.T) {
	w := newReplayWindow(10000)
	for _, tc := range []struct {
		i      uint64
		want   Error
		accept bool
	}{
		{10000, ErrReplayed, false},
		{10001, 0, true},
		{9999, 0, true}, // late, inside the window
		{9999, ErrReplayed, false},
		{10001 - ReplayWindowSize + 1, 0, false}, // the left edge is in
		{10001 - ReplayWindowSize, ErrTooOld, false},
		{10001 + ReplayWindowSize - 1, 0, true}, // slide by 1023
		{10001, ErrReplayed, false},             // still inside, still seen
		{10000, ErrTooOld, false},               // fell off the left edge
		{10002, 0, false},                       // uncovered by the slide: not seen
		{50000, 0, true},                        // slide by more than the window
		{49999, 0, true},
		{50000 - ReplayWindowSize + 1, 0, true}, // bits of the old window were cleared
		{50000 - ReplayWindowSize, ErrTooOld, false},
		{50000 + 64, 0, true}, // slides crossing word boundaries
		{50000 + 64 - 1, 0, true},
		{50000 + 64 - 2, 0, true},
		{50000 + 3, 0, false},
		{50000 + 1 + ReplayWindowSize, 0, true}, // 50000+1 and +2 ... cleared, 50064.. kept
		{50000 + 64, ErrReplayed, false},
		{50000 + 65, 0, false},
	} {
		if got := w.check(tc.i); got != tc.want {
			t.Errorf("check(%d) = %v, want %v", tc.i, got, tc.want)
		}
		if tc.accept {
			w.accept(tc.i)
		}
	}
}

// Duplicates, replays and packets older than the window, through the
// public API, for SRTP and SRTCP and every profile, each with its own
// reason counted.
func TestReplayAndOld(t *testing.T) {
	for _, p := range allProfiles {
		t.Run(p.String(), func(t *testing.T) {
			tx, rx := newTestContext(t, p, 4), newTestContext(t, p, 4)
			pkts := map[uint16][]byte{}
			for seq := uint16(100); seq <= 1300; seq++ {
				pkt, err := tx.EncryptRTP(nil, rtpPacket(5, seq, 0, false, payload(30)))
				if err != nil {
					t.Fatal(err)
				}
				pkts[seq] = pkt
			}
			try := func(seq uint16, want error) {
				t.Helper()
				_, err := rx.DecryptRTP(bytes.Clone(pkts[seq]))
				if err != want {
					t.Errorf("SEQ %d: %v, want %v", seq, err, want)
				}
			}
			try(100, nil)
			try(100, ErrReplayed) // duplicate
			try(1200, nil)        // top = 1200
			try(177, nil)         // 1200-177 = 1023: the oldest index still in the window
			try(176, ErrTooOld)   // 1024 behind
			try(177, ErrReplayed)
			try(1199, nil) // reordered
			try(1201, nil)
			try(177, ErrTooOld) // the window moved on
			s := rx.Stats()
			if s.RTPDecrypted != 5 || s.RTPDropped[ErrReplayed] != 2 || s.RTPDropped[ErrTooOld] != 2 {
				t.Errorf("stats: %v", s)
			}

			// SRTCP: the index is explicit.
			a, _ := tx.EncryptRTCP(nil, rtcpSR(5)) // index 0
			tx.rtcpOut.find(5).index = 2000
			b, _ := tx.EncryptRTCP(nil, rtcpSR(5)) // index 2000
			c, _ := tx.EncryptRTCP(nil, rtcpSR(5)) // index 2001
			for _, step := range []struct {
				pkt  []byte
				want error
			}{{b, nil}, {b, ErrReplayed}, {a, ErrTooOld}, {c, nil}, {b, ErrReplayed}} {
				if _, err := rx.DecryptRTCP(bytes.Clone(step.pkt)); err != step.want {
					t.Errorf("SRTCP: %v, want %v", err, step.want)
				}
			}
		})
	}
}

// A forged packet far ahead must not slide the window (RFC 3711 §3.3.2:
// the list is updated only after authentication), or it would make every
// genuine packet "too old".
func TestForgedPacketDoesNotSlideWindow(t *testing.T) {
	for _, p := range allProfiles {
		tx, rx := newTestContext(t, p, 5), newTestContext(t, p, 5)
		p1, _ := tx.EncryptRTP(nil, rtpPacket(5, 1, 0, false, payload(30)))
		p2, _ := tx.EncryptRTP(nil, rtpPacket(5, 2, 0, false, payload(30)))
		if _, err := rx.DecryptRTP(p2); err != nil {
			t.Fatal(err)
		}
		forged := rtpPacket(5, 30000, 0, false, payload(30+p.TagLen()))
		if _, err := rx.DecryptRTP(forged); err != ErrAuthFailed {
			t.Errorf("%v: forged: %v", p, err)
		}
		if _, err := rx.DecryptRTP(p1); err != nil {
			t.Errorf("%v: genuine late packet after a forgery: %v", p, err)
		}
	}
}

package srtp

import (
	"bytes"
	"fmt"
	"testing"
)

// RFC 3711 Appendix A, case by case.
func TestEstimateIndex(t *testing.T) {
	for _, tc := range []struct {
		roc  uint64
		sl   uint16
		seq  uint16
		want uint64
		err  Error
	}{
		{0, 100, 101, 101, 0},                      // next packet
		{0, 100, 50, 50, 0},                        // late packet, same ROC
		{0, 100, 32868, 32868, 0},                  // SEQ - s_l = 32768: not "> 32,768", so ROC
		{0, 100, 32869, 0, ErrTooOld},              // ROC-1 while ROC = 0: before the stream began
		{1, 100, 65000, 65000, 0},                  // ROC-1: a late packet from before the wrap
		{1, 100, 32869, 32869, 0},                  // ROC-1 at the boundary
		{0, 65000, 3, 1<<16 | 3, 0},                // s_l - 32,768 > SEQ: the sequence wrapped, ROC+1
		{0, 40000, 7232, 7232, 0},                  // s_l - 32,768 = SEQ: not ">", so ROC
		{0, 40000, 7231, 1<<16 | 7231, 0},          // ROC+1 at the boundary
		{0, 65535, 65535, 65535, 0},                // same index (a replay, for the window to refuse)
		{5, 32768, 0, 5 << 16, 0},                  // s_l = 32768: the else branch, and 0 > 0 is false
		{5, 32769, 0, 6 << 16, 0},                  // s_l - 32,768 = 1 > 0: ROC+1
		{1<<32 - 1, 65000, 10, 0, ErrKeyExhausted}, // ROC+1 beyond 2^32-1: 2^48 packets
		{1<<32 - 1, 100, 200, 1<<48 - 1<<16 | 200, 0},
	} {
		got, err := estimateIndex(tc.roc<<16|uint64(tc.sl), tc.seq)
		if got != tc.want || err != tc.err {
			t.Errorf("ROC %d s_l %d SEQ %d: index %#x %v, want %#x %v", tc.roc, tc.sl, tc.seq, got, err, tc.want, tc.err)
		}
	}
}

// Packets sent across a sequence-number wrap and delivered out of order,
// including late packets from before the wrap after the ROC has moved on.
// Each must authenticate, which proves its ROC was guessed right: the ROC
// is in the HMAC input (AES-CM) or in the IV (GCM).
func TestROCAcrossWrap(t *testing.T) {
	for _, p := range allProfiles {
		t.Run(p.String(), func(t *testing.T) {
			tx, rx := newTestContext(t, p, 1), newTestContext(t, p, 1)
			const ssrc = 0x01020304
			sent := map[uint16][]byte{}
			for seq := uint16(65530); ; seq++ { // 65530 .. 65535, 0 .. 10
				pkt, err := tx.EncryptRTP(nil, rtpPacket(ssrc, seq, 0, true, payload(50)))
				if err != nil {
					t.Fatal(err)
				}
				sent[seq] = pkt
				if seq == 10 {
					break
				}
			}
			order := []uint16{65530, 65531, 65533, 0, 65532, 2, 1, 65535, 3, 65534, 4, 6, 5, 7, 10, 9, 8}
			wantROC := []uint32{0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
			for i, seq := range order {
				if _, err := rx.DecryptRTP(bytes.Clone(sent[seq])); err != nil {
					t.Fatalf("SEQ %d (#%d): %v", seq, i, err)
				}
				if roc, _ := rx.ROC(ssrc); roc != wantROC[i] {
					t.Errorf("after SEQ %d: ROC %d, want %d", seq, roc, wantROC[i])
				}
			}
			// Everything again: all replays now, on both sides of the wrap.
			for _, seq := range order {
				if _, err := rx.DecryptRTP(bytes.Clone(sent[seq])); err != ErrReplayed {
					t.Errorf("SEQ %d again: %v, want ErrReplayed", seq, err)
				}
			}
		})
	}
}

// Many wraps, with gaps of 10,000 packets (loss, not reordering).
func TestROCManyWraps(t *testing.T) {
	for _, p := range allProfiles {
		tx, rx := newTestContext(t, p, 2), newTestContext(t, p, 2)
		const ssrc = 7
		for i := range 40 {
			index := uint64(i) * 10000
			pkt, err := tx.EncryptRTP(nil, rtpPacket(ssrc, uint16(index), 0, false, payload(20)))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := rx.DecryptRTP(pkt); err != nil {
				t.Fatalf("%v: index %d: %v", p, index, err)
			}
			if roc, _ := rx.ROC(ssrc); roc != uint32(index>>16) {
				t.Fatalf("%v: index %d: ROC %d, want %d", p, index, roc, index>>16)
			}
		}
	}
}

// A packet protected with the wrong ROC (the receiver guesses another
// one) is an authentication failure, not garbage: here the sender has
// wrapped twice while the receiver missed 65,536 packets at once.
func TestROCDesync(t *testing.T) {
	for _, p := range allProfiles {
		tx, rx := newTestContext(t, p, 3), newTestContext(t, p, 3)
		first, _ := tx.EncryptRTP(nil, rtpPacket(9, 100, 0, false, payload(10)))
		if _, err := rx.DecryptRTP(first); err != nil {
			t.Fatal(err)
		}
		for seq := 101; seq < 100+65536+5; seq += 20000 {
			tx.EncryptRTP(nil, rtpPacket(9, uint16(seq), 0, false, payload(10)))
		}
		far, err := tx.EncryptRTP(nil, rtpPacket(9, 105, 0, false, payload(10))) // ROC 1, SEQ 105
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rx.DecryptRTP(far); err != ErrAuthFailed {
			t.Errorf("%v: %v, want ErrAuthFailed", p, err)
		}
		if roc, _ := rx.ROC(9); roc != 0 {
			t.Errorf("%v: ROC moved to %d", p, roc)
		}
	}
}

func ExampleContext_ROC() {
	p := AEAD_AES_128_GCM
	key := MasterKey{Key: make([]byte, p.KeyLen()), Salt: make([]byte, p.SaltLen())}
	tx, _ := NewContext(p, key)
	rx, _ := NewContext(p, key)
	for _, seq := range []uint16{65534, 65535, 0, 1} {
		pkt, _ := tx.EncryptRTP(nil, rtpPacket(42, seq, 0, false, []byte("media")))
		rx.DecryptRTP(pkt)
		roc, _ := rx.ROC(42)
		fmt.Printf("SEQ %5d ROC %d\n", seq, roc)
	}
	// Output:
	// SEQ 65534 ROC 0
	// SEQ 65535 ROC 0
	// SEQ     0 ROC 1
	// SEQ     1 ROC 1
}

package srtp

// Bad packets: every bit flipped, every truncation, floods of unknown
// SSRCs. Each must be refused with its own reason, change no state, and
// leave the genuine packet decryptable.

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestBitFlips flips each bit of a packet with 2 CSRCs, a header
// extension and a 40-byte payload, for SRTP and SRTCP.
func TestBitFlips(t *testing.T) {
	for _, p := range allProfiles {
		t.Run(p.String(), func(t *testing.T) {
			tx, rx := newTestContext(t, p, 6), newTestContext(t, p, 6)
			const ssrc = 0x11223344
			for seq := uint16(995); seq <= 999; seq++ { // state: s_l = 999, 995..999 seen
				pkt, _ := tx.EncryptRTP(nil, rtpPacket(ssrc, seq, 0, false, payload(10)))
				if _, err := rx.DecryptRTP(pkt); err != nil {
					t.Fatal(err)
				}
			}
			plain := rtpPacket(ssrc, 1000, 2, true, payload(40))
			hdr := 12 + 8 + 12
			genuine, _ := tx.EncryptRTP(nil, plain)
			before := snap(rx)

			for bit := range 8 * len(genuine) {
				pkt := bytes.Clone(genuine)
				pkt[bit/8] ^= 0x80 >> (bit % 8)
				flipped := bytes.Clone(pkt)
				_, err := rx.DecryptRTP(pkt)
				// Nothing is decrypted for a refused packet: AES-CM checks
				// the tag first and leaves the buffer alone; GCM's Open
				// wipes what it decrypted.
				if bytes.Contains(pkt, plain[hdr:]) || (!p.AEAD() && !bytes.Equal(pkt, flipped)) {
					t.Errorf("bit %d: the refused packet was decrypted in the buffer", bit)
				}

				byteAt, mask := bit/8, byte(0x80>>(bit%8))
				var want []error
				switch {
				case byteAt == 0 && mask >= 0x40: // V
					want = []error{ErrMalformed}
				case byteAt == 0 && mask <= 0x10, // X, CC: the header length changes
					byteAt == 12+8+2 || byteAt == 12+8+3: // the extension's length
					want = []error{ErrTooShort, ErrAuthFailed}
				case byteAt == 2 || byteAt == 3: // SEQ
					seq := binary.BigEndian.Uint16(pkt[2:])
					switch {
					case seq >= 995 && seq <= 999:
						want = []error{ErrReplayed}
					case int(seq)-999 > 32768:
						want = []error{ErrTooOld} // would be ROC -1
					default:
						want = []error{ErrAuthFailed}
					}
				default: // P, M, PT, timestamp, SSRC, CSRCs, extension, payload, tag
					want = []error{ErrAuthFailed}
				}
				if !containsErr(want, err) {
					t.Errorf("bit %d (byte %d of %d, header %d): %v, want one of %v", bit, byteAt, len(genuine), hdr, err, want)
				}
				if after := snap(rx); !reflect.DeepEqual(before, after) {
					t.Fatalf("bit %d: state changed", bit)
				}
			}
			got, err := rx.DecryptRTP(bytes.Clone(genuine))
			if err != nil || !bytes.Equal(got, plain) {
				t.Errorf("genuine packet after the flips: %v", err)
			}

			// SRTCP: every bit of header, encrypted body, E || index, tag.
			sr, _ := tx.EncryptRTCP(nil, rtcpSR(ssrc))
			before = snap(rx)
			for bit := range 8 * len(sr) {
				pkt := bytes.Clone(sr)
				pkt[bit/8] ^= 0x80 >> (bit % 8)
				_, err := rx.DecryptRTCP(pkt)
				want := []error{ErrAuthFailed}
				if bit < 2 {
					want = []error{ErrMalformed}
				}
				if !containsErr(want, err) {
					t.Errorf("SRTCP bit %d: %v, want %v", bit, err, want)
				}
				if after := snap(rx); !reflect.DeepEqual(before, after) {
					t.Fatalf("SRTCP bit %d: state changed", bit)
				}
			}
			if got, err := rx.DecryptRTCP(bytes.Clone(sr)); err != nil || !bytes.Equal(got, rtcpSR(ssrc)) {
				t.Errorf("genuine SRTCP after the flips: %v", err)
			}
		})
	}
}

func containsErr(list []error, err error) bool {
	for _, e := range list {
		if e == err {
			return true
		}
	}
	return false
}

// TestTruncated feeds every prefix of a genuine packet.
func TestTruncated(t *testing.T) {
	for _, p := range allProfiles {
		t.Run(p.String(), func(t *testing.T) {
			tx, rx := newTestContext(t, p, 7), newTestContext(t, p, 7)
			const hdr = 12 + 4 + 12 // one CSRC, an extension
			genuine, _ := tx.EncryptRTP(nil, rtpPacket(1, 1, 1, true, payload(33)))
			before := snap(rx)
			for n := range len(genuine) {
				_, err := rx.DecryptRTP(bytes.Clone(genuine[:n]))
				want := error(ErrAuthFailed)
				if n < hdr+p.TagLen() {
					want = ErrTooShort
				}
				if err != want {
					t.Errorf("SRTP %d of %d bytes: %v, want %v", n, len(genuine), err, want)
				}
			}
			if !reflect.DeepEqual(before, snap(rx)) {
				t.Fatal("state changed")
			}
			if _, err := rx.DecryptRTP(genuine); err != nil {
				t.Fatal(err)
			}

			sr, _ := tx.EncryptRTCP(nil, rtcpSR(1))
			before = snap(rx)
			for n := range len(sr) {
				_, err := rx.DecryptRTCP(bytes.Clone(sr[:n]))
				want := error(ErrAuthFailed)
				if n < 8+4+p.RTCPTagLen() {
					want = ErrTooShort
				}
				if err != want {
					t.Errorf("SRTCP %d of %d bytes: %v, want %v", n, len(sr), err, want)
				}
			}
			if !reflect.DeepEqual(before, snap(rx)) {
				t.Fatal("state changed")
			}
			if _, err := rx.DecryptRTCP(sr); err != nil {
				t.Fatal(err)
			}
			s := rx.Stats()
			if s.RTPDropped[ErrTooShort]+s.RTPDropped[ErrAuthFailed] != uint64(len(genuine)) {
				t.Errorf("SRTP drops not counted: %v", s)
			}
		})
	}
}

// TestSSRCFlood: forged packets from thousands of SSRCs create no state;
// authentic new SSRCs beyond MaxSSRCs are refused; the streams already
// known keep working.
func TestSSRCFlood(t *testing.T) {
	for _, p := range allProfiles {
		t.Run(p.String(), func(t *testing.T) {
			tx, rx := newTestContext(t, p, 8), newTestContext(t, p, 8)
			rng := rand.New(rand.NewPCG(1, 2))
			forge := func() []byte {
				pkt := rtpPacket(rng.Uint32(), uint16(rng.Uint32()), 0, true, payload(100+p.TagLen()))
				for i := 24; i < len(pkt); i++ {
					pkt[i] = byte(rng.Uint32())
				}
				return pkt
			}
			forgeRTCP := func() []byte {
				pkt := rtcpSR(rng.Uint32())
				for range 4 + p.RTCPTagLen() {
					pkt = append(pkt, byte(rng.Uint32()))
				}
				return pkt
			}
			for range 10000 {
				if _, err := rx.DecryptRTP(forge()); err != ErrAuthFailed {
					t.Fatalf("forged SRTP: %v", err)
				}
				if _, err := rx.DecryptRTCP(forgeRTCP()); err != ErrAuthFailed {
					t.Fatalf("forged SRTCP: %v", err)
				}
			}
			if rx.rtpIn.n != 0 || rx.rtcpIn.n != 0 {
				t.Fatalf("forged packets created state: %v", rx)
			}

			for i := range MaxSSRCs + 1 {
				ssrc := uint32(1000 + i)
				pkt, err := tx.EncryptRTP(nil, rtpPacket(ssrc, 1, 0, false, payload(20)))
				sr, err2 := tx.EncryptRTCP(nil, rtcpSR(ssrc))
				if i == MaxSSRCs { // the sender is capped too
					if err != ErrTooManySSRCs || err2 != ErrTooManySSRCs {
						t.Errorf("sender SSRC %d: %v %v", i, err, err2)
					}
					// Protect it with another sender to reach the receiver.
					other := newTestContext(t, p, 8)
					pkt, _ = other.EncryptRTP(nil, rtpPacket(ssrc, 1, 0, false, payload(20)))
					sr, _ = other.EncryptRTCP(nil, rtcpSR(ssrc))
				}
				_, err = rx.DecryptRTP(pkt)
				_, err2 = rx.DecryptRTCP(sr)
				want := error(nil)
				if i == MaxSSRCs {
					want = ErrTooManySSRCs
				}
				if err != want || err2 != want {
					t.Errorf("SSRC #%d: %v, %v; want %v", i, err, err2, want)
				}
			}
			// A full table refuses new SSRCs before any cryptography.
			if _, err := rx.DecryptRTP(forge()); err != ErrTooManySSRCs {
				t.Errorf("forged SRTP with a full table: %v", err)
			}
			for i := range MaxSSRCs {
				pkt, _ := tx.EncryptRTP(nil, rtpPacket(uint32(1000+i), 2, 0, false, payload(20)))
				if _, err := rx.DecryptRTP(pkt); err != nil {
					t.Errorf("known SSRC #%d after the flood: %v", i, err)
				}
			}
			s := rx.Stats()
			if s.RTPDropped[ErrAuthFailed] != 10000 || s.RTCPDropped[ErrAuthFailed] != 10000 ||
				s.RTPDropped[ErrTooManySSRCs] != 2 || s.RTCPDropped[ErrTooManySSRCs] != 1 {
				t.Errorf("counters: %v", s)
			}
		})
	}
}

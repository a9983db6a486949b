package srtp

// Fuzz targets: arbitrary bytes against a Context that already has state.
// No input may panic; a refused input must leave the state as it was, so
// that the next genuine packet still decrypts; an accepted one must be a
// genuine packet, returned in place, and refused when it comes again.

import (
	"bytes"
	"reflect"
	"testing"
)

// fuzzSetup is, per profile, a receiver that accepted SRTP 100..104 and
// SRTCP 0..4 from SSRC fuzzSSRC, and the next genuine packets.
type fuzzSetup struct {
	rx             *Context
	nextRTP        []byte
	nextRTCP       []byte
	seeds, rtcpSds [][]byte
}

const fuzzSSRC = 0xcafe0001

func newFuzzSetup(t testing.TB, p Profile) fuzzSetup {
	tx, rx := newTestContext(t, p, 20), newTestContext(t, p, 20)
	var s fuzzSetup
	for seq := uint16(100); seq <= 106; seq++ {
		pkt, err := tx.EncryptRTP(nil, rtpPacket(fuzzSSRC, seq, int(seq%3), seq%2 == 0, payload(int(seq)-90)))
		if err != nil {
			t.Fatal(err)
		}
		sr, err := tx.EncryptRTCP(nil, rtcpSR(fuzzSSRC))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case seq <= 104:
			if _, err := rx.DecryptRTP(bytes.Clone(pkt)); err != nil {
				t.Fatal(err)
			}
			if _, err := rx.DecryptRTCP(bytes.Clone(sr)); err != nil {
				t.Fatal(err)
			}
		case seq == 105:
			s.nextRTP, s.nextRTCP = pkt, sr
		}
		s.seeds = append(s.seeds, pkt)
		s.rtcpSds = append(s.rtcpSds, sr)
	}
	s.rx = rx
	return s
}

// fresh returns a copy of the receiver with the prepared state; the
// copies share the transforms, which hold only keys and scratch space.
func (s fuzzSetup) fresh() *Context {
	c := *s.rx
	return &c
}

func fuzzSetups(f *testing.F) []fuzzSetup {
	var setups []fuzzSetup
	for _, p := range allProfiles {
		setups = append(setups, newFuzzSetup(f, p))
	}
	return setups
}

func FuzzDecryptRTP(f *testing.F) {
	setups := fuzzSetups(f)
	for _, s := range setups {
		for _, seed := range s.seeds {
			f.Add(seed)
		}
	}
	f.Add([]byte{})
	f.Add(make([]byte, 12))
	f.Add([]byte{0x9f, 0, 0, 1, 0, 0, 0, 0, 0xca, 0xfe, 0, 1}) // CC=15, X, nothing behind
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, s := range setups {
			c := s.fresh()
			p := c.Profile()
			before := snap(c)
			buf := bytes.Clone(data)
			plain, err := c.DecryptRTP(buf)
			if err != nil {
				if _, ok := err.(Error); !ok || plain != nil {
					t.Fatalf("%v: error %v (%T) with %d bytes", p, err, err, len(plain))
				}
				if !reflect.DeepEqual(before, snap(c)) {
					t.Fatalf("%v: state changed on %v", p, err)
				}
				if _, err := c.DecryptRTP(bytes.Clone(s.nextRTP)); err != nil {
					t.Fatalf("%v: genuine packet refused after a bad one: %v", p, err)
				}
				continue
			}
			if len(plain) != len(data)-p.TagLen() || (len(plain) > 0 && &plain[0] != &buf[0]) {
				t.Fatalf("%v: plaintext of %d bytes not in place", p, len(plain))
			}
			if _, err := c.DecryptRTP(bytes.Clone(data)); err != ErrReplayed {
				t.Fatalf("%v: accepted twice: %v", p, err)
			}
		}
	})
}

func FuzzDecryptRTCP(f *testing.F) {
	setups := fuzzSetups(f)
	for _, s := range setups {
		for _, seed := range s.rtcpSds {
			f.Add(seed)
		}
	}
	f.Add([]byte{})
	f.Add(make([]byte, 28))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, s := range setups {
			c := s.fresh()
			p := c.Profile()
			before := snap(c)
			buf := bytes.Clone(data)
			plain, err := c.DecryptRTCP(buf)
			if err != nil {
				if _, ok := err.(Error); !ok || plain != nil {
					t.Fatalf("%v: error %v (%T)", p, err, err)
				}
				if !reflect.DeepEqual(before, snap(c)) {
					t.Fatalf("%v: state changed on %v", p, err)
				}
				if _, err := c.DecryptRTCP(bytes.Clone(s.nextRTCP)); err != nil {
					t.Fatalf("%v: genuine packet refused after a bad one: %v", p, err)
				}
				continue
			}
			if len(plain) != len(data)-4-p.RTCPTagLen() || &plain[0] != &buf[0] {
				t.Fatalf("%v: plaintext of %d bytes not in place", p, len(plain))
			}
			if _, err := c.DecryptRTCP(bytes.Clone(data)); err != ErrReplayed {
				t.Fatalf("%v: accepted twice: %v", p, err)
			}
		}
	})
}

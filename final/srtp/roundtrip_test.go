package srtp

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestProfiles(t *testing.T) {
	for _, tc := range []struct {
		p                           Profile
		name                        string
		key, salt, km, tag, rtcpTag int
	}{
		{AES128_CM_HMAC_SHA1_80, "SRTP_AES128_CM_HMAC_SHA1_80", 16, 14, 60, 10, 10},
		{AES128_CM_HMAC_SHA1_32, "SRTP_AES128_CM_HMAC_SHA1_32", 16, 14, 60, 4, 10},
		{AEAD_AES_128_GCM, "SRTP_AEAD_AES_128_GCM", 16, 12, 56, 16, 16},
		{AEAD_AES_256_GCM, "SRTP_AEAD_AES_256_GCM", 32, 12, 88, 16, 16},
		{0x0005, "SRTP_0x0005", 0, 0, 0, 0, 0}, // SRTP_NULL_HMAC_SHA1_80: not supported
	} {
		p := tc.p
		if p.String() != tc.name || p.KeyLen() != tc.key || p.SaltLen() != tc.salt ||
			p.KeyingMaterialLen() != tc.km || p.TagLen() != tc.tag || p.RTCPTagLen() != tc.rtcpTag ||
			p.Supported() != (tc.key != 0) {
			t.Errorf("%v: %d %d %d %d %d", p, p.KeyLen(), p.SaltLen(), p.KeyingMaterialLen(), p.TagLen(), p.RTCPTagLen())
		}
	}
}

func TestSplitKeyingMaterial(t *testing.T) {
	for _, p := range allProfiles {
		km := make([]byte, p.KeyingMaterialLen())
		for i := range km {
			km[i] = byte(i)
		}
		client, server, err := SplitKeyingMaterial(p, km)
		if err != nil {
			t.Fatal(err)
		}
		k, s := p.KeyLen(), p.SaltLen()
		// RFC 5764 §4.2: client key, server key, client salt, server salt.
		if !bytes.Equal(client.Key, km[:k]) || !bytes.Equal(server.Key, km[k:2*k]) ||
			!bytes.Equal(client.Salt, km[2*k:2*k+s]) || !bytes.Equal(server.Salt, km[2*k+s:]) {
			t.Errorf("%v: split %x %x %x %x", p, client.Key, server.Key, client.Salt, server.Salt)
		}
		km[0] = 0xff
		if client.Key[0] != 0 {
			t.Errorf("%v: the split aliases the material", p)
		}
		if _, _, err := SplitKeyingMaterial(p, km[1:]); err == nil {
			t.Errorf("%v: short material accepted", p)
		}
		if str := fmt.Sprint(client); strings.Contains(str, "0102") || !strings.Contains(str, fmt.Sprint(k)) {
			t.Errorf("MasterKey.String() = %q", str)
		}
		if _, err := NewContext(p, MasterKey{Key: client.Key, Salt: client.Salt[1:]}); err == nil {
			t.Errorf("%v: NewContext accepted a short salt", p)
		}
	}
	if _, _, err := SplitKeyingMaterial(0x0005, make([]byte, 60)); err == nil {
		t.Error("unsupported profile accepted")
	}
	if _, err := NewContext(0x0005, MasterKey{}); err == nil {
		t.Error("NewContext: unsupported profile accepted")
	}
}

// TestRoundTrip protects and unprotects RTP and RTCP of many shapes with
// every profile, in place and into a fresh buffer.
func TestRoundTrip(t *testing.T) {
	for _, p := range allProfiles {
		t.Run(p.String(), func(t *testing.T) {
			tx, rx := newTestContext(t, p, 9), newTestContext(t, p, 9)
			other := newTestContext(t, p, 10) // another key
			seq := uint16(60000)
			for _, n := range []int{0, 1, 15, 16, 17, 127, 128, 129, 1200, 1400} {
				for _, csrcs := range []int{0, 1, 15} {
					for _, ext := range []bool{false, true} {
						seq++
						plain := rtpPacket(0xabcdef01, seq, csrcs, ext, payload(n))
						hdr := 12 + 4*csrcs
						if ext {
							hdr += 12
						}
						// In place, with room for the tag.
						buf := append(make([]byte, 0, len(plain)+p.TagLen()), plain...)
						pkt, err := tx.EncryptRTP(buf[:0], buf)
						if err != nil {
							t.Fatal(err)
						}
						if len(pkt) != len(plain)+p.TagLen() || &pkt[0] != &buf[0] {
							t.Fatalf("%d bytes: not protected in place", n)
						}
						if !bytes.Equal(pkt[:hdr], plain[:hdr]) || (n >= 4 && bytes.Equal(pkt[hdr:len(plain)], plain[hdr:])) {
							t.Fatalf("%d bytes: header changed or payload not encrypted", n)
						}
						if _, err := other.DecryptRTP(bytes.Clone(pkt)); err != ErrAuthFailed {
							t.Fatalf("wrong key: %v", err)
						}
						got, err := rx.DecryptRTP(pkt)
						if err != nil || !bytes.Equal(got, plain) || &got[0] != &pkt[0] {
							t.Fatalf("%d bytes, %d CSRCs, ext %v: %v", n, csrcs, ext, err)
						}
					}
				}
			}
			for _, plain := range [][]byte{rtcpPLI(0, 1), rtcpSR(2), rtcpSR(2)[:8], append(rtcpSR(3), payload(1000)...)} {
				pkt, err := tx.EncryptRTCP([]byte("prefix"), plain)
				if err != nil || string(pkt[:6]) != "prefix" {
					t.Fatal(err)
				}
				pkt = pkt[6:]
				if len(pkt) != len(plain)+4+p.RTCPTagLen() {
					t.Fatalf("SRTCP length %d", len(pkt))
				}
				if len(plain) > 12 && bytes.Equal(pkt[8:len(plain)], plain[8:]) {
					t.Fatal("RTCP not encrypted")
				}
				got, err := rx.DecryptRTCP(pkt)
				if err != nil || !bytes.Equal(got, plain) {
					t.Fatalf("RTCP %d bytes: %v", len(plain), err)
				}
			}
			// Unencrypted SRTCP (E=0) is accepted too.
			plain := rtcpSR(4)
			pkt, e := tx.encryptRTCP(nil, plain, false)
			if e != 0 || !bytes.Equal(pkt[:len(plain)], plain) {
				t.Fatalf("E=0: %v", e)
			}
			if got, err := rx.DecryptRTCP(pkt); err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("E=0: %v", err)
			}
			s := rx.Stats()
			if s.RTPDecrypted != 60 || s.RTCPDecrypted != 5 || s.RTPDropped != [numErrors]uint64{} {
				t.Errorf("stats %v", s)
			}
			if s := tx.Stats(); s.RTPEncrypted != 60 || s.RTCPEncrypted != 4 {
				t.Errorf("sender stats %v", s)
			}
		})
	}
}

// EncryptRTP never reuses an index; EncryptRTCP stops at 2^31.
func TestSenderLimits(t *testing.T) {
	for _, p := range allProfiles {
		tx := newTestContext(t, p, 11)
		for _, step := range []struct {
			seq  uint16
			want error
		}{{10, nil}, {10, ErrIndexReused}, {9, ErrIndexReused}, {11, nil}, {30000, nil}, {60000, nil}, {5, nil} /* wrapped: ROC 1 */, {60000, ErrIndexReused}, {6, nil}} {
			if _, err := tx.EncryptRTP(nil, rtpPacket(1, step.seq, 0, false, payload(5))); err != step.want {
				t.Errorf("%v: SEQ %d: %v, want %v", p, step.seq, err, step.want)
			}
		}
		tx.rtcpOut.add(1, 1<<31-1)
		if _, err := tx.EncryptRTCP(nil, rtcpPLI(1, 2)); err != nil {
			t.Errorf("%v: last SRTCP index: %v", p, err)
		}
		if _, err := tx.EncryptRTCP(nil, rtcpPLI(1, 2)); err != ErrKeyExhausted {
			t.Errorf("%v: SRTCP index 2^31: %v", p, err)
		}
		if _, err := tx.EncryptRTCP(nil, []byte{0x80, 200, 0}); err != ErrTooShort {
			t.Errorf("%v: short RTCP: %v", p, err)
		}
		if _, err := tx.EncryptRTP(nil, []byte{0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}); err != ErrMalformed {
			t.Errorf("%v: RTP version 1: %v", p, err)
		}
	}
}

func TestErrorsAndStrings(t *testing.T) {
	var err error = ErrReplayed
	if !errors.Is(err, ErrReplayed) || err.Error() != "srtp: replayed packet" || ErrAuthFailed.Name() != "auth_failed" {
		t.Errorf("%v %q", err, ErrAuthFailed.Name())
	}
	for e := Error(1); e < numErrors; e++ {
		if errorText[e] == "" || errorName[e] == "" {
			t.Errorf("error %d has no text", e)
		}
	}
	c := newTestContext(t, AEAD_AES_128_GCM, 12)
	c.DecryptRTP(make([]byte, 40))
	c.DecryptRTP(make([]byte, 4))
	c.DecryptRTCP(make([]byte, 4))
	want := "SRTP_AEAD_AES_128_GCM, SSRCs: rtp in 0, rtcp in 0, rtp out 0, rtcp out 0; " +
		"rtp in 0, rtcp in 0, rtp out 0, rtcp out 0, dropped rtp too_short=1 malformed=1, dropped rtcp too_short=1"
	if got := c.String(); got != want {
		t.Errorf("String()\n got %q\nwant %q", got, want)
	}
}

// TestAllocations: the per-packet paths allocate nothing, except
// cipher.NewCTR on AES-CM payloads longer than blockwiseCTRMax.
func TestAllocations(t *testing.T) {
	for _, p := range allProfiles {
		tx, rx := newTestContext(t, p, 13), newTestContext(t, p, 13)
		for _, n := range []int{100, 1200} {
			var pkts [][]byte
			for seq := range 200 {
				pkt, _ := tx.EncryptRTP(nil, rtpPacket(1, uint16(seq+n), 0, true, payload(n)))
				pkts = append(pkts, pkt)
			}
			i := 0
			allocs := testing.AllocsPerRun(100, func() {
				if _, err := rx.DecryptRTP(pkts[i]); err != nil {
					t.Fatal(err)
				}
				i++
			})
			want := 0.0
			if !p.AEAD() && n > blockwiseCTRMax {
				want = 1
			}
			if allocs != want {
				t.Errorf("%v: DecryptRTP of %d bytes: %v allocs, want %v", p, n, allocs, want)
			}
		}
		pli := rtcpPLI(1, 2)
		buf := make([]byte, 0, 64)
		var pkt []byte
		if allocs := testing.AllocsPerRun(100, func() { pkt, _ = tx.EncryptRTCP(buf, pli) }); allocs != 0 {
			t.Errorf("%v: EncryptRTCP of a PLI: %v allocs", p, allocs)
		}
		if allocs := testing.AllocsPerRun(1, func() { rx.DecryptRTCP(pkt) }); allocs != 0 {
			t.Errorf("%v: DecryptRTCP of a PLI: %v allocs", p, allocs)
		}
		if allocs := testing.AllocsPerRun(100, func() { rx.DecryptRTP(make([]byte, 0)) }); allocs != 0 {
			t.Errorf("%v: refusing a packet: %v allocs", p, allocs)
		}
	}
}

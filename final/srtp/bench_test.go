package srtp

// Benchmarks: SRTP decryption of 1,200-byte payloads beside the raw
// crypto it cannot avoid, in the same run:
//
//	BenchmarkDecryptRTP/<profile>           Context.DecryptRTP, in place
//	BenchmarkDecryptRTP/<profile>/baseline  GCM: cipher.AEAD.Open of the same bytes;
//	                                        CM: cipher.NewCTR XOR + HMAC-SHA1 (Reset,
//	                                        Write, Sum, compare) of the same bytes
//
// Both decrypt in place, so both first copy the packet from a ring of 64
// distinct packets into the work buffer; BenchmarkCopy measures that copy
// alone. The ratio DecryptRTP / baseline is the cost of being SRTP: header
// parsing, SSRC lookup, ROC estimation, replay check and update, IV.
//
//	go test -run '^$' -bench . -benchtime=2s -count=3 ./srtp/

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha1"
	"hash"
	"testing"
	"time"
)

const (
	benchPayload = 1200
	benchRing    = 64
)

// benchPackets returns a receiver and a ring of consecutive SRTP packets
// (24-byte header with extension, as browsers send), protected by a
// sender with the same key.
func benchPackets(b *testing.B, p Profile) (*Context, [][]byte) {
	tx, rx := newTestContext(b, p, 30), newTestContext(b, p, 30)
	var ring [][]byte
	for i := range benchRing {
		pkt, err := tx.EncryptRTP(nil, rtpPacket(0x5bd77af8, uint16(13000+i), 0, true, payload(benchPayload)))
		if err != nil {
			b.Fatal(err)
		}
		ring = append(ring, pkt)
	}
	return rx, ring
}

func BenchmarkDecryptRTP(b *testing.B) {
	for _, p := range allProfiles {
		b.Run(p.String(), func(b *testing.B) { newBench(b, p).run(b, (*bench).decrypt) })
		b.Run(p.String()+"/baseline", func(b *testing.B) { newBench(b, p).run(b, (*bench).baseline) })
	}
	// AES-CM with the keystream made block by block: no allocation, but
	// without the stdlib's pipelined CTR.
	b.Run("SRTP_AES128_CM_HMAC_SHA1_80/blockwise-ctr", func(b *testing.B) {
		defer func(m int) { blockwiseCTRMax = m }(blockwiseCTRMax)
		blockwiseCTRMax = 1 << 16
		newBench(b, AES128_CM_HMAC_SHA1_80).run(b, (*bench).decrypt)
	})
}

// BenchmarkDecryptRTPInterleaved measures the same two things in
// alternating batches of 64 packets, so that both see the same load on a
// shared machine, and reports ns per packet for each and their ratio.
// (Its ns/op is per batch pair and means nothing.)
func BenchmarkDecryptRTPInterleaved(b *testing.B) {
	for _, p := range allProfiles {
		b.Run(p.String(), func(b *testing.B) {
			s := newBench(b, p)
			var ours, base time.Duration
			packets := 0
			for b.Loop() {
				t0 := time.Now()
				for i := range benchRing {
					s.decrypt(i)
				}
				t1 := time.Now()
				for i := range benchRing {
					s.baseline(i)
				}
				ours, base = ours+t1.Sub(t0), base+time.Since(t1)
				packets += benchRing
			}
			b.ReportMetric(float64(ours.Nanoseconds())/float64(packets), "ns/pkt")
			b.ReportMetric(float64(base.Nanoseconds())/float64(packets), "baseline-ns/pkt")
			b.ReportMetric(float64(ours)/float64(base), "ratio")
		})
	}
}

// bench is one profile's receiver, its ring of packets, and what the
// baseline needs: the IVs computed beforehand, the session keys.
type bench struct {
	p     Profile
	rx    *Context
	fresh recvStreams // the receiver's state before the ring
	ring  [][]byte
	work  []byte
	ivs   [][aes.BlockSize]byte
	aead  cipher.AEAD
	block cipher.Block
	mac   hash.Hash
	sum   [sha1.Size]byte
	roc   [4]byte
}

func newBench(b *testing.B, p Profile) *bench {
	rx, ring := benchPackets(b, p)
	s := &bench{p: p, rx: rx, fresh: rx.rtpIn, ring: ring, work: make([]byte, len(ring[0]))}
	t := rx.rtp
	for i := range ring {
		t.setIV(rtpSSRC(ring[i]), uint64(rtpSeq(ring[i])))
		s.ivs = append(s.ivs, t.iv)
	}
	key, _ := deriveSessionKeys(p, testKey(p, 30))
	s.block, _ = aes.NewCipher(key.rtpKey)
	if p.AEAD() {
		s.aead, _ = cipher.NewGCM(s.block)
	} else {
		s.mac = hmac.New(sha1.New, key.rtpAuth)
	}
	return s
}

func (s *bench) run(b *testing.B, f func(*bench, int)) {
	b.SetBytes(benchPayload)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f(s, i)
		i = (i + 1) % benchRing
	}
}

// decrypt is Context.DecryptRTP of packet i, in place. At the start of the
// ring the receiver forgets the indices, which are about to come again.
func (s *bench) decrypt(i int) {
	if i == 0 {
		s.rx.rtpIn = s.fresh
	}
	copy(s.work, s.ring[i])
	if _, err := s.rx.DecryptRTP(s.work); err != nil {
		panic(err)
	}
}

// baseline does only the cryptography of decrypt.
func (s *bench) baseline(i int) {
	const hdr = 24
	copy(s.work, s.ring[i])
	if s.aead != nil {
		if _, err := s.aead.Open(s.work[hdr:hdr], s.ivs[i][:gcmIVLen], s.work[hdr:], s.work[:hdr]); err != nil {
			panic(err)
		}
		return
	}
	end := len(s.work) - s.p.TagLen()
	s.mac.Reset()
	s.mac.Write(s.work[:end])
	s.mac.Write(s.roc[:])
	if !hmac.Equal(s.mac.Sum(s.sum[:0])[:s.p.TagLen()], s.work[end:]) {
		panic("tag")
	}
	cipher.NewCTR(s.block, s.ivs[i][:]).XORKeyStream(s.work[hdr:end], s.work[hdr:end])
}

// BenchmarkCopy is the copy both sides of each ratio include.
func BenchmarkCopy(b *testing.B) {
	ring := make([][]byte, benchRing)
	for i := range ring {
		ring[i] = payload(24 + benchPayload + 16)
	}
	work := make([]byte, len(ring[0]))
	b.SetBytes(benchPayload)
	i := 0
	for b.Loop() {
		if i == benchRing {
			i = 0
		}
		copy(work, ring[i])
		i++
	}
}

// BenchmarkEncryptRTCP protects a Picture Loss Indication (RFC 4585
// §6.3.1, 12 bytes), the RTCP the next step sends most.
func BenchmarkEncryptRTCP(b *testing.B) {
	for _, p := range allProfiles {
		b.Run(p.String(), func(b *testing.B) {
			tx := newTestContext(b, p, 31)
			pli := rtcpPLI(0, 0x5bd77af8)
			buf := make([]byte, 0, 64)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tx.EncryptRTCP(buf, pli); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecryptRTCP unprotects a browser's SR + SDES sized packet.
func BenchmarkDecryptRTCP(b *testing.B) {
	for _, p := range allProfiles {
		b.Run(p.String(), func(b *testing.B) {
			tx, rx := newTestContext(b, p, 32), newTestContext(b, p, 32)
			var ring [][]byte
			for range benchRing {
				pkt, _ := tx.EncryptRTCP(nil, append(rtcpSR(1), payload(28)...))
				ring = append(ring, pkt)
			}
			fresh := rx.rtcpIn
			work := make([]byte, len(ring[0]))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i == benchRing {
					i, rx.rtcpIn = 0, fresh
				}
				copy(work, ring[i])
				if _, err := rx.DecryptRTCP(work); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

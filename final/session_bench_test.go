package main

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"net/netip"
	"os"
	"testing"
	"time"

	"nutsandbolts/final/ivf"
	"nutsandbolts/final/srtp"
	"nutsandbolts/final/stun"
)

// What one camera costs the server: one second of a webcam's VP8 stream
// (the load generator's clip: 640×480, 30 frames a second, ~300 kbit/s),
// through the loop exactly as it arrives (classify, route, SRTP decrypt,
// receive, assemble) with the timers of that second (receiver reports,
// summary, NACK checks), in memory with no socket. ns/op is CPU time per
// session per second of video; "%core" is the share of one core a session
// takes. BenchmarkWebcamSecondDecryptOnly is the baseline in the same run:
// opening the same packets with AES-128-GCM and nothing else. JPEG
// decoding is not in it: it runs on the workers, per keyframe
// (BenchmarkDecode in package vp8: ~3 ms for 640×480).

// webcamSecond returns one second of the clip as RTP packets (plaintext,
// VP8 payload descriptor with the start bit, ≤1,100-byte payloads).
func webcamSecond(tb testing.TB) [][]byte {
	f, err := os.Open("cmd/loadgen/testdata/clip.ivf")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r, _, err := ivf.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	var packets [][]byte
	ts := uint32(0)
	for range 30 {
		fr, err := r.Next()
		if err != nil {
			tb.Fatal(err)
		}
		data := fr.Data
		for first := true; len(data) > 0; first = false {
			n := min(len(data), 1100)
			p := make([]byte, 12, 12+1+n)
			p[0], p[1] = 0x80, 96
			binary.BigEndian.PutUint32(p[4:], ts)
			binary.BigEndian.PutUint32(p[8:], 0xdeadbeef)
			desc := byte(0)
			if first {
				desc = 0x10 // S: the start of a partition (RFC 7741 §4.2)
			}
			p = append(p, desc)
			p = append(p, data[:n]...)
			data = data[n:]
			if len(data) == 0 {
				p[1] |= 0x80 // marker: the frame's last packet
			}
			packets = append(packets, p)
		}
		ts += 3000
	}
	return packets
}

func BenchmarkWebcamSecond(b *testing.B) {
	from := netip.MustParseAddrPort("127.0.0.1:5000")
	u, browser := mediaLoop(b, srtp.AEAD_AES_128_GCM, from)
	second := webcamSecond(b)
	seq := uint16(0)
	sealed := make([][]byte, len(second))
	encrypt := func() {
		for i, p := range second {
			binary.BigEndian.PutUint16(p[2:], seq)
			seq++
			sealed[i], _ = browser.EncryptRTP(sealed[i][:0], p)
		}
	}
	// The browser's consent check (RFC 7675), with mediaLoop's credentials:
	// one every 5 s keeps the pair alive on the benchmark's clock.
	check := stun.NewBindingRequest()
	check.AddUsername("serverufrag1:brow")
	check.AddPriority(1853824767)
	check.AddICEControlling(1)
	check.AddMessageIntegrity(stun.ShortTermKey("serverpassword0123456789"))
	check.AddFingerprint()
	consent := check.Marshal()
	buf := make([]byte, 1500)
	start := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		encrypt() // the next second's sequence numbers: no replays
		b.StartTimer()
		sec := start.Add(time.Duration(i) * time.Second)
		if i%5 == 0 {
			u.handle(sec, from, consent)
			for _, ok := u.agent.PollTransmit(); ok; _, ok = u.agent.PollTransmit() {
			}
			for _, ok := u.agent.PollEvent(); ok; _, ok = u.agent.PollEvent() {
			}
		}
		p := u.peers["s1"]
		p.out = p.out[:0] // the RTCP the loop would have sent
		for j, pkt := range sealed {
			now := sec.Add(time.Duration(j) * time.Second / time.Duration(len(sealed)))
			d := buf[:len(pkt)]
			copy(d, pkt)
			if u.handle(now, from, d) != "s1" {
				b.Fatal("not routed")
			}
			if j%4 == 0 { // the loop's timer, about every 20 ms
				u.timeoutSafely(now)
			}
		}
	}
	b.ReportMetric(float64(len(second)), "packets/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e7, "%core")
}

func BenchmarkWebcamSecondDecryptOnly(b *testing.B) {
	second := webcamSecond(b)
	block, _ := aes.NewCipher(make([]byte, 16))
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, 12)
	sealed := make([][]byte, len(second))
	for i, p := range second {
		sealed[i] = append(p[:12:12], aead.Seal(nil, nonce, p[12:], p[:12])...)
	}
	buf := make([]byte, 1500)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, pkt := range sealed {
			d := buf[:len(pkt)]
			copy(d, pkt)
			if _, err := aead.Open(d[12:12], nonce, d[12:], d[:12]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e7, "%core")
}

package stun

import (
	"crypto/hmac"
	"crypto/sha1"
	"hash/crc32"
	"path/filepath"
	"testing"
)

// benchRequest returns a typical Chromium Binding request and the key that
// signs it: datagram 1 of chromium-default.pcap when shared/captures is
// there, else a message built here with the same attributes and sizes
// (USERNAME of 21 bytes, GOOG-NETWORK-INFO, ICE-CONTROLLED, PRIORITY,
// MESSAGE-INTEGRITY, FINGERPRINT: 108 bytes).
func benchRequest(b *testing.B) (msg, key []byte) {
	b.Helper()
	path := filepath.Join(capturesDir, "chromium-default.pcap")
	if datagrams, err := readPcap(path); err == nil {
		if s, err := readSession(filepath.Join(capturesDir, "chromium-default.txt")); err == nil {
			return datagrams[0].payload, ShortTermKey(s.serverPwd)
		}
	}
	key = ShortTermKey("abcdefghijklmnopqrstuvwxyz012345")
	m := NewBindingRequest()
	must(b, m.AddUsername("abcdefghijklmnop:qrst"))
	m.Add(AttrGoogNetworkInfo, []byte{0, 1, 0, 50})
	m.AddICEControlled(0x0123456789abcdef)
	m.AddPriority(1853824767)
	m.AddMessageIntegrity(key)
	m.AddFingerprint()
	return m.Marshal(), key
}

// reportRate adds messages per second to the benchmark's output.
func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkDecode is what a server does with each connectivity check:
// decode, verify MESSAGE-INTEGRITY, verify FINGERPRINT.
func BenchmarkDecode(b *testing.B) {
	msg, key := benchRequest(b)
	var m Message
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for range b.N {
		if err := m.Unmarshal(msg); err != nil {
			b.Fatal(err)
		}
		if err := m.CheckIntegrity(key); err != nil {
			b.Fatal(err)
		}
		if err := m.CheckFingerprint(); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b)
}

// BenchmarkUnmarshal is the parsing alone.
func BenchmarkUnmarshal(b *testing.B) {
	msg, _ := benchRequest(b)
	var m Message
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for range b.N {
		if err := m.Unmarshal(msg); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b)
}

// BenchmarkHMACSHA1Baseline is the cryptography alone, with crypto/hmac
// used directly over the same bytes as CheckIntegrity (a new HMAC per
// message, as when each message may carry another key).
func BenchmarkHMACSHA1Baseline(b *testing.B) {
	msg, key := benchRequest(b)
	covered := msg[:len(msg)-8-24] // up to MESSAGE-INTEGRITY
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for range b.N {
		mac := hmac.New(sha1.New, key)
		mac.Write(covered)
		mac.Sum(nil)
	}
	reportRate(b)
}

// BenchmarkCRC32Baseline is the FINGERPRINT's CRC alone.
func BenchmarkCRC32Baseline(b *testing.B) {
	msg, _ := benchRequest(b)
	covered := msg[:len(msg)-8]
	b.SetBytes(int64(len(msg)))
	for range b.N {
		crc32.ChecksumIEEE(covered)
	}
	reportRate(b)
}

// BenchmarkBindingSuccess is the answer: build, sign, fingerprint, encode.
func BenchmarkBindingSuccess(b *testing.B) {
	msg, key := benchRequest(b)
	var req Message
	must(b, req.Unmarshal(msg))
	mapped := mustAddrPort("127.0.0.1:36574")
	b.ReportAllocs()
	for range b.N {
		res := NewBindingSuccess(&req, mapped)
		res.AddMessageIntegrity(key)
		res.AddFingerprint()
		res.Marshal()
	}
	reportRate(b)
}

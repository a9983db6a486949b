package srtp

import (
	"encoding/hex"
	"strings"
	"testing"
)

// unhex decodes hex written as in the RFCs: spaces, newlines and tabs
// between the digits are ignored.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex in test: %v", err)
	}
	return b
}

// allProfiles lists every profile the package supports.
var allProfiles = []Profile{AES128_CM_HMAC_SHA1_80, AES128_CM_HMAC_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM}

// testKey returns a deterministic master key for p.
func testKey(p Profile, seed byte) MasterKey {
	k := MasterKey{Key: make([]byte, p.KeyLen()), Salt: make([]byte, p.SaltLen())}
	for i := range k.Key {
		k.Key[i] = seed + byte(i)
	}
	for i := range k.Salt {
		k.Salt[i] = seed ^ byte(0xa0+i)
	}
	return k
}

func newTestContext(t testing.TB, p Profile, seed byte) *Context {
	t.Helper()
	c, err := NewContext(p, testKey(p, seed))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rtpPacket builds an RTP packet: V=2, the given CSRC count, a one-byte
// header extension (RFC 8285) when ext is set, and payload.
func rtpPacket(ssrc uint32, seq uint16, csrcs int, ext bool, payload []byte) []byte {
	b := []byte{0x80 | byte(csrcs), 96, byte(seq >> 8), byte(seq), 0, 0, 0x12, 0x34,
		byte(ssrc >> 24), byte(ssrc >> 16), byte(ssrc >> 8), byte(ssrc)}
	for i := range csrcs {
		b = append(b, 0xcc, 0xcc, 0xcc, byte(i))
	}
	if ext {
		b[0] |= 0x10
		b = append(b, 0xbe, 0xde, 0x00, 0x02, 0x10, 0x30, 0x41, 0x00, 0x01, 0x00, 0x00, 0x00)
	}
	return append(b, payload...)
}

// rtcpPLI builds a Picture Loss Indication (RFC 4585 §6.3.1): 12 bytes.
func rtcpPLI(sender, media uint32) []byte {
	return []byte{0x81, 206, 0, 2,
		byte(sender >> 24), byte(sender >> 16), byte(sender >> 8), byte(sender),
		byte(media >> 24), byte(media >> 16), byte(media >> 8), byte(media)}
}

// rtcpSR builds a sender report with no report blocks followed by nothing:
// 28 bytes, enough to have a real encrypted portion.
func rtcpSR(ssrc uint32) []byte {
	b := []byte{0x80, 200, 0, 6, byte(ssrc >> 24), byte(ssrc >> 16), byte(ssrc >> 8), byte(ssrc)}
	for i := range 20 {
		b = append(b, byte(i))
	}
	return b
}

// payload returns n bytes of a recognisable pattern.
func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 1)
	}
	return b
}

// snapshot is the state a failed packet must leave unchanged: everything
// but the drop counters.
type snapshot struct {
	rtpIn, rtcpIn   recvStreams
	rtpOut, rtcpOut sendStreams
	decrypted       [4]uint64
}

func snap(c *Context) snapshot {
	return snapshot{c.rtpIn, c.rtcpIn, c.rtpOut, c.rtcpOut,
		[4]uint64{c.stats.RTPDecrypted, c.stats.RTCPDecrypted, c.stats.RTPEncrypted, c.stats.RTCPEncrypted}}
}

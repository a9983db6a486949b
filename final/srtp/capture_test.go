package srtp

// Tests against real sessions: the captures in shared/captures (Chromium
// 156 and Firefox 153 sending video to a pion receiver). Each .txt report
// gives the keying material, the split keys, the session keys and how many
// SRTP and SRTCP packets went each way; the tests read the known answers
// from there, so a regenerated capture keeps working.

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

const captureDir = "../../../shared/captures/"

var captureNames = []string{"chromium-default", "chromium-aes128gcm", "chromium-aes256gcm", "chromium-aes128cm80", "firefox-default"}

// skipWithoutCaptures skips when shared/ is absent, as in a user's clone,
// but fails in CI, where the captures must be present.
func skipWithoutCaptures(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(captureDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("captures missing in CI: %v", err)
		}
		t.Skipf("captures not present: %v", err)
	}
}

// capture is one session: its UDP datagrams and its report.
type capture struct {
	datagrams [][]byte // UDP payloads; datagrams[0] is datagram (frame) 1
	srcPorts  []uint16 // UDP source port of each datagram
	txt       string
}

func loadCapture(t *testing.T, name string) *capture {
	t.Helper()
	pcap, err := os.ReadFile(captureDir + name + ".pcap")
	if err != nil {
		t.Fatal(err)
	}
	txt, err := os.ReadFile(captureDir + name + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	c := &capture{txt: string(txt)}
	if len(pcap) < 24 || binary.LittleEndian.Uint32(pcap) != 0xa1b2c3d4 {
		t.Fatal("not a little-endian classic pcap")
	}
	for off := 24; off+16 <= len(pcap); {
		n := int(binary.LittleEndian.Uint32(pcap[off+8:]))
		if off+16+n > len(pcap) || n < 42 {
			t.Fatalf("truncated pcap record at %d", off)
		}
		frame := pcap[off+16 : off+16+n]
		// 14 bytes of Ethernet, 20 of IPv4 without options, 8 of UDP.
		c.srcPorts = append(c.srcPorts, binary.BigEndian.Uint16(frame[34:]))
		c.datagrams = append(c.datagrams, frame[42:])
		off += 16 + n
	}
	return c
}

// match returns the submatches of re in the report, or fails.
func (c *capture) match(t *testing.T, re string) []string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(c.txt)
	if m == nil {
		t.Fatalf("report has no match for %q", re)
	}
	return m[1:]
}

func (c *capture) hex(t *testing.T, re string) []byte {
	t.Helper()
	b, err := hex.DecodeString(c.match(t, re)[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c *capture) int(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// keys reads the profile and the split master keys, and checks the split
// and the session keys against the report.
func (c *capture) keys(t *testing.T) (p Profile, client, server MasterKey) {
	t.Helper()
	code, _ := strconv.ParseUint(c.match(t, `Negotiated SRTP protection profile \(ServerHello use_srtp\): \S+ \(0x([0-9a-f]{4})\)`)[0], 16, 16)
	p = Profile(code)
	material := c.hex(t, `SRTP keying material = [^\n]*\n\s+([0-9a-f]+)`)
	if len(material) != p.KeyingMaterialLen() {
		t.Fatalf("%v: %d bytes of keying material, want %d", p, len(material), p.KeyingMaterialLen())
	}
	client, server, err := SplitKeyingMaterial(p, material)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range []struct {
		name string
		got  []byte
	}{
		{"client_write_SRTP_master_key", client.Key}, {"server_write_SRTP_master_key", server.Key},
		{"client_write_SRTP_master_salt", client.Salt}, {"server_write_SRTP_master_salt", server.Salt},
	} {
		if want := c.hex(t, kv.name+`\s+([0-9a-f]+)`); !bytes.Equal(kv.got, want) {
			t.Errorf("%s = %x, want %x", kv.name, kv.got, want)
		}
	}

	// "SRTP  encryption key .. salt ..[  auth key ..]", then SRTCP, for
	// the client and then the server.
	rows := regexp.MustCompile(`SRTC?P\s+encryption key ([0-9a-f]+)\s+salt ([0-9a-f]+)(?:\s+auth key ([0-9a-f]+))?`).FindAllStringSubmatch(c.txt, -1)
	if len(rows) != 4 {
		t.Fatalf("found %d session key rows, want 4", len(rows))
	}
	var derived []sessionKeys
	for _, m := range []MasterKey{client, server} {
		k, err := deriveSessionKeys(p, m)
		if err != nil {
			t.Fatal(err)
		}
		derived = append(derived, k)
	}
	for i, row := range rows {
		k := derived[i/2]
		got := [3][]byte{k.rtpKey, k.rtpSalt, k.rtpAuth}
		if i%2 == 1 {
			got = [3][]byte{k.rtcpKey, k.rtcpSalt, k.rtcpAuth}
		}
		for j, what := range []string{"encryption key", "salt", "auth key"} {
			if want, _ := hex.DecodeString(row[j+1]); !bytes.Equal(got[j], want) {
				t.Errorf("session keys row %d, %s: %x, want %x", i, what, got[j], want)
			}
		}
	}
	return p, client, server
}

// counts are the report's ok/total lines, which must agree.
type counts struct{ srtpBS, srtpSB, srtcpBS, srtcpSB int }

func (c *capture) counts(t *testing.T) counts {
	t.Helper()
	m := c.match(t, `SRTP browser->server: (\d+)/(\d+) ok; SRTP server->browser: (\d+)/(\d+) ok`)
	r := c.match(t, `SRTCP browser->server: (\d+)/(\d+) ok; SRTCP server->browser: (\d+)/(\d+) ok`)
	for _, pair := range [][]string{m[0:2], m[2:4], r[0:2], r[2:4]} {
		if pair[0] != pair[1] {
			t.Fatalf("the report itself has failures: %s/%s", pair[0], pair[1])
		}
	}
	return counts{c.int(t, m[1]), c.int(t, m[3]), c.int(t, r[1]), c.int(t, r[3])}
}

// TestCaptures decrypts and authenticates every SRTP and SRTCP packet of
// every capture in both directions, and protects each plaintext again to
// compare with the browser's and pion's bytes.
func TestCaptures(t *testing.T) {
	skipWithoutCaptures(t)
	for _, name := range captureNames {
		t.Run(name, func(t *testing.T) {
			c := loadCapture(t, name)
			p, client, server := c.keys(t)
			want := c.counts(t)
			browserPort := uint16(c.int(t, c.match(t, `Browser: 127\.0\.0\.1:(\d+)`)[0]))
			serverPort := uint16(c.int(t, c.match(t, `Server:\s+127\.0\.0\.1:(\d+)`)[0]))

			ctx := func(k MasterKey) *Context {
				x, err := NewContext(p, k)
				if err != nil {
					t.Fatal(err)
				}
				return x
			}
			// Receivers, and senders that must reproduce the wire bytes.
			fromBrowser, fromServer := ctx(client), ctx(server)
			asBrowser, asServer := ctx(client), ctx(server)

			var got counts
			for i, d := range c.datagrams {
				if len(d) == 0 || d[0] < 128 || d[0] > 191 { // RFC 7983: RTP/RTCP
					continue
				}
				isRTCP := len(d) > 1 && d[1] >= 192 && d[1] <= 223 // RFC 5761 §4
				var rx, tx *Context
				switch c.srcPorts[i] {
				case browserPort:
					rx, tx = fromBrowser, asBrowser
				case serverPort:
					rx, tx = fromServer, asServer
				default:
					t.Fatalf("datagram %d from unknown port %d", i+1, c.srcPorts[i])
				}
				buf := bytes.Clone(d)
				if !isRTCP {
					plain, err := rx.DecryptRTP(buf)
					if err != nil {
						t.Errorf("datagram %d (SRTP, %d bytes): %v", i+1, len(d), err)
						continue
					}
					if again, err := tx.EncryptRTP(nil, plain); err != nil || !bytes.Equal(again, d) {
						t.Errorf("datagram %d: EncryptRTP of the plaintext differs from the wire (%v)", i+1, err)
					}
					if rx == fromBrowser {
						got.srtpBS++
					} else {
						got.srtpSB++
					}
					continue
				}
				plain, err := rx.DecryptRTCP(buf)
				if err != nil {
					t.Errorf("datagram %d (SRTCP, %d bytes): %v", i+1, len(d), err)
					continue
				}
				// The senders count SRTCP indices from 1 (pion) or their
				// own start; set ours to the packet's before protecting.
				ssrc := binary.BigEndian.Uint32(d[4:8])
				index := uint64(binary.BigEndian.Uint32(d[len(d)-p.RTCPTagLen()-4:]) & (1<<31 - 1))
				if p.AEAD() {
					index = uint64(binary.BigEndian.Uint32(d[len(d)-4:]) & (1<<31 - 1))
				}
				if s := tx.rtcpOut.find(ssrc); s != nil {
					s.index = index
				} else {
					tx.rtcpOut.add(ssrc, index)
				}
				if again, err := tx.EncryptRTCP(nil, plain); err != nil || !bytes.Equal(again, d) {
					t.Errorf("datagram %d: EncryptRTCP of the plaintext differs from the wire (%v)", i+1, err)
				}
				if rx == fromBrowser {
					got.srtcpBS++
				} else {
					got.srtcpSB++
				}
			}
			if got != want {
				t.Errorf("decrypted %+v, the report says %+v", got, want)
			}
			for _, x := range []*Context{fromBrowser, fromServer} {
				s := x.Stats()
				if s.RTPDropped != [numErrors]uint64{} || s.RTCPDropped != [numErrors]uint64{} {
					t.Errorf("drops: %v", x)
				}
			}
			t.Logf("%v", fromBrowser)
		})
	}
}

// TestCaptureKeyframe: chromium-default's first keyframe, decrypted, must
// equal chromium-keyframe-rtp/001.rtp ... 003.rtp byte for byte.
func TestCaptureKeyframe(t *testing.T) {
	skipWithoutCaptures(t)
	c := loadCapture(t, "chromium-default")
	p, client, _ := c.keys(t)
	rx, err := NewContext(p, client)
	if err != nil {
		t.Fatal(err)
	}
	files := regexp.MustCompile(`(\d{3}\.rtp)\s+datagram (\d+)`).FindAllStringSubmatch(c.txt, -1)
	if len(files) != 3 {
		t.Fatalf("report lists %d keyframe packets, want 3", len(files))
	}
	for _, f := range files {
		want, err := os.ReadFile(filepath.Join(captureDir, "chromium-keyframe-rtp", f[1]))
		if err != nil {
			t.Fatal(err)
		}
		n := c.int(t, f[2])
		got, err := rx.DecryptRTP(bytes.Clone(c.datagrams[n-1]))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s (datagram %d): %v; got %d bytes, want %d", f[1], n, err, len(got), len(want))
		}
	}
}

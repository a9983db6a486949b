package rtp

// Tests against real packets.
//
// testdata/<capture>.rtp holds, for each header shape the browsers sent
// in the captures of shared/captures (24-byte header with mid and twcc,
// 20-byte header with twcc only, RTX, the padding-only probe), the first
// decrypted packet of that shape: video packets cut to the header and 16
// bytes of payload, probes whole. Each record is a 2-byte big-endian
// length and the packet. They were extracted once, with the step 5 srtp
// package, by a throwaway program outside the repository; they let the
// tests run in a fresh clone.
//
// With shared/ present (as in the repository, and always in CI) the tests
// also read the three decrypted keyframe packets and every SRTP header of
// the five pcaps, whose headers are in the clear, and compare them with
// the .txt reports.

import (
	"bytes"
	"encoding/binary"
	"fmt"
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

// records reads a file of 2-byte-length-prefixed records.
func records(t testing.TB, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 || len(b) < 2+int(binary.BigEndian.Uint16(b)) {
			t.Fatalf("%s: truncated record", path)
		}
		n := int(binary.BigEndian.Uint16(b))
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out
}

// answerExtMap is the a=extmap lines of the captures' answers.
var answerExtMap = ExtMap{1: URIMid, 2: URIRtpStreamID, 3: URIRepairedRtpID, 4: URITransportWideCC}

// TestTestdataPackets parses the sampled real packets, checks what the
// captures say about them, and writes each back byte for byte.
func TestTestdataPackets(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.rtp")
	if len(files) == 0 {
		t.Fatal("no testdata/*.rtp")
	}
	shapes := map[string]int{}
	for _, f := range files {
		for i, b := range records(t, f) {
			var p Packet
			if err := p.Unmarshal(b); err != nil {
				t.Fatalf("%s #%d: %v", f, i, err)
			}
			again, err := p.Marshal()
			if err != nil || !bytes.Equal(again, b) {
				t.Errorf("%s #%d: Marshal differs (%v)\n got % x\nwant % x", f, i, err, again, b)
			}
			if p.ExtensionProfile != ExtensionProfileOneByte {
				t.Errorf("%s #%d: profile %#x, want one-byte 0xBEDE", f, i, p.ExtensionProfile)
			}
			if _, ok := p.GetExtension(4); !ok {
				t.Errorf("%s #%d: no transport-wide sequence number (id 4)", f, i)
			}
			if p.Padding {
				// The probes: no payload, 255 bytes of padding (README finding 10).
				if len(p.Payload) != 0 || p.PaddingSize != 255 || p.PayloadType != 97 {
					t.Errorf("%s #%d: probe %v, want pt 97, 0 bytes payload, 255 padding", f, i, &p)
				}
			}
			shapes[fmt.Sprintf("pt=%d hdr=%d pad=%v", p.PayloadType, p.Header.MarshalSize(), p.Padding)]++
		}
	}
	for _, want := range []string{"pt=96 hdr=24 pad=false", "pt=96 hdr=20 pad=false", "pt=97 hdr=24 pad=true", "pt=97 hdr=24 pad=false"} {
		if shapes[want] == 0 {
			t.Errorf("no sample of shape %q (have %v)", want, shapes)
		}
	}
}

// TestKeyframePackets reads the three decrypted packets of Chromium's
// first keyframe.
func TestKeyframePackets(t *testing.T) {
	skipWithoutCaptures(t)
	for i, seq := range []uint16{13174, 13175, 13176} {
		b, err := os.ReadFile(fmt.Sprintf("%schromium-keyframe-rtp/%03d.rtp", captureDir, i+1))
		if err != nil {
			t.Fatal(err)
		}
		var p Packet
		if err := p.Unmarshal(b); err != nil {
			t.Fatal(err)
		}
		if p.SequenceNumber != seq || p.SSRC != 1540848376 || p.Timestamp != 376022552 || p.PayloadType != 96 || p.Marker != (i == 2) {
			t.Errorf("%03d.rtp: %v", i+1, &p)
		}
		// 24-byte header: fixed 12, extension 4 + 8 (twcc, mid, padding).
		if n := len(b) - len(p.Payload); n != 24 {
			t.Errorf("%03d.rtp: header %d bytes, want 24", i+1, n)
		}
		// Transport-wide numbers 2, 3, 4 (the probe before took 1).
		want := fmt.Sprintf(`4:twcc=%d 1:mid="0"`, 2+i)
		if got := answerExtMap.Format(&p.Header); got != want {
			t.Errorf("%03d.rtp: extensions %s, want %s", i+1, got, want)
		}
		again, err := p.Marshal()
		if err != nil || !bytes.Equal(again, b) {
			t.Errorf("%03d.rtp: Marshal differs (%v)", i+1, err)
		}
	}
}

// srtpLine is one SRTP line of a .txt report's datagram index.
var srtpLine = regexp.MustCompile(`(?m)^\s+(\d+)\s+\S+\s+B>S\s+\d+\s+SRTP ssrc=(\d+) \(0x[0-9a-f]+\) seq=(\d+) pt=(\d+) M=([01]) ts=(\d+)( P=1)? ext\[([^\]]*)\]`)

// TestCaptureHeaders parses the header of every SRTP packet the browsers
// sent, in the clear before the payload, and compares it with the report:
// SSRC, sequence number, payload type, marker, timestamp, padding bit and
// the extension elements named by the answer's a=extmap lines.
func TestCaptureHeaders(t *testing.T) {
	skipWithoutCaptures(t)
	for _, name := range captureNames {
		t.Run(name, func(t *testing.T) {
			datagrams := pcapDatagrams(t, captureDir+name+".pcap")
			txt, err := os.ReadFile(captureDir + name + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			lines := srtpLine.FindAllStringSubmatch(string(txt), -1)
			if len(lines) < 80 {
				t.Fatalf("only %d SRTP lines in the report", len(lines))
			}
			var h Header
			sizes := map[int]int{}
			for _, m := range lines {
				num, _ := strconv.Atoi(m[1])
				d := datagrams[num-1]
				n, err := h.Unmarshal(d)
				if err != nil {
					t.Fatalf("datagram %d: %v", num, err)
				}
				sizes[n]++
				got := fmt.Sprintf("ssrc=%d seq=%d pt=%d M=%d ts=%d P=%v ext[%s]", h.SSRC, h.SequenceNumber, h.PayloadType, b2i(h.Marker), h.Timestamp, h.Padding, answerExtMap.Format(&h))
				want := fmt.Sprintf("ssrc=%s seq=%s pt=%s M=%s ts=%s P=%v ext[%s]", m[2], m[3], m[4], m[5], m[6], m[7] != "", m[8])
				if got != want {
					t.Errorf("datagram %d:\n got %s\nwant %s", num, got, want)
				}
				hb, err := h.Marshal()
				if err != nil || !bytes.Equal(hb, d[:n]) {
					t.Errorf("datagram %d: header Marshal differs (%v)", num, err)
				}
			}
			// Both header lengths (README finding 10): mid, then not.
			if sizes[24] == 0 || sizes[20] == 0 {
				t.Errorf("header sizes %v, want both 24 and 20", sizes)
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pcapDatagrams returns the UDP payloads of a classic little-endian pcap
// of loopback traffic: each frame's datagram starts at offset 42.
func pcapDatagrams(t *testing.T, path string) [][]byte {
	t.Helper()
	pcap, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(pcap) < 24 || binary.LittleEndian.Uint32(pcap) != 0xa1b2c3d4 {
		t.Fatal("not a little-endian classic pcap")
	}
	var out [][]byte
	for off := 24; off+16 <= len(pcap); {
		n := int(binary.LittleEndian.Uint32(pcap[off+8:]))
		if off+16+n > len(pcap) || n < 42 {
			t.Fatalf("truncated pcap record at %d", off)
		}
		out = append(out, pcap[off+16+42:off+16+n])
		off += 16 + n
	}
	return out
}

package rtcp

// The RTCP of the real sessions in shared/captures.
//
// testdata/<capture>.rtcp holds every SRTCP packet of the capture, both
// directions, decrypted: each record a 2-byte big-endian length and the
// plain compound packet, in datagram order. They were extracted once,
// with the step 5 srtp package and the keys in each capture's .txt, by a
// throwaway program outside the repository, so these tests run in a fresh
// clone. The browsers' packets are SR + SDES; pion's are RR, PLI and
// TWCC (with RTCP padding), each alone: reduced-size.
//
// With shared/ present the test also compares what it parsed with the
// report's own reading of each packet ("[decrypted: ...]").

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

const captureDir = "../../../shared/captures/"

var captureNames = []string{"chromium-default", "chromium-aes128gcm", "chromium-aes256gcm", "chromium-aes128cm80", "firefox-default"}

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

// TestCaptures parses every compound packet of the sessions and writes it
// back byte for byte.
func TestCaptures(t *testing.T) {
	seen := map[string]int{}
	for _, name := range captureNames {
		t.Run(name, func(t *testing.T) {
			recs := records(t, "testdata/"+name+".rtcp")
			if len(recs) < 30 {
				t.Fatalf("%d packets", len(recs))
			}
			var described []string
			for i, b := range recs {
				pkts, err := Unmarshal(b)
				if err != nil {
					t.Fatalf("packet %d: %v", i, err)
				}
				again, err := Marshal(pkts...)
				if err != nil || !bytes.Equal(again, b) {
					t.Errorf("packet %d (%s): Marshal differs (%v)\n got % x\nwant % x", i, Format(pkts), err, again, b)
				}
				var kinds []string
				for _, p := range pkts {
					if _, raw := p.(*RawPacket); raw {
						t.Errorf("packet %d: %v not parsed", i, p)
					}
					kind := strings.Fields(p.String())[0]
					kinds = append(kinds, kind)
					seen[kind]++
				}
				described = append(described, reportStyle(pkts))
			}
			compareWithReport(t, name, described)
		})
	}
	for _, kind := range []string{"SR", "SDES", "RR", "PLI", "TWCC"} {
		if seen[kind] == 0 {
			t.Errorf("no %s in the captures (%v)", kind, seen)
		}
	}
}

// reportStyle describes packets the way the captures' .txt does.
func reportStyle(pkts []Packet) string {
	var parts []string
	for _, p := range pkts {
		switch p := p.(type) {
		case *SenderReport:
			parts = append(parts, fmt.Sprintf("SR(ssrc=%d rtp_ts=%d packets=%d octets=%d reports=%d)", p.SSRC, p.RTPTime, p.PacketCount, p.OctetCount, len(p.Reports)))
		case *ReceiverReport:
			s := fmt.Sprintf("RR(ssrc=%d reports=%d", p.SSRC, len(p.Reports))
			for _, r := range p.Reports {
				s += fmt.Sprintf(" source=%d lost=%d highest_seq=%d", r.SSRC, r.CumulativeLost, r.ExtendedHighestSeq)
			}
			parts = append(parts, s+")")
		case *SourceDescription:
			s := fmt.Sprintf("SDES(chunks=%d", len(p.Chunks))
			for _, c := range p.Chunks {
				s += fmt.Sprintf(" ssrc=%d", c.Source)
				for _, it := range c.Items {
					s += fmt.Sprintf(" %v=%q", it.Type, it.Text)
				}
			}
			parts = append(parts, s+")")
		case *PictureLossIndication:
			parts = append(parts, fmt.Sprintf("PSFB PLI(sender=%d media=%d)", p.SenderSSRC, p.MediaSSRC))
		case *TransportLayerCC:
			parts = append(parts, fmt.Sprintf("RTPFB TWCC(sender=%d media=%d base_seq=%d status_count=%d fb_pkt_count=%d)", p.SenderSSRC, p.MediaSSRC, p.BaseSequenceNumber, p.PacketStatusCount, p.FeedbackPacketCount))
		default:
			parts = append(parts, p.String())
		}
	}
	return strings.Join(parts, " + ")
}

var srtcpLine = regexp.MustCompile(`(?m)^\s+\d+\s+\S+\s+[BS]>[BS]\s+\d+\s+SRTCP .*\[decrypted: (.*)\]$`)

// compareWithReport checks our reading against the report's, packet for
// packet, when shared/ is present.
func compareWithReport(t *testing.T, name string, described []string) {
	t.Helper()
	txt, err := os.ReadFile(captureDir + name + ".txt")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("captures missing in CI: %v", err)
		}
		t.Logf("report not compared: %v", err)
		return
	}
	lines := srtcpLine.FindAllStringSubmatch(string(txt), -1)
	if len(lines) != len(described) {
		t.Fatalf("the report has %d SRTCP packets, testdata %d", len(lines), len(described))
	}
	for i, m := range lines {
		if m[1] != described[i] {
			t.Errorf("packet %d:\n got %s\nwant %s", i, described[i], m[1])
		}
	}
}

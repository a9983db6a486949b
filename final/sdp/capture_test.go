package sdp

// These tests read the real sessions recorded in ../../../shared/captures:
// Chromium 156 and Firefox 153 answering the offer of pionrecv, a pion
// receiver. They are skipped where shared/ is absent, as in a user's clone.
// The values checked against are taken from other parts of the same report
// (its summary, its STUN log) and from the packet capture, not copied here.

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var captureNames = []string{"chromium-default", "firefox-default"}

// readCapture returns a file of shared/captures, or skips the test.
func readCapture(t testing.TB, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "captures", file))
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not present: under CI=true the shared captures must be there", file)
		}
		t.Skipf("%s not present (shared/ is not part of a clone)", file)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// reportSection returns the indented lines under "== <title> ==" in a
// capture report, without their two-space indent, up to the blank line.
func reportSection(t testing.TB, report, title string) []string {
	t.Helper()
	_, after, ok := strings.Cut(report, "\n== "+title+" ==\n")
	if !ok {
		t.Fatalf("report has no section %q", title)
	}
	var lines []string
	for _, l := range strings.Split(after, "\n") {
		if !strings.HasPrefix(l, "  ") {
			break
		}
		lines = append(lines, strings.TrimPrefix(l, "  "))
	}
	return lines
}

// captureSDPs returns pion's offer and the browser's answer of a report,
// with CRLF line endings as they went over the wire.
func captureSDPs(t testing.TB, name string) (report, offer, answer string) {
	report = string(readCapture(t, name+".txt"))
	offer = crlf(reportSection(t, report, "SDP offer (pionrecv -> browser)")...)
	answer = crlf(reportSection(t, report, "SDP answer (browser -> pionrecv)")...)
	return report, offer, answer
}

var (
	// "Video: SSRC 1540848376 (0x5bd77af8), payload type 96 = VP8/90000; RTX SSRC 1527031867 ..."
	summaryVideo = regexp.MustCompile(`Video: SSRC (\d+) \(0x[0-9a-f]+\), payload type (\d+) = VP8/90000; RTX SSRC (\d+)`)
	// A browser's Binding request: USERNAME="<pion's ufrag>:<browser's ufrag>" (RFC 8445 §7.2.2).
	browserCheck = regexp.MustCompile(`B>S +\d+ +STUN Binding request .*USERNAME="([^":]+):([^"]+)"`)
)

func TestCaptureAnswers(t *testing.T) {
	for _, name := range captureNames {
		t.Run(name, func(t *testing.T) {
			report, offerText, answerText := captureSDPs(t, name)

			// pion's offer has the shape of an answer to ours (one video
			// section, VP8, rtcp-mux...), so ParseAnswer reads it too.
			pion, err := ParseAnswer(offerText)
			if err != nil {
				t.Fatalf("pion's offer: %v", err)
			}
			if pion.Setup != "actpass" || pion.Direction != "recvonly" || !pion.EndOfCandidates || len(pion.Candidates) != 2 {
				t.Errorf("pion's offer: setup %s, direction %s, %d candidates, end-of-candidates %v",
					pion.Setup, pion.Direction, len(pion.Candidates), pion.EndOfCandidates)
			}

			a, err := ParseAnswer(answerText)
			if err != nil {
				t.Fatalf("answer: %v", err)
			}
			if a.MID != pion.MID || a.VP8PayloadType != pion.VP8PayloadType || a.Setup != "active" || a.Direction != "sendonly" {
				t.Errorf("answer: mid %q, VP8 on %d, setup %s, direction %s; want mid %q, VP8 on %d, active, sendonly",
					a.MID, a.VP8PayloadType, a.Setup, a.Direction, pion.MID, pion.VP8PayloadType)
			}
			if a.Fingerprint.Algorithm != "sha-256" || a.Fingerprint.Equal(pion.Fingerprint) {
				t.Errorf("answer fingerprint %v; pion's %v", a.Fingerprint, pion.Fingerprint)
			}
			if len(a.Candidates) != 0 || a.EndOfCandidates {
				t.Errorf("answer has %d candidates, end-of-candidates %v; the browsers trickle theirs", len(a.Candidates), a.EndOfCandidates)
			}
			if err := (&Offer{MID: pion.MID, PayloadType: pion.VP8PayloadType}).Check(a); err != nil {
				t.Errorf("Check against an offer with pion's mid and payload type: %v", err)
			}

			// The SSRCs are the video and RTX SSRCs of the report's summary.
			m := summaryVideo.FindStringSubmatch(report)
			if m == nil {
				t.Fatal("no Video: line in the summary")
			}
			video, _ := strconv.ParseUint(m[1], 10, 32)
			rtx, _ := strconv.ParseUint(m[3], 10, 32)
			if want := []uint32{uint32(video), uint32(rtx)}; !reflect.DeepEqual(a.SSRCs, want) || m[2] != strconv.Itoa(int(a.VP8PayloadType)) {
				t.Errorf("SSRCs %v, VP8 on %d; the summary says %v on %s", a.SSRCs, a.VP8PayloadType, want, m[2])
			}

			// The ufrags are the ones in the browser's STUN checks.
			checks := browserCheck.FindAllStringSubmatch(report, -1)
			if len(checks) == 0 {
				t.Fatal("no browser Binding request in the datagram index")
			}
			t.Logf("%d browser Binding requests, USERNAME %s:%s", len(checks), checks[0][1], checks[0][2])
			for _, c := range checks {
				if c[1] != pion.Ufrag || c[2] != a.Ufrag {
					t.Errorf("STUN USERNAME %q:%q, want %q:%q", c[1], c[2], pion.Ufrag, a.Ufrag)
				}
			}

			// RFC 8285 §7: the answer keeps the offer's extension IDs.
			offered := map[string]int{}
			for _, e := range pion.Extmaps {
				offered[e.URI] = e.ID
			}
			for _, e := range a.Extmaps {
				if id, ok := offered[e.URI]; !ok || id != e.ID {
					t.Errorf("answer a=extmap:%d %s; pion offered it as %d (found: %v)", e.ID, e.URI, id, ok)
				}
			}
			if len(a.Extmaps) == 0 {
				t.Error("answer has no a=extmap")
			}

			// The trickled candidates read and write back unchanged.
			for _, s := range reportSection(t, report, "Candidates trickled by the browser (pionrecv REMOTE_CANDIDATE)") {
				c, err := ParseCandidate(s)
				if err != nil {
					t.Errorf("trickled candidate: %v", err)
				} else if c.String() != s {
					t.Errorf("candidate %q written back as %q", s, c.String())
				}
			}
		})
	}
}

// TestCaptureFingerprints hashes the certificates that crossed the wire in
// the DTLS handshake and finds the answer's and the offer's fingerprints
// among them: a=fingerprint is the hash of the DER certificate (RFC 8122 §5).
func TestCaptureFingerprints(t *testing.T) {
	for _, name := range captureNames {
		t.Run(name, func(t *testing.T) {
			_, offerText, answerText := captureSDPs(t, name)
			pion, err := ParseAnswer(offerText)
			if err != nil {
				t.Fatal(err)
			}
			a, err := ParseAnswer(answerText)
			if err != nil {
				t.Fatal(err)
			}
			certs := pcapCertificates(t, readCapture(t, name+".pcap"))
			if len(certs) < 2 {
				t.Fatalf("%d certificates in the capture, want the browser's and pion's", len(certs))
			}
			t.Logf("%d certificates in %s.pcap, of %d and %d bytes", len(certs), name, len(certs[0]), len(certs[1]))
			for _, want := range []Fingerprint{a.Fingerprint, pion.Fingerprint} {
				found := false
				for _, der := range certs {
					f, err := FingerprintOf(want.Algorithm, der)
					if err != nil {
						t.Fatal(err)
					}
					found = found || f.Equal(want)
				}
				if !found {
					t.Errorf("no certificate in the capture hashes to %v", want)
				}
			}
		})
	}
}

// pcapCertificates returns the certificates of every unfragmented DTLS
// Certificate message in a classic little-endian pcap of loopback UDP:
// each frame is 14 bytes of Ethernet, 20 of IPv4 and 8 of UDP, then the
// datagram (see shared/captures/README.md).
func pcapCertificates(t testing.TB, pcap []byte) [][]byte {
	if len(pcap) < 24 || binary.LittleEndian.Uint32(pcap) != 0xa1b2c3d4 {
		t.Fatal("not a little-endian classic pcap")
	}
	var certs [][]byte
	for rest := pcap[24:]; len(rest) >= 16; {
		n := int(binary.LittleEndian.Uint32(rest[8:12])) // captured length
		if len(rest) < 16+n {
			t.Fatal("truncated pcap record")
		}
		frame := rest[16 : 16+n]
		rest = rest[16+n:]
		if len(frame) > 42 {
			certs = append(certs, dtlsCertificates(frame[42:])...)
		}
	}
	return certs
}

// dtlsCertificates walks the DTLS records of a datagram (RFC 6347 §4.1,
// 13-byte header) and their handshake messages (§4.2.2, 12-byte header),
// and splits each epoch-0 Certificate message (RFC 5246 §7.4.2) into its
// DER certificates.
func dtlsCertificates(d []byte) [][]byte {
	u24 := func(b []byte) int { return int(b[0])<<16 | int(b[1])<<8 | int(b[2]) }
	var certs [][]byte
	for len(d) >= 13 {
		contentType, epoch, n := d[0], binary.BigEndian.Uint16(d[3:5]), int(binary.BigEndian.Uint16(d[11:13]))
		if len(d) < 13+n {
			break
		}
		body := d[13 : 13+n]
		d = d[13+n:]
		if contentType != 22 || epoch != 0 { // 22: handshake
			continue
		}
		for len(body) >= 12 {
			msgType, length, fragOffset, fragLength := body[0], u24(body[1:4]), u24(body[6:9]), u24(body[9:12])
			if len(body) < 12+fragLength {
				break
			}
			msg := body[12 : 12+fragLength]
			body = body[12+fragLength:]
			if msgType != 11 || fragOffset != 0 || fragLength != length || len(msg) < 3 { // 11: certificate
				continue
			}
			for list := msg[3:]; len(list) >= 3 && len(list) >= 3+u24(list); list = list[3+u24(list):] {
				certs = append(certs, list[3:3+u24(list)])
			}
		}
	}
	return certs
}

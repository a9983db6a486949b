package stun

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// These tests read the browser captures in shared/captures (see its
// README.md): real Chromium 156 and Firefox 153 sessions with a pion
// receiver on 127.0.0.1. The files are not part of this module; the tests
// skip when they are absent, as in a clone without shared/.

// capturesDir is shared/captures, relative to this package's directory.
const capturesDir = "../../../shared/captures"

// datagram is one UDP payload from a pcap.
type datagram struct {
	number  int    // pcap frame number, from 1, as in the .txt index
	srcPort uint16 // UDP source port
	payload []byte // the UDP payload
}

// readPcap reads a classic little-endian pcap whose frames are Ethernet +
// IPv4 without options + UDP, so the UDP payload starts at offset 42 and
// the source port is at offset 34.
func readPcap(path string) ([]datagram, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 24 || !bytes.Equal(b[:4], []byte{0xd4, 0xc3, 0xb2, 0xa1}) {
		return nil, fmt.Errorf("%s: not a little-endian pcap", path)
	}
	var out []datagram
	for off, n := 24, 1; off < len(b); n++ {
		if len(b)-off < 16 {
			return nil, fmt.Errorf("%s: record %d header truncated", path, n)
		}
		incl := int(binary.LittleEndian.Uint32(b[off+8:]))
		off += 16
		if incl > len(b)-off || incl < 42 {
			return nil, fmt.Errorf("%s: record %d of %d bytes", path, n, incl)
		}
		frame := b[off : off+incl]
		off += incl
		out = append(out, datagram{number: n, srcPort: binary.BigEndian.Uint16(frame[34:]), payload: frame[42:]})
	}
	return out, nil
}

// session is what a capture's .txt report says about the STUN traffic.
type session struct {
	browserPort uint16         // the browser's UDP port; the other port is pion's
	serverPwd   string         // a=ice-pwd of the offer (pionrecv)
	browserPwd  string         // a=ice-pwd of the answer (the browser)
	stunCount   int            // "STUN: N messages"
	index       map[int]string // datagram number -> the STUN line of the datagram index
}

var (
	reBrowser   = regexp.MustCompile(`(?m)^Browser: 127\.0\.0\.1:(\d+)`)
	reStunCount = regexp.MustCompile(`STUN: (\d+) messages`)
	reIndexLine = regexp.MustCompile(`^\s+(\d+)\s+[\d.]+\s+(?:B>S|S>B)\s+\d+\s+(STUN .*)$`)
)

func readSession(path string) (*session, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := &session{index: map[int]string{}}
	if m := reBrowser.FindSubmatch(text); m != nil {
		p, _ := strconv.Atoi(string(m[1]))
		s.browserPort = uint16(p)
	}
	if m := reStunCount.FindSubmatch(text); m != nil {
		s.stunCount, _ = strconv.Atoi(string(m[1]))
	}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "== ") {
			section = line
		}
		if pwd, ok := strings.CutPrefix(strings.TrimSpace(line), "a=ice-pwd:"); ok {
			switch {
			case strings.HasPrefix(section, "== SDP offer"):
				s.serverPwd = pwd
			case strings.HasPrefix(section, "== SDP answer"):
				s.browserPwd = pwd
			}
		}
		if m := reIndexLine.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			s.index[n] = m[2]
		}
	}
	if s.browserPort == 0 || s.serverPwd == "" || s.browserPwd == "" || s.stunCount == 0 {
		return nil, fmt.Errorf("%s: browser port, ice-pwds or STUN count not found", path)
	}
	return s, nil
}

// capture is one pcap with its report.
type capture struct {
	name      string     // file name, such as chromium-default.pcap
	datagrams []datagram // every UDP datagram, in capture order
	session   *session   // what the .txt report says
}

// loadCaptures returns every capture, or skips the test if there are none.
func loadCaptures(tb testing.TB) []capture {
	tb.Helper()
	paths, _ := filepath.Glob(filepath.Join(capturesDir, "*.pcap"))
	if len(paths) == 0 {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("no captures in %s: under CI=true the shared captures must be there", capturesDir)
		}
		tb.Skipf("no captures in %s", capturesDir)
	}
	var out []capture
	for _, p := range paths {
		d, err := readPcap(p)
		if err != nil {
			tb.Fatal(err)
		}
		s, err := readSession(strings.TrimSuffix(p, ".pcap") + ".txt")
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, capture{name: filepath.Base(p), datagrams: d, session: s})
	}
	return out
}

// key returns the ice-pwd that signs msg, sent from srcPort. "A request is
// keyed with the receiver's pwd, a response with the responder's": in
// both cases, the password of the agent that answers the check.
func (s *session) key(msg *Message, srcPort uint16) []byte {
	fromBrowser := srcPort == s.browserPort
	answeringIsBrowser := fromBrowser != (msg.Type.Class == ClassRequest)
	if answeringIsBrowser {
		return ShortTermKey(s.browserPwd)
	}
	return ShortTermKey(s.serverPwd)
}

// The fields the .txt index shows, and how to read them from a message.
var (
	reTxID        = regexp.MustCompile(`txid=([0-9a-f]{24})`)
	reUsername    = regexp.MustCompile(`USERNAME="([^"]*)"`)
	rePriority    = regexp.MustCompile(`PRIORITY=(\d+)`)
	reControlled  = regexp.MustCompile(`ICE-CONTROLLED\(tiebreaker=([0-9a-f]+)\)`)
	reControlling = regexp.MustCompile(`ICE-CONTROLLING\(tiebreaker=([0-9a-f]+)\)`)
	reXORMapped   = regexp.MustCompile(`XOR-MAPPED-ADDRESS=(\S+)`)
	reNetworkInfo = regexp.MustCompile(`GOOG-NETWORK-INFO\(network-id=(\d+), cost=(\d+)\)`)
)

// checkAgainstIndex compares the decoded message with the .txt line.
func checkAgainstIndex(t *testing.T, m *Message, line string) {
	t.Helper()
	find := func(re *regexp.Regexp) string {
		if sub := re.FindStringSubmatch(line); sub != nil {
			return strings.Join(sub[1:], ",")
		}
		return ""
	}
	str := func(s string, err error) string {
		if err != nil {
			return ""
		}
		return s
	}
	u64 := func(v uint64, err error) string {
		if err != nil {
			return ""
		}
		return fmt.Sprintf("%016x", v)
	}
	prio, err := m.Priority()
	prioStr := ""
	if err == nil {
		prioStr = strconv.FormatUint(uint64(prio), 10)
	}
	xor, err := m.XORMappedAddress()
	xorStr := ""
	if err == nil {
		xorStr = xor.String()
	}
	netInfo := ""
	if v, ok := m.Get(AttrGoogNetworkInfo); ok && len(v) == 4 {
		netInfo = fmt.Sprintf("%d,%d", binary.BigEndian.Uint16(v), binary.BigEndian.Uint16(v[2:]))
	}
	for _, c := range []struct{ name, got, want string }{
		{"txid", m.TransactionID.String(), find(reTxID)},
		{"USERNAME", str(m.Username()), find(reUsername)},
		{"PRIORITY", prioStr, find(rePriority)},
		{"ICE-CONTROLLED", u64(m.ICEControlled()), find(reControlled)},
		{"ICE-CONTROLLING", u64(m.ICEControlling()), find(reControlling)},
		{"XOR-MAPPED-ADDRESS", xorStr, find(reXORMapped)},
		{"GOOG-NETWORK-INFO", netInfo, find(reNetworkInfo)},
		{"USE-CANDIDATE", strconv.FormatBool(m.UseCandidate()), strconv.FormatBool(strings.Contains(line, "USE-CANDIDATE"))},
		{"type", m.Type.String(), strings.TrimPrefix(strings.SplitN(line, " (type", 2)[0], "STUN ")},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, the capture report says %q", c.name, c.got, c.want)
		}
	}
}

func TestCaptures(t *testing.T) {
	for _, c := range loadCaptures(t) {
		t.Run(c.name, func(t *testing.T) {
			s := c.session
			requests := map[TransactionID]*Message{} // to rebuild the responses
			count := 0
			for _, d := range c.datagrams {
				if len(d.payload) == 0 || d.payload[0] > 3 {
					continue // RFC 7983: not STUN
				}
				count++
				t.Run(fmt.Sprint(d.number), func(t *testing.T) {
					if !IsMessage(d.payload) {
						t.Error("IsMessage = false")
					}
					m := new(Message)
					if err := m.Unmarshal(d.payload); err != nil {
						t.Fatal(err)
					}
					if line, ok := s.index[d.number]; !ok {
						t.Error("not listed as STUN in the capture report")
					} else {
						checkAgainstIndex(t, m, line)
					}
					key := s.key(m, d.srcPort)
					if err := m.CheckIntegrity(key); err != nil {
						t.Errorf("MESSAGE-INTEGRITY with the answering agent's ice-pwd: %v", err)
					}
					wrong := ShortTermKey(s.browserPwd)
					if bytes.Equal(key, wrong) {
						wrong = ShortTermKey(s.serverPwd)
					}
					if err := m.CheckIntegrity(wrong); !errors.Is(err, ErrIntegrityMismatch) {
						t.Errorf("MESSAGE-INTEGRITY with the other ice-pwd: %v", err)
					}
					if err := m.CheckFingerprint(); err != nil {
						t.Error(err)
					}
					if u := m.UnknownComprehensionRequired(); len(u) != 0 {
						t.Errorf("unknown comprehension-required attributes %v", u)
					}
					// Browsers and pion pad with zeros, so our encoding
					// of what we decoded is byte for byte theirs.
					if got := m.Marshal(); !bytes.Equal(got, d.payload) {
						t.Errorf("re-encoded\n%x\nreceived\n%x", got, d.payload)
					}
					// Strip MESSAGE-INTEGRITY and FINGERPRINT, sign
					// again: the same bytes.
					rebuilt := &Message{Type: m.Type, TransactionID: m.TransactionID}
					for _, a := range m.Attributes {
						if a.Type != AttrMessageIntegrity && a.Type != AttrFingerprint {
							rebuilt.Add(a.Type, a.Value)
						}
					}
					rebuilt.AddMessageIntegrity(key)
					rebuilt.AddFingerprint()
					if got := rebuilt.Marshal(); !bytes.Equal(got, d.payload) {
						t.Errorf("re-signed\n%x\nreceived\n%x", got, d.payload)
					}

					switch m.Type.Class {
					case ClassRequest:
						requests[m.TransactionID] = m
						if !strings.Contains(m.String(), "MESSAGE-INTEGRITY FINGERPRINT") {
							t.Errorf("String() = %s", m)
						}
					case ClassSuccessResponse:
						// Build the answer our server would send: it must
						// be exactly what pion, Chromium or Firefox sent.
						req, ok := requests[m.TransactionID]
						if !ok {
							t.Fatal("response to an unseen request")
						}
						mapped, _ := m.XORMappedAddress()
						res := NewBindingSuccess(req, mapped)
						res.AddMessageIntegrity(key)
						res.AddFingerprint()
						if got := res.Marshal(); !bytes.Equal(got, d.payload) {
							t.Errorf("NewBindingSuccess gives\n%x\nthe capture has\n%x", got, d.payload)
						}
					default:
						t.Errorf("unexpected %v", m.Type)
					}
				})
			}
			if count != s.stunCount {
				t.Errorf("%d STUN datagrams, the report counts %d", count, s.stunCount)
			}
		})
	}
}

// TestChromiumBindingRequest rebuilds Chromium's first connectivity check
// (datagram 1 of chromium-default) attribute by attribute with the typed
// API, as an ICE agent playing Chromium would.
func TestChromiumBindingRequest(t *testing.T) {
	var first *datagram
	var s *session
	for _, c := range loadCaptures(t) {
		if c.name == "chromium-default.pcap" {
			first, s = &c.datagrams[0], c.session
		}
	}
	if first == nil {
		t.Fatal("chromium-default.pcap not among the captures")
	}
	var m Message
	must(t, m.Unmarshal(first.payload))
	wantOrder := []AttrType{AttrUsername, AttrGoogNetworkInfo, AttrICEControlled, AttrPriority, AttrMessageIntegrity, AttrFingerprint}
	for i, a := range m.Attributes {
		if i >= len(wantOrder) || a.Type != wantOrder[i] {
			t.Fatalf("attributes %v, want the order %v", m.String(), wantOrder)
		}
	}
	username, _ := m.Username()
	tiebreaker, _ := m.ICEControlled()
	priority, _ := m.Priority()
	netInfo, _ := m.Get(AttrGoogNetworkInfo)

	b := &Message{Type: BindingRequest, TransactionID: m.TransactionID}
	must(t, b.AddUsername(username))
	b.Add(AttrGoogNetworkInfo, netInfo)
	b.AddICEControlled(tiebreaker)
	b.AddPriority(priority)
	b.AddMessageIntegrity(ShortTermKey(s.serverPwd)) // the receiver's pwd: pion's, from the offer
	b.AddFingerprint()
	if got := b.Marshal(); !bytes.Equal(got, first.payload) {
		t.Errorf("rebuilt\n%x\ncaptured\n%x", got, first.payload)
	}
	t.Log(m.String())
}

package ice

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"nutsandbolts/final/stun"
)

// These tests read the browser captures in shared/captures (see its
// README.md): Chromium 156 and Firefox 153 sending to a pion receiver on
// 127.0.0.1. They are not part of this module; the tests skip when the
// folder is absent, as in a clone without shared/, and fail then under
// CI=true (needShared).
//
// In the captures pion was the offerer and the controlling full agent, and
// the browser was controlled: the reverse of our design. So the captures
// test us in two ways. The browser's checks carry ICE-CONTROLLED, and we,
// holding pion's credentials, must answer them with an authenticated 487.
// Pion's checks are what a controlling agent sends, and we, holding the
// browser's credentials, must answer them exactly as the browser did.

// capturesDir is shared/captures, relative to this package's directory.
// A variable, so that a test can point it elsewhere.
var capturesDir = "../../../shared/captures"

// datagram is one UDP datagram of a pcap.
type datagram struct {
	number  int            // pcap frame number, from 1, as in the .txt index
	src     netip.AddrPort // IPv4 source address and UDP source port
	payload []byte         // the UDP payload
}

// readPcap reads a classic little-endian pcap of Ethernet + IPv4 without
// options + UDP frames: source IP at offset 26, source port at 34, payload
// at 42.
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
		f := b[off : off+incl]
		off += incl
		src := netip.AddrPortFrom(netip.AddrFrom4([4]byte(f[26:30])), binary.BigEndian.Uint16(f[34:]))
		out = append(out, datagram{number: n, src: src, payload: f[42:]})
	}
	return out, nil
}

// report is what a capture's .txt says that these tests need.
type report struct {
	offer, answer Credentials    // a=ice-ufrag/pwd of pion's offer and the browser's answer
	kinds         map[int]string // datagram number → STUN, DTLS, SRTP or SRTCP
	lengths       map[int]int    // datagram number → UDP payload length
}

var indexLine = regexp.MustCompile(`^\s+(\d+)\s+[0-9.]+\s+(?:B>S|S>B)\s+(\d+)\s+(\S+)`)

func readReport(path string) (*report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := &report{kinds: map[int]string{}, lengths: map[int]int{}}
	var creds *Credentials
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "== SDP offer"):
			creds = &r.offer
		case strings.HasPrefix(line, "== SDP answer"):
			creds = &r.answer
		case strings.HasPrefix(line, "== "):
			creds = nil
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "a=ice-ufrag:"); ok && creds != nil {
			creds.Ufrag = v
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "a=ice-pwd:"); ok && creds != nil {
			creds.Pwd = v
		}
		if m := indexLine.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			r.lengths[n], _ = strconv.Atoi(m[2])
			r.kinds[n] = m[3]
		}
	}
	if r.offer.Pwd == "" || r.answer.Pwd == "" || len(r.kinds) == 0 {
		return nil, fmt.Errorf("%s: credentials or datagram index not found", path)
	}
	return r, sc.Err()
}

// captures returns the pcap paths, or skips the test (fails it under
// CI=true).
func captures(t testing.TB) []string {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(capturesDir, "*.pcap"))
	if len(paths) == 0 {
		needShared(t, "shared/captures ("+capturesDir+")")
	}
	return paths
}

func load(t *testing.T, pcap string) ([]datagram, *report) {
	t.Helper()
	ds, err := readPcap(pcap)
	if err != nil {
		t.Fatal(err)
	}
	r, err := readReport(strings.TrimSuffix(pcap, ".pcap") + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	return ds, r
}

// Every datagram of every capture is classified as the report says.
func TestClassifyCaptures(t *testing.T) {
	want := map[string]Kind{"STUN": KindSTUN, "DTLS": KindDTLS, "SRTP": KindRTP, "SRTCP": KindRTP}
	for _, p := range captures(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			ds, r := load(t, p)
			if len(ds) != len(r.kinds) {
				t.Fatalf("%d datagrams in the pcap, %d in the index", len(ds), len(r.kinds))
			}
			count := map[Kind]int{}
			for _, d := range ds {
				k, ok := want[r.kinds[d.number]]
				if !ok {
					t.Fatalf("datagram %d: unexpected kind %q in the index", d.number, r.kinds[d.number])
				}
				if len(d.payload) != r.lengths[d.number] {
					t.Errorf("datagram %d: %d bytes, index says %d", d.number, len(d.payload), r.lengths[d.number])
				}
				if got := Classify(d.payload); got != k {
					t.Errorf("datagram %d: Classify = %v, index says %s", d.number, got, r.kinds[d.number])
				}
				count[k]++
			}
			t.Logf("%v", count)
		})
	}
}

// stunRequests returns the capture's Binding requests sent from src's side
// (browser or pion), with the datagram that answered each.
func stunRequests(t *testing.T, ds []datagram, fromBrowser bool, browserPort uint16) (reqs, answers []datagram) {
	for i, d := range ds {
		var m stun.Message
		if Classify(d.payload) != KindSTUN || m.Unmarshal(d.payload) != nil || m.Type != stun.BindingRequest {
			continue
		}
		if (d.src.Port() == browserPort) != fromBrowser {
			continue
		}
		for _, e := range ds[i+1:] {
			var res stun.Message
			if Classify(e.payload) == KindSTUN && res.Unmarshal(e.payload) == nil && res.TransactionID == m.TransactionID {
				reqs, answers = append(reqs, d), append(answers, e)
				break
			}
		}
	}
	if len(reqs) == 0 {
		t.Fatal("no answered Binding requests found")
	}
	return reqs, answers
}

// browserPort is the source port of datagram 1, which the browser sent.
func browserPort(ds []datagram) uint16 { return ds[0].src.Port() }

// Real browser checks (Chromium 156 with GOOG-NETWORK-INFO, Firefox 153)
// pass our USERNAME, MESSAGE-INTEGRITY and FINGERPRINT checks with the
// offer's credentials. They carry ICE-CONTROLLED, because there the
// browser was controlled, so a lite agent answers 487 Role Conflict.
func TestReplayBrowserChecks(t *testing.T) {
	for _, p := range captures(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			ds, r := load(t, p)
			a := NewAgent(Config{})
			if err := a.AddSession(t0, "c", r.offer, r.answer); err != nil {
				t.Fatal(err)
			}
			reqs, _ := stunRequests(t, ds, true, browserPort(ds))
			for _, d := range reqs {
				txs, evs, err := handle(t, a, t0, d.src, d.payload)
				if err != nil {
					t.Fatalf("datagram %d: %v", d.number, err)
				}
				var res stun.Message
				if len(txs) != 1 || res.Unmarshal(txs[0].Data) != nil {
					t.Fatalf("datagram %d: no response", d.number)
				}
				if ec, _ := res.ErrorCode(); ec.Code != stun.CodeRoleConflict || res.CheckIntegrity(stun.ShortTermKey(r.offer.Pwd)) != nil {
					t.Errorf("datagram %d: got %v, want authenticated 487", d.number, &res)
				}
				wantEvents(t, evs)
			}
			t.Logf("%d browser checks answered with 487", len(reqs))
		})
	}
}

// Pion's checks are a controlling agent's: holding the browser's
// credentials, we answer each one byte for byte as the browser did, the
// first one makes the pair valid and USE-CANDIDATE selects it.
func TestReplayControllingChecks(t *testing.T) {
	for _, p := range captures(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			ds, r := load(t, p)
			a := NewAgent(Config{}) // no SOFTWARE: neither browser sends one
			if err := a.AddSession(t0, "c", r.answer, r.offer); err != nil {
				t.Fatal(err)
			}
			reqs, answers := stunRequests(t, ds, false, browserPort(ds))
			var all []Event
			for i, d := range reqs {
				now := t0.Add(time.Duration(i) * time.Second)
				txs, evs, err := handle(t, a, now, d.src, d.payload)
				if err != nil {
					t.Fatalf("datagram %d: %v", d.number, err)
				}
				if len(txs) != 1 || !bytes.Equal(txs[0].Data, answers[i].payload) {
					t.Errorf("datagram %d: our response\n%x\ndiffers from the browser's (datagram %d)\n%x",
						d.number, txs[0].Data, answers[i].number, answers[i].payload)
				}
				all = append(all, evs...)
			}
			pion := reqs[0].src
			wantEvents(t, all, PairValid{"c", pion}, Selected{Session: "c", Remote: pion})
			wantRoute(t, a, pion, "c", true)
			t.Logf("%d controlling checks answered byte for byte", len(reqs))
		})
	}
}

// recorder is a testing.TB that records Fatalf and Skip instead of
// stopping the test; any other method is not expected.
type recorder struct {
	testing.TB
	fatal, skip bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.fatal = true }
func (r *recorder) Skip(...any)           { r.skip = true }

// Without shared/captures, the capture tests skip, except under CI=true,
// where they fail: CI must not pass by testing nothing.
func TestCapturesMissing(t *testing.T) {
	dir := capturesDir
	t.Cleanup(func() { capturesDir = dir })
	capturesDir = t.TempDir() // no pcaps
	for _, tt := range []struct {
		ci          string
		fatal, skip bool
	}{{"true", true, false}, {"", false, true}, {"1", false, true}} {
		t.Setenv("CI", tt.ci)
		r := &recorder{}
		captures(r)
		if r.fatal != tt.fatal || r.skip != tt.skip {
			t.Errorf("CI=%q: failed %v, skipped %v; want %v, %v", tt.ci, r.fatal, r.skip, tt.fatal, tt.skip)
		}
	}
}

package dtls

// Tests against real browser handshakes: the captures in shared/captures
// (Chromium 156 and Firefox 153 against a pion server). Each .txt lists
// the known answers; the tests read them from there, so a regenerated
// capture keeps working.

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const captureDir = "../../../shared/captures/"

// capture is one pcap with its report.
type capture struct {
	datagrams [][]byte // UDP payloads; datagrams[0] is datagram (frame) 1
	txt       string   // the .txt report
}

func loadCapture(t testing.TB, name string) *capture {
	t.Helper()
	pcap, err := os.ReadFile(captureDir + name + ".pcap")
	if os.IsNotExist(err) {
		t.Skipf("capture %s not present", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	txt, err := os.ReadFile(captureDir + name + ".txt")
	if err != nil {
		t.Skipf("capture report %s.txt not present", name)
	}
	c := &capture{txt: string(txt)}
	if len(pcap) < 24 || binary.LittleEndian.Uint32(pcap) != 0xa1b2c3d4 {
		t.Fatal("not a little-endian classic pcap")
	}
	for off := 24; off+16 <= len(pcap); {
		n := int(binary.LittleEndian.Uint32(pcap[off+8:]))
		frame := pcap[off+16 : off+16+n]
		c.datagrams = append(c.datagrams, frame[42:]) // Ethernet 14 + IPv4 20 + UDP 8
		off += 16 + n
	}
	return c
}

// dg returns datagram n (1-based, as in the report).
func (c *capture) dg(n int) []byte { return c.datagrams[n-1] }

// value returns a hex known-answer from the report, e.g. "master_secret".
func (c *capture) value(t testing.TB, re string) []byte {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(c.txt)
	if m == nil {
		t.Fatalf("report lacks %s", re)
	}
	return unhex(t, m[1])
}

// codes extracts the (0x....) code points listed after a key in the offer
// line, e.g. "supported_groups [X25519MLKEM768 (0x11ec), ...]".
func (c *capture) codes(t testing.TB, key string) []uint16 {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(key) + ` \[([^\]]*)\]`).FindStringSubmatch(c.txt)
	if m == nil {
		t.Fatalf("report lacks %s", key)
	}
	var v []uint16
	for _, h := range regexp.MustCompile(`\(0x([0-9a-f]{4})\)`).FindAllStringSubmatch(m[1], -1) {
		x, _ := strconv.ParseUint(h[1], 16, 16)
		v = append(v, uint16(x))
	}
	return v
}

// reassemble feeds the handshake records of the given datagrams to a fresh
// reassembler and returns the complete messages.
func reassemble(t testing.TB, datagrams ...[]byte) []*handshakeMessage {
	t.Helper()
	rs := newReassembler()
	var msgs []*handshakeMessage
	for _, d := range datagrams {
		recs, err := parseRecords(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if r.Header.ContentType != contentHandshake || r.Header.Epoch != 0 {
				continue
			}
			frags, err := parseHandshakeFragments(r.Fragment)
			if err != nil {
				t.Fatal(err)
			}
			for i := range frags {
				if _, err := rs.push(&frags[i], 0, testPeer); err != nil {
					t.Fatal(err)
				}
			}
			for m, ok := rs.pop(); ok; m, ok = rs.pop() {
				rs.accept(m)
				msgs = append(msgs, m)
			}
		}
	}
	return msgs
}

func TestCaptureClientHellos(t *testing.T) {
	for _, tc := range []struct {
		name        string
		first, hvr2 [2]int // datagrams of the first ClientHello, and of the one with the cookie
		lens        [2]int // their lengths
	}{
		{"chromium-default", [2]int{5, 6}, [2]int{10, 11}, [2]int{1413, 1433}},
		{"chromium-aes128gcm", [2]int{5, 6}, [2]int{10, 12}, [2]int{1413, 1433}},
		{"firefox-default", [2]int{8, 9}, [2]int{12, 14}, [2]int{1461, 1481}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := loadCapture(t, tc.name)
			clientRandom := c.value(t, `client_random\s+([0-9a-f]{64})`)
			for i, pair := range [][2]int{tc.first, tc.hvr2} {
				a, b := c.dg(pair[0]), c.dg(pair[1])
				for _, order := range [][][]byte{{a, b}, {b, a}, {a, a, b, b}, {b, a, b, a}} {
					msgs := reassemble(t, order...)
					if len(msgs) != 1 || msgs[0].Type != typeClientHello || len(msgs[0].Body) != tc.lens[i] {
						t.Fatalf("datagrams %v: messages %v", pair, msgs)
					}
					checkClientHello(t, c, msgs[0].Body, clientRandom, i == 1)
				}
				recs, _ := parseRecords(a)
				if recs[0].Header.Version != VersionDTLS10 {
					t.Errorf("record version %v, the report says 0xfeff", recs[0].Header.Version)
				}
			}
		})
	}
}

func checkClientHello(t *testing.T, c *capture, body, clientRandom []byte, withCookie bool) {
	t.Helper()
	var ch clientHelloMsg
	if err := ch.unmarshal(body); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ch.Random[:], clientRandom) {
		t.Errorf("random %x", ch.Random)
	}
	if ch.Version != VersionDTLS12 {
		t.Errorf("client_version %v", ch.Version)
	}
	if withCookie != (len(ch.Cookie) == 20) {
		t.Errorf("cookie %x", ch.Cookie)
	}
	if want := c.codes(t, "cipher suites"); !slices.Equal(ch.CipherSuites, want) {
		t.Errorf("suites %x, want %x", ch.CipherSuites, want)
	}
	data, _ := ch.extension(extSupportedGroups)
	groups, err := parseSupportedGroups(data)
	var g []uint16
	for _, x := range groups {
		g = append(g, uint16(x))
	}
	if want := c.codes(t, "supported_groups"); err != nil || !slices.Equal(g, want) {
		t.Errorf("groups %v, want %x (%v)", groups, want, err)
	}
	data, _ = ch.extension(extUseSRTP)
	profiles, mki, err := parseUseSRTP(data)
	var p []uint16
	for _, x := range profiles {
		p = append(p, uint16(x))
	}
	if want := c.codes(t, "use_srtp"); err != nil || !slices.Equal(p, want) || len(mki) != 0 {
		t.Errorf("use_srtp %v, want %x (%v)", profiles, want, err)
	}
	var order []string
	for _, e := range ch.Extensions {
		order = append(order, e.Type.String())
	}
	want := regexp.MustCompile(`ClientHello offers(?s:.*?)extensions in order: ([^\n]*)`).FindStringSubmatch(c.txt)
	if want == nil || strings.Join(order, ", ") != strings.TrimSpace(want[1]) {
		t.Errorf("extension order\n got %s\nwant %v", strings.Join(order, ", "), want)
	}
	if _, ok := ch.extension(extExtendedMasterSecret); !ok {
		t.Error("no extended_master_secret")
	}
	if again := ch.marshal(); !bytes.Equal(again, body) {
		t.Error("Marshal does not reproduce the browser's bytes")
	}
}

// TestServerAcceptsBrowserClientHello feeds the real ClientHellos to a
// Conn: the first gets a HelloVerifyRequest; the second, with our cookie
// put in place of pion's, gets flight 4 with the choices a browser needs.
func TestServerAcceptsBrowserClientHello(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first [2]int
	}{{"chromium-default", [2]int{5, 6}}, {"firefox-default", [2]int{8, 9}}} {
		t.Run(tc.name, func(t *testing.T) {
			c := loadCapture(t, tc.name)
			cfg := testConfig(t)
			cfg.SRTPProfiles = []SRTPProtectionProfile{SRTP_AEAD_AES_256_GCM, SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80}
			srv := Server(cfg)
			srv.Handle(t0, testPeer, c.dg(tc.first[0]))
			if out := drain(srv); len(out) != 0 {
				t.Fatalf("answered half a ClientHello: %d datagrams", len(out))
			}
			srv.Handle(t0, testPeer, c.dg(tc.first[1]))
			out := drain(srv)
			if len(out) != 1 {
				t.Fatalf("%d datagrams, want one HelloVerifyRequest", len(out))
			}
			recs, _ := parseRecords(out[0])
			frags, _ := parseHandshakeFragments(recs[0].Fragment)
			var hvr helloVerifyRequestMsg
			if frags[0].Header.Type != typeHelloVerifyRequest || hvr.unmarshal(frags[0].Data) != nil {
				t.Fatalf("not a HelloVerifyRequest: %v", frags[0].Header)
			}
			// RFC 6347 §4.2.1: record sequence number and message_seq mirror the ClientHello's.
			in, _ := parseRecords(c.dg(tc.first[1]))
			if recs[0].Header.SequenceNumber != in[0].Header.SequenceNumber || frags[0].Header.MessageSeq != 0 {
				t.Errorf("HVR record seq %d, message_seq %d", recs[0].Header.SequenceNumber, frags[0].Header.MessageSeq)
			}
			// The browser's second ClientHello, carrying our cookie.
			ch := reassemble(t, c.dg(tc.first[0]), c.dg(tc.first[1]))[0]
			var hello clientHelloMsg
			if err := hello.unmarshal(ch.Body); err != nil {
				t.Fatal(err)
			}
			hello.Cookie = hvr.Cookie
			body := hello.marshal()
			cl := &testClient{mtu: 1200, writeSeq: [2]uint64{2, 0}} // after the browser's records 0 and 1
			dgs := cl.pack([]flightMessage{{typ: typeClientHello, seq: 1, body: body}})
			out = feed(srv, t0, dgs)
			msgs := reassemble(t, out...)
			if len(msgs) != 5 {
				t.Fatalf("flight 4 has %d messages, events %v", len(msgs), events(srv))
			}
			var sh serverHelloMsg
			if err := sh.unmarshal(msgs[0].Body); err != nil {
				t.Fatal(err)
			}
			srtp, _ := findExtension(sh.Extensions, extUseSRTP)
			p, _, _ := parseUseSRTP(srtp)
			if sh.CipherSuite != TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 || msgs[0].MessageSeq != 1 ||
				len(p) != 1 || p[0] != SRTP_AEAD_AES_256_GCM {
				t.Errorf("ServerHello %v seq %d", &sh, msgs[0].MessageSeq)
			}
			var ske serverKeyExchangeMsg
			if err := ske.unmarshal(msgs[2].Body); err != nil || ske.Curve != CurveX25519 {
				t.Errorf("ServerKeyExchange %v %v", &ske, err)
			}
		})
	}
}

// TestCaptureKeySchedule checks everything downstream of the master secret
// against chromium-default and firefox-default: key block, exporter,
// transcript hashes rebuilt from the reassembled messages, verify_data, and
// the decryption of both real Finished records.
func TestCaptureKeySchedule(t *testing.T) {
	for _, tc := range []struct {
		name       string
		ch         [2]int // cookie ClientHello datagrams
		f4, f5, f6 int    // flight datagrams
	}{
		{"chromium-default", [2]int{10, 11}, 13, 14, 15},
		{"firefox-default", [2]int{12, 14}, 15, 16, 17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := loadCapture(t, tc.name)
			cr := c.value(t, `client_random\s+([0-9a-f]{64})`)
			sr := c.value(t, `server_random\s+([0-9a-f]{64})`)
			master := c.value(t, `master_secret\s+([0-9a-f]{96})`)
			suite := cipherSuiteByID(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
			kb := deriveKeyBlock(suite, master, cr, sr)
			for name, got := range map[string][]byte{"client_write_key": kb.clientKey, "server_write_key": kb.serverKey,
				"client_write_IV": kb.clientIV, "server_write_IV": kb.serverIV} {
				if want := c.value(t, name+`\s+([0-9a-f]+)`); !bytes.Equal(got, want) {
					t.Errorf("%s %x, want %x", name, got, want)
				}
			}
			km := c.value(t, `SRTP keying material = [^\n]*\n\s+([0-9a-f]+)`)
			got, err := exportKeyingMaterial(sha256.New, master, cr, sr, "EXTRACTOR-dtls_srtp", nil, len(km))
			if err != nil || !bytes.Equal(got, km) {
				t.Errorf("exporter %x, want %x", got, km)
			}

			// Rebuild the transcript: the cookie ClientHello, flight 4, and
			// the epoch-0 part of flight 5.
			var tr []byte
			for _, m := range reassemble(t, c.dg(tc.ch[0]), c.dg(tc.ch[1])) {
				tr = append(tr, m.transcriptBytes()...)
			}
			for _, m := range reassemble(t, c.dg(tc.f4)) {
				tr = append(tr, m.transcriptBytes()...)
			}
			f5 := reassemble(t, c.dg(tc.f5)) // Certificate, ClientKeyExchange, CertificateVerify
			if len(f5) != 3 {
				t.Fatalf("flight 5: %v", f5)
			}
			sum := func(b []byte) []byte { h := sha256.Sum256(b); return h[:] }
			tr = append(tr, f5[0].transcriptBytes()...)
			tr = append(tr, f5[1].transcriptBytes()...)
			if want := c.value(t, `session_hash\s+([0-9a-f]{64})`); !bytes.Equal(sum(tr), want) {
				t.Errorf("session_hash %x, want %x", sum(tr), want)
			}
			tr = append(tr, f5[2].transcriptBytes()...)
			cm := regexp.MustCompile(`Finished client[^\n]*transcript hash ([0-9a-f]{64}) .* = ([0-9a-f]{24})`).FindStringSubmatch(c.txt)
			sm := regexp.MustCompile(`Finished server[^\n]*transcript hash ([0-9a-f]{64}) .* = ([0-9a-f]{24})`).FindStringSubmatch(c.txt)
			if cm == nil || sm == nil {
				t.Fatal("report lacks the Finished lines")
			}
			if !bytes.Equal(sum(tr), unhex(t, cm[1])) {
				t.Errorf("client Finished transcript hash %x, want %s", sum(tr), cm[1])
			}
			clientVD := finishedVerifyData(sha256.New, master, labelClientFinished, sum(tr))
			if fmt.Sprintf("%x", clientVD) != cm[2] {
				t.Errorf("client verify_data %x, want %s", clientVD, cm[2])
			}

			// Decrypt the real epoch-1 Finished records.
			fin := func(datagram []byte, key, iv []byte) *handshakeMessage {
				recs, err := parseRecords(datagram)
				if err != nil {
					t.Fatal(err)
				}
				rc, _ := newRecordCipher(key, iv)
				for _, r := range recs {
					if r.Header.Epoch != 1 {
						continue
					}
					p, err := rc.open(&r.Header, r.Fragment)
					if err != nil {
						t.Fatalf("epoch-1 record: %v", err)
					}
					frags, err := parseHandshakeFragments(p)
					if err != nil || len(frags) != 1 {
						t.Fatalf("Finished fragments %v %v", frags, err)
					}
					h := frags[0].Header
					return &handshakeMessage{Type: h.Type, MessageSeq: h.MessageSeq, Epoch: 1, Body: frags[0].Data}
				}
				t.Fatal("no epoch-1 record")
				return nil
			}
			cf := fin(c.dg(tc.f5), kb.clientKey, kb.clientIV)
			if cf.Type != typeFinished || !bytes.Equal(cf.Body, clientVD) {
				t.Errorf("decrypted client Finished %x, want %x", cf.Body, clientVD)
			}
			tr = append(tr, cf.transcriptBytes()...)
			if !bytes.Equal(sum(tr), unhex(t, sm[1])) {
				t.Errorf("server Finished transcript hash %x, want %s", sum(tr), sm[1])
			}
			serverVD := finishedVerifyData(sha256.New, master, labelServerFinished, sum(tr))
			sf := fin(c.dg(tc.f6), kb.serverKey, kb.serverIV)
			if fmt.Sprintf("%x", serverVD) != sm[2] || !bytes.Equal(sf.Body, serverVD) {
				t.Errorf("server verify_data %x, decrypted %x, want %s", serverVD, sf.Body, sm[2])
			}
		})
	}
}

// TestCaptureRecords: datagram 13 holds five records, datagram 14 a
// ChangeCipherSpec and an epoch-1 record after three handshake records.
func TestCaptureRecords(t *testing.T) {
	c := loadCapture(t, "chromium-default")
	recs, err := parseRecords(c.dg(13))
	if err != nil || len(recs) != 5 {
		t.Fatalf("datagram 13: %d records, %v", len(recs), err)
	}
	recs, err = parseRecords(c.dg(14))
	if err != nil || len(recs) != 5 {
		t.Fatalf("datagram 14: %d records, %v", len(recs), err)
	}
	if recs[3].Header.ContentType != contentChangeCipherSpec || recs[4].Header.Epoch != 1 || recs[4].Header.SequenceNumber != 0 {
		t.Errorf("datagram 14 records: %v", recs)
	}
	for _, r := range recs {
		var b []byte
		b = r.marshal(b)
		if !bytes.Contains(c.dg(14), b) {
			t.Errorf("record %v does not marshal back", &r)
		}
	}
}

package dtls

// Fuzz targets: every parser, and a server Conn fed arbitrary datagrams.
// Run one with, e.g.:
//
//	go test -run '^$' -fuzz '^FuzzConn$' -fuzztime 20s ./dtls/

import (
	"os"
	"testing"
	"time"
)

// captureSeeds adds the browsers' first datagrams (ClientHello fragments,
// flight 5) when the captures are present.
func captureSeeds(f *testing.F, add func(b []byte)) {
	for _, name := range []string{"chromium-default", "firefox-default"} {
		if _, err := os.Stat(captureDir + name + ".pcap"); err != nil {
			continue
		}
		c := loadCapture(f, name)
		for n := 5; n <= 17 && n <= len(c.datagrams); n++ {
			if b := c.dg(n); len(b) > 0 && b[0] >= 20 && b[0] <= 63 {
				add(b)
			}
		}
	}
}

func FuzzParseRecords(f *testing.F) {
	captureSeeds(f, func(b []byte) { f.Add(b) })
	f.Add([]byte{22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, _ := parseRecords(b)
		for _, r := range recs {
			if int(r.Header.Length) != len(r.Fragment) {
				t.Fatal("length mismatch")
			}
			parseHandshakeFragments(r.Fragment)
		}
	})
}

func FuzzHandshakeMessages(f *testing.F) {
	for i, m := range sampleMessages() {
		f.Add(uint8(i), m.in.marshal())
	}
	captureSeeds(f, func(b []byte) {
		recs, _ := parseRecords(b)
		for _, r := range recs {
			frags, _ := parseHandshakeFragments(r.Fragment)
			for _, fr := range frags {
				f.Add(uint8(fr.Header.Type), fr.Data)
			}
		}
	})
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		msgs := sampleMessages()
		m := msgs[int(which)%len(msgs)].out
		if err := m.unmarshal(b); err != nil {
			return
		}
		_ = m.String()
		// What parses must re-marshal to something that parses the same.
		again := m.marshal()
		m2 := msgs[int(which)%len(msgs)].out
		if err := m2.unmarshal(again); err != nil {
			t.Fatalf("%T: re-marshalled bytes do not parse: %v", m, err)
		}
		parseSupportedGroups(b)
		parseSignatureAlgorithms(b)
		parseUseSRTP(b)
		parseECPointFormats(b)
	})
}

func FuzzReassembler(f *testing.F) {
	f.Add([]byte{1, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5, 1, 0, 0, 10, 0, 0, 0, 0, 0, 5, 0, 0, 5, 6, 7, 8, 9, 10})
	f.Fuzz(func(t *testing.T, b []byte) {
		rs := newReassembler()
		frags, _ := parseHandshakeFragments(b)
		for i := range frags {
			rs.push(&frags[i], 0, testPeer)
			for m, ok := rs.pop(); ok; m, ok = rs.pop() {
				if i%2 == 0 { // take every other message, leave the rest
					rs.accept(m)
				}
			}
			if rs.buffered > maxBufferedBytes || rs.buffered < 0 {
				t.Fatalf("buffered %d", rs.buffered)
			}
		}
	})
}

func FuzzConn(f *testing.F) {
	captureSeeds(f, func(b []byte) { f.Add(b, b) })
	// A synthesized handshake: the test client's ClientHello and flight 5.
	cfg := testConfig(f)
	srv := Server(cfg)
	cl := newTestClient(f, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	hello := cl.helloDatagrams()
	f.Add(hello[0], hello[0])
	cookieHello, _ := cl.receive(feed(srv, t0, hello))
	flight5, _ := cl.receive(feed(srv, t0, cookieHello))
	f.Add(cookieHello[0], flight5[0])
	f.Add(flight5[0], flight5[0])
	f.Fuzz(func(t *testing.T, a, b []byte) {
		// A fresh server: a and b as the client's first datagrams, b from
		// another address too.
		srv := Server(cfg)
		srv.Handle(t0, testPeer, a)
		srv.Handle(t0, attacker, b)
		srv.Handle(t0, testPeer, b)
		srv.HandleTimeout(t0.Add(time.Minute))
		drain(srv)
		events(srv)
		// A server that has sent flight 4: a and b as flight 5.
		srv = Server(cfg)
		cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
		dgs, err := cl.receive(feed(srv, t0, cl.helloDatagrams()))
		if err != nil {
			t.Fatal(err)
		}
		flight4 := 0
		for _, d := range feed(srv, t0, dgs) {
			flight4 += len(d)
		}
		// Once the cookie is verified, other addresses get nothing.
		if err := srv.Handle(t0, attacker, a); err == nil || len(drain(srv)) != 0 || len(events(srv)) != 0 {
			t.Fatalf("datagram from another address accepted (%v)", err)
		}
		srv.Handle(t0, testPeer, a)
		srv.Handle(t0, testPeer, b)
		out := 0
		for _, tx := range drainTo(srv) {
			if tx.To != testPeer {
				t.Fatalf("datagram to %v", tx.To)
			}
			out += len(tx.Data)
		}
		// At most one resent flight 4 (and an alert or flight 6).
		if out > flight4+100 {
			t.Fatalf("%d bytes in, %d bytes out (flight 4 is %d)", len(a)+len(b), out, flight4)
		}
		srv.HandleTimeout(t0.Add(time.Second))
		drain(srv)
		events(srv)
	})
}

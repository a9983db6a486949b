package dtls

// Regression tests for issue 7: what a hostile network can send a server
// that has not authenticated anybody yet. Datagrams are easy to forge
// (RFC 6347 §4.1.2.7), so none of them may crash the server, make it
// work hard, turn it into an amplifier toward a spoofed address, or stall
// or abort the handshake of the real client.

import (
	"bytes"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// attacker is a source address other than the client's.
var attacker = netip.MustParseAddrPort("203.0.113.66:6666")

// plainRecord builds an epoch-0 record.
func plainRecord(ct contentType, seq uint64, payload []byte) []byte {
	h := recordHeader{ContentType: ct, Version: VersionDTLS12, SequenceNumber: seq}
	return (&record{Header: h, Fragment: payload}).marshal(nil)
}

// fragmentRecord builds an epoch-0 handshake record with one fragment.
func fragmentRecord(seq uint64, h handshakeHeader, data []byte) []byte {
	h.FragmentLength = len(data)
	return plainRecord(contentHandshake, seq, append(appendHandshakeHeader(nil, &h), data...))
}

// mustComplete runs the real client's handshake and checks that the server
// neither failed nor closed on the way.
func mustComplete(t *testing.T, srv *Conn, cl *testClient) {
	t.Helper()
	handshake(t, srv, cl)
	for _, e := range events(srv) {
		if _, ok := e.(Closed); ok {
			t.Fatalf("closed: %v", e)
		}
	}
	if len(cl.alerts) != 0 {
		t.Fatalf("alerts %v", cl.alerts)
	}
}

// Finding 1: epoch 0xffff + 1 wrapped to 0, and the replay window was
// indexed with 65535. Every epoch other than 0 and 1 is dropped, in every
// state.
func TestHostileEpochs(t *testing.T) {
	bad := []uint16{2, 3, 0x7fff, 0xfffe, 0xffff}
	send := func(srv *Conn) {
		t.Helper()
		for _, e := range bad {
			for _, ct := range []contentType{contentHandshake, contentAlert, contentApplicationData, contentChangeCipherSpec} {
				h := recordHeader{ContentType: ct, Version: VersionDTLS12, Epoch: e}
				if err := srv.Handle(t0, testPeer, (&record{Header: h}).marshal(nil)); err == nil {
					t.Errorf("epoch %d %v record accepted", e, ct)
				}
			}
		}
	}
	// The datagram of the report: 16 fefd ffff 000000000000 0000.
	srv := Server(testConfig(t))
	if err := srv.Handle(t0, testPeer, []byte{0x16, 0xfe, 0xfd, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0}); err == nil {
		t.Error("epoch 0xffff accepted")
	}
	send(srv)
	// Mid-handshake, and in epoch 1.
	srv, cl := afterFlight4(t)
	send(srv)
	srv = Server(testConfig(t))
	cl = newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	mustComplete(t, srv, cl)
	send(srv)
	if out := drain(srv); len(out) != 0 || len(events(srv)) != 0 {
		t.Errorf("bad epochs produced %d datagrams", len(out))
	}
}

// Finding 2, at the level of the Conn: the 264 datagrams of one-byte
// fragments cost little, and the real client's handshake then completes.
func TestHostileFragmentFlood(t *testing.T) {
	srv := Server(testConfig(t))
	start := time.Now()
	for _, d := range adversarialDatagrams() {
		srv.Handle(t0, attacker, d)
	}
	t.Logf("264 datagrams of one-byte fragments: %v", time.Since(start))
	if out := drain(srv); len(out) != 0 {
		t.Fatalf("%d datagrams sent", len(out))
	}
	mustComplete(t, srv, newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519))
}

// Finding 3: the HelloVerifyRequest goes to the source of the ClientHello
// it answers; everything after it only to the address whose cookie was
// verified.
func TestHostileAddresses(t *testing.T) {
	srv := Server(testConfig(t))
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	hello := cl.helloDatagrams()
	// Someone else's ClientHello gets its own HelloVerifyRequest.
	other := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	srv.Handle(t0, attacker, other.helloDatagrams()[0])
	if out := drainTo(srv); len(out) != 1 || out[0].To != attacker {
		t.Fatalf("HelloVerifyRequest to %v", out)
	}
	for _, d := range hello {
		srv.Handle(t0, testPeer, d)
	}
	out := drainTo(srv)
	if len(out) != 1 || out[0].To != testPeer {
		t.Fatalf("HelloVerifyRequest to %v", out)
	}
	if srv.Remote().IsValid() {
		t.Errorf("Remote %v before any cookie was verified", srv.Remote())
	}
	if err := srv.Handle(t0, netip.AddrPort{}, hello[0]); err == nil || len(drain(srv)) != 0 {
		t.Errorf("datagram without a source address accepted")
	}
	cookieHello, err := cl.receive([][]byte{out[0].Data})
	if err != nil {
		t.Fatal(err)
	}
	// The cookie binds the client's address: from elsewhere it is wrong.
	srv.Handle(t0, attacker, cookieHello[0])
	if out := drainTo(srv); len(out) != 1 || out[0].To != attacker || len(out[0].Data) > 100 {
		t.Fatalf("ClientHello with another address's cookie answered with %d datagrams", len(out))
	}
	for _, d := range cookieHello {
		srv.Handle(t0, testPeer, d)
	}
	flight4 := drainTo(srv)
	if len(flight4) == 0 || srv.Remote() != testPeer {
		t.Fatalf("flight 4: %d datagrams; Remote %v", len(flight4), srv.Remote())
	}
	for _, tx := range flight4 {
		if tx.To != testPeer {
			t.Fatalf("flight 4 datagram to %v", tx.To)
		}
	}
	// From now on other addresses are dropped, whatever they send.
	for _, d := range append(hello, cookieHello...) {
		if err := srv.Handle(t0, attacker, d); err == nil {
			t.Error("datagram from another address accepted after the cookie was verified")
		}
	}
	// The timer retransmits to the peer.
	srv.HandleTimeout(t0.Add(time.Second))
	for _, tx := range drainTo(srv) {
		if tx.To != testPeer {
			t.Fatalf("retransmission to %v", tx.To)
		}
	}
	var data [][]byte
	for _, tx := range flight4 {
		data = append(data, tx.Data)
	}
	flight5, err := cl.receive(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range flight5 {
		srv.Handle(t0, attacker, d) // dropped: the handshake does not move
	}
	if drainTo(srv) != nil || srv.State().CipherSuite != 0 {
		t.Fatal("flight 5 from another address accepted")
	}
	for _, d := range flight5 {
		srv.Handle(t0, testPeer, d)
	}
	flight6 := drainTo(srv)
	if len(flight6) != 1 || flight6[0].To != testPeer {
		t.Fatalf("flight 6 %v", flight6)
	}
	if _, err := cl.receive([][]byte{flight6[0].Data}); err != nil || !cl.done {
		t.Fatalf("done=%v %v", cl.done, err)
	}
	srv.Close()
	if out := drainTo(srv); len(out) != 1 || out[0].To != testPeer {
		t.Fatalf("close_notify %v", out)
	}
}

// Finding 3: after the handshake the program may move the association to
// the pair ICE selected; not before.
func TestSetRemote(t *testing.T) {
	moved := netip.MustParseAddrPort("[2001:db8::7]:50001")
	srv, cl := afterFlight4(t)
	srv.SetRemote(moved)
	if srv.Remote() != testPeer {
		t.Fatalf("SetRemote before the handshake completed: Remote %v", srv.Remote())
	}
	cl.receive(feed(srv, t0, cl.resendFlight5()))
	if !cl.done {
		t.Fatal("handshake not complete")
	}
	events(srv)
	srv.SetRemote(moved)
	if srv.Remote() != moved {
		t.Fatalf("Remote %v", srv.Remote())
	}
	srv.Write([]byte("to the new pair"))
	if out := drainTo(srv); len(out) != 1 || out[0].To != moved {
		t.Fatalf("application data to %v", out)
	}
	// Both the new address and the verified one are heard; nobody else.
	for _, from := range []netip.AddrPort{moved, testPeer} {
		if err := srv.Handle(t0, from, cl.sealApp(contentApplicationData, 1, []byte("hi"))); err != nil {
			t.Errorf("from %v: %v", from, err)
		}
	}
	if err := srv.Handle(t0, attacker, cl.sealApp(contentApplicationData, 1, []byte("hi"))); err == nil {
		t.Error("datagram from a third address accepted")
	}
	if ev := events(srv); len(ev) != 2 {
		t.Errorf("events %v", ev)
	}
	// A retransmitted flight 5 is answered at the new address.
	srv.Handle(t0.Add(2*time.Second), testPeer, cl.resendFlight5()[0])
	if out := drainTo(srv); len(out) != 1 || out[0].To != moved {
		t.Fatalf("flight 6 resent to %v", out)
	}
}

// Finding 3: a peer's retransmission makes us resend our flight at most
// once per retransmission interval. Before the fix, 100 fragments of 25
// bytes made the server send flight 4 a hundred times (59,600 bytes).
func TestHostileRetransmissionRequests(t *testing.T) {
	srv, cl := afterFlight4(t)
	flight4 := 0
	srv.HandleTimeout(t0.Add(time.Second)) // one retransmission by the timer
	for _, d := range drain(srv) {
		flight4 += len(d)
	}
	// A bare fragment header of the last ClientHello (message_seq 1).
	tiny := func(i int) []byte {
		return fragmentRecord(uint64(1000+i), handshakeHeader{Type: typeClientHello, Length: 100, MessageSeq: 1}, nil)
	}
	in, out := 0, 0
	at := t0.Add(1500 * time.Millisecond)
	for i := range 100 {
		d := tiny(i)
		in += len(d)
		srv.Handle(at, testPeer, d)
		for _, tx := range drainTo(srv) {
			if tx.To != testPeer {
				t.Fatalf("resent to %v", tx.To)
			}
			out += len(tx.Data)
		}
	}
	t.Logf("%d bytes in, %d bytes out (flight 4 is %d bytes)", in, out, flight4)
	if out > flight4 {
		t.Errorf("%d bytes in made the server send %d bytes: more than one flight (%d)", in, out, flight4)
	}
	// The interval is now 2 s (after the timer's backoff): the next
	// retransmission is answered only after it.
	srv.Handle(at.Add(1900*time.Millisecond), testPeer, tiny(100))
	if n := len(drain(srv)); n != 0 {
		t.Errorf("resent after 1.9 s: %d datagrams", n)
	}
	srv.Handle(at.Add(2*time.Second), testPeer, tiny(101))
	if n := len(drain(srv)); n == 0 {
		t.Error("not resent after the interval")
	}
	// From another address: never.
	srv.Handle(at.Add(time.Minute), attacker, tiny(102))
	if n := len(drain(srv)); n != 0 {
		t.Errorf("resent for another address: %d datagrams", n)
	}
	// Flight 6 the same: the client's retransmitted flight 5, a hundred
	// times, gets one answer.
	srv, cl = afterFlight4(t)
	cl.receive(feed(srv, t0, cl.resendFlight5()))
	if !cl.done {
		t.Fatal("handshake not complete")
	}
	n := 0
	for range 100 {
		n += len(feed(srv, t0.Add(time.Second), cl.resendFlight5()))
	}
	if n != 1 {
		t.Errorf("100 retransmitted flights 5 answered with %d datagrams, want 1", n)
	}
}

// Finding 5: a plaintext record does not enter the replay window unless it
// moved the handshake. Before the fix, one record with sequence number
// 2^48-1 made the real ClientHello "too old".
func TestHostilePlaintextSequenceNumber(t *testing.T) {
	for name, rec := range map[string][]byte{
		"handshake":   fragmentRecord(maxSequenceNumber, handshakeHeader{Type: typeCertificate, Length: 3}, []byte{0, 0, 0}),
		"ClientHello": fragmentRecord(maxSequenceNumber, handshakeHeader{Type: typeClientHello, Length: 10}, []byte{1}),
		"alert":       plainRecord(contentAlert, maxSequenceNumber, []byte{1, 0}),
		"CCS":         plainRecord(contentChangeCipherSpec, maxSequenceNumber, []byte{1}),
		"data":        plainRecord(contentApplicationData, maxSequenceNumber, []byte("x")),
	} {
		t.Run(name, func(t *testing.T) {
			srv := Server(testConfig(t))
			srv.Handle(t0, testPeer, rec)
			mustComplete(t, srv, newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519))
		})
	}
	// Mid-handshake too: after flight 4, a forged record must not make
	// flight 5 look old.
	srv, cl := afterFlight4(t)
	srv.Handle(t0, testPeer, fragmentRecord(maxSequenceNumber, handshakeHeader{Type: typeCertificate, Length: 3, MessageSeq: 7}, nil))
	cl.receive(feed(srv, t0, cl.resendFlight5()))
	if !cl.done {
		t.Fatalf("handshake not complete: events %v", events(srv))
	}
}

// Finding 5: the HelloVerifyRequest mirrors the ClientHello's record
// sequence number (RFC 6347 §4.2.1) but our own counter does not move
// until a ClientHello is accepted; the initial ServerHello then uses that
// ClientHello's number. Before the fix, a spoofed ClientHello in record
// 2^48-2 pushed our counter to the end of the sequence space and flight 4
// could not be sent.
func TestHostileHelloRecordSequence(t *testing.T) {
	srv := Server(testConfig(t))
	spoofed := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	spoofed.writeSeq[0] = maxSequenceNumber - 1
	srv.Handle(t0, attacker, spoofed.helloDatagrams()[0])
	out := drain(srv)
	recs, _ := parseRecords(out[0])
	if len(recs) != 1 || recs[0].Header.SequenceNumber != maxSequenceNumber-1 {
		t.Fatalf("HelloVerifyRequest does not mirror the record sequence number: %v", recs)
	}
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	cl.writeSeq[0] = 40 // the browser's counter, say
	dgs := step(t, srv, cl, t0, cl.helloDatagrams())
	if len(dgs) == 0 {
		t.Fatal("the real ClientHello got no HelloVerifyRequest")
	}
	recs, _ = parseRecords(dgs[0])
	helloSeq := recs[0].Header.SequenceNumber // the cookie ClientHello's record
	flight4 := feed(srv, t0, dgs)
	if len(flight4) == 0 {
		t.Fatal("no flight 4")
	}
	recs, _ = parseRecords(flight4[0])
	if len(recs) == 0 || recs[0].Header.SequenceNumber != helloSeq {
		t.Fatalf("ServerHello in %v, want record %d, the cookie ClientHello's", recs, helloSeq)
	}
	dgs, err := cl.receive(flight4)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.receive(feed(srv, t0, dgs)); err != nil || !cl.done {
		t.Fatalf("done=%v %v", cl.done, err)
	}
}

// Finding 5: an out-of-order plaintext message is dropped, not answered
// with a fatal alert, and the real message of that message_seq is still
// taken.
func TestHostileUnexpectedPlaintextMessage(t *testing.T) {
	for _, m := range []flightMessage{
		{typ: typeClientKeyExchange, seq: 2, body: []byte{1, 9}},
		{typ: typeFinished, seq: 2, body: make([]byte, 12)},
		{typ: typeClientHello, seq: 2, body: []byte{1, 2, 3}},
		{typ: typeServerHello, seq: 2, body: nil},
	} {
		t.Run(m.typ.String(), func(t *testing.T) {
			srv, cl := afterFlight4(t)
			forger := &testClient{mtu: 1200, writeSeq: [2]uint64{500, 0}}
			srv.Handle(t0, testPeer, forger.pack([]flightMessage{m})[0])
			if out := drain(srv); len(out) != 0 {
				t.Fatalf("answered with %d datagrams", len(out))
			}
			if ev := events(srv); len(ev) != 0 {
				t.Fatalf("events %v", ev)
			}
			if _, err := cl.receive(feed(srv, t0, cl.resendFlight5())); err != nil || !cl.done {
				t.Fatalf("done=%v %v; alerts %v", cl.done, err, cl.alerts)
			}
		})
	}
}

// Finding 5, continued: between the client's CertificateVerify and its
// ChangeCipherSpec no message is expected at all; a plaintext one is
// dropped too, whatever its type (a HelloRequest has type 0).
func TestHostilePlaintextBeforeChangeCipherSpec(t *testing.T) {
	srv, cl := afterFlight4(t)
	srv.Handle(t0, testPeer, cl.pack(cl.flight5[:3])[0]) // Certificate, ClientKeyExchange, CertificateVerify
	if srv.hs.state != stateWaitChangeCipherSpec {
		t.Fatalf("state %d", srv.hs.state)
	}
	forger := &testClient{mtu: 1200, writeSeq: [2]uint64{500, 0}}
	for _, typ := range []handshakeType{typeHelloRequest, typeFinished, typeCertificate} {
		srv.Handle(t0, testPeer, forger.pack([]flightMessage{{typ: typ, seq: 5, body: make([]byte, 12)}})[0])
	}
	if out := drain(srv); len(out) != 0 {
		t.Fatalf("answered with %d datagrams", len(out))
	}
	if _, err := cl.receive(feed(srv, t0, cl.pack(cl.flight5[3:]))); err != nil || !cl.done {
		t.Fatalf("done=%v %v; alerts %v", cl.done, err, cl.alerts)
	}
}

// Finding 5: while stateless, a fragment of message_seq 65535 made every
// real ClientHello look old.
func TestHostileClientHelloMessageSeq(t *testing.T) {
	for _, typ := range []handshakeType{typeClientHello, typeCertificate} {
		srv := Server(testConfig(t))
		srv.Handle(t0, testPeer, fragmentRecord(0, handshakeHeader{Type: typ, Length: 1000, MessageSeq: 65535}, []byte{1}))
		srv.Handle(t0, testPeer, fragmentRecord(1, handshakeHeader{Type: typ, Length: 1, MessageSeq: 65534}, []byte{1}))
		mustComplete(t, srv, newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519))
	}
}

// Finding 5: before a cookie is verified the server is stateless: a
// ClientHello that does not parse, one of an old version, or an alert
// change nothing (before the fix, each ended the Conn with an alert to
// whoever sent it).
func TestHostileStatelessClientHello(t *testing.T) {
	old := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	oldHello := clientHelloMsg{Version: VersionDTLS10, CipherSuites: []uint16{0xc02b}, CompressionMethods: []uint8{0}}
	for name, d := range map[string][]byte{
		"garbage":    old.pack([]flightMessage{{typ: typeClientHello, body: []byte("not a ClientHello")}})[0],
		"empty":      old.pack([]flightMessage{{typ: typeClientHello, body: nil}})[0],
		"DTLS 1.0":   old.pack([]flightMessage{{typ: typeClientHello, body: oldHello.marshal()}})[0],
		"fatal":      plainRecord(contentAlert, 0, (&Alert{AlertLevelFatal, AlertHandshakeFailure}).marshal()),
		"close":      plainRecord(contentAlert, 0, (&Alert{AlertLevelWarning, AlertCloseNotify}).marshal()),
		"early data": (&record{Header: recordHeader{ContentType: contentHandshake, Version: VersionDTLS12, Epoch: 1}, Fragment: make([]byte, 40)}).marshal(nil),
	} {
		t.Run(name, func(t *testing.T) {
			srv := Server(testConfig(t))
			srv.Handle(t0, attacker, d)
			for _, tx := range drainTo(srv) {
				recs, _ := parseRecords(tx.Data)
				if len(recs) != 1 || recs[0].Header.ContentType != contentHandshake {
					t.Fatalf("answered with %v", recs)
				}
			}
			if ev := events(srv); len(ev) != 0 {
				t.Fatalf("events %v", ev)
			}
			if len(srv.nextEpoch) != 0 || srv.rs.ordered || srv.writeSeq != [2]uint64{} || srv.replay != [2]replayWindow{} {
				t.Fatal("state changed")
			}
			mustComplete(t, srv, newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519))
		})
	}
	// With a valid cookie, an old version is an error in an accepted
	// handshake: protocol_version, to the verified address.
	srv := Server(testConfig(t))
	hello := oldHello
	hello.Cookie = srv.cookie(&hello, testPeer)
	srv.Handle(t0, testPeer, old.pack([]flightMessage{{typ: typeClientHello, body: hello.marshal()}})[0])
	out := drainTo(srv)
	if len(out) != 1 || out[0].To != testPeer {
		t.Fatalf("answer %v", out)
	}
	recs, _ := parseRecords(out[0].Data)
	if recs[0].Header.ContentType != contentAlert || recs[0].Fragment[1] != byte(AlertProtocolVersion) {
		t.Errorf("answer %v", recs)
	}
}

// A ClientHello flood from a valid pair is logged at INFO only for the first
// few exchanges: the log cannot be flooded through the DTLS layer.
func TestHostileClientHelloLogFlood(t *testing.T) {
	var log bytes.Buffer
	cfg := testConfig(t)
	cfg.Logger = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv := Server(cfg)
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	hello := cl.helloDatagrams()
	for range 100 {
		for _, d := range hello {
			srv.Handle(t0, attacker, d)
		}
		drainTo(srv)
	}
	if n := strings.Count(log.String(), "msg=ClientHello"); n != loggedHellos {
		t.Errorf("%d ClientHello lines at INFO for 100 ClientHellos, want %d", n, loggedHellos)
	}
}

package dtls

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

var (
	t0         = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	testPeer   = netip.MustParseAddrPort("192.0.2.7:50000")   // the client
	testServer = netip.MustParseAddrPort("198.51.100.1:3478") // the server, as the test client sees it
)

func testConfig(t testing.TB) *Config {
	der, key, err := NewCertificate(randReader{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return &Config{
		Certificate:  [][]byte{der},
		PrivateKey:   key,
		CookieSecret: []byte("cookie secret for tests"),
		SRTPProfiles: []SRTPProtectionProfile{SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80},
	}
}

// drain collects everything the Conn wants to send.
func drain(c *Conn) [][]byte {
	var out [][]byte
	for _, tx := range drainTo(c) {
		out = append(out, tx.Data)
	}
	return out
}

// drainTo collects everything the Conn wants to send, with the
// destinations.
func drainTo(c *Conn) []Transmit {
	var out []Transmit
	for tx, ok := c.PollTransmit(); ok; tx, ok = c.PollTransmit() {
		out = append(out, tx)
	}
	return out
}

// events collects the Conn's events.
func events(c *Conn) []Event {
	var ev []Event
	for e, ok := c.PollEvent(); ok; e, ok = c.PollEvent() {
		ev = append(ev, e)
	}
	return ev
}

// feed hands datagrams to the server and returns its answer.
func feed(srv *Conn, now time.Time, dgs [][]byte) [][]byte {
	for _, d := range dgs {
		srv.Handle(now, testPeer, d)
	}
	return drain(srv)
}

// step runs one round trip: client datagrams in, server answer back to the
// client, client's next datagrams out.
func step(t *testing.T, srv *Conn, cl *testClient, now time.Time, dgs [][]byte) [][]byte {
	t.Helper()
	out := feed(srv, now, dgs)
	next, err := cl.receive(out)
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	return next
}

// handshake runs a whole handshake and fails the test if it does not
// complete.
func handshake(t *testing.T, srv *Conn, cl *testClient) {
	t.Helper()
	dgs := cl.helloDatagrams()
	for i := 0; i < 5 && !cl.done; i++ {
		dgs = step(t, srv, cl, t0, dgs)
	}
	if !cl.done {
		t.Fatalf("handshake did not complete; alerts %v; events %v", cl.alerts, events(srv))
	}
}

func TestHandshakeSuitesAndGroups(t *testing.T) {
	for _, suite := range []uint16{TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384} {
		for _, curve := range []CurveID{CurveX25519, CurveP256} {
			t.Run(fmt.Sprintf("%s/%v", CipherSuiteName(suite), curve), func(t *testing.T) {
				cfg := testConfig(t)
				var keylog bytes.Buffer
				cfg.KeyLogWriter = &keylog
				srv := Server(cfg)
				cl := newTestClient(t, suite, curve)
				handshake(t, srv, cl)
				ev := events(srv)
				if len(ev) != 1 {
					t.Fatalf("events %v", ev)
				}
				hc, ok := ev[0].(HandshakeComplete)
				if !ok {
					t.Fatalf("event %T", ev[0])
				}
				st := hc.State
				if st.CipherSuite != suite || st.Curve != curve || st.SRTPProfile != SRTP_AEAD_AES_128_GCM ||
					!st.ExtendedMasterSecret || len(st.PeerCertificates) != 1 || st.Version != VersionDTLS12 {
					t.Errorf("state %+v", st)
				}
				if cl.srtpSel != SRTP_AEAD_AES_128_GCM { // server preference wins
					t.Errorf("client saw profile %v", cl.srtpSel)
				}
				got, err := srv.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, 60)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := exportKeyingMaterial(cl.suite.hash.New, cl.master, cl.random[:], cl.srvRand[:], "EXTRACTOR-dtls_srtp", nil, 60)
				if !bytes.Equal(got, want) {
					t.Errorf("exporter mismatch")
				}
				wantLog := fmt.Sprintf("CLIENT_RANDOM %x %x\n", cl.random, cl.master)
				if keylog.String() != wantLog {
					t.Errorf("keylog %q, want %q", keylog.String(), wantLog)
				}
				// Application data both ways.
				srv.Handle(t0, testPeer, cl.sealApp(contentApplicationData, 1, []byte("hello server")))
				ev = events(srv)
				if len(ev) != 1 || string(ev[0].(ApplicationData).Data) != "hello server" {
					t.Errorf("app data events %v", ev)
				}
				if err := srv.Write([]byte("hello client")); err != nil {
					t.Fatal(err)
				}
				if _, err := cl.receive(drain(srv)); err != nil || len(cl.appData) != 1 || string(cl.appData[0]) != "hello client" {
					t.Errorf("client app data %q %v", cl.appData, err)
				}
				srv.Close()
				cl.receive(drain(srv))
				if len(cl.alerts) != 1 || cl.alerts[0].Description != AlertCloseNotify {
					t.Errorf("close: alerts %v", cl.alerts)
				}
				if ev := events(srv); len(ev) != 1 || ev[0].(Closed).Err != nil {
					t.Errorf("close events %v", ev)
				}
			})
		}
	}
}

func TestHandshakeFragmented(t *testing.T) {
	cfg := testConfig(t)
	cfg.MTU = 256 // flight 4 must be split into fragments over several datagrams
	srv := Server(cfg)
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveP256)
	cl.mtu = 150 // and so must the client's messages
	dgs := cl.helloDatagrams()
	if len(dgs) < 2 {
		t.Fatalf("ClientHello in %d datagram(s)", len(dgs))
	}
	dgs = step(t, srv, cl, t0, dgs) // HVR → ClientHello with cookie
	out := feed(srv, t0, dgs)
	if len(out) < 3 {
		t.Errorf("flight 4 in %d datagrams", len(out))
	}
	for _, d := range out {
		if len(d) > cfg.MTU {
			t.Errorf("datagram of %d bytes > MTU", len(d))
		}
	}
	// Deliver flight 4 in reverse order.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	dgs, err := cl.receive(out)
	if err != nil {
		t.Fatal(err)
	}
	// And flight 5 in reverse order too: the CCS and Finished may arrive
	// before the CertificateVerify.
	for i, j := 0, len(dgs)-1; i < j; i, j = i+1, j-1 {
		dgs[i], dgs[j] = dgs[j], dgs[i]
	}
	if _, err := cl.receive(feed(srv, t0, dgs)); err != nil {
		t.Fatal(err)
	}
	if !cl.done {
		t.Fatalf("not done: alerts %v events %v", cl.alerts, events(srv))
	}
}

func TestLostFlight4(t *testing.T) {
	srv := Server(testConfig(t))
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	dgs := step(t, srv, cl, t0, cl.helloDatagrams())
	flight4 := feed(srv, t0, dgs) // lost
	if len(flight4) == 0 {
		t.Fatal("no flight 4")
	}
	// The client's timer fires: it retransmits the ClientHello.
	again := feed(srv, t0.Add(500*time.Millisecond), cl.resendHello())
	if len(again) != len(flight4) {
		t.Fatalf("resent %d datagrams, want %d", len(again), len(flight4))
	}
	// The server's own timer: 1 s after flight 4, then 2 s later.
	if dl, ok := srv.PollTimeout(); !ok || !dl.Equal(t0.Add(time.Second)) {
		t.Errorf("PollTimeout %v %v", dl, ok)
	}
	srv.HandleTimeout(t0.Add(time.Second))
	if n := len(drain(srv)); n != len(flight4) {
		t.Errorf("timer resent %d datagrams", n)
	}
	if dl, _ := srv.PollTimeout(); !dl.Equal(t0.Add(3 * time.Second)) {
		t.Errorf("backoff deadline %v, want +3s", dl.Sub(t0))
	}
	dgs, err := cl.receive(again)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.receive(feed(srv, t0, dgs)); err != nil || !cl.done {
		t.Fatalf("done=%v err=%v", cl.done, err)
	}
}

func TestLostFlight6(t *testing.T) {
	srv := Server(testConfig(t))
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	dgs := step(t, srv, cl, t0, cl.helloDatagrams())
	dgs = step(t, srv, cl, t0, dgs) // flight 4 → flight 5
	if lost := feed(srv, t0, dgs); len(lost) != 1 {
		t.Fatalf("flight 6 in %d datagrams", len(lost))
	}
	if _, ok := srv.PollTimeout(); ok {
		t.Error("timer armed after flight 6")
	}
	// Flight 6 was lost: the client retransmits flight 5.
	again := feed(srv, t0.Add(time.Second), cl.resendFlight5())
	if len(again) != 1 {
		t.Fatalf("server answered the retransmitted flight 5 with %d datagrams", len(again))
	}
	if _, err := cl.receive(again); err != nil || !cl.done {
		t.Fatalf("done=%v err=%v", cl.done, err)
	}
	ev := events(srv)
	if len(ev) != 1 {
		t.Fatalf("events %v", ev)
	}
	if _, ok := ev[0].(HandshakeComplete); !ok {
		t.Errorf("event %T", ev[0])
	}
}

func TestDuplicatedFlight5(t *testing.T) {
	srv := Server(testConfig(t))
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	dgs := step(t, srv, cl, t0, cl.helloDatagrams())
	dgs = step(t, srv, cl, t0, dgs)
	out := feed(srv, t0, append(dgs, dgs...)) // the network duplicated every datagram
	if len(out) != 1 {
		t.Errorf("%d datagrams for a duplicated flight 5, want 1 (the copies are replays)", len(out))
	}
	if _, err := cl.receive(out); err != nil || !cl.done {
		t.Fatalf("done=%v err=%v", cl.done, err)
	}
	if ev := events(srv); len(ev) != 1 {
		t.Errorf("events %v", ev)
	}
}

func TestHandshakeTimeout(t *testing.T) {
	cfg := testConfig(t)
	srv := Server(cfg)
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	dgs := step(t, srv, cl, t0, cl.helloDatagrams())
	feed(srv, t0, dgs) // flight 4, then silence
	var sent []time.Duration
	for {
		dl, ok := srv.PollTimeout()
		if !ok {
			break
		}
		srv.HandleTimeout(dl)
		if n := len(drain(srv)); n > 0 {
			sent = append(sent, dl.Sub(t0))
		}
	}
	want := []time.Duration{1, 3, 7, 15} // 1 s, doubling, before 30 s
	if len(sent) != len(want) {
		t.Fatalf("retransmissions at %v", sent)
	}
	for i := range want {
		if sent[i] != want[i]*time.Second {
			t.Errorf("retransmission %d at %v, want %v s", i, sent[i], want[i])
		}
	}
	ev := events(srv)
	if len(ev) != 1 || !errors.Is(ev[0].(Closed).Err, ErrHandshakeTimeout) {
		t.Fatalf("events %v", ev)
	}
}

func TestRetransmitIntervalCap(t *testing.T) {
	var tm retransmitTimer
	tm.initial = time.Second
	tm.start(t0)
	for range 10 {
		tm.backoff(t0)
	}
	if tm.interval != 60*time.Second {
		t.Errorf("interval %v, want 60 s", tm.interval)
	}
}

func TestLogging(t *testing.T) {
	cfg := testConfig(t)
	var buf bytes.Buffer
	cfg.Logger = newTextLogger(&buf)
	srv := Server(cfg)
	handshake(t, srv, newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519))
	for _, want := range []string{"msg=ClientHello", "msg=HelloVerifyRequest", "msg=\"flight 4 sent\"", "msg=\"handshake complete\""} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, buf.String())
		}
	}
}

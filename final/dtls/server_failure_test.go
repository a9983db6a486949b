package dtls

// The server's answer to every failed check: the alert it sends, and the
// Closed event it reports. Also the records it must ignore.

import (
	"errors"
	"testing"
)

// failingHandshake runs a handshake expected to fail with alert desc.
func failingHandshake(t *testing.T, cfg *Config, cl *testClient, desc AlertDescription) {
	t.Helper()
	srv := Server(cfg)
	dgs := cl.helloDatagrams()
	for i := 0; i < 5 && len(cl.alerts) == 0 && len(dgs) > 0; i++ {
		dgs = step(t, srv, cl, t0, dgs)
	}
	if len(cl.alerts) != 1 || cl.alerts[0] != (Alert{AlertLevelFatal, desc}) {
		t.Fatalf("alerts %v, want fatal %v", cl.alerts, desc)
	}
	if cl.done {
		t.Error("handshake completed")
	}
	ev := events(srv)
	var ae *AlertError
	if len(ev) != 1 || !errors.As(ev[len(ev)-1].(Closed).Err, &ae) || !ae.Local || ae.Alert.Description != desc {
		t.Fatalf("events %v", ev)
	}
	if err := srv.Handle(t0, testPeer, cl.resendHello()[0]); err == nil {
		t.Error("closed Conn accepted a datagram")
	}
}

func TestFailures(t *testing.T) {
	x := func(mod func(*testClient)) *testClient {
		cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
		mod(cl)
		return cl
	}
	t.Run("wrong fingerprint", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.VerifyPeerCertificate = func([][]byte) error { return errors.New("fingerprint mismatch") }
		failingHandshake(t, cfg, x(func(*testClient) {}), AlertBadCertificate)
	})
	t.Run("bad Finished", func(t *testing.T) {
		failingHandshake(t, testConfig(t), x(func(c *testClient) { c.badFin = true }), AlertDecryptError)
	})
	t.Run("bad CertificateVerify", func(t *testing.T) {
		failingHandshake(t, testConfig(t), x(func(c *testClient) { c.badCV = true }), AlertDecryptError)
	})
	t.Run("no extended master secret", func(t *testing.T) {
		failingHandshake(t, testConfig(t), x(func(c *testClient) { c.noEMS = true }), AlertHandshakeFailure)
	})
	t.Run("invalid x25519 point", func(t *testing.T) {
		failingHandshake(t, testConfig(t), x(func(c *testClient) { c.badPoint = true }), AlertIllegalParameter)
	})
	t.Run("invalid P-256 point", func(t *testing.T) {
		cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveP256)
		cl.badPoint = true
		failingHandshake(t, testConfig(t), cl, AlertIllegalParameter)
	})
	t.Run("no common SRTP profile", func(t *testing.T) {
		failingHandshake(t, testConfig(t), x(func(c *testClient) { c.srtp = []SRTPProtectionProfile{SRTP_AES128_CM_HMAC_SHA1_32} }), AlertHandshakeFailure)
	})
}

func TestNoSRTPConfigured(t *testing.T) {
	cfg := testConfig(t)
	cfg.SRTPProfiles = nil
	srv := Server(cfg)
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	handshake(t, srv, cl)
	if srv.State().SRTPProfile != 0 || cl.srtpSel != 0 {
		t.Errorf("SRTP negotiated without profiles: %v", srv.State().SRTPProfile)
	}
}

func TestSRTPServerPreference(t *testing.T) {
	cfg := testConfig(t)
	cfg.SRTPProfiles = []SRTPProtectionProfile{SRTP_AEAD_AES_256_GCM, SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80}
	srv := Server(cfg)
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	cl.srtp = []SRTPProtectionProfile{SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_256_GCM, SRTP_AEAD_AES_128_GCM} // Chromium's order
	handshake(t, srv, cl)
	if got := srv.State().SRTPProfile; got != SRTP_AEAD_AES_256_GCM {
		t.Errorf("profile %v", got)
	}
}

func TestOldEpochAfterHandshake(t *testing.T) {
	srv := Server(testConfig(t))
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	handshake(t, srv, cl)
	events(srv)
	// Epoch-0 records after the switch are unauthenticated: ignore them.
	for _, rec := range [][]byte{
		cl.sealApp(contentAlert, 0, (&Alert{AlertLevelFatal, AlertHandshakeFailure}).marshal()),
		cl.sealApp(contentApplicationData, 0, []byte("plaintext")),
		cl.sealApp(contentChangeCipherSpec, 0, []byte{1}),
	} {
		srv.Handle(t0, testPeer, rec)
	}
	if ev := events(srv); len(ev) != 0 {
		t.Fatalf("old-epoch records produced events %v", ev)
	}
	if out := drain(srv); len(out) != 0 {
		t.Errorf("old-epoch records produced %d datagrams", len(out))
	}
	// A forged epoch-1 record fails authentication and is dropped too.
	forged := cl.sealApp(contentApplicationData, 1, []byte("x"))
	forged[len(forged)-1] ^= 1
	if err := srv.Handle(t0, testPeer, forged); err == nil {
		t.Error("forged record accepted")
	}
	// The connection still works.
	srv.Handle(t0, testPeer, cl.sealApp(contentApplicationData, 1, []byte("still here")))
	if ev := events(srv); len(ev) != 1 {
		t.Errorf("events %v", ev)
	}
}

func TestApplicationDataBeforeHandshake(t *testing.T) {
	srv := Server(testConfig(t))
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	if err := srv.Handle(t0, testPeer, cl.sealApp(contentApplicationData, 0, []byte("early"))); err == nil {
		t.Error("no error for early application data")
	}
	if ev := events(srv); len(ev) != 0 {
		t.Errorf("events %v", ev)
	}
	handshake(t, srv, cl)
}

func TestCloseNotifyFromPeer(t *testing.T) {
	srv := Server(testConfig(t))
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	handshake(t, srv, cl)
	events(srv)
	srv.Handle(t0, testPeer, cl.sealApp(contentAlert, 1, (&Alert{AlertLevelWarning, AlertCloseNotify}).marshal()))
	ev := events(srv)
	if len(ev) != 1 || ev[0].(Closed).Err != nil {
		t.Fatalf("events %v", ev)
	}
	cl.receive(drain(srv))
	if len(cl.alerts) != 1 || cl.alerts[0].Description != AlertCloseNotify {
		t.Errorf("server answered %v", cl.alerts)
	}
}

func TestFatalAlertFromPeer(t *testing.T) {
	srv := Server(testConfig(t))
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	dgs := step(t, srv, cl, t0, cl.helloDatagrams())
	feed(srv, t0, dgs)
	// The browser rejects our certificate: a plaintext fatal alert.
	srv.Handle(t0, testPeer, cl.sealApp(contentAlert, 0, (&Alert{AlertLevelFatal, AlertBadCertificate}).marshal()))
	ev := events(srv)
	var ae *AlertError
	if len(ev) != 1 || !errors.As(ev[0].(Closed).Err, &ae) || ae.Local || ae.Alert.Description != AlertBadCertificate {
		t.Fatalf("events %v", ev)
	}
}

// afterFlight4 returns a server that has sent flight 4, and the client.
func afterFlight4(t *testing.T) (*Conn, *testClient) {
	srv := Server(testConfig(t))
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	dgs := step(t, srv, cl, t0, cl.helloDatagrams())
	if _, err := cl.receive(feed(srv, t0, dgs)); err != nil {
		t.Fatal(err)
	}
	return srv, cl
}

func TestMalformedFlight5(t *testing.T) {
	for _, tc := range []struct {
		name string
		msg  flightMessage
		want AlertDescription
	}{
		{"truncated Certificate", flightMessage{typ: typeCertificate, seq: 2, body: []byte{0, 0, 9, 0, 0}}, AlertDecodeError},
		{"empty Certificate", flightMessage{typ: typeCertificate, seq: 2, body: []byte{0, 0, 0}}, AlertHandshakeFailure},
		{"garbage certificate", flightMessage{typ: typeCertificate, seq: 2, body: []byte{0, 0, 5, 0, 0, 2, 1, 2}}, AlertBadCertificate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, cl := afterFlight4(t)
			cl.receive(feed(srv, t0, cl.pack([]flightMessage{tc.msg})))
			if len(cl.alerts) != 1 || cl.alerts[0] != (Alert{AlertLevelFatal, tc.want}) {
				t.Fatalf("alerts %v, want %v", cl.alerts, tc.want)
			}
		})
	}
}

func TestMissingConfigDoesNotPanic(t *testing.T) {
	srv := Server(&Config{SRTPProfiles: []SRTPProtectionProfile{SRTP_AEAD_AES_128_GCM}})
	cl := newTestClient(t, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519)
	cl.srtp = []SRTPProtectionProfile{SRTP_AEAD_AES_128_GCM}
	dgs := step(t, srv, cl, t0, cl.helloDatagrams())
	cl.receive(feed(srv, t0, dgs))
	if len(cl.alerts) != 1 || cl.alerts[0].Description != AlertInternalError {
		t.Fatalf("alerts %v", cl.alerts)
	}
}

package dtls

// Tests of ClientConn against this package's server, both sans-IO and
// connected by a small pump that carries datagrams and advances a fake
// clock.

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"
	"time"
)

// pair is a ClientConn and a server Conn joined in memory.
type pair struct {
	now  time.Time
	cl   *ClientConn
	srv  *Conn
	clEv []Event // events collected from each side
	svEv []Event
	// drop, when set, decides whether a datagram is lost; toServer says
	// which way it goes, n counts the datagrams sent that way so far.
	drop func(toServer bool, n int, d []byte) bool
	sent [2]int // datagrams so far: [0] to the client, [1] to the server
}

// newPair makes a client whose certificate the server checks by SHA-256,
// as WebRTC does with the fingerprints, and a server the client checks the
// same way.
func newPair(t testing.TB, mutate func(*ClientConfig, *Config)) *pair {
	scfg := pairServerConfig(t)
	der, key, err := clientCert()
	if err != nil {
		t.Fatal(err)
	}
	ccfg := &ClientConfig{
		Certificate:           [][]byte{der},
		PrivateKey:            key,
		SRTPProfiles:          []SRTPProtectionProfile{SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80},
		VerifyPeerCertificate: pinned(scfg.Certificate[0]),
		Rand:                  randReader{},
	}
	scfg.VerifyPeerCertificate = pinned(der)
	if mutate != nil {
		mutate(ccfg, scfg)
	}
	return &pair{now: t0, srv: Server(scfg), cl: Client(t0, ccfg)}
}

// pairServerConfig is testConfig with a certificate made once, so that a
// fuzz target can make pairs fast. Each call returns a fresh copy.
var pairServerConfig = func() func(t testing.TB) *Config {
	var once sync.Once
	var cfg *Config
	return func(t testing.TB) *Config {
		once.Do(func() { cfg = testConfig(t) })
		c := *cfg
		return &c
	}
}()

// pinned accepts only the certificate whose SHA-256 is that of want, as a
// comparison of a=fingerprint values would.
func pinned(want []byte) func([][]byte) error {
	sum := sha256.Sum256(want)
	return func(chain [][]byte) error {
		if len(chain) == 0 || sha256.Sum256(chain[0]) != sum {
			return errors.New("fingerprint mismatch")
		}
		return nil
	}
}

// pump carries datagrams both ways until nothing moves, then advances the
// clock to the earliest timer, until both sides are done or the next timer
// is more than limit after t0.
func (p *pair) pump(limit time.Duration) {
	end := t0.Add(limit)
	for !p.now.After(end) {
		moved := false
		for d, ok := p.cl.PollTransmit(); ok; d, ok = p.cl.PollTransmit() {
			moved = true
			p.sent[1]++
			if p.drop == nil || !p.drop(true, p.sent[1], d) {
				p.srv.Handle(p.now, testPeer, d)
			}
		}
		for tx, ok := p.srv.PollTransmit(); ok; tx, ok = p.srv.PollTransmit() {
			moved = true
			p.sent[0]++
			if p.drop == nil || !p.drop(false, p.sent[0], tx.Data) {
				p.cl.Handle(p.now, tx.Data)
			}
		}
		p.clEv = append(p.clEv, drainEvents(p.cl.PollEvent)...)
		p.svEv = append(p.svEv, drainEvents(p.srv.PollEvent)...)
		if moved {
			continue
		}
		next, ok := p.cl.PollTimeout()
		if st, sok := p.srv.PollTimeout(); sok && (!ok || st.Before(next)) {
			next, ok = st, true
		}
		if !ok || next.After(end) {
			return // both done, or the next timer is beyond the limit
		}
		p.now = next
		p.cl.HandleTimeout(p.now)
		p.srv.HandleTimeout(p.now)
	}
}

func drainEvents(poll func() (Event, bool)) []Event {
	var ev []Event
	for e, ok := poll(); ok; e, ok = poll() {
		ev = append(ev, e)
	}
	return ev
}

// completed returns the HandshakeComplete among events, failing the test
// without one.
func completed(t *testing.T, side string, events []Event) ConnectionState {
	t.Helper()
	for _, e := range events {
		if hc, ok := e.(HandshakeComplete); ok {
			return hc.State
		}
	}
	t.Fatalf("%s: no HandshakeComplete in %v", side, events)
	return ConnectionState{}
}

// closedErr returns the error of the Closed event among events.
func closedErr(t *testing.T, side string, events []Event) error {
	t.Helper()
	for _, e := range events {
		if c, ok := e.(Closed); ok {
			return c.Err
		}
	}
	t.Fatalf("%s: no Closed in %v", side, events)
	return nil
}

func TestClientHandshake(t *testing.T) {
	p := newPair(t, nil)
	p.pump(time.Second)
	if p.now != t0 {
		t.Errorf("lossless handshake took until %v: a timer fired", p.now.Sub(t0))
	}
	cst := completed(t, "client", p.clEv)
	sst := completed(t, "server", p.svEv)
	if cst.CipherSuite != TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 || cst.Curve != CurveP256 ||
		cst.SRTPProfile != SRTP_AEAD_AES_128_GCM || !cst.ExtendedMasterSecret || len(cst.PeerCertificates) != 1 {
		t.Errorf("client state %+v", cst)
	}
	if sst.CipherSuite != cst.CipherSuite || sst.Curve != cst.Curve || sst.SRTPProfile != cst.SRTPProfile {
		t.Errorf("server state %+v, client state %+v", sst, cst)
	}
	if !p.cl.Established() {
		t.Error("client not established")
	}
	// The keys both ends make SRTP from (RFC 5764 §4.2).
	n := SRTP_AEAD_AES_128_GCM.KeyingMaterialLen()
	ck, err := p.cl.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, n)
	if err != nil {
		t.Fatal(err)
	}
	sk, err := p.srv.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, n)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ck, sk) || len(ck) != n || bytes.Equal(ck, make([]byte, n)) {
		t.Errorf("exported keying material differs:\nclient %x\nserver %x", ck, sk)
	}
	if other, _ := p.cl.ExportKeyingMaterial("EXTRACTOR-other", nil, n); bytes.Equal(other, ck) {
		t.Error("the label does not change the exporter's output")
	}

	// Application data both ways, in epoch 1.
	if err := p.cl.Write([]byte("hello server")); err != nil {
		t.Fatal(err)
	}
	if err := p.srv.Write([]byte("hello client")); err != nil {
		t.Fatal(err)
	}
	p.clEv, p.svEv = nil, nil
	p.pump(time.Second)
	if len(p.svEv) != 1 || string(p.svEv[0].(ApplicationData).Data) != "hello server" {
		t.Errorf("server events %v", p.svEv)
	}
	if len(p.clEv) != 1 || string(p.clEv[0].(ApplicationData).Data) != "hello client" {
		t.Errorf("client events %v", p.clEv)
	}

	// Close sends a close_notify; the server answers with its own and
	// both end cleanly.
	p.clEv, p.svEv = nil, nil
	p.cl.Close()
	p.pump(time.Second)
	if err := closedErr(t, "client", p.clEv); err != nil {
		t.Errorf("client closed with %v", err)
	}
	if err := closedErr(t, "server", p.svEv); err != nil {
		t.Errorf("server closed with %v", err)
	}
	if err := p.cl.Write([]byte("late")); err == nil {
		t.Error("Write after Close succeeded")
	}
}

// TestClientRetransmission loses one datagram of each flight in turn; the
// timers of RFC 6347 §4.2.4 must bring the handshake to its end anyway.
func TestClientRetransmission(t *testing.T) {
	for _, tc := range []struct {
		name     string
		toServer bool
		n        int           // the n-th datagram that way is lost
		took     time.Duration // when the handshake completes
	}{
		{"flight 1", true, 1, time.Second},            // our timer resends the ClientHello
		{"flight 2", false, 1, time.Second},           // HelloVerifyRequest: flight 1 is resent
		{"flight 3", true, 2, time.Second},            // the ClientHello with the cookie
		{"flight 4", false, 2, time.Second},           // the server's timer resends it
		{"flight 5", true, 3, time.Second},            // ours
		{"flight 6", false, 3, time.Second},           // ours resends flight 5, the server answers with flight 6
		{"flight 5 twice", true, -1, 3 * time.Second}, // first and second copy lost: 1 s, then 2 s more
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPair(t, func(_ *ClientConfig, s *Config) {
				if tc.n == -1 {
					// Keep the server's timer out of the way: its
					// retransmitted flight 4 would make us resend at once.
					s.RetransmitTimeout = 10 * time.Second
				}
			})
			p.drop = func(toServer bool, n int, d []byte) bool {
				if tc.n == -1 {
					// Flight 5 is the client's third and fourth datagram.
					return toServer && (n == 3 || n == 4)
				}
				return toServer == tc.toServer && n == tc.n
			}
			p.pump(time.Minute)
			completed(t, "client", p.clEv)
			completed(t, "server", p.svEv)
			if got := p.now.Sub(t0); got != tc.took {
				t.Errorf("handshake completed after %v, want %v", got, tc.took)
			}
			ck, _ := p.cl.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, 56)
			sk, _ := p.srv.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, 56)
			if !bytes.Equal(ck, sk) {
				t.Error("exported keying material differs")
			}
		})
	}
}

// TestClientServerRetransmitsFlight4 loses flight 5 and lets the server's
// timer fire first: its retransmitted flight 4 makes the client resend
// flight 5 at once, before its own timer.
func TestClientServerRetransmitsFlight4(t *testing.T) {
	p := newPair(t, func(c *ClientConfig, _ *Config) { c.RetransmitTimeout = 5 * time.Second })
	p.drop = func(toServer bool, n int, _ []byte) bool { return toServer && n == 3 }
	p.pump(time.Minute)
	completed(t, "client", p.clEv)
	if got := p.now.Sub(t0); got != time.Second {
		t.Errorf("completed after %v, want the server's 1 s", got)
	}
}

func TestClientTimeout(t *testing.T) {
	p := newPair(t, nil)
	p.drop = func(toServer bool, _ int, _ []byte) bool { return toServer } // the server hears nothing
	p.pump(time.Minute)
	if err := closedErr(t, "client", p.clEv); !errors.Is(err, ErrHandshakeTimeout) {
		t.Errorf("closed with %v", err)
	}
	// Flight 1 at 0 s, then at 1, 3, 7, 15 s (the interval doubles), then
	// the 30 s deadline.
	if p.sent[1] != 5 || p.now != t0.Add(30*time.Second) {
		t.Errorf("%d ClientHellos, ended at %v", p.sent[1], p.now.Sub(t0))
	}
}

func TestClientRejectsWrongFingerprint(t *testing.T) {
	other, _, err := NewCertificate(randReader{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	p := newPair(t, func(c *ClientConfig, _ *Config) { c.VerifyPeerCertificate = pinned(other) })
	p.pump(time.Minute)
	var ae *AlertError
	if err := closedErr(t, "client", p.clEv); !errors.As(err, &ae) || !ae.Local || ae.Alert.Description != AlertBadCertificate {
		t.Fatalf("client closed with %v, want a bad_certificate alert sent", err)
	}
	// The server hears the alert and ends too.
	if err := closedErr(t, "server", p.svEv); !errors.As(err, &ae) || ae.Local || ae.Alert.Description != AlertBadCertificate {
		t.Errorf("server closed with %v", err)
	}
	if _, err := p.cl.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, 56); err == nil {
		t.Error("exporter works after a failed handshake")
	}
}

func TestClientRejectedByServer(t *testing.T) {
	other, _, err := NewCertificate(randReader{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	p := newPair(t, func(_ *ClientConfig, s *Config) { s.VerifyPeerCertificate = pinned(other) })
	p.pump(time.Minute)
	var ae *AlertError
	if err := closedErr(t, "client", p.clEv); !errors.As(err, &ae) || ae.Local || ae.Alert.Description != AlertBadCertificate {
		t.Errorf("client closed with %v, want the server's bad_certificate", err)
	}
}

func TestClientNoCommonSRTPProfile(t *testing.T) {
	p := newPair(t, func(c *ClientConfig, _ *Config) {
		c.SRTPProfiles = []SRTPProtectionProfile{SRTP_AEAD_AES_256_GCM + 100}
	})
	p.pump(time.Minute)
	var ae *AlertError
	if err := closedErr(t, "client", p.clEv); !errors.As(err, &ae) || ae.Alert.Description != AlertHandshakeFailure {
		t.Errorf("client closed with %v, want handshake_failure", err)
	}
}

func TestClientFragmented(t *testing.T) {
	p := newPair(t, func(c *ClientConfig, s *Config) { c.MTU, s.MTU = 256, 256 })
	var big int
	p.drop = func(_ bool, _ int, d []byte) bool {
		big = max(big, len(d))
		return false
	}
	p.pump(time.Second)
	completed(t, "client", p.clEv)
	completed(t, "server", p.svEv)
	if big > 256 || p.sent[1] < 4 {
		t.Errorf("largest datagram %d bytes, %d datagrams from the client", big, p.sent[1])
	}
}

func TestClientBadConfig(t *testing.T) {
	cl := Client(t0, &ClientConfig{})
	if _, ok := cl.PollTransmit(); ok {
		t.Error("sent something without a certificate")
	}
	if err := closedErr(t, "client", drainEvents(cl.PollEvent)); err == nil {
		t.Error("no error")
	}
}

// TestClientIgnoresJunk: datagrams that are not the server's answer, or
// not DTLS at all, are dropped without ending the handshake.
func TestClientIgnoresJunk(t *testing.T) {
	p := newPair(t, nil)
	for _, junk := range [][]byte{
		nil, {22}, {23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0},
		(&record{Header: recordHeader{ContentType: contentHandshake, Version: VersionDTLS12},
			Fragment: marshalHandshake(typeFinished, 0, make([]byte, 12))}).marshal(nil),
		(&record{Header: recordHeader{ContentType: contentChangeCipherSpec, Version: VersionDTLS12}, Fragment: []byte{1}}).marshal(nil),
	} {
		p.cl.Handle(t0, junk)
	}
	p.pump(time.Second)
	completed(t, "client", p.clEv)
}

// TestClientBadServerFinished: a Finished that does not match what the
// client computed (here: the client's master secret is changed after the
// keys were derived) ends the handshake with decrypt_error (RFC 5246
// §7.4.9).
func TestClientBadServerFinished(t *testing.T) {
	p := newPair(t, nil)
	p.drop = func(toServer bool, n int, _ []byte) bool {
		if !toServer && n == 3 { // flight 6
			p.cl.masterSecret[0] ^= 1
		}
		return false
	}
	p.pump(time.Minute)
	var ae *AlertError
	if err := closedErr(t, "client", p.clEv); !errors.As(err, &ae) || !ae.Local || ae.Alert.Description != AlertDecryptError {
		t.Errorf("client closed with %v, want decrypt_error sent", err)
	}
	if p.cl.Established() {
		t.Error("established")
	}
}

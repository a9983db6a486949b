package dtls

// ClientConn: the client side of the DTLS 1.2 handshake, sans-IO, as a
// WebRTC browser plays it against our server (a=setup:active makes the
// browser the DTLS client, RFC 5763 §5). The program uses it to stand in
// for browsers (cmd/loadgen); its only peer is this package's server, so
// it offers exactly one way to talk and refuses everything else:
//
//	cipher suite   TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (RFC 5289)
//	group          secp256r1 (RFC 8422 §5.1.1), uncompressed points
//	signatures     ecdsa_secp256r1_sha256 (RFC 5246 §7.4.1.4.1)
//	extensions     extended_master_secret (RFC 7627, required),
//	               use_srtp (RFC 5764 §4.1.1), renegotiation_info (RFC 5746)
//
// The client's flights, from Figure 1 of RFC 6347 (flight.go shows it
// whole):
//
//	Flight 1   ClientHello                          timer on
//	Flight 3   ClientHello with the cookie           timer on (after a HelloVerifyRequest)
//	Flight 5   Certificate, ClientKeyExchange,       timer on (after ServerHelloDone)
//	           CertificateVerify, [ChangeCipherSpec],
//	           Finished
//	           ... flight 6 verified: timer off, HandshakeComplete
//
// Retransmission follows the state machine of §4.2.4: while it waits for
// the server's next flight, the client resends its own when the timer
// fires (1 s, doubling up to 60 s), and when the server retransmits the
// flight it has already answered, which means the answer was lost.
//
// The server's certificate is not checked against any authority: WebRTC
// certificates are self-signed, and ClientConfig.VerifyPeerCertificate
// compares its fingerprint with the offer's a=fingerprint (RFC 8122 §5).

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"slices"
	"time"
)

// ClientConfig configures a DTLS client.
type ClientConfig struct {
	// Certificate is our DER certificate chain, leaf first: a self-signed
	// ECDSA P-256 certificate whose fingerprint our SDP carries. WebRTC
	// servers ask for it (RFC 5763 §5), and ours requires it.
	Certificate [][]byte
	// PrivateKey is the leaf's key; it signs the CertificateVerify.
	PrivateKey *ecdsa.PrivateKey
	// SRTPProfiles are offered in use_srtp, most preferred first (RFC 5764
	// §4.1.1). Empty: use_srtp is not offered.
	SRTPProfiles []SRTPProtectionProfile
	// VerifyPeerCertificate is called with the server's DER chain; an
	// error aborts the handshake with a bad_certificate alert. WebRTC
	// compares the leaf's fingerprint with the offer's a=fingerprint here.
	// Nil accepts any certificate: tests only.
	VerifyPeerCertificate func(rawCerts [][]byte) error
	// MTU is the largest datagram we send. Default 1200; at least 256.
	MTU int
	// HandshakeTimeout bounds the whole handshake. Default 30 s.
	HandshakeTimeout time.Duration
	// RetransmitTimeout is the first retransmission interval (RFC 6347
	// §4.2.4.1); it doubles up to 60 s. Default 1 s.
	RetransmitTimeout time.Duration
	// Rand is the source of randomness. Default crypto/rand.Reader.
	Rand io.Reader
	// Logger narrates the handshake at level Debug. Nil: silent.
	Logger *slog.Logger
}

// clientState is where the client's handshake stands: the message it
// waits for next.
type clientState int

const (
	clientWaitHelloVerify        clientState = iota // flight 1 sent: HelloVerifyRequest (or ServerHello)
	clientWaitServerHello                           // flight 3 sent
	clientWaitCertificate                           // flight 4, message by message
	clientWaitServerKeyExchange                     //
	clientWaitCertificateRequest                    //
	clientWaitServerHelloDone                       //
	clientWaitChangeCipherSpec                      // flight 5 sent
	clientWaitFinished                              // reading epoch 1
	clientEstablished                               // the server's Finished verified
)

// clientExpects is the handshake message each state accepts: the server's
// flights must come in RFC 5246 §7.3 order, which the reassembler restores.
var clientExpects = map[clientState][]handshakeType{
	clientWaitHelloVerify:        {typeHelloVerifyRequest, typeServerHello},
	clientWaitServerHello:        {typeServerHello},
	clientWaitCertificate:        {typeCertificate},
	clientWaitServerKeyExchange:  {typeServerKeyExchange},
	clientWaitCertificateRequest: {typeCertificateRequest},
	clientWaitServerHelloDone:    {typeServerHelloDone},
	clientWaitFinished:           {typeFinished},
}

// alertUnsupportedExtension (RFC 5246 §7.2.2) answers a ServerHello
// extension we did not offer.
const alertUnsupportedExtension AlertDescription = 110

// ClientConn is a DTLS 1.2 client connection with one server. Like Conn it
// owns no socket, clock or goroutine: the program feeds it the server's
// datagrams (Handle) and the time (HandleTimeout), and drains datagrams to
// send (PollTransmit), the next deadline (PollTimeout) and events
// (PollEvent): HandshakeComplete, ApplicationData, Closed.
type ClientConn struct {
	cfg *ClientConfig
	log *slog.Logger

	state    clientState
	closed   bool
	now      time.Time
	deadline time.Time // end of the handshake

	random       [32]byte            // client_random, the same in both ClientHellos (§4.2.1)
	serverRandom [32]byte            // server_random
	cookie       []byte              // from the HelloVerifyRequest
	hello        flightMessage       // the ClientHello the transcript starts with
	sendSeq      uint16              // message_seq of our next handshake message
	transcript   []byte              // handshake_messages, RFC 6347 §4.2.6
	suite        *cipherSuite        // the one we offer
	peerCerts    []*x509.Certificate // the server's chain
	peerKey      *ecdsa.PublicKey    // its leaf key: checks the ServerKeyExchange
	serverECDH   *ecdh.PublicKey     // the server's ephemeral key
	masterSecret []byte              // RFC 7627
	connState    ConnectionState     // what was negotiated

	readEpoch, writeEpoch   uint16
	readCipher, writeCipher *recordCipher
	writeSeq                [2]uint64    // next record sequence number per epoch
	replay                  replayWindow // epoch 1: authenticated records only
	rs                      *reassembler
	flight                  *flight         // our last flight, for retransmission
	timer                   retransmitTimer // RFC 6347 §4.2.4.1
	lastResend              time.Time       // when the server's retransmission last made us resend
	out                     [][]byte
	events                  []Event
}

// Client returns a ClientConn that has queued flight 1, the ClientHello,
// and started its timers at now.
func Client(now time.Time, cfg *ClientConfig) *ClientConn {
	c := *cfg
	c.MTU = max(cmpOr(c.MTU, defaultMTU), minMTU)
	c.HandshakeTimeout = cmpOr(c.HandshakeTimeout, defaultHandshakeTimeout)
	c.RetransmitTimeout = cmpOr(c.RetransmitTimeout, defaultRetransmitTimeout)
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	cl := &ClientConn{cfg: &c, log: c.Logger, rs: newReassembler(), now: now,
		deadline: now.Add(c.HandshakeTimeout), suite: cipherSuiteByID(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)}
	cl.timer.initial = c.RetransmitTimeout
	// The server's first message mirrors our first message_seq, 0 (§4.2.2):
	// deliver in order from there.
	cl.rs.expect(0)
	if len(c.Certificate) == 0 || c.PrivateKey == nil || c.PrivateKey.Curve != elliptic.P256() {
		cl.finish(errors.New("dtls: ClientConfig needs a certificate with an ECDSA P-256 key"))
		return cl
	}
	if _, err := io.ReadFull(c.Rand, cl.random[:]); err != nil {
		cl.finish(fmt.Errorf("dtls: client random: %w", err))
		return cl
	}
	cl.sendHello()
	return cl
}

// cmpOr returns v, or def when v is not positive.
func cmpOr[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// sendHello sends flight 1, or flight 3 once we hold a cookie: the same
// ClientHello with the cookie echoed (RFC 6347 §4.2.1: "the client MUST
// use the same parameter values ... as in the original ClientHello"), as
// a new message with the next message_seq.
func (c *ClientConn) sendHello() {
	ch := clientHelloMsg{Version: VersionDTLS12, Random: c.random, Cookie: c.cookie,
		CipherSuites: []uint16{c.suite.id}, CompressionMethods: []uint8{0}}
	add := func(t extensionType, data []byte) {
		ch.Extensions = append(ch.Extensions, extension{Type: t, Data: data})
	}
	add(extSupportedGroups, appendU16List(nil, []CurveID{CurveP256}))
	add(extECPointFormats, []byte{1, pointFormatUncompressed})
	add(extSignatureAlgorithms, appendU16List(nil, []signatureScheme{ecdsaWithP256AndSHA256}))
	if len(c.cfg.SRTPProfiles) > 0 {
		add(extUseSRTP, marshalUseSRTP(c.cfg.SRTPProfiles, nil))
	}
	add(extExtendedMasterSecret, nil)
	add(extRenegotiationInfo, []byte{0})
	c.hello = flightMessage{typ: typeClientHello, seq: c.sendSeq, body: ch.marshal()}
	c.sendSeq++
	number := 1
	if c.cookie != nil {
		number = 3
	}
	c.sendFlight(&flight{number: number, messages: []flightMessage{c.hello}})
	c.log.Debug("ClientHello sent", "flight", number, "cookie", len(c.cookie))
}

// Handle processes one datagram from the server. The returned error is for
// logging: it says why something was dropped or why the handshake failed;
// a failure also queues an alert and shows as a Closed event.
func (c *ClientConn) Handle(now time.Time, datagram []byte) error {
	if c.closed {
		return errClosed
	}
	c.now = now
	c.rs.startDatagram()
	records, err := parseRecords(datagram)
	for i := range records {
		rerr := c.handleRecord(&records[i])
		var ae *AlertError
		if errors.As(rerr, &ae) && ae.Local {
			c.log.Debug("handshake failed", "alert", ae.Alert.Description, "reason", ae.Err)
			c.sendAlert(ae.Alert)
			c.finish(ae)
			return ae
		}
		if c.closed {
			return rerr
		}
		if err == nil {
			err = rerr
		}
	}
	return err
}

// handleRecord checks a record's epoch and, in epoch 1, authenticates it
// and its sequence number (RFC 6347 §4.1.2.6), then dispatches it.
// Records that do not fit are dropped with an error (§4.1.2.7).
func (c *ClientConn) handleRecord(rec *record) error {
	h := &rec.Header
	payload := rec.Fragment
	switch {
	case h.Epoch == 1 && c.readEpoch == 1:
		if !c.replay.check(h.SequenceNumber) {
			return fmt.Errorf("dtls: record: replayed (epoch 1 seq %d)", h.SequenceNumber)
		}
		var err error
		if payload, err = c.readCipher.open(h, rec.Fragment); err != nil {
			return err
		}
		c.replay.accept(h.SequenceNumber)
	case h.Epoch == 0 && (c.readEpoch == 0 || h.ContentType == contentHandshake):
		// Plaintext; after the switch only a retransmitted handshake
		// message, which may ask us to resend flight 5.
	default:
		// An epoch-1 record before the server's ChangeCipherSpec: they
		// travel in one datagram (flight 6), so this one was reordered
		// across a retransmission. Our timer will bring flight 6 again.
		return fmt.Errorf("dtls: record: epoch %d while reading epoch %d", h.Epoch, c.readEpoch)
	}
	switch h.ContentType {
	case contentHandshake:
		return c.handleHandshakeRecord(h.Epoch, payload)
	case contentChangeCipherSpec:
		var ccs changeCipherSpecMsg
		if err := ccs.unmarshal(payload); err != nil {
			return err
		}
		if c.state != clientWaitChangeCipherSpec {
			return errors.New("dtls: unexpected ChangeCipherSpec, ignored")
		}
		c.readEpoch, c.state = 1, clientWaitFinished
		return nil
	case contentAlert:
		return c.handleAlert(payload)
	case contentApplicationData:
		if c.state != clientEstablished || h.Epoch == 0 {
			return errors.New("dtls: application data before the handshake completed")
		}
		c.events = append(c.events, ApplicationData{Data: payload})
		return nil
	}
	return fmt.Errorf("dtls: record: unknown content type %v", h.ContentType)
}

// handleHandshakeRecord reassembles the server's messages (§4.2.3) and runs
// the handshake on each one that completes, in message_seq order.
func (c *ClientConn) handleHandshakeRecord(epoch uint16, payload []byte) error {
	frags, err := parseHandshakeFragments(payload)
	for i := range frags {
		old, perr := c.rs.push(&frags[i], epoch, netip.AddrPort{})
		if old {
			c.serverRetransmitted(&frags[i])
			continue
		}
		if perr != nil && err == nil {
			err = perr
		}
		for m, ok := c.rs.pop(); ok; m, ok = c.rs.pop() {
			herr := c.handleMessage(m)
			var ae *AlertError
			if errors.As(herr, &ae) {
				return herr
			}
			if herr != nil {
				c.log.Debug("dropped handshake message", "message", m.String(), "reason", herr)
				if err == nil {
					err = herr
				}
				continue
			}
			c.rs.accept(m)
		}
	}
	return err
}

// serverRetransmitted: a fragment of a message already processed. If it
// begins the last message of the server's previous flight, our answer to
// that flight was lost: resend ours at once (§4.2.4, "receive
// retransmitted flight"), at most once per retransmission interval.
func (c *ClientConn) serverRetransmitted(f *handshakeFragment) {
	if c.flight == nil || c.state == clientEstablished || f.Header.MessageSeq+1 != c.rs.next || f.Header.FragmentOffset != 0 {
		return
	}
	if !c.lastResend.IsZero() && c.now.Sub(c.lastResend) < max(c.timer.interval, c.timer.initial) {
		return
	}
	c.lastResend = c.now
	c.log.Debug("server retransmitted: resending our flight", "flight", c.flight.number)
	c.transmitFlight(c.flight)
}

// handleMessage runs one reassembled message of the server. A plain error
// drops a plaintext message that does not fit the state (anyone can forge
// one, §4.1.2.7); an *AlertError ends the handshake.
func (c *ClientConn) handleMessage(m *handshakeMessage) error {
	wantEpoch := uint16(0)
	if m.Type == typeFinished {
		wantEpoch = 1
	}
	if !slices.Contains(clientExpects[c.state], m.Type) || m.Epoch != wantEpoch {
		if m.Epoch == 0 {
			return fmt.Errorf("dtls: plaintext %v (message_seq %d) in client state %d, dropped", m.Type, m.MessageSeq, c.state)
		}
		return fail(AlertUnexpectedMessage, "dtls: got %v in epoch %d in client state %d", m.Type, m.Epoch, c.state)
	}
	c.log.Debug("handshake message", "type", m.Type, "seq", m.MessageSeq, "len", len(m.Body))
	switch m.Type {
	case typeHelloVerifyRequest:
		return c.processHelloVerifyRequest(m)
	case typeServerHello:
		return c.processServerHello(m)
	case typeCertificate:
		return c.processServerCertificate(m)
	case typeServerKeyExchange:
		return c.processServerKeyExchange(m)
	case typeCertificateRequest:
		return c.processCertificateRequest(m)
	case typeServerHelloDone:
		return c.processServerHelloDone(m)
	default: // typeFinished
		return c.processServerFinished(m)
	}
}

// processHelloVerifyRequest is flight 2: keep the cookie, send flight 3
// (RFC 6347 §4.2.1). Neither it nor our first ClientHello enters the
// transcript (§4.2.6).
func (c *ClientConn) processHelloVerifyRequest(m *handshakeMessage) error {
	var hvr helloVerifyRequestMsg
	if err := hvr.unmarshal(m.Body); err != nil {
		return err
	}
	if len(hvr.Cookie) == 0 {
		return errors.New("dtls: HelloVerifyRequest without a cookie")
	}
	c.cookie = hvr.Cookie
	c.state = clientWaitServerHello
	c.sendHello()
	return nil
}

// processServerHello checks the server's choices against our offer (RFC
// 5246 §7.4.1.3): our suite, the extended master secret, one of our SRTP
// profiles and no extension we did not offer.
func (c *ClientConn) processServerHello(m *handshakeMessage) error {
	var sh serverHelloMsg
	if err := sh.unmarshal(m.Body); err != nil {
		return fail(AlertDecodeError, "%v", err)
	}
	if sh.Version != VersionDTLS12 {
		return fail(AlertProtocolVersion, "dtls: ServerHello: version %v, want DTLS 1.2", sh.Version)
	}
	if sh.CipherSuite != c.suite.id || sh.CompressionMethod != 0 {
		return fail(AlertIllegalParameter, "dtls: ServerHello: suite %s compression %d, not offered", CipherSuiteName(sh.CipherSuite), sh.CompressionMethod)
	}
	ems := false
	for _, e := range sh.Extensions {
		switch e.Type {
		case extExtendedMasterSecret:
			ems = true
		case extUseSRTP:
			p, _, err := parseUseSRTP(e.Data)
			// RFC 5764 §4.1.1: exactly one profile, one that we offered.
			if err != nil || len(p) != 1 || !slices.Contains(c.cfg.SRTPProfiles, p[0]) {
				return fail(AlertIllegalParameter, "dtls: ServerHello: use_srtp %v not one of ours", p)
			}
			c.connState.SRTPProfile = p[0]
		case extRenegotiationInfo:
			if len(e.Data) != 1 || e.Data[0] != 0 { // RFC 5746 §3.4: empty on a first handshake
				return fail(AlertHandshakeFailure, "dtls: ServerHello: non-empty renegotiation_info")
			}
		case extECPointFormats:
		default:
			return fail(alertUnsupportedExtension, "dtls: ServerHello: extension %v not offered", e.Type)
		}
	}
	if !ems { // RFC 7627 §5.3: we do not do without it
		return fail(AlertHandshakeFailure, "dtls: ServerHello: no extended_master_secret")
	}
	if len(c.cfg.SRTPProfiles) > 0 && c.connState.SRTPProfile == 0 {
		return fail(AlertHandshakeFailure, "dtls: ServerHello: no use_srtp: WebRTC needs SRTP keys")
	}
	c.serverRandom = sh.Random
	// §4.2.6: the transcript starts at the ClientHello the server answered.
	c.transcript = append(marshalHandshake(typeClientHello, c.hello.seq, c.hello.body), m.transcriptBytes()...)
	c.state = clientWaitCertificate
	return nil
}

// processServerCertificate parses the server's chain and hands it to
// VerifyPeerCertificate: the fingerprint check (RFC 5763 §5).
func (c *ClientConn) processServerCertificate(m *handshakeMessage) error {
	var cm certificateMsg
	if err := cm.unmarshal(m.Body); err != nil {
		return fail(AlertDecodeError, "%v", err)
	}
	if len(cm.Certificates) == 0 {
		return fail(AlertHandshakeFailure, "dtls: server Certificate: empty")
	}
	var certs []*x509.Certificate
	for _, der := range cm.Certificates {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return fail(AlertBadCertificate, "dtls: server Certificate: %v", err)
		}
		certs = append(certs, cert)
	}
	key, ok := certs[0].PublicKey.(*ecdsa.PublicKey)
	if !ok || key.Curve != elliptic.P256() {
		return fail(AlertUnsupportedCertificate, "dtls: server Certificate: want an ECDSA P-256 key")
	}
	if f := c.cfg.VerifyPeerCertificate; f != nil {
		if err := f(cm.Certificates); err != nil {
			return fail(AlertBadCertificate, "dtls: server Certificate rejected: %w", err)
		}
	}
	c.peerCerts, c.peerKey = certs, key
	c.transcript = append(c.transcript, m.transcriptBytes()...)
	c.state = clientWaitServerKeyExchange
	return nil
}

// processServerKeyExchange checks the server's signature over both randoms
// and its ECDHE parameters (RFC 8422 §5.4): it proves that the holder of
// the certificate's key chose this ephemeral key, now.
func (c *ClientConn) processServerKeyExchange(m *handshakeMessage) error {
	var ske serverKeyExchangeMsg
	if err := ske.unmarshal(m.Body); err != nil {
		return fail(AlertDecodeError, "%v", err)
	}
	if ske.Curve != CurveP256 || ske.SignatureAlgorithm != ecdsaWithP256AndSHA256 {
		return fail(AlertIllegalParameter, "dtls: ServerKeyExchange: %v signed with %v, not offered", ske.Curve, ske.SignatureAlgorithm)
	}
	digest := crypto.SHA256.New()
	digest.Write(ske.signedData(c.random[:], c.serverRandom[:]))
	if !ecdsa.VerifyASN1(c.peerKey, digest.Sum(nil), ske.Signature) {
		return fail(AlertDecryptError, "dtls: ServerKeyExchange: bad signature")
	}
	pub, err := ecdh.P256().NewPublicKey(ske.PublicKey)
	if err != nil {
		return fail(AlertIllegalParameter, "dtls: ServerKeyExchange: %v", err)
	}
	c.serverECDH = pub
	c.transcript = append(c.transcript, m.transcriptBytes()...)
	c.state = clientWaitCertificateRequest
	return nil
}

// processCertificateRequest checks that the server will take our kind of
// certificate and signature (RFC 5246 §7.4.4).
func (c *ClientConn) processCertificateRequest(m *handshakeMessage) error {
	var cr certificateRequestMsg
	if err := cr.unmarshal(m.Body); err != nil {
		return fail(AlertDecodeError, "%v", err)
	}
	if !slices.Contains(cr.CertificateTypes, certTypeECDSASign) || !slices.Contains(cr.SignatureAlgorithms, ecdsaWithP256AndSHA256) {
		return fail(AlertHandshakeFailure, "dtls: CertificateRequest: no ecdsa_sign with ecdsa_secp256r1_sha256")
	}
	c.transcript = append(c.transcript, m.transcriptBytes()...)
	c.state = clientWaitServerHelloDone
	return nil
}

// processServerHelloDone ends flight 4: compute the keys and send flight 5.
//
//	Certificate          our self-signed chain (RFC 5246 §7.4.6)
//	ClientKeyExchange    our ECDHE public key (RFC 8422 §5.7); with it in
//	                     the transcript, the session hash gives the
//	                     extended master secret (RFC 7627 §4)
//	CertificateVerify    our signature over the transcript (§7.4.8)
//	[ChangeCipherSpec]   we write epoch 1 from here on
//	Finished             verify_data over the transcript (§7.4.9), the
//	                     first record of epoch 1
func (c *ClientConn) processServerHelloDone(m *handshakeMessage) error {
	if len(m.Body) != 0 {
		return fail(AlertDecodeError, "dtls: ServerHelloDone: not empty")
	}
	c.transcript = append(c.transcript, m.transcriptBytes()...)
	priv, err := ecdh.P256().GenerateKey(c.cfg.Rand)
	if err != nil {
		return fail(AlertInternalError, "dtls: ECDHE key: %v", err)
	}
	preMaster, err := priv.ECDH(c.serverECDH)
	if err != nil {
		return fail(AlertIllegalParameter, "dtls: ECDHE: %v", err)
	}
	f := &flight{number: 5}
	c.addMessage(f, 0, typeCertificate, (&certificateMsg{Certificates: c.cfg.Certificate}).marshal())
	c.addMessage(f, 0, typeClientKeyExchange, (&clientKeyExchangeMsg{PublicKey: priv.PublicKey().Bytes()}).marshal())
	h := c.suite.hash
	c.masterSecret = extendedMasterSecret(h.New, preMaster, c.transcriptHash(h))
	keys := deriveKeyBlock(c.suite, c.masterSecret, c.random[:], c.serverRandom[:])
	if c.writeCipher, err = newRecordCipher(keys.clientKey, keys.clientIV); err != nil {
		return fail(AlertInternalError, "dtls: %v", err)
	}
	if c.readCipher, err = newRecordCipher(keys.serverKey, keys.serverIV); err != nil {
		return fail(AlertInternalError, "dtls: %v", err)
	}
	sig, err := ecdsa.SignASN1(c.cfg.Rand, c.cfg.PrivateKey, c.transcriptHash(crypto.SHA256))
	if err != nil {
		return fail(AlertInternalError, "dtls: CertificateVerify: %v", err)
	}
	c.addMessage(f, 0, typeCertificateVerify, (&certificateVerifyMsg{SignatureAlgorithm: ecdsaWithP256AndSHA256, Signature: sig}).marshal())
	f.messages = append(f.messages, flightMessage{epoch: 0, ccs: true})
	verify := finishedVerifyData(h.New, c.masterSecret, labelClientFinished, c.transcriptHash(h))
	c.addMessage(f, 1, typeFinished, (&finishedMsg{VerifyData: verify}).marshal())
	c.writeEpoch = 1
	c.state = clientWaitChangeCipherSpec
	c.sendFlight(f)
	c.log.Debug("flight 5 sent", "messages", "Certificate ClientKeyExchange CertificateVerify ChangeCipherSpec Finished")
	return nil
}

// processServerFinished checks flight 6's verify_data (RFC 5246 §7.4.9):
// the server derived the same keys and saw the same messages. The
// handshake is complete; the server sent the last flight, so we keep no
// timer (RFC 6347 §4.2.4).
func (c *ClientConn) processServerFinished(m *handshakeMessage) error {
	var fin finishedMsg
	if err := fin.unmarshal(m.Body); err != nil {
		return fail(AlertDecodeError, "%v", err)
	}
	h := c.suite.hash
	want := finishedVerifyData(h.New, c.masterSecret, labelServerFinished, c.transcriptHash(h))
	if !hmacEqual(fin.VerifyData, want) {
		return fail(AlertDecryptError, "dtls: server Finished: verify_data mismatch")
	}
	c.transcript = append(c.transcript, m.transcriptBytes()...)
	c.state = clientEstablished
	c.timer.stop()
	c.connState.Version = VersionDTLS12
	c.connState.CipherSuite = c.suite.id
	c.connState.Curve = CurveP256
	c.connState.PeerCertificates = c.peerCerts
	c.connState.ExtendedMasterSecret = true
	c.events = append(c.events, HandshakeComplete{State: c.connState})
	c.log.Debug("handshake complete", "srtp", c.connState.SRTPProfile)
	return nil
}

// addMessage appends one of our messages to a flight and, the Finished
// aside until it is computed, to the transcript.
func (c *ClientConn) addMessage(f *flight, epoch uint16, typ handshakeType, body []byte) {
	f.messages = append(f.messages, flightMessage{epoch: epoch, typ: typ, seq: c.sendSeq, body: body})
	c.transcript = append(c.transcript, marshalHandshake(typ, c.sendSeq, body)...)
	c.sendSeq++
}

// transcriptHash is Hash(handshake_messages).
func (c *ClientConn) transcriptHash(h crypto.Hash) []byte {
	d := h.New()
	d.Write(c.transcript)
	return d.Sum(nil)
}

// handleAlert ends the connection on a fatal alert or a close_notify,
// which is answered with our own (RFC 5246 §7.2.1).
func (c *ClientConn) handleAlert(payload []byte) error {
	var a Alert
	if err := a.unmarshal(payload); err != nil {
		return err
	}
	if a.Description == AlertCloseNotify {
		c.sendAlert(a)
		c.finish(nil)
		return errClosed
	}
	if a.Level == AlertLevelWarning {
		return nil
	}
	err := &AlertError{Alert: a}
	c.finish(err)
	return err
}

// sendFlight transmits a new flight, keeps it and starts the timer.
func (c *ClientConn) sendFlight(f *flight) {
	c.flight = f
	c.transmitFlight(f)
	c.timer.start(c.now)
}

// transmitFlight packs a flight into datagrams of at most MTU bytes,
// records back to back (§4.1.1), a message that does not fit split into
// fragments (§4.2.3), each time in new records with new sequence numbers.
func (c *ClientConn) transmitFlight(f *flight) {
	var cur []byte
	emit := func(epoch uint16, ct contentType, payload []byte) {
		rec := c.sealRecord(epoch, ct, payload)
		if len(cur)+len(rec) > c.cfg.MTU && len(cur) > 0 {
			c.out, cur = append(c.out, cur), nil
		}
		cur = append(cur, rec...)
	}
	for _, m := range f.messages {
		if m.ccs {
			emit(m.epoch, contentChangeCipherSpec, (&changeCipherSpecMsg{}).marshal())
			continue
		}
		room := c.cfg.MTU - recordHeaderLen - handshakeHeaderLen - aeadOverhead
		for off := 0; ; {
			n := min(len(m.body)-off, room)
			h := handshakeHeader{Type: m.typ, Length: len(m.body), MessageSeq: m.seq, FragmentOffset: off, FragmentLength: n}
			emit(m.epoch, contentHandshake, append(appendHandshakeHeader(nil, &h), m.body[off:off+n]...))
			if off += n; off >= len(m.body) {
				break
			}
		}
	}
	if len(cur) > 0 {
		c.out = append(c.out, cur)
	}
}

// sealRecord builds one record, encrypted in epoch 1. ClientHello records
// say DTLS 1.0, as browsers' do: a server of any version reads them (RFC
// 6347 §4.1 and RFC 5246 Appendix E.1).
func (c *ClientConn) sealRecord(epoch uint16, ct contentType, payload []byte) []byte {
	h := recordHeader{ContentType: ct, Version: VersionDTLS12, Epoch: epoch, SequenceNumber: c.writeSeq[epoch]}
	c.writeSeq[epoch]++
	if epoch == 0 && ct == contentHandshake && payload[0] == byte(typeClientHello) {
		h.Version = VersionDTLS10
	}
	frag := payload
	if epoch > 0 {
		frag = c.writeCipher.seal(&h, payload)
	}
	return (&record{Header: h, Fragment: frag}).marshal(nil)
}

// sendAlert queues an alert in the current write epoch.
func (c *ClientConn) sendAlert(a Alert) {
	c.out = append(c.out, c.sealRecord(c.writeEpoch, contentAlert, a.marshal()))
}

// finish ends the connection and reports why.
func (c *ClientConn) finish(err error) {
	c.closed = true
	c.timer.stop()
	c.events = append(c.events, Closed{Err: err})
}

// HandleTimeout runs the timers: the retransmission of our last flight
// (RFC 6347 §4.2.4) and the handshake deadline.
func (c *ClientConn) HandleTimeout(now time.Time) {
	if c.closed || c.state == clientEstablished {
		return
	}
	c.now = now
	if !now.Before(c.deadline) {
		c.finish(ErrHandshakeTimeout)
		return
	}
	if c.timer.expired(now) {
		c.log.Debug("retransmit", "flight", c.flight.number, "next_interval", 2*c.timer.interval)
		c.transmitFlight(c.flight)
		c.timer.backoff(now)
	}
}

// PollTimeout returns when HandleTimeout should next be called; false once
// the handshake is over.
func (c *ClientConn) PollTimeout() (time.Time, bool) {
	if c.closed || c.state == clientEstablished {
		return time.Time{}, false
	}
	if c.timer.armed && c.timer.deadline.Before(c.deadline) {
		return c.timer.deadline, true
	}
	return c.deadline, true
}

// PollTransmit returns the next datagram to send to the server.
func (c *ClientConn) PollTransmit() ([]byte, bool) {
	if len(c.out) == 0 {
		return nil, false
	}
	d := c.out[0]
	c.out = c.out[1:]
	return d, true
}

// PollEvent returns the next event.
func (c *ClientConn) PollEvent() (Event, bool) {
	if len(c.events) == 0 {
		return nil, false
	}
	e := c.events[0]
	c.events = c.events[1:]
	return e, true
}

// Established reports whether the handshake has completed (and the
// connection has not ended since).
func (c *ClientConn) Established() bool { return c.state == clientEstablished && !c.closed }

// State returns what the handshake negotiated; complete once it is.
func (c *ClientConn) State() ConnectionState { return c.connState }

// ExportKeyingMaterial is the RFC 5705 exporter, as on Conn: DTLS-SRTP
// calls it with "EXTRACTOR-dtls_srtp" (RFC 5764 §4.2). Both ends get the
// same bytes; the client protects its SRTP with the client half.
func (c *ClientConn) ExportKeyingMaterial(label string, context []byte, length int) ([]byte, error) {
	if c.state != clientEstablished {
		return nil, errors.New("dtls: exporter: handshake not complete")
	}
	return exportKeyingMaterial(c.suite.hash.New, c.masterSecret, c.random[:], c.serverRandom[:], label, context, length)
}

// Write sends application data in epoch-1 records.
func (c *ClientConn) Write(b []byte) error {
	if c.closed {
		return errClosed
	}
	if c.state != clientEstablished {
		return errors.New("dtls: write before the handshake completed")
	}
	maxPlain := c.cfg.MTU - recordHeaderLen - aeadOverhead
	for len(b) > 0 {
		n := min(len(b), maxPlain)
		c.out = append(c.out, c.sealRecord(1, contentApplicationData, b[:n]))
		b = b[n:]
	}
	return nil
}

// Close queues a close_notify (RFC 5246 §7.2.1) and ends the connection.
func (c *ClientConn) Close() {
	if c.closed {
		return
	}
	c.sendAlert(Alert{Level: AlertLevelWarning, Description: AlertCloseNotify})
	c.finish(nil)
}

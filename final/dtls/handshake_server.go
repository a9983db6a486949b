package dtls

// The server side of the full DTLS 1.2 handshake, RFC 6347 §4.2 over
// RFC 5246 §7.3, read top-down in the order of the flights (see flight.go
// for Figure 1):
//
//	processClientHello        flight 1/3: ClientHello
//	  sendHelloVerifyRequest  flight 2:   no valid cookie yet
//	  negotiate               (negotiate.go)
//	  sendServerFlight        flight 4:   ServerHello … ServerHelloDone
//	readClientFlight          flight 5:   Certificate, ClientKeyExchange,
//	                                      CertificateVerify, [CCS], Finished
//	  sendServerFinished      flight 6:   [CCS], Finished
//
// The messages of flight 5 are handled in handshake_client_flight.go.
//
// Every message is appended to the transcript as it is sent or received,
// except the first ClientHello and the HelloVerifyRequest (RFC 6347
// §4.2.6), so the transcript starts at the ClientHello that carried a
// valid cookie.

import (
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
)

// serverState is where the handshake stands.
type serverState int

const (
	stateWaitClientHello       serverState = iota // nothing accepted yet; stateless
	stateWaitClientCertificate                    // flight 4 sent
	stateWaitClientKeyExchange                    // client Certificate verified
	stateWaitCertificateVerify                    // keys derived
	stateWaitChangeCipherSpec                     // CertificateVerify checked
	stateWaitFinished                             // reading epoch 1
	stateEstablished                              // flight 6 sent
)

// handshakeState is what the server remembers once the cookie checked out.
type handshakeState struct {
	state        serverState         // progress
	hellos       int                 // ClientHellos parsed, for the log (helloLevel)
	params       *negotiated         // choices made from the ClientHello
	suite        *cipherSuite        // params.suite, kept for the exporter
	transcript   []byte              // handshake_messages, RFC 6347 §4.2.6
	clientRandom [32]byte            // ClientHello.random
	serverRandom [32]byte            // ServerHello.random
	ecdhKey      *ecdh.PrivateKey    // our ephemeral ECDHE key
	sendSeq      uint16              // message_seq of our next handshake message
	peerCerts    []*x509.Certificate // the client's chain
	peerKey      *ecdsa.PublicKey    // the client's leaf key, checks CertificateVerify
	masterSecret []byte              // 48 bytes, RFC 7627
	earlyCCS     bool                // the client's CCS arrived before its CertificateVerify
}

// expectedMessage is the only handshake message each state accepts; the
// client's flight 5 must come in RFC 5246 §7.3 order.
var expectedMessage = map[serverState]handshakeType{
	stateWaitClientHello:       typeClientHello,
	stateWaitClientCertificate: typeCertificate,
	stateWaitClientKeyExchange: typeClientKeyExchange,
	stateWaitCertificateVerify: typeCertificateVerify,
	stateWaitFinished:          typeFinished,
}

// handleHandshakeMessage dispatches a reassembled message by state; h is
// the header of the record that completed it. took reports whether the
// message moved the handshake forward (the reassembler then moves past
// it). A plain error means the message was dropped; an *AlertError ends
// the handshake.
//
// Only failures inside a handshake whose cookie was verified send an
// alert, and an out-of-order message does so only when it was
// authenticated (epoch 1): a plaintext message can come from anyone, and
// RFC 6347 §4.1.2.7 asks to discard invalid records rather than let them
// end the association.
func (c *Conn) handleHandshakeMessage(h *recordHeader, m *handshakeMessage) (took bool, err error) {
	c.log.Debug("handshake message", "type", m.Type, "seq", m.MessageSeq, "epoch", m.Epoch, "len", len(m.Body))
	if c.hs.state == stateEstablished {
		// RFC 5746: we do not renegotiate; a warning-level no_renegotiation
		// is allowed, silence is simpler and also correct.
		return false, fmt.Errorf("dtls: %v after the handshake, ignored", m.Type)
	}
	want, ok := expectedMessage[c.hs.state]
	wantEpoch := uint16(0)
	if want == typeFinished {
		wantEpoch = 1
	}
	if !ok || m.Type != want || m.Epoch != wantEpoch {
		if m.Epoch == 0 {
			return false, fmt.Errorf("dtls: plaintext %v (message_seq %d) in state %d, dropped", m.Type, m.MessageSeq, c.hs.state)
		}
		return false, fail(AlertUnexpectedMessage, "dtls: got %v in epoch %d in state %d", m.Type, m.Epoch, c.hs.state)
	}
	switch m.Type {
	case typeClientHello:
		return c.processClientHello(h, m)
	case typeCertificate:
		err = c.processClientCertificate(m)
	case typeClientKeyExchange:
		err = c.processClientKeyExchange(m)
	case typeCertificateVerify:
		err = c.processCertificateVerify(m)
	default: // typeFinished
		err = c.processClientFinished(m)
	}
	return err == nil, err
}

// epoch0Headroom is how many epoch-0 sequence numbers we keep in reserve
// when we continue from the client's (processClientHello): far more than
// the records of flight 4, its retransmissions, flight 6 and an alert.
const epoch0Headroom = 1 << 16

// processClientHello answers a ClientHello: with a HelloVerifyRequest while
// its cookie is missing or wrong, with flight 4 once it is right. Until
// then the server is stateless (RFC 6347 §4.2.1): a ClientHello that does
// not parse, or that needs a HelloVerifyRequest, changes nothing. took
// reports whether the ClientHello was accepted.
func (c *Conn) processClientHello(h *recordHeader, m *handshakeMessage) (took bool, err error) {
	var ch clientHelloMsg
	if err := ch.unmarshal(m.Body); err != nil {
		return false, err
	}
	groups, _ := ch.extension(extSupportedGroups)
	gl, _ := parseSupportedGroups(groups)
	srtp, _ := ch.extension(extUseSRTP)
	sl, _, _ := parseUseSRTP(srtp)
	c.hs.hellos++
	c.log.Log(context.Background(), c.helloLevel(), "ClientHello", "version", ch.Version, "seq", m.MessageSeq, "cookie", len(ch.Cookie),
		"suites", len(ch.CipherSuites), "groups", gl, "srtp", sl, "extensions", len(ch.Extensions))
	want := c.cookie(&ch, c.from)
	if !hmacEqual(ch.Cookie, want) {
		c.sendHelloVerifyRequest(h.SequenceNumber, m.MessageSeq, want)
		return false, nil
	}
	// The cookie proves that the client receives datagrams at c.from
	// (§4.2.1): it becomes the peer, the only address we send to, and
	// the ClientHello is accepted.
	c.peer, c.remote = c.from, c.from
	c.log.Debug("cookie verified", "peer", c.peer.String())
	// §4.2.1: "the server MUST use the record sequence number in the
	// ClientHello as the record sequence number in its initial
	// ServerHello", which is above those of the HelloVerifyRequests (they
	// mirrored the client's earlier records). Not so close to 2^48 that
	// our own numbers would run out, though.
	if h.SequenceNumber <= maxSequenceNumber-epoch0Headroom {
		c.writeSeq[0] = max(c.writeSeq[0], h.SequenceNumber)
	}
	// DTLS versions count down: 0xfefd (1.2) < 0xfeff (1.0).
	if ch.Version > VersionDTLS12 {
		return true, fail(AlertProtocolVersion, "dtls: ClientHello: client_version %v is older than DTLS 1.2", ch.Version)
	}
	params, err := c.negotiate(&ch)
	if err != nil {
		return true, err
	}
	c.hs.params, c.hs.suite = params, params.suite
	c.hs.clientRandom = ch.Random
	c.hs.transcript = append(c.hs.transcript, m.transcriptBytes()...)
	c.hs.sendSeq = m.MessageSeq // RFC 6347 §4.2.2: ServerHello gets the cookie ClientHello's seq
	if _, err := io.ReadFull(c.cfg.Rand, c.hs.serverRandom[:]); err != nil {
		return true, fail(AlertInternalError, "dtls: server random: %v", err)
	}
	if c.hs.ecdhKey, err = curveFor(params.curve).GenerateKey(c.cfg.Rand); err != nil {
		return true, fail(AlertInternalError, "dtls: ECDHE key: %v", err)
	}
	c.log.Info("negotiated", "suite", params.suite.name, "group", params.curve,
		"srtp", params.srtpProfile, "ems", true)
	return true, c.sendServerFlight()
}

// sendHelloVerifyRequest is flight 2, RFC 6347 §4.2.1, sent to the source
// of the ClientHello. It keeps no state: the record sequence number and
// message_seq mirror the ClientHello's (§4.2.1: "the server MUST use the
// record sequence number in the ClientHello as the record sequence number
// in the HelloVerifyRequest"), our own sequence numbers do not move, and
// the reassembler has already forgotten the ClientHello.
func (c *Conn) sendHelloVerifyRequest(recordSeq uint64, seq uint16, cookie []byte) {
	hvr := helloVerifyRequestMsg{Version: VersionDTLS10, Cookie: cookie}
	body := hvr.marshal()
	h := recordHeader{ContentType: contentHandshake, Version: VersionDTLS12, SequenceNumber: recordSeq}
	rec := (&record{Header: h, Fragment: marshalHandshake(typeHelloVerifyRequest, seq, body)}).marshal(nil)
	c.out = append(c.out, Transmit{To: c.from, Data: rec})
	c.log.Log(context.Background(), c.helloLevel(), "HelloVerifyRequest", "cookie", fmt.Sprintf("%x", cookie))
}

// loggedHellos is how many ClientHellos (and their HelloVerifyRequests) a
// Conn logs at level INFO: a browser sends two, retransmissions a few more;
// anyone with a valid pair could send thousands.
const loggedHellos = 6

// helloLevel is the level to log the current ClientHello exchange at.
func (c *Conn) helloLevel() slog.Level {
	if c.hs.hellos <= loggedHellos {
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

// curveFor maps a negotiated group to crypto/ecdh.
func curveFor(id CurveID) ecdh.Curve {
	if id == CurveP256 {
		return ecdh.P256()
	}
	return ecdh.X25519()
}

// sendServerFlight is flight 4: ServerHello, Certificate,
// ServerKeyExchange, CertificateRequest, ServerHelloDone.
func (c *Conn) sendServerFlight() error {
	if c.cfg.PrivateKey == nil || len(c.cfg.Certificate) == 0 {
		return fail(AlertInternalError, "dtls: Config has no certificate or private key")
	}
	p := c.hs.params
	sh := serverHelloMsg{
		Version:     VersionDTLS12,
		Random:      c.hs.serverRandom,
		CipherSuite: p.suite.id,
		Extensions:  []extension{{Type: extExtendedMasterSecret}},
	}
	if p.srtpProfile != 0 {
		sh.Extensions = append(sh.Extensions, extension{Type: extUseSRTP,
			Data: marshalUseSRTP([]SRTPProtectionProfile{p.srtpProfile}, nil)})
	}
	if p.renegotiationInfo {
		sh.Extensions = append(sh.Extensions, extension{Type: extRenegotiationInfo, Data: []byte{0}})
	}
	if p.pointFormats {
		sh.Extensions = append(sh.Extensions, extension{Type: extECPointFormats, Data: []byte{1, pointFormatUncompressed}})
	}

	ske := serverKeyExchangeMsg{Curve: p.curve, PublicKey: c.hs.ecdhKey.PublicKey().Bytes(), SignatureAlgorithm: p.signature}
	h := hashFor(p.signature)
	digest := h.New()
	digest.Write(ske.signedData(c.hs.clientRandom[:], c.hs.serverRandom[:]))
	sig, err := ecdsa.SignASN1(c.cfg.Rand, c.cfg.PrivateKey, digest.Sum(nil))
	if err != nil {
		return fail(AlertInternalError, "dtls: signing ServerKeyExchange: %v", err)
	}
	ske.Signature = sig

	cr := certificateRequestMsg{
		CertificateTypes:    []uint8{certTypeECDSASign},
		SignatureAlgorithms: []signatureScheme{ecdsaWithP256AndSHA256, ecdsaWithP384AndSHA384},
	}
	f := &flight{number: 4}
	c.addMessage(f, 0, typeServerHello, sh.marshal())
	c.addMessage(f, 0, typeCertificate, (&certificateMsg{Certificates: c.cfg.Certificate}).marshal())
	c.addMessage(f, 0, typeServerKeyExchange, ske.marshal())
	c.addMessage(f, 0, typeCertificateRequest, cr.marshal())
	c.addMessage(f, 0, typeServerHelloDone, nil)
	c.sendFlight(f, true)
	c.hs.state = stateWaitClientCertificate
	c.log.Info("flight 4 sent", "messages", "ServerHello Certificate ServerKeyExchange CertificateRequest ServerHelloDone",
		"datagrams", len(c.out))
	return nil
}

// addMessage appends one of our handshake messages to a flight and to the
// transcript, giving it the next message_seq.
func (c *Conn) addMessage(f *flight, epoch uint16, typ handshakeType, body []byte) {
	seq := c.hs.sendSeq
	c.hs.sendSeq++
	f.messages = append(f.messages, flightMessage{epoch: epoch, typ: typ, seq: seq, body: body})
	c.hs.transcript = append(c.hs.transcript, marshalHandshake(typ, seq, body)...)
}

// hashFor returns the hash of a signature scheme.
func hashFor(s signatureScheme) crypto.Hash {
	if s == ecdsaWithP384AndSHA384 {
		return crypto.SHA384
	}
	return crypto.SHA256
}

// transcriptHash is Hash(handshake_messages) with the given hash.
func (c *Conn) transcriptHash(h crypto.Hash) []byte {
	d := h.New()
	d.Write(c.hs.transcript)
	return d.Sum(nil)
}

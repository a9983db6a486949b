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
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/x509"
	"fmt"
	"io"
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
	state          serverState         // progress
	helloRecordSeq uint64              // record sequence number of the last ClientHello record, echoed in the HelloVerifyRequest
	params         *negotiated         // choices made from the ClientHello
	suite          *cipherSuite        // params.suite, kept for the exporter
	transcript     []byte              // handshake_messages, RFC 6347 §4.2.6
	clientRandom   [32]byte            // ClientHello.random
	serverRandom   [32]byte            // ServerHello.random
	ecdhKey        *ecdh.PrivateKey    // our ephemeral ECDHE key
	sendSeq        uint16              // message_seq of our next handshake message
	peerCerts      []*x509.Certificate // the client's chain
	peerKey        *ecdsa.PublicKey    // the client's leaf key, checks CertificateVerify
	masterSecret   []byte              // 48 bytes, RFC 7627
	earlyCCS       bool                // the client's CCS arrived before its CertificateVerify
}

// expectedMessage is the only handshake message each state accepts; the
// client's flight 5 must come in RFC 5246 §7.3 order.
var expectedMessage = map[serverState]HandshakeType{
	stateWaitClientHello:       TypeClientHello,
	stateWaitClientCertificate: TypeCertificate,
	stateWaitClientKeyExchange: TypeClientKeyExchange,
	stateWaitCertificateVerify: TypeCertificateVerify,
	stateWaitFinished:          TypeFinished,
}

// handleHandshakeMessage dispatches a reassembled message by state.
func (c *Conn) handleHandshakeMessage(m *HandshakeMessage) error {
	c.log.Debug("handshake message", "type", m.Type, "seq", m.MessageSeq, "epoch", m.Epoch, "len", len(m.Body))
	want, ok := expectedMessage[c.hs.state]
	switch {
	case c.hs.state == stateWaitClientHello && m.Type != TypeClientHello:
		c.rs.resetAnySeq() // stateless: ignore anything but a ClientHello
		return nil
	case c.hs.state == stateEstablished:
		// RFC 5746: we do not renegotiate; a warning-level no_renegotiation
		// is allowed, silence is simpler and also correct.
		return nil
	case !ok || m.Type != want:
		return fail(AlertUnexpectedMessage, "dtls: got %v in state %d", m.Type, c.hs.state)
	case m.Type == TypeFinished && m.Epoch != 1:
		return fail(AlertUnexpectedMessage, "dtls: Finished not protected by epoch 1")
	case m.Type != TypeFinished && m.Epoch != 0:
		return fail(AlertUnexpectedMessage, "dtls: %v in epoch %d", m.Type, m.Epoch)
	}
	switch m.Type {
	case TypeClientHello:
		return c.processClientHello(m)
	case TypeCertificate:
		return c.processClientCertificate(m)
	case TypeClientKeyExchange:
		return c.processClientKeyExchange(m)
	case TypeCertificateVerify:
		return c.processCertificateVerify(m)
	default: // TypeFinished
		return c.processClientFinished(m)
	}
}

// processClientHello answers a ClientHello: with a HelloVerifyRequest while
// its cookie is missing or wrong, with flight 4 once it is right.
func (c *Conn) processClientHello(m *HandshakeMessage) error {
	var ch ClientHello
	if err := ch.Unmarshal(m.Body); err != nil {
		return fail(AlertDecodeError, "%v", err)
	}
	groups, _ := ch.Extension(ExtSupportedGroups)
	gl, _ := parseSupportedGroups(groups)
	srtp, _ := ch.Extension(ExtUseSRTP)
	sl, _, _ := parseUseSRTP(srtp)
	c.log.Info("ClientHello", "version", ch.Version, "seq", m.MessageSeq, "cookie", len(ch.Cookie),
		"suites", len(ch.CipherSuites), "groups", gl, "srtp", sl, "extensions", len(ch.Extensions))
	// DTLS versions count down: 0xfefd (1.2) < 0xfeff (1.0).
	if ch.Version > VersionDTLS12 {
		return fail(AlertProtocolVersion, "dtls: ClientHello: client_version %v is older than DTLS 1.2", ch.Version)
	}
	want := c.cookie(&ch)
	if !hmacEqual(ch.Cookie, want) {
		c.sendHelloVerifyRequest(m.MessageSeq, want)
		return nil
	}
	params, err := c.negotiate(&ch)
	if err != nil {
		return err
	}
	c.hs.params, c.hs.suite = params, params.suite
	c.hs.clientRandom = ch.Random
	c.hs.transcript = append(c.hs.transcript, m.transcriptBytes()...)
	c.hs.sendSeq = m.MessageSeq // RFC 6347 §4.2.2: ServerHello gets the cookie ClientHello's seq
	if _, err := io.ReadFull(c.cfg.Rand, c.hs.serverRandom[:]); err != nil {
		return fail(AlertInternalError, "dtls: server random: %v", err)
	}
	if c.hs.ecdhKey, err = curveFor(params.curve).GenerateKey(c.cfg.Rand); err != nil {
		return fail(AlertInternalError, "dtls: ECDHE key: %v", err)
	}
	c.log.Info("negotiated", "suite", params.suite.name, "group", params.curve,
		"srtp", params.srtpProfile, "ems", true)
	return c.sendServerFlight()
}

// sendHelloVerifyRequest is flight 2, RFC 6347 §4.2.1. It keeps no state:
// the record sequence number and message_seq mirror the ClientHello's
// (§4.2.1: "the server MUST use the record sequence number in the
// ClientHello as the record sequence number in the HelloVerifyRequest"),
// and the reassembler forgets the ClientHello.
func (c *Conn) sendHelloVerifyRequest(seq uint16, cookie []byte) {
	hvr := HelloVerifyRequest{Version: VersionDTLS10, Cookie: cookie}
	body := hvr.Marshal()
	h := RecordHeader{ContentType: ContentHandshake, Version: VersionDTLS12, SequenceNumber: c.hs.helloRecordSeq}
	c.out = append(c.out, (&Record{Header: h, Fragment: marshalHandshake(TypeHelloVerifyRequest, seq, body)}).Marshal(nil))
	c.writeSeq[0] = max(c.writeSeq[0], c.hs.helloRecordSeq+1)
	c.rs.resetAnySeq()
	c.log.Info("HelloVerifyRequest", "cookie", fmt.Sprintf("%x", cookie))
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
	sh := ServerHello{
		Version:     VersionDTLS12,
		Random:      c.hs.serverRandom,
		CipherSuite: p.suite.id,
		Extensions:  []Extension{{Type: ExtExtendedMasterSecret}},
	}
	if p.srtpProfile != 0 {
		sh.Extensions = append(sh.Extensions, Extension{Type: ExtUseSRTP,
			Data: marshalUseSRTP([]SRTPProtectionProfile{p.srtpProfile}, nil)})
	}
	if p.renegotiationInfo {
		sh.Extensions = append(sh.Extensions, Extension{Type: ExtRenegotiationInfo, Data: []byte{0}})
	}
	if p.pointFormats {
		sh.Extensions = append(sh.Extensions, Extension{Type: ExtECPointFormats, Data: []byte{1, pointFormatUncompressed}})
	}

	ske := ServerKeyExchange{Curve: p.curve, PublicKey: c.hs.ecdhKey.PublicKey().Bytes(), SignatureAlgorithm: p.signature}
	h := hashFor(p.signature)
	digest := h.New()
	digest.Write(ske.signedData(c.hs.clientRandom[:], c.hs.serverRandom[:]))
	sig, err := ecdsa.SignASN1(c.cfg.Rand, c.cfg.PrivateKey, digest.Sum(nil))
	if err != nil {
		return fail(AlertInternalError, "dtls: signing ServerKeyExchange: %v", err)
	}
	ske.Signature = sig

	cr := CertificateRequest{
		CertificateTypes:    []uint8{certTypeECDSASign},
		SignatureAlgorithms: []SignatureScheme{ECDSAWithP256AndSHA256, ECDSAWithP384AndSHA384},
	}
	f := &flight{number: 4}
	c.addMessage(f, 0, TypeServerHello, sh.Marshal())
	c.addMessage(f, 0, TypeCertificate, (&Certificate{Certificates: c.cfg.Certificate}).Marshal())
	c.addMessage(f, 0, TypeServerKeyExchange, ske.Marshal())
	c.addMessage(f, 0, TypeCertificateRequest, cr.Marshal())
	c.addMessage(f, 0, TypeServerHelloDone, nil)
	c.sendFlight(f, true)
	c.hs.state = stateWaitClientCertificate
	c.log.Info("flight 4 sent", "messages", "ServerHello Certificate ServerKeyExchange CertificateRequest ServerHelloDone",
		"datagrams", len(c.out))
	return nil
}

// addMessage appends one of our handshake messages to a flight and to the
// transcript, giving it the next message_seq.
func (c *Conn) addMessage(f *flight, epoch uint16, typ HandshakeType, body []byte) {
	seq := c.hs.sendSeq
	c.hs.sendSeq++
	f.messages = append(f.messages, flightMessage{epoch: epoch, typ: typ, seq: seq, body: body})
	c.hs.transcript = append(c.hs.transcript, marshalHandshake(typ, seq, body)...)
}

// hashFor returns the hash of a signature scheme.
func hashFor(s SignatureScheme) crypto.Hash {
	if s == ECDSAWithP384AndSHA384 {
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

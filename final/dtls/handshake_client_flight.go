package dtls

// Reading the client's flight 5 and answering with flight 6, RFC 5246
// §7.4.6–§7.4.9 with RFC 6347 §4.2.6.
//
//	Certificate          the client's chain: parsed, then handed to
//	                     Config.VerifyPeerCertificate (the SDP fingerprint)
//	ClientKeyExchange    its ECDHE public key: pre-master secret, then the
//	                     extended master secret and the epoch-1 keys
//	CertificateVerify    its signature over the transcript so far: proves
//	                     it holds the certificate's key
//	[ChangeCipherSpec]   conn.go switches the read side to epoch 1
//	Finished             verify_data over the transcript: proves it derived
//	                     the same keys and saw the same messages
//
// Each failed check sends the alert RFC 5246 §7.2.2 names for it.

import (
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/x509"
	"fmt"
)

// hmacEqual compares secrets in constant time.
func hmacEqual(a, b []byte) bool { return hmac.Equal(a, b) }

// processClientCertificate checks the client's Certificate (RFC 5246
// §7.4.6).
func (c *Conn) processClientCertificate(m *handshakeMessage) error {
	var cm certificateMsg
	if err := cm.unmarshal(m.Body); err != nil {
		return fail(AlertDecodeError, "%v", err)
	}
	if len(cm.Certificates) == 0 {
		// §7.4.6: a server that requires client authentication may answer
		// an empty list with handshake_failure. WebRTC requires it.
		return fail(AlertHandshakeFailure, "dtls: client Certificate: empty")
	}
	var certs []*x509.Certificate
	for _, der := range cm.Certificates {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return fail(AlertBadCertificate, "dtls: client Certificate: %v", err)
		}
		certs = append(certs, cert)
	}
	key, ok := certs[0].PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return fail(AlertUnsupportedCertificate, "dtls: client Certificate: %T key, want ECDSA", certs[0].PublicKey)
	}
	if c.cfg.VerifyPeerCertificate != nil {
		if err := c.cfg.VerifyPeerCertificate(cm.Certificates); err != nil {
			return fail(AlertBadCertificate, "dtls: client Certificate rejected: %w", err)
		}
	}
	c.hs.peerCerts, c.hs.peerKey = certs, key
	c.hs.transcript = append(c.hs.transcript, m.transcriptBytes()...)
	c.hs.state = stateWaitClientKeyExchange
	c.log.Info("client Certificate", "subject", certs[0].Subject.String(), "certs", len(certs))
	return nil
}

// processClientKeyExchange completes ECDHE and derives every key (RFC 8422
// §5.7, RFC 7627 §4, RFC 5246 §6.3).
func (c *Conn) processClientKeyExchange(m *handshakeMessage) error {
	var cke clientKeyExchangeMsg
	if err := cke.unmarshal(m.Body); err != nil {
		return fail(AlertDecodeError, "%v", err)
	}
	peer, err := c.hs.ecdhKey.Curve().NewPublicKey(cke.PublicKey)
	if err != nil {
		return fail(AlertIllegalParameter, "dtls: ClientKeyExchange: %v", err)
	}
	preMaster, err := c.hs.ecdhKey.ECDH(peer)
	if err != nil { // e.g. an x25519 low-order point
		return fail(AlertIllegalParameter, "dtls: ClientKeyExchange: %v", err)
	}
	c.hs.transcript = append(c.hs.transcript, m.transcriptBytes()...)
	suite := c.hs.suite
	sessionHash := c.transcriptHash(suite.hash)
	c.hs.masterSecret = extendedMasterSecret(suite.hash.New, preMaster, sessionHash)
	keys := deriveKeyBlock(suite, c.hs.masterSecret, c.hs.clientRandom[:], c.hs.serverRandom[:])
	if c.readCipher, err = newRecordCipher(keys.clientKey, keys.clientIV); err != nil {
		return fail(AlertInternalError, "dtls: %v", err)
	}
	if c.writeCipher, err = newRecordCipher(keys.serverKey, keys.serverIV); err != nil {
		return fail(AlertInternalError, "dtls: %v", err)
	}
	if c.cfg.KeyLogWriter != nil {
		fmt.Fprintf(c.cfg.KeyLogWriter, "CLIENT_RANDOM %x %x\n", c.hs.clientRandom, c.hs.masterSecret)
	}
	c.hs.state = stateWaitCertificateVerify
	c.log.Info("ClientKeyExchange", "session_hash", fmt.Sprintf("%x", sessionHash))
	return nil
}

// processCertificateVerify checks the client's signature over the
// transcript up to and including ClientKeyExchange (RFC 5246 §7.4.8).
func (c *Conn) processCertificateVerify(m *handshakeMessage) error {
	var cv certificateVerifyMsg
	if err := cv.unmarshal(m.Body); err != nil {
		return fail(AlertDecodeError, "%v", err)
	}
	// §7.4.8: the algorithm must be one the CertificateRequest listed.
	if cv.SignatureAlgorithm != ecdsaWithP256AndSHA256 && cv.SignatureAlgorithm != ecdsaWithP384AndSHA384 {
		return fail(AlertIllegalParameter, "dtls: CertificateVerify: algorithm %v not offered", cv.SignatureAlgorithm)
	}
	digest := c.transcriptHash(hashFor(cv.SignatureAlgorithm))
	if !ecdsa.VerifyASN1(c.hs.peerKey, digest, cv.Signature) {
		return fail(AlertDecryptError, "dtls: CertificateVerify: bad signature")
	}
	c.hs.transcript = append(c.hs.transcript, m.transcriptBytes()...)
	c.hs.state = stateWaitChangeCipherSpec
	c.log.Info("CertificateVerify ok", "algorithm", cv.SignatureAlgorithm)
	if c.hs.earlyCCS {
		return c.activateReadEpoch()
	}
	return nil
}

// processClientFinished checks verify_data (RFC 5246 §7.4.9) and sends
// flight 6.
func (c *Conn) processClientFinished(m *handshakeMessage) error {
	var fin finishedMsg
	if err := fin.unmarshal(m.Body); err != nil {
		return fail(AlertDecodeError, "%v", err)
	}
	suite := c.hs.suite
	want := finishedVerifyData(suite.hash.New, c.hs.masterSecret, labelClientFinished, c.transcriptHash(suite.hash))
	if !hmacEqual(fin.VerifyData, want) {
		return fail(AlertDecryptError, "dtls: client Finished: verify_data mismatch")
	}
	c.hs.transcript = append(c.hs.transcript, m.transcriptBytes()...)
	c.log.Info("client Finished ok")
	c.sendServerFinished()
	return nil
}

// sendServerFinished is flight 6: ChangeCipherSpec in epoch 0, then
// Finished as the first record of epoch 1, in one datagram. No timer: it is
// the last flight (RFC 6347 §4.2.4).
func (c *Conn) sendServerFinished() {
	suite := c.hs.suite
	verify := finishedVerifyData(suite.hash.New, c.hs.masterSecret, labelServerFinished, c.transcriptHash(suite.hash))
	f := &flight{number: 6, messages: []flightMessage{{epoch: 0, ccs: true}}}
	c.addMessage(f, 1, typeFinished, (&finishedMsg{VerifyData: verify}).marshal())
	c.sendFlight(f, false)
	c.writeEpoch = 1
	c.hs.state = stateEstablished
	c.state = ConnectionState{
		Version:              VersionDTLS12,
		CipherSuite:          suite.id,
		Curve:                c.hs.params.curve,
		SRTPProfile:          c.hs.params.srtpProfile,
		PeerCertificates:     c.hs.peerCerts,
		ExtendedMasterSecret: true,
	}
	c.events = append(c.events, HandshakeComplete{State: c.state})
	c.log.Info("handshake complete", "suite", suite.name, "group", c.state.Curve, "srtp", c.state.SRTPProfile)
}

package dtls

// Choosing the parameters of the session from the ClientHello.
//
// Everything here is a pure function of the ClientHello and the Config: the
// cipher suite (RFC 5246 §7.4.1.2), the ECDHE group (RFC 8422 §5.1.1), the
// signature algorithm (RFC 5246 §7.4.1.4.1), the extended master secret
// (RFC 7627 §5.1), secure renegotiation (RFC 5746 §3.6) and the SRTP
// profile (RFC 5764 §4.1.1). Browsers also offer DTLS 1.3 (the
// supported_versions, key_share and psk_key_exchange_modes extensions, the
// TLS_AES_* suites, the X25519MLKEM768 group): a DTLS 1.2 server ignores
// those and the browser falls back to 1.2.

import (
	"crypto/elliptic"
	"slices"
)

// scsvRenegotiation is TLS_EMPTY_RENEGOTIATION_INFO_SCSV, RFC 5746 §3.3:
// a cipher suite value that stands for an empty renegotiation_info.
const scsvRenegotiation = 0x00ff

// serverGroups lists the ECDHE groups we support, preferred first.
var serverGroups = []CurveID{CurveX25519, CurveP256}

// negotiated is the outcome of reading the ClientHello.
type negotiated struct {
	suite             *cipherSuite          // chosen cipher suite
	curve             CurveID               // chosen ECDHE group
	signature         signatureScheme       // how we sign the ServerKeyExchange
	srtpProfile       SRTPProtectionProfile // chosen SRTP profile, 0 if none
	renegotiationInfo bool                  // answer with an empty renegotiation_info
	pointFormats      bool                  // answer with ec_point_formats
}

// negotiate applies every rule to ch, or says which alert to send.
func (c *Conn) negotiate(ch *clientHelloMsg) (*negotiated, error) {
	n := &negotiated{}
	if !slices.Contains(ch.CompressionMethods, 0) {
		return nil, fail(AlertIllegalParameter, "dtls: ClientHello: no null compression method")
	}
	// RFC 7627 §5.2: a server may refuse a handshake without extended
	// master secret; we do, because without it the master secret does not
	// depend on the certificates the SDP fingerprints name.
	if _, ok := ch.extension(extExtendedMasterSecret); !ok {
		return nil, fail(AlertHandshakeFailure, "dtls: ClientHello: no extended_master_secret (RFC 7627 required)")
	}
	if n.suite = pickCipherSuite(ch.CipherSuites); n.suite == nil {
		return nil, fail(AlertHandshakeFailure, "dtls: ClientHello: no common cipher suite")
	}
	data, ok := ch.extension(extSupportedGroups)
	if !ok {
		return nil, fail(AlertHandshakeFailure, "dtls: ClientHello: no supported_groups")
	}
	groups, err := parseSupportedGroups(data)
	if err != nil {
		return nil, fail(AlertDecodeError, "%v", err)
	}
	// RFC 8422 §5.1: an ECDSA suite may be chosen only if the client
	// supports the curve of our certificate's key, too (OpenSSL enforces
	// this on its side).
	if certCurve := c.certificateCurve(); !slices.Contains(groups, certCurve) {
		return nil, fail(AlertHandshakeFailure, "dtls: ClientHello: our certificate's curve %v not in supported_groups %v", certCurve, groups)
	}
	if n.curve = pickCurve(groups); n.curve == 0 {
		return nil, fail(AlertHandshakeFailure, "dtls: ClientHello: no common group in %v", groups)
	}
	if data, ok := ch.extension(extECPointFormats); ok {
		formats, err := parseECPointFormats(data)
		if err != nil {
			return nil, fail(AlertDecodeError, "%v", err)
		}
		if !slices.Contains(formats, pointFormatUncompressed) {
			return nil, fail(AlertIllegalParameter, "dtls: ClientHello: uncompressed points not offered")
		}
		n.pointFormats = true
	}
	if n.signature, err = c.pickSignature(ch); err != nil {
		return nil, err
	}
	if data, ok := ch.extension(extRenegotiationInfo); ok {
		// RFC 5746 §3.6: on an initial handshake it must be empty (a
		// single zero byte: an empty renegotiated_connection).
		if len(data) != 1 || data[0] != 0 {
			return nil, fail(AlertHandshakeFailure, "dtls: ClientHello: non-empty renegotiation_info")
		}
		n.renegotiationInfo = true
	}
	if slices.Contains(ch.CipherSuites, scsvRenegotiation) {
		n.renegotiationInfo = true
	}
	if n.srtpProfile, err = c.pickSRTPProfile(ch); err != nil {
		return nil, err
	}
	return n, nil
}

// pickCipherSuite returns the first of our suites the client offers
// (server preference), or nil.
func pickCipherSuite(offered []uint16) *cipherSuite {
	for _, s := range cipherSuites {
		if slices.Contains(offered, s.id) {
			return s
		}
	}
	return nil
}

// pickCurve returns our most preferred group the client supports, or 0.
func pickCurve(offered []CurveID) CurveID {
	for _, g := range serverGroups {
		if slices.Contains(offered, g) {
			return g
		}
	}
	return 0
}

// certificateCurve is the named group of our certificate's key.
func (c *Conn) certificateCurve() CurveID {
	if c.cfg.PrivateKey != nil && c.cfg.PrivateKey.Curve == elliptic.P384() {
		return CurveP384
	}
	return CurveP256
}

// pickSignature chooses how to sign the ServerKeyExchange: the scheme
// matching our key's curve, which the client must list in
// signature_algorithms. RFC 5246 §7.4.1.4.1: without the extension the
// client supports only SHA-1, which we do not sign with.
func (c *Conn) pickSignature(ch *clientHelloMsg) (signatureScheme, error) {
	want := ecdsaWithP256AndSHA256
	if c.certificateCurve() == CurveP384 {
		want = ecdsaWithP384AndSHA384
	}
	data, ok := ch.extension(extSignatureAlgorithms)
	if !ok {
		return 0, fail(AlertHandshakeFailure, "dtls: ClientHello: no signature_algorithms")
	}
	algs, err := parseSignatureAlgorithms(data)
	if err != nil {
		return 0, fail(AlertDecodeError, "%v", err)
	}
	if !slices.Contains(algs, want) {
		return 0, fail(AlertHandshakeFailure, "dtls: ClientHello: %v not in signature_algorithms", want)
	}
	return want, nil
}

// pickSRTPProfile chooses the SRTP profile by server preference (RFC 5764
// §4.1.1: "the server MUST select a profile that it supports from the
// client's list"). With no Config.SRTPProfiles, use_srtp is ignored;
// otherwise a handshake that cannot agree on SRTP is useless to WebRTC and
// fails.
func (c *Conn) pickSRTPProfile(ch *clientHelloMsg) (SRTPProtectionProfile, error) {
	if len(c.cfg.SRTPProfiles) == 0 {
		return 0, nil
	}
	data, ok := ch.extension(extUseSRTP)
	if !ok {
		return 0, fail(AlertHandshakeFailure, "dtls: ClientHello: no use_srtp")
	}
	offered, _, err := parseUseSRTP(data)
	if err != nil {
		return 0, fail(AlertDecodeError, "%v", err)
	}
	for _, p := range c.cfg.SRTPProfiles {
		if slices.Contains(offered, p) {
			return p, nil
		}
	}
	return 0, fail(AlertHandshakeFailure, "dtls: ClientHello: no common SRTP profile in %v", offered)
}

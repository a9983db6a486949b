package dtls

// ServerKeyExchange for ECDHE, RFC 8422 §5.4, signed as in RFC 5246
// §4.7 and §7.4.3.
//
//	struct {
//	    ECCurveType    curve_type;       // named_curve (3)
//	    NamedCurve     namedcurve;
//	} ECParameters;
//
//	struct {
//	    ECParameters    curve_params;
//	    ECPoint         public;          // opaque point <1..2^8-1>
//	} ServerECDHParams;
//
//	struct {
//	    ServerECDHParams    params;
//	    digitally-signed struct {
//	        opaque client_random[32];
//	        opaque server_random[32];
//	        ServerECDHParams params;
//	    } signed_params;
//	} ServerKeyExchange;
//
// In TLS 1.2 "digitally-signed" is the SignatureAndHashAlgorithm followed by
// opaque signature<0..2^16-1> (§4.7). Signing the two randoms binds the
// ephemeral key to this handshake; signing with the certificate's key binds
// it to the certificate the SDP fingerprint names.

import (
	"errors"
	"fmt"
)

// curveTypeNamedCurve is ECCurveType named_curve, the only one left in
// RFC 8422 §5.4.
const curveTypeNamedCurve = 3

// serverKeyExchangeMsg carries the server's ephemeral ECDH public key and its
// signature.
type serverKeyExchangeMsg struct {
	Curve              CurveID         // namedcurve
	PublicKey          []byte          // ECPoint: x25519 u-coordinate or uncompressed P-256 point
	SignatureAlgorithm signatureScheme // hash and signature algorithm used
	Signature          []byte          // ASN.1 ECDSA signature over randoms || params
}

// params returns the ServerECDHParams bytes, the part that is signed.
func (m *serverKeyExchangeMsg) params() []byte {
	b := []byte{curveTypeNamedCurve}
	b = appendU16(b, uint16(m.Curve))
	return appendVec(b, 1, m.PublicKey)
}

// signedData is what the signature covers: client_random || server_random
// || ServerECDHParams.
func (m *serverKeyExchangeMsg) signedData(clientRandom, serverRandom []byte) []byte {
	b := append([]byte(nil), clientRandom...)
	b = append(b, serverRandom...)
	return append(b, m.params()...)
}

// marshal encodes the body.
func (m *serverKeyExchangeMsg) marshal() []byte {
	b := m.params()
	b = appendU16(b, uint16(m.SignatureAlgorithm))
	return appendVec(b, 2, m.Signature)
}

// unmarshal decodes the body.
func (m *serverKeyExchangeMsg) unmarshal(body []byte) error {
	r := newReader(body)
	curveType := r.u8()
	m.Curve = CurveID(r.u16())
	m.PublicKey = r.vec(1)
	m.SignatureAlgorithm = signatureScheme(r.u16())
	m.Signature = r.vec(2)
	if !r.empty() || curveType != curveTypeNamedCurve || len(m.PublicKey) == 0 {
		return errors.New("dtls: ServerKeyExchange: malformed")
	}
	return nil
}

func (m *serverKeyExchangeMsg) String() string {
	return fmt.Sprintf("ServerKeyExchange curve=%v public=%d bytes signature=%v (%d bytes)",
		m.Curve, len(m.PublicKey), m.SignatureAlgorithm, len(m.Signature))
}

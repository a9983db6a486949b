package dtls

// CertificateVerify, RFC 5246 §7.4.8, with the DTLS transcript of RFC 6347
// §4.2.6.
//
//	struct {
//	     digitally-signed struct {
//	         opaque handshake_messages[handshake_messages_length];
//	     }
//	} CertificateVerify;
//
// The client proves it holds the private key of its certificate by signing
// every handshake message so far (from the cookie ClientHello up to and
// including ClientKeyExchange), each in its unfragmented DTLS form.

import (
	"errors"
	"fmt"
)

// certificateVerifyMsg carries the client's signature over the transcript.
type certificateVerifyMsg struct {
	SignatureAlgorithm signatureScheme // one of those the CertificateRequest listed
	Signature          []byte          // ASN.1 ECDSA signature
}

// marshal encodes the body.
func (m *certificateVerifyMsg) marshal() []byte {
	b := appendU16(nil, uint16(m.SignatureAlgorithm))
	return appendVec(b, 2, m.Signature)
}

// unmarshal decodes the body.
func (m *certificateVerifyMsg) unmarshal(body []byte) error {
	r := newReader(body)
	m.SignatureAlgorithm = signatureScheme(r.u16())
	m.Signature = r.vec(2)
	if !r.empty() || len(m.Signature) == 0 {
		return errors.New("dtls: CertificateVerify: malformed")
	}
	return nil
}

func (m *certificateVerifyMsg) String() string {
	return fmt.Sprintf("CertificateVerify %v signature=%d bytes", m.SignatureAlgorithm, len(m.Signature))
}

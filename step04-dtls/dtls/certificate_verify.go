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

// CertificateVerify carries the client's signature over the transcript.
type CertificateVerify struct {
	SignatureAlgorithm SignatureScheme // one of those the CertificateRequest listed
	Signature          []byte          // ASN.1 ECDSA signature
}

// Marshal encodes the body.
func (m *CertificateVerify) Marshal() []byte {
	b := appendU16(nil, uint16(m.SignatureAlgorithm))
	return appendVec(b, 2, m.Signature)
}

// Unmarshal decodes the body.
func (m *CertificateVerify) Unmarshal(body []byte) error {
	r := newReader(body)
	m.SignatureAlgorithm = SignatureScheme(r.u16())
	m.Signature = r.vec(2)
	if !r.empty() || len(m.Signature) == 0 {
		return errors.New("dtls: CertificateVerify: malformed")
	}
	return nil
}

func (m *CertificateVerify) String() string {
	return fmt.Sprintf("CertificateVerify %v signature=%d bytes", m.SignatureAlgorithm, len(m.Signature))
}

package dtls

// CertificateRequest, RFC 5246 §7.4.4.
//
//	struct {
//	    ClientCertificateType certificate_types<1..2^8-1>;
//	    SignatureAndHashAlgorithm
//	      supported_signature_algorithms<2^16-1>;
//	    DistinguishedName certificate_authorities<0..2^16-1>;
//	} CertificateRequest;
//
// WebRTC needs the browser's certificate: its fingerprint is in the SDP and
// is the only thing that ties the DTLS peer to the signalling peer. So the
// server always asks, for an ECDSA certificate (ecdsa_sign, RFC 8422 §5.5)
// and names no certificate authorities.

import (
	"errors"
	"fmt"
)

// certTypeECDSASign is ClientCertificateType ecdsa_sign, RFC 8422 §5.5.
const certTypeECDSASign = 64

// certificateRequestMsg asks the client for its certificate.
type certificateRequestMsg struct {
	CertificateTypes       []uint8           // certificate_types: ecdsa_sign (64)
	SignatureAlgorithms    []signatureScheme // algorithms the CertificateVerify may use
	CertificateAuthorities [][]byte          // DER distinguished names; empty: any
}

// marshal encodes the body.
func (m *certificateRequestMsg) marshal() []byte {
	b := appendVec(nil, 1, m.CertificateTypes)
	b = appendU16List(b, m.SignatureAlgorithms)
	var cas []byte
	for _, ca := range m.CertificateAuthorities {
		cas = appendVec(cas, 2, ca)
	}
	return appendVec(b, 2, cas)
}

// unmarshal decodes the body.
func (m *certificateRequestMsg) unmarshal(body []byte) error {
	r := newReader(body)
	m.CertificateTypes = r.vec(1)
	algs := newReader(r.vec(2))
	cas := newReader(r.vec(2))
	if !r.empty() || len(m.CertificateTypes) == 0 || len(algs.b) == 0 || len(algs.b)%2 != 0 {
		return errors.New("dtls: CertificateRequest: malformed")
	}
	m.SignatureAlgorithms = nil
	for len(algs.b) > 0 {
		m.SignatureAlgorithms = append(m.SignatureAlgorithms, signatureScheme(algs.u16()))
	}
	m.CertificateAuthorities = nil
	for cas.ok && len(cas.b) > 0 {
		m.CertificateAuthorities = append(m.CertificateAuthorities, cas.vec(2))
	}
	if !cas.ok {
		return errors.New("dtls: CertificateRequest: truncated authorities")
	}
	return nil
}

func (m *certificateRequestMsg) String() string {
	return fmt.Sprintf("CertificateRequest types=%v algorithms=%v authorities=%d",
		m.CertificateTypes, m.SignatureAlgorithms, len(m.CertificateAuthorities))
}

package dtls

// Certificate, RFC 5246 §7.4.2 (server) and §7.4.6 (client).
//
//	opaque ASN.1Cert<1..2^24-1>;
//
//	struct {
//	    ASN.1Cert certificate_list<0..2^24-1>;
//	} Certificate;
//
// WebRTC certificates are self-signed: nobody checks a chain. What
// authenticates the peer is the SHA-256 fingerprint of its leaf, which came
// in the SDP (RFC 8122); Config.VerifyPeerCertificate compares them.

import (
	"errors"
	"fmt"
)

// certificateMsg carries a DER certificate chain, leaf first.
type certificateMsg struct {
	Certificates [][]byte // DER certificates, the sender's own first
}

// marshal encodes the body.
func (m *certificateMsg) marshal() []byte {
	var list []byte
	for _, c := range m.Certificates {
		list = appendVec(list, 3, c)
	}
	return appendVec(nil, 3, list)
}

// unmarshal decodes the body.
func (m *certificateMsg) unmarshal(body []byte) error {
	r := newReader(body)
	list := newReader(r.vec(3))
	if !r.empty() {
		return errors.New("dtls: Certificate: malformed")
	}
	m.Certificates = nil
	for list.ok && len(list.b) > 0 {
		c := list.vec(3)
		if len(c) == 0 {
			return errors.New("dtls: Certificate: empty or truncated certificate")
		}
		m.Certificates = append(m.Certificates, c)
	}
	if !list.ok {
		return errors.New("dtls: Certificate: truncated")
	}
	return nil
}

func (m *certificateMsg) String() string {
	n := 0
	for _, c := range m.Certificates {
		n += len(c)
	}
	return fmt.Sprintf("Certificate certs=%d bytes=%d", len(m.Certificates), n)
}

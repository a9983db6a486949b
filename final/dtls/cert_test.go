package dtls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"time"
)

// NewCertificate makes a self-signed ECDSA P-256 certificate, the kind
// WebRTC endpoints use (RFC 8827 §6.5). The real program makes its own
// elsewhere; tests use this one.
func NewCertificate(rand io.Reader, now time.Time) (der []byte, key *ecdsa.PrivateKey, err error) {
	key, err = ecdsa.GenerateKey(elliptic.P256(), rand)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: "WebRTC"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(30 * 24 * time.Hour),
	}
	der, err = x509.CreateCertificate(rand, tmpl, tmpl, &key.PublicKey, key)
	return der, key, err
}

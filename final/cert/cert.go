// Package cert makes the server's DTLS certificate. WebRTC does not use
// certificate authorities: each side sends a self-signed certificate in the
// DTLS handshake, and the hash of it travels in the SDP (a=fingerprint), over
// the signaling channel the browser already trusts (RFC 8827 §6.5). So the
// server makes a fresh key and certificate at start, in memory, and puts its
// fingerprint in every offer.
package cert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"
)

// Certificate is the server's identity for DTLS.
type Certificate struct {
	DER        []byte            // the X.509 certificate, as sent in the DTLS Certificate message
	PrivateKey *ecdsa.PrivateKey // its ECDSA P-256 key, which signs the ServerKeyExchange
}

// Generate makes a self-signed ECDSA P-256 certificate valid from a day ago
// (clocks differ) for 30 days. Browsers check only its fingerprint.
func Generate(now time.Time) (*Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("cert: key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, fmt.Errorf("cert: serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:       serial,
		Subject:            pkix.Name{CommonName: "WebRTC Nuts and Bolts"},
		NotBefore:          now.Add(-24 * time.Hour),
		NotAfter:           now.Add(30 * 24 * time.Hour),
		SignatureAlgorithm: x509.ECDSAWithSHA256,
		KeyUsage:           x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("cert: %w", err)
	}
	return &Certificate{DER: der, PrivateKey: key}, nil
}

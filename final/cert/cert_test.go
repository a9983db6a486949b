package cert

import (
	"crypto/ecdsa"
	"crypto/x509"
	"testing"
	"time"
)

func TestGenerate(t *testing.T) {
	now := time.Now()
	c, err := Generate(now)
	if err != nil {
		t.Fatal(err)
	}
	x, err := x509.ParseCertificate(c.DER)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.CheckSignature(x.SignatureAlgorithm, x.RawTBSCertificate, x.Signature); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
	pub, ok := x.PublicKey.(*ecdsa.PublicKey)
	if !ok || !pub.Equal(&c.PrivateKey.PublicKey) || pub.Curve.Params().Name != "P-256" {
		t.Errorf("public key %T does not belong to the private key", x.PublicKey)
	}
	if now.Before(x.NotBefore) || now.After(x.NotAfter) {
		t.Errorf("not valid now: %v..%v", x.NotBefore, x.NotAfter)
	}
	c2, _ := Generate(now)
	if string(c2.DER) == string(c.DER) {
		t.Error("two certificates are identical")
	}
}

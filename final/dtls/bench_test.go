package dtls

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"testing"
	"time"
)

// BenchmarkHandshake runs whole handshakes in memory and times the server's
// calls only (Handle and PollTransmit); the test client's work is timed
// separately and reported as client-ms/op.
func BenchmarkHandshake(b *testing.B) {
	for _, tc := range []struct {
		suite uint16
		curve CurveID
	}{
		{TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveX25519},
		{TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CurveP256},
		{TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CurveX25519},
	} {
		b.Run(fmt.Sprintf("%s/%v", CipherSuiteName(tc.suite), tc.curve), func(b *testing.B) {
			cfg := testConfig(b)
			var server, client time.Duration
			b.ResetTimer()
			for range b.N {
				srv := Server(cfg)
				start := time.Now()
				cl := newTestClient(b, tc.suite, tc.curve)
				dgs := cl.helloDatagrams()
				client += time.Since(start)
				for i := 0; i < 4 && !cl.done; i++ {
					start = time.Now()
					out := feed(srv, t0, dgs)
					server += time.Since(start)
					start = time.Now()
					var err error
					if dgs, err = cl.receive(out); err != nil {
						b.Fatal(err)
					}
					client += time.Since(start)
				}
				if !cl.done {
					b.Fatal("handshake failed")
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/server.Seconds(), "server-handshakes/s")
			b.ReportMetric(float64(server.Microseconds())/float64(b.N)/1000, "server-ms/op")
			b.ReportMetric(float64(client.Microseconds())/float64(b.N)/1000, "client-ms/op")
		})
	}
}

// BenchmarkBaseline is the public-key floor of one server handshake: one
// ECDSA P-256 signature (ServerKeyExchange) and one x25519 key generation
// plus ECDH; "with-verify" adds the ECDSA verification of the client's
// CertificateVerify and the x509 parsing of its certificate, which the
// server must also do.
func BenchmarkBaseline(b *testing.B) {
	_, key, err := NewCertificate(rand.Reader, t0)
	if err != nil {
		b.Fatal(err)
	}
	der, ckey, _ := clientCert()
	peer, _ := ecdh.X25519().GenerateKey(rand.Reader)
	digest := sha256.Sum256([]byte("transcript"))
	csig, _ := ecdsa.SignASN1(rand.Reader, ckey, digest[:])
	floor := func(b *testing.B, verify bool) {
		for range b.N {
			if _, err := ecdsa.SignASN1(rand.Reader, key, digest[:]); err != nil {
				b.Fatal(err)
			}
			k, _ := ecdh.X25519().GenerateKey(rand.Reader)
			if _, err := k.ECDH(peer.PublicKey()); err != nil {
				b.Fatal(err)
			}
			if verify {
				cert, _ := x509.ParseCertificate(der)
				if !ecdsa.VerifyASN1(cert.PublicKey.(*ecdsa.PublicKey), digest[:], csig) {
					b.Fatal("verify")
				}
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	}
	b.Run("sign+x25519", func(b *testing.B) { floor(b, false) })
	b.Run("sign+x25519+verify", func(b *testing.B) { floor(b, true) })
}

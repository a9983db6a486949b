// Package srtp protects RTP and RTCP: Secure RTP (RFC 3711) with the
// AES-CM + HMAC-SHA1 transforms, AES-GCM for SRTP (RFC 7714), and the
// master keys that DTLS-SRTP exports (RFC 5764 §4.2).
//
// WebRTC media never travels in the clear. Once the DTLS handshake on a
// candidate pair is complete, both ends export keying material, split it
// into a client and a server master key and salt, and derive session keys
// from each. Every RTP packet then carries an encrypted payload and an
// authentication tag, and every RTCP packet an encrypted body, an explicit
// index and a tag.
//
// The package is sans-IO: it holds no sockets, goroutines or clock. The
// program hands it datagrams:
//
//	km, _ := conn.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, p.KeyingMaterialLen())
//	client, server, _ := srtp.SplitKeyingMaterial(p, km)
//	in, _ := srtp.NewContext(p, client)  // the browser (DTLS client) sends with these
//	out, _ := srtp.NewContext(p, server) // we send with these
//
//	rtp, err := in.DecryptRTP(datagram)    // in place; err is an srtp.Error
//	rtcp, err := in.DecryptRTCP(datagram)
//	pkt, err := out.EncryptRTCP(buf[:0], pli)
//
// Files, in reading order:
//
//	profile.go    the protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2)
//	keys.go       splitting the exporter output (RFC 5764 §4.2)
//	kdf.go        session keys (RFC 3711 §4.3, RFC 7714 §11)
//	transform.go  AES-CM, HMAC-SHA1, GCM IVs (RFC 3711 §4.1.1, §4.2; RFC 7714 §8.1, §9.1)
//	header.go     the RTP header length (RFC 3550 §5.1, §5.3.1)
//	index.go      the rollover counter (RFC 3711 §3.3.1, Appendix A)
//	replay.go     the replay list (RFC 3711 §3.3.2)
//	context.go    cryptographic contexts and per-SSRC state (RFC 3711 §3.2)
//	srtp.go       SRTP (RFC 3711 §3.1, §3.3; RFC 7714 §8)
//	srtcp.go      SRTCP (RFC 3711 §3.4; RFC 7714 §9)
//	errors.go     why packets are refused, and the counters
package srtp

// Package dtls is a DTLS 1.2 server (RFC 6347 over RFC 5246), written on the
// Go standard library for WebRTC: it completes the handshake with a
// browser, checks the browser's certificate against the SDP fingerprint,
// and exports the keys that SRTP needs (RFC 5764). In final it also has a
// small client (client.go), whose only peer is this server: the load
// generator plays browsers with it.
//
// # Scope
//
// Only what a WebRTC server needs, and all of it:
//
//   - the full handshake with a stateless cookie (HelloVerifyRequest) and a
//     required client certificate; no resumption, no renegotiation;
//   - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 and _AES_256_GCM_SHA384,
//     over x25519 or P-256, with an ECDSA P-256 certificate;
//   - the extended master secret (RFC 7627), required;
//   - use_srtp (RFC 5764) and the RFC 5705 exporter;
//   - DTLS 1.3 offers from browsers are ignored: 1.2 is negotiated.
//
// # Sans-IO
//
// A Conn has no socket, clock or goroutine. The program's UDP loop routes
// the client's DTLS datagrams (first byte 20–63, RFC 7983) to
// Conn.Handle with their source address, calls Conn.HandleTimeout when
// Conn.PollTimeout says so, sends what Conn.PollTransmit returns to the
// address it names and reads Conn.PollEvent:
//
//	conn := dtls.Server(cfg)
//	for {
//		// ... wait for a datagram or the deadline from conn.PollTimeout()
//		conn.Handle(now, from, datagram) // or conn.HandleTimeout(now)
//		for tx, ok := conn.PollTransmit(); ok; tx, ok = conn.PollTransmit() {
//			sock.WriteToUDPAddrPort(tx.Data, tx.To)
//		}
//		for ev, ok := conn.PollEvent(); ok; ev, ok = conn.PollEvent() {
//			switch ev := ev.(type) {
//			case dtls.HandshakeComplete: // ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, n)
//			case dtls.ApplicationData:
//			case dtls.Closed: // ev.Err says why
//			}
//		}
//	}
//
// The source address matters: the cookie binds it (RFC 6347 §4.2.1).
// A HelloVerifyRequest goes back to whoever sent the ClientHello; the
// ClientHello that returns a valid cookie makes its source the peer, and
// everything after it goes to the peer only, while datagrams from other
// addresses are dropped. Once the handshake is complete, Conn.SetRemote
// moves the association to the pair ICE selected.
//
// # Hostile input
//
// Datagrams are easy to forge, and records of epoch 0 are not
// authenticated (RFC 6347 §4.1.2.7), so the server discards what does not
// fit instead of failing: until a ClientHello with a valid cookie arrives
// it is stateless, an out-of-order plaintext message is dropped, a
// plaintext record enters the replay window only once it moved the
// handshake forward, a retransmission by the peer makes it resend its
// flight at most once per retransmission interval, and reassembly work is
// linear in the bytes received. Alerts are sent only for failures inside a
// handshake whose cookie was verified.
//
// # Reading order
//
// The files follow the layers of the protocol, bottom up:
//
//	wire.go                 the TLS presentation language: vectors and integers
//	record.go, replay.go    the record layer (RFC 6347 §4.1) and anti-replay (§4.1.2.6)
//	cipher.go               AES-GCM record protection (RFC 5288, RFC 5246 §6.2.3.3)
//	handshake.go            the handshake header (RFC 6347 §4.2.2)
//	reassembler.go          fragment reassembly (§4.2.3)
//	client_hello.go …       one file per message, each with marshal/unmarshal/String
//	extensions.go, srtp.go  hello extensions and use_srtp
//	prf.go                  PRF, extended master secret, key block, Finished, exporter
//	flight.go               flights and retransmission (§4.2.4)
//	handshake_server.go     the server's handshake, top-down in flight order
//	negotiate.go            choosing suite, group, signature, SRTP profile
//	handshake_client_flight.go  checking flight 5, sending flight 6
//	cookie.go               stateless cookies (§4.2.1)
//	conn.go                 the sans-IO Conn: receive path and the Poll methods
//	config.go               Config, ConnectionState, events
//	client.go               the client side (final): ClientConn, flights 1, 3, 5
package dtls

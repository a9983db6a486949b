package main

// This file lets OpenSSL play the browser's DTLS client. The server accepts
// DTLS only from an address that passed ICE (a valid pair), and only with
// the certificate whose fingerprint the answer carried. So the relay
// listens on a local address for `openssl s_client`, sends what OpenSSL
// sends to the server from the socket ICE validated, and sends what comes
// back from the server to OpenSSL; the certificate and key of the answer
// are written to files for OpenSSL's -cert and -key.

import (
	"cmp"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"nutsandbolts/final/cert"
)

// relay carries DTLS between OpenSSL and the server.
type relay struct {
	p       *printer
	local   *net.UDPConn   // where OpenSSL sends; nil until start
	ice     *net.UDPConn   // the socket of the selected pair: what the server accepts DTLS from
	client  netip.AddrPort // OpenSSL's address, from its last datagram
	tempDir string         // holds the certificate files unless -cert and -key named others; removed at the end
	done    bool           // the server's ChangeCipherSpec has gone to OpenSSL
}

// start writes the certificate files, listens on opt.relay and prints the
// command that runs OpenSSL against it.
func (r *relay) start(opt options, c *cert.Certificate) error {
	certFile, keyFile := opt.certFile, opt.keyFile
	if certFile == "" || keyFile == "" {
		dir, err := os.MkdirTemp("", "playbrowser-")
		if err != nil {
			return err
		}
		r.tempDir = dir
		certFile = cmp.Or(certFile, filepath.Join(dir, "cert.pem"))
		keyFile = cmp.Or(keyFile, filepath.Join(dir, "key.pem"))
	}
	if err := writePEM(c, certFile, keyFile); err != nil {
		return err
	}
	addr, err := net.ResolveUDPAddr("udp", opt.relay)
	if err == nil {
		r.local, err = net.ListenUDP("udp", addr)
	}
	if err != nil {
		return fmt.Errorf("-dtls-relay %s: %w", opt.relay, err)
	}
	r.p.printf("DTLS relay listening on %v; the answer's certificate is in %s, its key in %s", r.local.LocalAddr(), certFile, keyFile)
	r.p.printf("run in another terminal:\n\n    openssl %s\n", strings.Join(quote(opensslArgs(r.local.LocalAddr().String(), certFile, keyFile)), " "))
	return nil
}

// opensslArgs is the s_client command line: DTLS 1.2, the certificate of
// the answer (the server asks for one and checks its fingerprint), an MTU
// like the server's, and use_srtp, without which the server refuses the
// handshake (RFC 5764 §4.1.1: WebRTC keys SRTP from DTLS).
func opensslArgs(addr, certFile, keyFile string) []string {
	return []string{"s_client", "-dtls1_2", "-connect", addr,
		"-cert", certFile, "-key", keyFile, "-mtu", "1200",
		"-use_srtp", "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"}
}

// writePEM writes the certificate and its ECDSA key in the PEM forms
// OpenSSL reads, the key readable by the owner only.
func writePEM(c *cert.Certificate, certFile, keyFile string) error {
	key, err := x509.MarshalECPrivateKey(c.PrivateKey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER}), 0o644); err != nil {
		return err
	}
	return os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: key}), 0o600)
}

// fromClient sends a datagram from OpenSSL to the server.
func (r *relay) fromClient(d datagram, server netip.AddrPort) {
	if d.from != r.client {
		r.p.printf("OpenSSL at %v: relaying its datagrams to the server %v", d.from, server)
		r.client = d.from
	}
	r.p.printf("openssl → server  %d bytes: %s", len(d.data), records(d.data))
	if _, err := r.ice.WriteToUDPAddrPort(d.data, server); err != nil {
		r.p.printf("cannot send to %v: %v", server, err)
	}
}

// fromServer sends a DTLS datagram from the server to OpenSSL. It reports
// true the first time it carries the server's ChangeCipherSpec: flight 6,
// which the server sends only once it has checked the client's Finished
// (RFC 6347 §4.2.4). A browser then reports its connection "connected".
// Before OpenSSL has sent anything the datagram is dropped.
func (r *relay) fromServer(d datagram) bool {
	if !r.client.IsValid() {
		r.p.printf("← %v  DTLS, %d bytes, and no OpenSSL to give it to: ignored", d.from, len(d.data))
		return false
	}
	r.p.printf("server → openssl  %d bytes: %s", len(d.data), records(d.data))
	if _, err := r.local.WriteToUDPAddrPort(d.data, r.client); err != nil {
		r.p.printf("cannot send to OpenSSL at %v: %v", r.client, err)
	}
	if !r.done && d.data[0] == 20 {
		r.done = true
		return true
	}
	return false
}

// close stops the relay and removes the temporary files.
func (r *relay) close() {
	if r.local != nil {
		r.local.Close()
	}
	if r.tempDir != "" {
		os.RemoveAll(r.tempDir)
	}
}

// records names the DTLS records of a datagram. RFC 6347 §4.1: each has a
// 13-byte header, type(1) version(2) epoch(2) sequence_number(6)
// length(2). In a plaintext handshake record (epoch 0) the first byte of
// the body is the handshake message type (§4.2.2); from epoch 1 on the
// records are encrypted and only their type shows.
func records(b []byte) string {
	var names []string
	for len(b) >= 13 {
		typ, epoch := b[0], binary.BigEndian.Uint16(b[3:5])
		n := min(int(binary.BigEndian.Uint16(b[11:13])), len(b)-13)
		name := contentTypes[typ]
		if name == "" {
			name = fmt.Sprintf("type %d", typ)
		}
		switch {
		case epoch > 0:
			name += " (encrypted)"
		case typ == 22 && n > 0 && handshakeTypes[b[13]] != "":
			name += " " + handshakeTypes[b[13]]
		}
		names = append(names, name)
		b = b[13+n:]
	}
	return strings.Join(names, ", ")
}

// contentTypes and handshakeTypes name the values of RFC 5246 §6.2.1 and
// §7.4, and RFC 6347 §4.2.1 (HelloVerifyRequest).
var (
	contentTypes   = map[byte]string{20: "ChangeCipherSpec", 21: "Alert", 22: "Handshake", 23: "ApplicationData"}
	handshakeTypes = map[byte]string{1: "ClientHello", 2: "ServerHello", 3: "HelloVerifyRequest", 11: "Certificate",
		12: "ServerKeyExchange", 13: "CertificateRequest", 14: "ServerHelloDone", 15: "CertificateVerify",
		16: "ClientKeyExchange", 20: "Finished"}
)

// quote writes arguments for a POSIX shell: one with a character the shell
// would interpret (a space in a path, say) goes in single quotes.
func quote(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if strings.ContainsFunc(a, needsQuote) {
			out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return out
}

func needsQuote(c rune) bool {
	return !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.ContainsRune("+-./:=@_,", c))
}

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"nutsandbolts/final/config"
)

// Browsers give a page the camera only in a secure context: https, or
// http from localhost (W3C Secure Contexts §3.1; getUserMedia is [SecureContext]).
// To use a phone on the same network as the camera, the page must come
// over https. -https serves it with the files given by -cert and -key, or
// with a self-signed certificate made at start for every name and address
// of this machine: the phone's browser warns once ("not private"), and the
// log prints the certificate's SHA-256 so the user can compare it with
// what the browser shows before going on.
//
// The media needs none of this: DTLS has its own certificate, checked by
// the fingerprint in the SDP (cert package, RFC 8827 §6.5).

// httpsConfig returns the TLS configuration for -https and a description
// of its certificate for the log.
func httpsConfig(cfg *config.Config, addrs []netip.Addr, now time.Time) (*tls.Config, string, error) {
	var c tls.Certificate
	var err error
	if cfg.Cert != "" {
		if c, err = tls.LoadX509KeyPair(cfg.Cert, cfg.Key); err != nil {
			return nil, "", fmt.Errorf("https: %w", err)
		}
	} else if c, err = selfSigned(addrs, now); err != nil {
		return nil, "", err
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		return nil, "", fmt.Errorf("https: %w", err)
	}
	sum := sha256.Sum256(leaf.Raw)
	desc := fmt.Sprintf("%s, SHA-256 %X", strings.Join(append(leaf.DNSNames, ipStrings(leaf.IPAddresses)...), " "), sum)
	return &tls.Config{Certificates: []tls.Certificate{c}, MinVersion: tls.VersionTLS12}, desc, nil
}

// selfSigned makes a certificate for localhost, this machine's name and
// addrs, valid for 30 days from a day ago.
func selfSigned(addrs []netip.Addr, now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return tls.Certificate{}, err
	}
	names := []string{"localhost"}
	if h, err := os.Hostname(); err == nil && h != "" && h != "localhost" {
		names = append(names, h)
	}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	for _, a := range addrs {
		if !a.IsLoopback() {
			ips = append(ips, net.IP(a.AsSlice()))
		}
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "WebRTC Nuts and Bolts (self-signed)"},
		NotBefore:    now.Add(-24 * time.Hour),
		NotAfter:     now.Add(30 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     names,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("https: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

func ipStrings(ips []net.IP) []string {
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = ip.String()
	}
	return out
}

// lanURLs are the addresses a phone on the same network can open: one
// per non-loopback address of this machine, when the page listens on all
// of them.
func lanURLs(scheme string, listen net.Addr, addrs []netip.Addr) []string {
	host, port, _ := net.SplitHostPort(listen.String())
	if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() {
		return nil
	}
	var out []string
	for _, a := range addrs {
		if a.IsLoopback() || a.IsLinkLocalUnicast() {
			continue
		}
		out = append(out, scheme+"://"+net.JoinHostPort(a.String(), port))
	}
	return out
}

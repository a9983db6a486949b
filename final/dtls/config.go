package dtls

// Configuration, negotiated state and events: what the program sees of a
// Conn.

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Config configures a DTLS server. One Config may serve many Conns; a Conn
// copies it and never modifies it.
type Config struct {
	// Certificate is our DER certificate chain, leaf first (ECDSA P-256,
	// self-signed in WebRTC).
	Certificate [][]byte
	// PrivateKey is the leaf's key; it signs the ServerKeyExchange.
	PrivateKey *ecdsa.PrivateKey
	// CookieSecret keys the HelloVerifyRequest cookies (RFC 6347 §4.2.1).
	// Share one secret among all the Conns of a server. Nil: a random secret
	// generated once per process.
	CookieSecret []byte
	// SRTPProfiles lists the SRTP protection profiles we accept, most
	// preferred first (RFC 5764 §4.1.1). Empty: use_srtp is not negotiated.
	SRTPProfiles []SRTPProtectionProfile
	// VerifyPeerCertificate is called with the client's DER chain; an error
	// aborts the handshake with a bad_certificate alert. WebRTC compares
	// the leaf's fingerprint with the one from the SDP here.
	VerifyPeerCertificate func(rawCerts [][]byte) error
	// MTU is the largest datagram we send. Default 1200; at least 256.
	MTU int
	// HandshakeTimeout bounds the whole handshake, from the first datagram.
	// Default 30 s.
	HandshakeTimeout time.Duration
	// RetransmitTimeout is the first retransmission interval (RFC 6347
	// §4.2.4.1 recommends 1 s); it doubles up to 60 s. Default 1 s.
	RetransmitTimeout time.Duration
	// KeyLogWriter receives an NSS key log line for each handshake
	// ("CLIENT_RANDOM <client_random> <master_secret>"), for Wireshark.
	// Nil: off. It exposes the session's secrets: debugging only.
	KeyLogWriter io.Writer
	// Rand is the source of randomness. Default crypto/rand.Reader.
	Rand io.Reader
	// Logger narrates the handshake. Nil: silent.
	Logger *slog.Logger
}

// Defaults.
const (
	defaultMTU               = 1200
	minMTU                   = 256
	defaultHandshakeTimeout  = 30 * time.Second
	defaultRetransmitTimeout = time.Second
	maxRetransmitTimeout     = 60 * time.Second // RFC 6347 §4.2.4.1
)

// processCookieSecret is the cookie key used when Config.CookieSecret is
// nil: random, and the same for every Conn of the process.
var processCookieSecret = sync.OnceValue(func() []byte {
	b := make([]byte, 32)
	rand.Read(b) // since Go 1.24 it never returns an error
	return b
})

// withDefaults returns a copy of cfg with the zero fields filled in.
func (cfg *Config) withDefaults() *Config {
	c := *cfg
	if c.MTU == 0 {
		c.MTU = defaultMTU
	}
	c.MTU = max(c.MTU, minMTU)
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = defaultHandshakeTimeout
	}
	if c.RetransmitTimeout <= 0 {
		c.RetransmitTimeout = defaultRetransmitTimeout
	}
	if c.CookieSecret == nil {
		c.CookieSecret = processCookieSecret()
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &c
}

// ConnectionState describes a completed handshake.
type ConnectionState struct {
	Version              ProtocolVersion       // always VersionDTLS12
	CipherSuite          uint16                // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 or _256_GCM_SHA384
	Curve                CurveID               // the ECDHE group
	SRTPProfile          SRTPProtectionProfile // the use_srtp choice; 0 if none
	PeerCertificates     []*x509.Certificate   // the client's chain, leaf first
	ExtendedMasterSecret bool                  // RFC 7627 was used (always true: it is required)
}

// Event is something a Conn reports through PollEvent.
type Event interface{ isEvent() }

// HandshakeComplete: the client's Finished verified and ours is sent. The
// exporter may now be used.
type HandshakeComplete struct {
	State ConnectionState // what was negotiated
}

// ApplicationData: the peer sent data in an epoch-1 application_data
// record.
type ApplicationData struct {
	Data []byte // the decrypted payload
}

// Closed: the Conn is finished. Err is nil after a close_notify (ours or
// the peer's), an *AlertError after a fatal alert sent or received, or
// another error (handshake timeout).
type Closed struct {
	Err error // why the Conn closed; nil for a clean close
}

func (HandshakeComplete) isEvent() {}
func (ApplicationData) isEvent()   {}
func (Closed) isEvent()            {}

package dtls

// ClientHello, RFC 5246 §7.4.1.2 with the cookie of RFC 6347 §4.2.1.
//
//	struct {
//	  ProtocolVersion client_version;
//	  Random random;
//	  SessionID session_id;
//	  opaque cookie<0..2^8-1>;                             // New field
//	  CipherSuite cipher_suites<2..2^16-1>;
//	  CompressionMethod compression_methods<1..2^8-1>;
//	  select (extensions_present) {
//	      case false:
//	          struct {};
//	      case true:
//	          Extension extensions<0..2^16-1>;
//	  };
//	} ClientHello;

import (
	"errors"
	"fmt"
	"strings"
)

// clientHelloMsg is the client's first message (sent twice when the server
// asks for a cookie).
type clientHelloMsg struct {
	Version            ProtocolVersion // client_version: the highest version offered (0xfefd for 1.2)
	Random             [32]byte        // client_random
	SessionID          []byte          // session_id<0..32>: non-empty only to resume
	Cookie             []byte          // the cookie echoed from a HelloVerifyRequest, empty at first
	CipherSuites       []uint16        // cipher_suites, in client preference order
	CompressionMethods []uint8         // compression_methods: must contain null (0)
	Extensions         []extension     // extensions, in wire order
}

// marshal encodes the body.
func (m *clientHelloMsg) marshal() []byte {
	b := appendU16(nil, uint16(m.Version))
	b = append(b, m.Random[:]...)
	b = appendVec(b, 1, m.SessionID)
	b = appendVec(b, 1, m.Cookie)
	b = appendU16List(b, m.CipherSuites)
	b = appendVec(b, 1, m.CompressionMethods)
	return appendExtensions(b, m.Extensions)
}

// unmarshal decodes the body.
func (m *clientHelloMsg) unmarshal(body []byte) error {
	r := newReader(body)
	m.Version = ProtocolVersion(r.u16())
	copy(m.Random[:], r.bytes(32))
	m.SessionID = r.vec(1)
	m.Cookie = r.vec(1)
	suites := newReader(r.vec(2))
	m.CompressionMethods = r.vec(1)
	if !r.ok || len(m.SessionID) > 32 || len(suites.b) < 2 || len(suites.b)%2 != 0 || len(m.CompressionMethods) == 0 {
		return errors.New("dtls: ClientHello: malformed")
	}
	m.CipherSuites = nil
	for len(suites.b) > 0 {
		m.CipherSuites = append(m.CipherSuites, suites.u16())
	}
	var err error
	if m.Extensions, err = unmarshalExtensions(r); err != nil {
		return fmt.Errorf("dtls: ClientHello: %w", err)
	}
	if !r.empty() {
		return errors.New("dtls: ClientHello: trailing data")
	}
	return nil
}

// extension returns the data of the extension of type t, if present.
func (m *clientHelloMsg) extension(t extensionType) ([]byte, bool) {
	return findExtension(m.Extensions, t)
}

func (m *clientHelloMsg) String() string {
	var suites, exts []string
	for _, s := range m.CipherSuites {
		suites = append(suites, CipherSuiteName(s))
	}
	for _, e := range m.Extensions {
		exts = append(exts, e.Type.String())
	}
	return fmt.Sprintf("ClientHello version=%v random=%x session_id=%x cookie=%x suites=[%s] extensions=[%s]",
		m.Version, m.Random, m.SessionID, m.Cookie, strings.Join(suites, " "), strings.Join(exts, " "))
}

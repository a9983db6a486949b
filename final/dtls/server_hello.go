package dtls

// ServerHello, RFC 5246 §7.4.1.3.
//
//	struct {
//	    ProtocolVersion server_version;
//	    Random random;
//	    SessionID session_id;
//	    CipherSuite cipher_suite;
//	    CompressionMethod compression_method;
//	    select (extensions_present) {
//	        case false:
//	            struct {};
//	        case true:
//	            Extension extensions<0..2^16-1>;
//	    };
//	} ServerHello;
//
// The server may only send extensions the client offered (§7.4.1.4).

import (
	"errors"
	"fmt"
	"strings"
)

// serverHelloMsg carries the server's choices.
type serverHelloMsg struct {
	Version           ProtocolVersion // server_version: 0xfefd, DTLS 1.2
	Random            [32]byte        // server_random
	SessionID         []byte          // session_id<0..32>; empty: this session cannot be resumed
	CipherSuite       uint16          // the chosen cipher suite
	CompressionMethod uint8           // always null (0)
	Extensions        []extension     // answers to the client's extensions
}

// marshal encodes the body.
func (m *serverHelloMsg) marshal() []byte {
	b := appendU16(nil, uint16(m.Version))
	b = append(b, m.Random[:]...)
	b = appendVec(b, 1, m.SessionID)
	b = appendU16(b, m.CipherSuite)
	b = append(b, m.CompressionMethod)
	return appendExtensions(b, m.Extensions)
}

// unmarshal decodes the body.
func (m *serverHelloMsg) unmarshal(body []byte) error {
	r := newReader(body)
	m.Version = ProtocolVersion(r.u16())
	copy(m.Random[:], r.bytes(32))
	m.SessionID = r.vec(1)
	m.CipherSuite = r.u16()
	m.CompressionMethod = r.u8()
	if !r.ok || len(m.SessionID) > 32 {
		return errors.New("dtls: ServerHello: malformed")
	}
	var err error
	if m.Extensions, err = unmarshalExtensions(r); err != nil {
		return fmt.Errorf("dtls: ServerHello: %w", err)
	}
	if !r.empty() {
		return errors.New("dtls: ServerHello: trailing data")
	}
	return nil
}

func (m *serverHelloMsg) String() string {
	var exts []string
	for _, e := range m.Extensions {
		exts = append(exts, e.Type.String())
	}
	return fmt.Sprintf("ServerHello version=%v random=%x suite=%s extensions=[%s]",
		m.Version, m.Random, CipherSuiteName(m.CipherSuite), strings.Join(exts, " "))
}

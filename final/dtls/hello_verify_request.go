package dtls

// HelloVerifyRequest, RFC 6347 §4.2.1.
//
//	struct {
//	  ProtocolVersion server_version;
//	  opaque cookie<0..2^8-1>;
//	} HelloVerifyRequest;
//
// The server answers a ClientHello without a valid cookie with this message
// and keeps no state: the client must echo the cookie in a second
// ClientHello, which proves it receives datagrams at its claimed address
// before the server spends any computation or memory on it. §4.2.1 also
// says which version to write:
//
//	"DTLS 1.2 server implementations SHOULD use DTLS version 1.0
//	 regardless of the version of TLS that is expected to be negotiated."
//
// so this server puts 0xfeff in server_version (pion puts 0xfefd; browsers
// accept both).

import (
	"errors"
	"fmt"
)

// maxCookieLen is the cookie ceiling in DTLS 1.2: opaque cookie<0..2^8-1>.
const maxCookieLen = 255

// helloVerifyRequestMsg asks the client to repeat its ClientHello with a
// cookie.
type helloVerifyRequestMsg struct {
	Version ProtocolVersion // server_version: 0xfeff per §4.2.1
	Cookie  []byte          // opaque cookie the client must echo
}

// marshal encodes the body.
func (m *helloVerifyRequestMsg) marshal() []byte {
	b := appendU16(nil, uint16(m.Version))
	return appendVec(b, 1, m.Cookie)
}

// unmarshal decodes the body.
func (m *helloVerifyRequestMsg) unmarshal(body []byte) error {
	r := newReader(body)
	m.Version = ProtocolVersion(r.u16())
	m.Cookie = r.vec(1)
	if !r.empty() {
		return errors.New("dtls: HelloVerifyRequest: malformed")
	}
	return nil
}

func (m *helloVerifyRequestMsg) String() string {
	return fmt.Sprintf("HelloVerifyRequest version=%v cookie=%x", m.Version, m.Cookie)
}

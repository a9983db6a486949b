package dtls

// ClientKeyExchange for ECDHE, RFC 8422 §5.7.
//
//	struct {
//	    opaque point <1..2^8-1>;
//	} ECPoint;
//
//	struct {
//	    select (KeyExchangeAlgorithm) {
//	        case ec_diffie_hellman: ClientECDiffieHellmanPublic;
//	    } exchange_keys;
//	} ClientKeyExchange;
//
// The client's ephemeral public key on the curve the server chose. Both
// sides then compute the same shared secret, the pre_master_secret.

import (
	"errors"
	"fmt"
)

// ClientKeyExchange carries the client's ephemeral ECDH public key.
type ClientKeyExchange struct {
	PublicKey []byte // ECPoint, encoded as in ServerKeyExchange
}

// Marshal encodes the body.
func (m *ClientKeyExchange) Marshal() []byte { return appendVec(nil, 1, m.PublicKey) }

// Unmarshal decodes the body.
func (m *ClientKeyExchange) Unmarshal(body []byte) error {
	r := newReader(body)
	m.PublicKey = r.vec(1)
	if !r.empty() || len(m.PublicKey) == 0 {
		return errors.New("dtls: ClientKeyExchange: malformed")
	}
	return nil
}

func (m *ClientKeyExchange) String() string {
	return fmt.Sprintf("ClientKeyExchange public=%d bytes", len(m.PublicKey))
}

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

// clientKeyExchangeMsg carries the client's ephemeral ECDH public key.
type clientKeyExchangeMsg struct {
	PublicKey []byte // ECPoint, encoded as in ServerKeyExchange
}

// marshal encodes the body.
func (m *clientKeyExchangeMsg) marshal() []byte { return appendVec(nil, 1, m.PublicKey) }

// unmarshal decodes the body.
func (m *clientKeyExchangeMsg) unmarshal(body []byte) error {
	r := newReader(body)
	m.PublicKey = r.vec(1)
	if !r.empty() || len(m.PublicKey) == 0 {
		return errors.New("dtls: ClientKeyExchange: malformed")
	}
	return nil
}

func (m *clientKeyExchangeMsg) String() string {
	return fmt.Sprintf("ClientKeyExchange public=%d bytes", len(m.PublicKey))
}

package dtls

// Finished, RFC 5246 §7.4.9.
//
//	struct {
//	    opaque verify_data[verify_data_length];
//	} Finished;
//
//	verify_data
//	   PRF(master_secret, finished_label, Hash(handshake_messages))
//	      [0..verify_data_length-1];
//
// verify_data_length is 12 for every TLS 1.2 cipher suite. The Finished is
// the first message protected by the new keys (epoch 1): it proves both
// sides saw the same handshake and derived the same master secret.

import (
	"errors"
	"fmt"
)

// verifyDataLen is verify_data_length for the suites of this package.
const verifyDataLen = 12

// Finished carries verify_data.
type Finished struct {
	VerifyData []byte // PRF(master_secret, label, Hash(handshake_messages))[:12]
}

// Marshal encodes the body.
func (m *Finished) Marshal() []byte { return append([]byte(nil), m.VerifyData...) }

// Unmarshal decodes the body.
func (m *Finished) Unmarshal(body []byte) error {
	if len(body) != verifyDataLen {
		return errors.New("dtls: Finished: verify_data is not 12 bytes")
	}
	m.VerifyData = body
	return nil
}

func (m *Finished) String() string { return fmt.Sprintf("Finished verify_data=%x", m.VerifyData) }

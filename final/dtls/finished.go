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

// finishedMsg carries verify_data.
type finishedMsg struct {
	VerifyData []byte // PRF(master_secret, label, Hash(handshake_messages))[:12]
}

// marshal encodes the body.
func (m *finishedMsg) marshal() []byte { return append([]byte(nil), m.VerifyData...) }

// unmarshal decodes the body.
func (m *finishedMsg) unmarshal(body []byte) error {
	if len(body) != verifyDataLen {
		return errors.New("dtls: Finished: verify_data is not 12 bytes")
	}
	m.VerifyData = body
	return nil
}

func (m *finishedMsg) String() string { return fmt.Sprintf("Finished verify_data=%x", m.VerifyData) }

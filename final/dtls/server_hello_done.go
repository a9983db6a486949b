package dtls

// ServerHelloDone, RFC 5246 §7.4.5.
//
//	struct { } ServerHelloDone;
//
// It ends flight 4: the client now knows the server has said everything and
// may send its own flight. Being empty, it is mostly header.

import "errors"

// serverHelloDoneMsg is the empty message that closes the server's flight 4.
type serverHelloDoneMsg struct{}

// marshal encodes the (empty) body.
func (m *serverHelloDoneMsg) marshal() []byte { return nil }

// unmarshal checks that the body is empty.
func (m *serverHelloDoneMsg) unmarshal(body []byte) error {
	if len(body) != 0 {
		return errors.New("dtls: ServerHelloDone: not empty")
	}
	return nil
}

func (m *serverHelloDoneMsg) String() string { return "ServerHelloDone" }

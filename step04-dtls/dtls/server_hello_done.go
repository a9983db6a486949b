package dtls

// ServerHelloDone, RFC 5246 §7.4.5.
//
//	struct { } ServerHelloDone;
//
// It ends flight 4: the client now knows the server has said everything and
// may send its own flight. Being empty, it is mostly header.

import "errors"

// ServerHelloDone is the empty message that closes the server's flight 4.
type ServerHelloDone struct{}

// Marshal encodes the (empty) body.
func (m *ServerHelloDone) Marshal() []byte { return nil }

// Unmarshal checks that the body is empty.
func (m *ServerHelloDone) Unmarshal(body []byte) error {
	if len(body) != 0 {
		return errors.New("dtls: ServerHelloDone: not empty")
	}
	return nil
}

func (m *ServerHelloDone) String() string { return "ServerHelloDone" }

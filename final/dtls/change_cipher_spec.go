package dtls

// ChangeCipherSpec, RFC 5246 §7.1.
//
//	struct {
//	    enum { change_cipher_spec(1), (255) } type;
//	} ChangeCipherSpec;
//
// It is not a handshake message but a record of its own content type (20):
// it tells the peer "my next record uses the new keys". In DTLS it also
// increments the epoch (RFC 6347 §4.1), and because it has no message_seq,
// a lost ChangeCipherSpec is recovered by retransmitting the whole flight
// it belongs to (§4.2.4).

import "errors"

// changeCipherSpecMsg is the one-byte record that switches to the next epoch.
type changeCipherSpecMsg struct{}

// marshal encodes the record's payload: a single byte 1.
func (m *changeCipherSpecMsg) marshal() []byte { return []byte{1} }

// unmarshal checks the payload.
func (m *changeCipherSpecMsg) unmarshal(b []byte) error {
	if len(b) != 1 || b[0] != 1 {
		return errors.New("dtls: ChangeCipherSpec: malformed")
	}
	return nil
}

func (m *changeCipherSpecMsg) String() string { return "ChangeCipherSpec" }

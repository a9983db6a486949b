package dtls

// The DTLS handshake header, RFC 6347 §4.2.2.
//
// TLS hands its handshake messages to a reliable stream; DTLS must number
// them, so that a lost or reordered message can be detected, and must be
// able to split one across several records, because a message (a
// certificate chain, a post-quantum ClientHello) can be larger than a
// datagram. The TLS header of RFC 5246 §7.4 gains three fields:
//
//	struct {
//	  HandshakeType msg_type;
//	  uint24 length;
//	  uint16 message_seq;                               // New field
//	  uint24 fragment_offset;                           // New field
//	  uint24 fragment_length;                           // New field
//	  select (HandshakeType) { ... } body;
//	} Handshake;
//
// length is the whole message's body length; the fragment carries the bytes
// [fragment_offset, fragment_offset+fragment_length) of that body.
// Reassembly is in reassembler.go.

import "fmt"

// handshakeType identifies a handshake message, RFC 5246 §7.4 and RFC 6347
// §4.3.2.
type handshakeType uint8

// Handshake message types.
const (
	typeHelloRequest       handshakeType = 0
	typeClientHello        handshakeType = 1
	typeServerHello        handshakeType = 2
	typeHelloVerifyRequest handshakeType = 3
	typeCertificate        handshakeType = 11
	typeServerKeyExchange  handshakeType = 12
	typeCertificateRequest handshakeType = 13
	typeServerHelloDone    handshakeType = 14
	typeCertificateVerify  handshakeType = 15
	typeClientKeyExchange  handshakeType = 16
	typeFinished           handshakeType = 20
)

var handshakeTypeNames = map[handshakeType]string{
	typeHelloRequest:       "HelloRequest",
	typeClientHello:        "ClientHello",
	typeServerHello:        "ServerHello",
	typeHelloVerifyRequest: "HelloVerifyRequest",
	typeCertificate:        "Certificate",
	typeServerKeyExchange:  "ServerKeyExchange",
	typeCertificateRequest: "CertificateRequest",
	typeServerHelloDone:    "ServerHelloDone",
	typeCertificateVerify:  "CertificateVerify",
	typeClientKeyExchange:  "ClientKeyExchange",
	typeFinished:           "Finished",
}

func (t handshakeType) String() string {
	if s, ok := handshakeTypeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("handshake_type(%d)", uint8(t))
}

// handshakeHeaderLen is the size of the DTLS handshake header.
const handshakeHeaderLen = 12

// handshakeHeader is the 12-byte header in front of every handshake
// fragment.
type handshakeHeader struct {
	Type           handshakeType // msg_type
	Length         int           // length of the whole message body (uint24)
	MessageSeq     uint16        // message_seq: 0 for each side's first message
	FragmentOffset int           // where this fragment starts in the body (uint24)
	FragmentLength int           // how many body bytes this fragment carries (uint24)
}

// handshakeFragment is one parsed fragment: header plus its slice of the
// body.
type handshakeFragment struct {
	Header handshakeHeader // the parsed header
	Data   []byte          // FragmentLength bytes of body (aliases the record)
}

// parseHandshakeFragments splits a handshake record's plaintext into its
// fragments. RFC 6347 §4.2.3 allows several handshake messages (or
// fragments) in one record, as in RFC 5246 §6.2.1.
func parseHandshakeFragments(b []byte) ([]handshakeFragment, error) {
	var frags []handshakeFragment
	r := newReader(b)
	for len(r.b) > 0 {
		var f handshakeFragment
		f.Header.Type = handshakeType(r.u8())
		f.Header.Length = r.u24()
		f.Header.MessageSeq = r.u16()
		f.Header.FragmentOffset = r.u24()
		f.Header.FragmentLength = r.u24()
		f.Data = r.bytes(f.Header.FragmentLength)
		if !r.ok {
			return frags, fmt.Errorf("dtls: handshake fragment: truncated")
		}
		if f.Header.FragmentOffset+f.Header.FragmentLength > f.Header.Length {
			return frags, fmt.Errorf("dtls: handshake fragment: %d+%d beyond length %d",
				f.Header.FragmentOffset, f.Header.FragmentLength, f.Header.Length)
		}
		frags = append(frags, f)
	}
	return frags, nil
}

// appendHandshakeHeader appends the 12-byte header.
func appendHandshakeHeader(b []byte, h *handshakeHeader) []byte {
	b = append(b, byte(h.Type))
	b = appendU24(b, h.Length)
	b = appendU16(b, h.MessageSeq)
	b = appendU24(b, h.FragmentOffset)
	return appendU24(b, h.FragmentLength)
}

// marshalHandshake returns a whole message as one fragment: offset 0,
// fragment_length = length. This is also the form that enters the
// transcript hash, whatever fragmentation was used on the wire (RFC 6347
// §4.2.6: "as if each handshake message had been sent as a single
// fragment").
func marshalHandshake(typ handshakeType, seq uint16, body []byte) []byte {
	h := handshakeHeader{Type: typ, Length: len(body), MessageSeq: seq, FragmentLength: len(body)}
	b := make([]byte, 0, handshakeHeaderLen+len(body))
	b = appendHandshakeHeader(b, &h)
	return append(b, body...)
}

// handshakeMessage is a complete, reassembled handshake message.
type handshakeMessage struct {
	Type       handshakeType // msg_type
	MessageSeq uint16        // message_seq
	Epoch      uint16        // epoch of the records that carried it
	Body       []byte        // the reassembled body
}

// transcriptBytes is the message as the transcript hash sees it.
func (m *handshakeMessage) transcriptBytes() []byte {
	return marshalHandshake(m.Type, m.MessageSeq, m.Body)
}

func (m *handshakeMessage) String() string {
	return fmt.Sprintf("%v seq=%d epoch=%d len=%d", m.Type, m.MessageSeq, m.Epoch, len(m.Body))
}

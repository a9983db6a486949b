package dtls

// The DTLS record layer, RFC 6347 §4.1.
//
// TLS runs over a reliable stream, so its records need no numbers: the
// sequence number is implicit. DTLS runs over datagrams that can be lost,
// duplicated and reordered, so every record carries its epoch and sequence
// number explicitly, and a datagram may hold several records (§4.1.1):
//
//	struct {
//	     ContentType type;
//	     ProtocolVersion version;
//	     uint16 epoch;                                    // New field
//	     uint48 sequence_number;                          // New field
//	     uint16 length;
//	     opaque fragment[DTLSPlaintext.length];
//	   } DTLSPlaintext;
//
// The epoch counts cipher state changes (0 before the first
// ChangeCipherSpec, 1 after it); the sequence number restarts at 0 in every
// epoch. Together they form the 64-bit seq_num that the AEAD authenticates
// (§4.1.2.1).

import (
	"errors"
	"fmt"
)

// contentType is the record's content type, RFC 5246 §6.2.1.
type contentType uint8

// Content types, RFC 5246 §6.2.1 (RFC 7983 routes 20–63 to DTLS).
const (
	contentChangeCipherSpec contentType = 20
	contentAlert            contentType = 21
	contentHandshake        contentType = 22
	contentApplicationData  contentType = 23
)

func (t contentType) String() string {
	switch t {
	case contentChangeCipherSpec:
		return "change_cipher_spec"
	case contentAlert:
		return "alert"
	case contentHandshake:
		return "handshake"
	case contentApplicationData:
		return "application_data"
	}
	return fmt.Sprintf("content_type(%d)", uint8(t))
}

// ProtocolVersion is the on-the-wire version: DTLS counts down from 0xfeff,
// the one's complement of 1.0 (RFC 6347 §4.1).
type ProtocolVersion uint16

// DTLS versions. A record carries one of them; browsers put 1.0 on their
// ClientHello records and 1.2 inside the ClientHello.
const (
	VersionDTLS10 ProtocolVersion = 0xfeff
	VersionDTLS12 ProtocolVersion = 0xfefd
)

func (v ProtocolVersion) String() string {
	switch v {
	case VersionDTLS10:
		return "DTLS 1.0"
	case VersionDTLS12:
		return "DTLS 1.2"
	case 0xfefc:
		return "DTLS 1.3"
	}
	return fmt.Sprintf("0x%04x", uint16(v))
}

// recordHeaderLen is the size of the DTLSPlaintext header: type(1)
// version(2) epoch(2) sequence_number(6) length(2).
const recordHeaderLen = 13

// maxSequenceNumber is the largest 48-bit sequence number.
const maxSequenceNumber = 1<<48 - 1

// maxRecordLen caps a record's fragment: 2^14 bytes of plaintext plus 2048 of
// expansion (RFC 5246 §6.2.3).
const maxRecordLen = 1<<14 + 2048

// recordHeader is the 13-byte header in front of every record.
type recordHeader struct {
	ContentType    contentType     // what the fragment holds
	Version        ProtocolVersion // 0xfefd, or 0xfeff on a ClientHello
	Epoch          uint16          // cipher state counter, RFC 6347 §4.1
	SequenceNumber uint64          // 48 bits, restarts at 0 in each epoch
	Length         uint16          // length of the fragment that follows
}

// seqNum is the 64-bit epoch || sequence_number that the MAC or AEAD
// covers, RFC 6347 §4.1.2.1.
func (h *recordHeader) seqNum() uint64 { return uint64(h.Epoch)<<48 | h.SequenceNumber }

// record is one DTLS record: its header and its fragment, which is still
// encrypted when Epoch > 0.
type record struct {
	Header   recordHeader // the parsed header
	Fragment []byte       // the payload (aliases the datagram)
}

func (r *record) String() string {
	return fmt.Sprintf("%v %v epoch=%d seq=%d len=%d", r.Header.ContentType, r.Header.Version,
		r.Header.Epoch, r.Header.SequenceNumber, len(r.Fragment))
}

// errShortRecord reports a datagram whose last record is cut short.
var errShortRecord = errors.New("dtls: record: truncated")

// parseRecords splits a datagram into its records (RFC 6347 §4.1.1: "Multiple
// DTLS records may be placed in a single datagram"). A datagram cannot split
// a record, so a truncated last record makes the remainder invalid: the
// records before it are returned with the error, and the caller drops the
// rest silently (§4.1.2.7).
func parseRecords(datagram []byte) ([]record, error) {
	var records []record
	r := newReader(datagram)
	for len(r.b) > 0 {
		var rec record
		rec.Header.ContentType = contentType(r.u8())
		rec.Header.Version = ProtocolVersion(r.u16())
		rec.Header.Epoch = r.u16()
		rec.Header.SequenceNumber = r.u48()
		rec.Header.Length = r.u16()
		rec.Fragment = r.bytes(int(rec.Header.Length))
		if !r.ok {
			return records, errShortRecord
		}
		if rec.Header.Length > maxRecordLen {
			return records, fmt.Errorf("dtls: record: length %d too long", rec.Header.Length)
		}
		records = append(records, rec)
	}
	return records, nil
}

// appendRecordHeader appends the 13-byte header.
func appendRecordHeader(b []byte, h *recordHeader) []byte {
	b = append(b, byte(h.ContentType))
	b = appendU16(b, uint16(h.Version))
	b = appendU16(b, h.Epoch)
	b = appendU48(b, h.SequenceNumber)
	return appendU16(b, h.Length)
}

// marshal appends the record (header and fragment) to b. Length is taken
// from the fragment.
func (r *record) marshal(b []byte) []byte {
	h := r.Header
	h.Length = uint16(len(r.Fragment))
	b = appendRecordHeader(b, &h)
	return append(b, r.Fragment...)
}

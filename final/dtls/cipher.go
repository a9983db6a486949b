package dtls

// Cipher suites and AEAD record protection: RFC 5289 §3 (the ECDHE_ECDSA
// AES-GCM suites), RFC 5288 §3 (AES-GCM in TLS), RFC 5246 §6.2.3.3 (AEAD
// ciphers) and RFC 6347 §4.1.2.1 (the DTLS sequence number in the MAC).
//
// An AES-GCM record looks like this on the wire:
//
//	struct {
//	   opaque nonce_explicit[8];
//	   aead-ciphered struct {
//	       opaque content[TLSCompressed.length];
//	   };
//	} GenericAEADCipher;
//
// The 12-byte nonce is the 4-byte implicit salt from the key block (the
// "IV") followed by the 8 explicit bytes sent in the record (RFC 5288 §3).
// The explicit part must never repeat under one key; like most
// implementations we send the record's own 64-bit epoch || sequence_number,
// which is unique by construction. The additional data is
//
//	additional_data = seq_num + TLSCompressed.type +
//	                  TLSCompressed.version + TLSCompressed.length;
//
// where, in DTLS, seq_num is epoch (2 bytes) || sequence_number (6 bytes)
// and length is the plaintext length.

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	_ "crypto/sha256" // registers crypto.SHA256 for cipherSuite.hash
	_ "crypto/sha512" // registers crypto.SHA384
	"encoding/binary"
	"errors"
	"fmt"
)

// Cipher suite code points, RFC 5289 §3.
const (
	TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 uint16 = 0xc02b
	TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 uint16 = 0xc02c
)

// cipherSuite describes one suite.
type cipherSuite struct {
	id     uint16      // code point
	name   string      // IANA name
	keyLen int         // AES key length: 16 or 32
	ivLen  int         // implicit nonce (salt) length: 4 for GCM
	hash   crypto.Hash // PRF and transcript hash
}

// cipherSuites lists the supported suites in server preference order.
var cipherSuites = []*cipherSuite{
	{TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 16, 4, crypto.SHA256},
	{TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 32, 4, crypto.SHA384},
}

// cipherSuiteByID returns the suite, or nil if unsupported.
func cipherSuiteByID(id uint16) *cipherSuite {
	for _, s := range cipherSuites {
		if s.id == id {
			return s
		}
	}
	return nil
}

// CipherSuiteName names a cipher suite code point, for logs.
func CipherSuiteName(id uint16) string {
	if s := cipherSuiteByID(id); s != nil {
		return s.name
	}
	return fmt.Sprintf("0x%04x", id)
}

const (
	explicitNonceLen = 8  // nonce_explicit, sent in every record
	gcmTagLen        = 16 // AES-GCM authentication tag
	aeadOverhead     = explicitNonceLen + gcmTagLen
)

// recordCipher protects the records of one direction of one epoch.
type recordCipher struct {
	aead cipher.AEAD // AES-GCM with the write key
	salt []byte      // the 4-byte implicit nonce, client_write_IV or server_write_IV
}

// newRecordCipher builds AES-GCM from a key and its implicit nonce.
func newRecordCipher(key, salt []byte) (*recordCipher, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &recordCipher{aead: aead, salt: salt}, nil
}

// additionalData builds seq_num || type || version || length.
func additionalData(h *recordHeader, plaintextLen int) []byte {
	ad := make([]byte, 0, 13)
	ad = binary.BigEndian.AppendUint64(ad, h.seqNum())
	ad = append(ad, byte(h.ContentType))
	ad = appendU16(ad, uint16(h.Version))
	return appendU16(ad, uint16(plaintextLen))
}

// seal encrypts plaintext for a record with header h and returns the
// record's fragment: nonce_explicit || ciphertext || tag.
func (c *recordCipher) seal(h *recordHeader, plaintext []byte) []byte {
	nonce := make([]byte, 0, 12)
	nonce = append(nonce, c.salt...)
	nonce = binary.BigEndian.AppendUint64(nonce, h.seqNum())
	out := make([]byte, explicitNonceLen, explicitNonceLen+len(plaintext)+gcmTagLen)
	copy(out, nonce[len(c.salt):])
	return c.aead.Seal(out, nonce, plaintext, additionalData(h, len(plaintext)))
}

// errBadRecordMAC reports a record that failed authentication; DTLS drops
// it silently (RFC 6347 §4.1.2.7).
var errBadRecordMAC = errors.New("dtls: record: authentication failed")

// open decrypts a record's fragment.
func (c *recordCipher) open(h *recordHeader, fragment []byte) ([]byte, error) {
	if len(fragment) < aeadOverhead {
		return nil, errBadRecordMAC
	}
	nonce := make([]byte, 0, 12)
	nonce = append(nonce, c.salt...)
	nonce = append(nonce, fragment[:explicitNonceLen]...)
	ciphertext := fragment[explicitNonceLen:]
	plain, err := c.aead.Open(nil, nonce, ciphertext, additionalData(h, len(ciphertext)-gcmTagLen))
	if err != nil {
		return nil, errBadRecordMAC
	}
	return plain, nil
}

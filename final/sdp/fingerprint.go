package sdp

// This file implements the a=fingerprint attribute (RFC 8122 §5), which ties
// the SDP to the DTLS handshake: each side puts the hash of its certificate
// in its description, and the DTLS peer must present a certificate with that
// hash. An attacker who can change the media path but not the signalling
// cannot get in the middle.
//
//	fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint
//	hash-func             = "sha-1" / "sha-224" / "sha-256" /
//	                        "sha-384" / "sha-512" / "md5" / "md2" / token
//	fingerprint           = 2UHEX *(":" 2UHEX)
//	                        ; Each byte in upper-case hex, separated by colons.
//	UHEX                  = DIGIT / %x41-46 ; A-F uppercase

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"strings"
)

// Fingerprint is an a=fingerprint value (RFC 8122 §5): a hash function name
// and the hash of the DER-encoded certificate.
type Fingerprint struct {
	Algorithm string // hash function textual name, lowercase: "sha-256", "sha-384" or "sha-512"
	Value     string // the hash as hex byte pairs separated by colons, "AB:CD:..."; FingerprintOf writes uppercase
}

// fingerprintHashes are the hash functions this package accepts, most
// preferred first: RFC 8122 §5 lists its functions "with 'SHA-256'
// preferred", and §5.1 tells an endpoint to pick, among several
// fingerprints, those of its most preferred function. SHA-1 is left out on
// purpose (collisions have been shown), and RFC 8122 §5 forbids MD2 and MD5
// outright: implementations "MUST NOT use the MD2 and MD5 hash functions to
// calculate fingerprints or to verify received fingerprints".
var fingerprintHashes = []struct {
	name string
	size int // digest size in bytes
	sum  func([]byte) []byte
}{
	{"sha-256", sha256.Size, func(b []byte) []byte { h := sha256.Sum256(b); return h[:] }},
	{"sha-384", sha512.Size384, func(b []byte) []byte { h := sha512.Sum384(b); return h[:] }},
	{"sha-512", sha512.Size, func(b []byte) []byte { h := sha512.Sum512(b); return h[:] }},
}

const acceptedHashes = "sha-256, sha-384 or sha-512"

// ParseFingerprint reads the value of an a=fingerprint attribute,
// "sha-256 AB:CD:...", checking its syntax only; Validate says whether this
// package accepts it.
//
// The hash function name is stored in lowercase: in ABNF a quoted string
// such as "sha-256" matches case-insensitively (RFC 5234 §2.3), and RFC
// 8122's own example writes SHA-256. Lowercase hex digits are accepted too,
// although the grammar asks for uppercase: they denote the same bytes.
func ParseFingerprint(value string) (Fingerprint, error) {
	f, err := parseFingerprint(value)
	if err != nil {
		return Fingerprint{}, &Error{Msg: err.Error()}
	}
	return f, nil
}

func parseFingerprint(value string) (Fingerprint, error) {
	hash, digest, ok := strings.Cut(value, " ")
	if !ok || !isToken(hash) {
		return Fingerprint{}, fmt.Errorf("a=fingerprint:%s: want <hash-func> SP <fingerprint> (RFC 8122 §5)", clip(value))
	}
	if _, err := fingerprintBytes(digest); err != nil {
		return Fingerprint{}, err
	}
	return Fingerprint{Algorithm: strings.ToLower(hash), Value: digest}, nil
}

// fingerprintBytes decodes "AB:CD:..." (2HEX *(":" 2HEX)).
func fingerprintBytes(value string) ([]byte, error) {
	pairs := strings.Split(value, ":")
	out := make([]byte, 0, len(pairs))
	for _, p := range pairs {
		b, err := hex.DecodeString(p)
		if len(p) != 2 || err != nil {
			return nil, fmt.Errorf("a=fingerprint: %q is not hex byte pairs separated by colons, like AB:CD:EF (RFC 8122 §5)", clip(value))
		}
		out = append(out, b[0])
	}
	return out, nil
}

// String returns the attribute value: "<hash-func> <fingerprint>".
func (f Fingerprint) String() string { return f.Algorithm + " " + f.Value }

// Validate reports whether f is a fingerprint this package accepts: a hash
// function in {sha-256, sha-384, sha-512} and a value with exactly that
// function's digest size in bytes.
func (f Fingerprint) Validate() error {
	if err := f.check(); err != nil {
		return &Error{Msg: err.Error()}
	}
	return nil
}

func (f Fingerprint) check() error {
	size := hashSize(f.Algorithm)
	if size == 0 {
		return fmt.Errorf("a=fingerprint: algorithm %q not accepted (want %s)", clip(f.Algorithm), acceptedHashes)
	}
	b, err := fingerprintBytes(f.Value)
	if err != nil {
		return err
	}
	if len(b) != size {
		return fmt.Errorf("a=fingerprint: %s value has %d bytes, want %d", strings.ToLower(f.Algorithm), len(b), size)
	}
	return nil
}

// hashSize returns the digest size of an accepted hash function, or 0.
func hashSize(algorithm string) int {
	if i := hashIndex(algorithm); i >= 0 {
		return fingerprintHashes[i].size
	}
	return 0
}

// hashIndex returns the position of algorithm in fingerprintHashes (its
// rank in our preference), or -1.
func hashIndex(algorithm string) int {
	for i, h := range fingerprintHashes {
		if strings.EqualFold(h.name, algorithm) {
			return i
		}
	}
	return -1
}

// Equal reports whether f and g name the same hash function and the same
// hash. Both compare case-insensitively: "sha-256 ab:cd" equals
// "SHA-256 AB:CD". Equal does not validate.
func (f Fingerprint) Equal(g Fingerprint) bool {
	return strings.EqualFold(f.Algorithm, g.Algorithm) && strings.EqualFold(f.Value, g.Value)
}

// FingerprintOf hashes a DER-encoded certificate with algorithm ("sha-256",
// "sha-384" or "sha-512", in any case) and returns the fingerprint as the
// offer writes it: lowercase name, uppercase hex (RFC 8122 §5: "A
// certificate fingerprint is a secure one-way hash of the Distinguished
// Encoding Rules (DER) form of the certificate").
func FingerprintOf(algorithm string, der []byte) (Fingerprint, error) {
	i := hashIndex(algorithm)
	if i < 0 {
		return Fingerprint{}, &Error{Msg: fmt.Sprintf("fingerprint: algorithm %q not supported (want %s)", clip(algorithm), acceptedHashes)}
	}
	if len(der) == 0 {
		return Fingerprint{}, &Error{Msg: "fingerprint: empty certificate"}
	}
	h := fingerprintHashes[i]
	sum := h.sum(der)
	pairs := make([]string, len(sum))
	for j, b := range sum {
		pairs[j] = fmt.Sprintf("%02X", b)
	}
	return Fingerprint{Algorithm: h.name, Value: strings.Join(pairs, ":")}, nil
}

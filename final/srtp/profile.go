package srtp

// SRTP protection profiles, RFC 5764 §4.1.2 and RFC 7714 §14.2.
//
// DTLS-SRTP does not negotiate SRTP's parameters one by one: the client
// lists profiles in its use_srtp extension and the server picks one. A
// profile fixes the cipher, the key and salt lengths and the tag lengths:
//
//	SRTP_AES128_CM_HMAC_SHA1_80            RFC 5764 §4.1.2
//	      cipher: AES_128_CM
//	      cipher_key_length: 128
//	      cipher_salt_length: 112
//	      maximum_lifetime: 2^31
//	      auth_function: HMAC-SHA1
//	      auth_key_length: 160
//	      auth_tag_length: 80
//	SRTP_AES128_CM_HMAC_SHA1_32
//	      (the same, but)
//	      auth_tag_length: 32
//	      RTCP auth_tag_length: 80
//
//	  Parameter                        AEAD_AES_128_GCM   AEAD_AES_256_GCM
//	  Master key length                128 bits           256 bits
//	  Master salt length               96 bits            96 bits
//	  Key Derivation Function          AES_CM PRF         AES_256_CM_PRF
//	  AEAD authentication tag length   128 bits           128 bits
//	                                       (RFC 7714 §12, Tables 2 and 3)
//
// The code points are those of the use_srtp extension, so the program can
// convert a dtls.SRTPProtectionProfile with Profile(p).

import (
	"fmt"
	"strings"
)

// Profile is an SRTP protection profile, numbered as in DTLS use_srtp.
type Profile uint16

// The profiles browsers offer. The names are the RFCs' without the SRTP_
// prefix, which the package name already says.
const (
	AES128_CM_HMAC_SHA1_80 Profile = 0x0001 // RFC 5764 §4.1.2
	AES128_CM_HMAC_SHA1_32 Profile = 0x0002 // RFC 5764 §4.1.2
	AEAD_AES_128_GCM       Profile = 0x0007 // RFC 7714 §14.2
	AEAD_AES_256_GCM       Profile = 0x0008 // RFC 7714 §14.2
)

// String returns the profile's name as the RFCs spell it.
func (p Profile) String() string {
	switch p {
	case AES128_CM_HMAC_SHA1_80:
		return "SRTP_AES128_CM_HMAC_SHA1_80"
	case AES128_CM_HMAC_SHA1_32:
		return "SRTP_AES128_CM_HMAC_SHA1_32"
	case AEAD_AES_128_GCM:
		return "SRTP_AEAD_AES_128_GCM"
	case AEAD_AES_256_GCM:
		return "SRTP_AEAD_AES_256_GCM"
	}
	return fmt.Sprintf("SRTP_0x%04x", uint16(p))
}

// ParseProfile reads a profile's name as String writes it (any case): the
// names a configuration file lists.
func ParseProfile(name string) (Profile, bool) {
	for _, p := range []Profile{AES128_CM_HMAC_SHA1_80, AES128_CM_HMAC_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM} {
		if strings.EqualFold(name, p.String()) {
			return p, true
		}
	}
	return 0, false
}

// Supported reports whether the package implements the profile.
func (p Profile) Supported() bool { return p.KeyLen() != 0 }

// AEAD reports whether the profile is an AEAD (AES-GCM) one, RFC 7714:
// the tag comes from the cipher, and no separate authentication key exists.
func (p Profile) AEAD() bool { return p == AEAD_AES_128_GCM || p == AEAD_AES_256_GCM }

// KeyLen is the master key length in bytes, which is also the session
// encryption key length; 0 for an unsupported profile.
func (p Profile) KeyLen() int {
	switch p {
	case AES128_CM_HMAC_SHA1_80, AES128_CM_HMAC_SHA1_32, AEAD_AES_128_GCM:
		return 16
	case AEAD_AES_256_GCM:
		return 32
	}
	return 0
}

// SaltLen is the master salt length in bytes, which is also the session
// salt length: 112 bits for AES-CM (RFC 3711 §4.1.1), 96 bits for GCM,
// whose IV is 12 bytes (RFC 7714 §8.1).
func (p Profile) SaltLen() int {
	switch p {
	case AES128_CM_HMAC_SHA1_80, AES128_CM_HMAC_SHA1_32:
		return 14
	case AEAD_AES_128_GCM, AEAD_AES_256_GCM:
		return 12
	}
	return 0
}

// authKeyLen is the session authentication key length: 160 bits for
// HMAC-SHA1 (RFC 3711 §4.2.1, RFC 5764 §4.1.2), none for AEAD.
func (p Profile) authKeyLen() int {
	if p == AES128_CM_HMAC_SHA1_80 || p == AES128_CM_HMAC_SHA1_32 {
		return 20
	}
	return 0
}

// KeyingMaterialLen is how many bytes of the DTLS exporter the profile
// consumes: two master keys and two master salts, RFC 5764 §4.2.
func (p Profile) KeyingMaterialLen() int { return 2 * (p.KeyLen() + p.SaltLen()) }

// TagLen is the length in bytes of the SRTP authentication tag: 10 or 4
// for HMAC-SHA1-80/-32, 16 for the GCM tag (RFC 7714 §10).
func (p Profile) TagLen() int {
	switch p {
	case AES128_CM_HMAC_SHA1_80:
		return 10
	case AES128_CM_HMAC_SHA1_32:
		return 4
	case AEAD_AES_128_GCM, AEAD_AES_256_GCM:
		return 16
	}
	return 0
}

// RTCPTagLen is the length of the SRTCP authentication tag. The _32
// profile truncates only SRTP's tag: RTCP keeps 80 bits (RFC 5764 §4.1.2),
// because RTCP is rare and carries control (BYE) worth protecting well.
func (p Profile) RTCPTagLen() int {
	if p == AES128_CM_HMAC_SHA1_32 {
		return 10
	}
	return p.TagLen()
}

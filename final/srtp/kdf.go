package srtp

// Session keys from a master key, RFC 3711 §4.3 (and RFC 7714 §11 for GCM).
//
// SRTP never encrypts with the master key itself. A key derivation function
// turns the master key and master salt into six session values, one per
// <label> (§4.3.1, §4.3.2):
//
//	                     packet index ---+
//	                                     |
//	                                     v
//	           +-----------+ master  +--------+ session encr_key
//	           | ext       | key     |        |---------->
//	           | key mgmt  |-------->|  key   | session auth_key
//	           | (optional |         | deriv  |---------->
//	           | rekey)    |-------->|        | session salt_key
//	           |           | master  |        |---------->
//	           +-----------+ salt    +--------+
//
//	label 0x00 SRTP encryption key      0x03 SRTCP encryption key
//	label 0x01 SRTP authentication key  0x04 SRTCP authentication key
//	label 0x02 SRTP salting key         0x05 SRTCP salting key
//
// The PRF is AES in counter mode keyed with the master key (§4.3.3):
//
//	key_id = <label> || r          r = index DIV key_derivation_rate
//	x      = key_id XOR master_salt   (right-aligned)
//	PRF_n(k_master, x) = the first n bits of the AES-CM keystream of IV x*2^16
//
// DTLS-SRTP fixes key_derivation_rate to 0 (RFC 5764 §4.1.2), and "a DIV 0
// = 0", so r is 48 zero bits and the derivation runs exactly once per
// master key: NewContext does it, never the per-packet path.
//
// Laid out as the 16-byte AES input block, for a 14-byte (112-bit) salt:
//
//	byte  0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
//	     [          master salt                  ][00 00]   x*2^16
//	                         ^^ label, XORed      ^^^^^ block counter
//
// GCM's master salt is 12 bytes (RFC 7714 §12). RFC 7714 §11 says to use
// the same AES-CM PRF (AES_256_CM_PRF of RFC 6188 for the 256-bit key,
// which is the same construction with AES-256); the salt is taken as the
// first 12 bytes of that 14-byte field, the last two zero, as libsrtp does
// and as the captures' known answers confirm (capture_test.go). The session
// salt is then the first 12 bytes of the PRF output.

import (
	"crypto/aes"
	"crypto/cipher"
)

// Key derivation labels, RFC 3711 §4.3.1 and §4.3.2.
const (
	labelSRTPEncryption  = 0x00
	labelSRTPAuth        = 0x01
	labelSRTPSalt        = 0x02
	labelSRTCPEncryption = 0x03
	labelSRTCPAuth       = 0x04
	labelSRTCPSalt       = 0x05
)

// sessionKeys are what one master key yields for SRTP and for SRTCP.
// The authentication keys are empty for AEAD profiles (RFC 7714 §11).
type sessionKeys struct {
	rtpKey, rtpAuth, rtpSalt    []byte // labels 0x00, 0x01, 0x02
	rtcpKey, rtcpAuth, rtcpSalt []byte // labels 0x03, 0x04, 0x05
}

// deriveSessionKeys runs the KDF for the six labels. The master key and
// salt must have the profile's lengths.
func deriveSessionKeys(p Profile, master MasterKey) (sessionKeys, error) {
	block, err := aes.NewCipher(master.Key)
	if err != nil {
		return sessionKeys{}, err
	}
	n, a, s := p.KeyLen(), p.authKeyLen(), p.SaltLen()
	return sessionKeys{
		rtpKey:   prf(block, master.Salt, labelSRTPEncryption, n),
		rtpAuth:  prf(block, master.Salt, labelSRTPAuth, a),
		rtpSalt:  prf(block, master.Salt, labelSRTPSalt, s),
		rtcpKey:  prf(block, master.Salt, labelSRTCPEncryption, n),
		rtcpAuth: prf(block, master.Salt, labelSRTCPAuth, a),
		rtcpSalt: prf(block, master.Salt, labelSRTCPSalt, s),
	}, nil
}

// prf is PRF_n(k_master, x) of RFC 3711 §4.3.3 for r = 0: n bytes of the
// AES-CM keystream whose IV is (label XOR master_salt) * 2^16.
func prf(master cipher.Block, masterSalt []byte, label byte, n int) []byte {
	var iv [aes.BlockSize]byte
	copy(iv[:14], masterSalt) // a 12-byte GCM salt leaves bytes 12-13 zero
	iv[7] ^= label            // key_id = label || 48-bit r, right-aligned on byte 13
	out := make([]byte, (n+aes.BlockSize-1)/aes.BlockSize*aes.BlockSize)
	for j := 0; j < len(out); j += aes.BlockSize {
		iv[14], iv[15] = byte(j/aes.BlockSize>>8), byte(j/aes.BlockSize) // IV + j mod 2^16
		master.Encrypt(out[j:], iv[:])
	}
	return out[:n:n]
}

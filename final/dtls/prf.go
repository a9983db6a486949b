package dtls

// The TLS 1.2 pseudorandom function and everything derived with it:
// RFC 5246 §5 (PRF), §8.1 (master secret), §6.3 (key block), §7.4.9
// (Finished); RFC 7627 §4 (extended master secret); RFC 5705 §4
// (exporter).
//
//	P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
//	                       HMAC_hash(secret, A(2) + seed) +
//	                       HMAC_hash(secret, A(3) + seed) + ...
//	A(0) = seed
//	A(i) = HMAC_hash(secret, A(i-1))
//
//	PRF(secret, label, seed) = P_<hash>(secret, label + seed)
//
// The hash is SHA-256 for every TLS 1.2 suite unless the suite says
// otherwise: TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 uses SHA-384
// (RFC 5289 §3).

import (
	"crypto/hmac"
	"errors"
	"hash"
)

// prf computes PRF(secret, label, seed) with hash h, n bytes long.
func prf(h func() hash.Hash, secret []byte, label string, seed []byte, n int) []byte {
	labelSeed := append([]byte(label), seed...)
	mac := hmac.New(h, secret)
	out := make([]byte, 0, n+mac.Size())
	a := labelSeed // A(0)
	for len(out) < n {
		mac.Reset()
		mac.Write(a)
		a = mac.Sum(nil) // A(i)
		mac.Reset()
		mac.Write(a)
		mac.Write(labelSeed)
		out = mac.Sum(out)
	}
	return out[:n]
}

// masterSecretLen is the size of every TLS 1.2 master secret.
const masterSecretLen = 48

// extendedMasterSecret derives the master secret from the pre-master secret
// and the session hash, RFC 7627 §4:
//
//	master_secret = PRF(pre_master_secret, "extended master secret",
//	                    session_hash)[0..47];
//
// session_hash is Hash(handshake_messages) up to and including the
// ClientKeyExchange. The classic derivation (RFC 5246 §8.1) used only the
// two randoms, which let a man in the middle make two sessions with the
// same master secret (the "triple handshake" attack); hashing the whole
// handshake binds the secret to the certificates and keys exchanged.
func extendedMasterSecret(h func() hash.Hash, preMaster, sessionHash []byte) []byte {
	return prf(h, preMaster, "extended master secret", sessionHash, masterSecretLen)
}

// keyBlock holds the AEAD keys and implicit nonces of one connection,
// RFC 5246 §6.3. AEAD suites have no MAC keys (mac_key_length = 0), and
// their IV is the 4-byte salt of RFC 5288 §3.
type keyBlock struct {
	clientKey []byte // client_write_key: protects client → server records
	serverKey []byte // server_write_key: protects server → client records
	clientIV  []byte // client_write_IV: the implicit part of the client's nonces
	serverIV  []byte // server_write_IV
}

// deriveKeyBlock runs
//
//	key_block = PRF(SecurityParameters.master_secret,
//	                "key expansion",
//	                SecurityParameters.server_random +
//	                SecurityParameters.client_random);
//
// and cuts it into client_write_key, server_write_key, client_write_IV,
// server_write_IV (note: server_random first, unlike everywhere else).
func deriveKeyBlock(s *cipherSuite, master, clientRandom, serverRandom []byte) keyBlock {
	seed := append(append([]byte(nil), serverRandom...), clientRandom...)
	kb := prf(s.hash.New, master, "key expansion", seed, 2*s.keyLen+2*s.ivLen)
	return keyBlock{
		clientKey: kb[:s.keyLen],
		serverKey: kb[s.keyLen : 2*s.keyLen],
		clientIV:  kb[2*s.keyLen : 2*s.keyLen+s.ivLen],
		serverIV:  kb[2*s.keyLen+s.ivLen:],
	}
}

// Finished labels, RFC 5246 §7.4.9.
const (
	labelClientFinished = "client finished"
	labelServerFinished = "server finished"
)

// finishedVerifyData computes verify_data = PRF(master_secret,
// finished_label, Hash(handshake_messages))[0..11].
func finishedVerifyData(h func() hash.Hash, master []byte, label string, transcriptHash []byte) []byte {
	return prf(h, master, label, transcriptHash, verifyDataLen)
}

// exportKeyingMaterial is the RFC 5705 §4 exporter:
//
//	PRF(SecurityParameters.master_secret, label,
//	    SecurityParameters.client_random +
//	    SecurityParameters.server_random
//	    [+ context_value_length + context_value]
//	    )[length]
//
// A nil context and an empty one differ: only a non-nil context adds its
// 2-byte length. DTLS-SRTP (RFC 5764 §4.2) uses the label
// "EXTRACTOR-dtls_srtp" with no context.
func exportKeyingMaterial(h func() hash.Hash, master, clientRandom, serverRandom []byte,
	label string, context []byte, length int) ([]byte, error) {
	switch label {
	case labelClientFinished, labelServerFinished, "master secret", "key expansion", "extended master secret":
		return nil, errors.New("dtls: exporter: reserved label")
	}
	if length < 0 || len(context) >= 1<<16 {
		return nil, errors.New("dtls: exporter: bad length")
	}
	seed := append(append([]byte(nil), clientRandom...), serverRandom...)
	if context != nil {
		seed = appendVec(seed, 2, context)
	}
	return prf(h, master, label, seed, length), nil
}

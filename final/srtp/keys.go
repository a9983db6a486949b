package srtp

// Master keys from the DTLS handshake, RFC 5764 §4.2.
//
// Once the handshake is complete both ends run the TLS exporter (RFC 5705)
// with the label "EXTRACTOR-dtls_srtp" and no context, asking for
//
//	2 * (SRTPSecurityParams.master_key_len +
//	     SRTPSecurityParams.master_salt_len) bytes of data
//
// "which are assigned as shown below":
//
//	client_write_SRTP_master_key[SRTPSecurityParams.master_key_len];
//	server_write_SRTP_master_key[SRTPSecurityParams.master_key_len];
//	client_write_SRTP_master_salt[SRTPSecurityParams.master_salt_len];
//	server_write_SRTP_master_salt[SRTPSecurityParams.master_salt_len];
//
// Note the order: both keys first, then both salts. Each side protects what
// it sends with its own write key, so in WebRTC, where the browser is the
// DTLS client (a=setup:active), the browser's media is protected with the
// client key and salt and the server's RTCP with the server key and salt.

import (
	"errors"
	"fmt"
)

// MasterKey is one direction's SRTP master key and master salt
// (RFC 3711 §3.2.1). Its String method prints the lengths only, so a
// MasterKey can be logged without leaking it.
type MasterKey struct {
	Key  []byte // the master key, Profile.KeyLen bytes
	Salt []byte // the master salt, Profile.SaltLen bytes
}

// String describes the key without revealing it.
func (k MasterKey) String() string {
	return fmt.Sprintf("master key %d bytes, master salt %d bytes", len(k.Key), len(k.Salt))
}

// SplitKeyingMaterial splits the exporter output as RFC 5764 §4.2 says:
// client key, server key, client salt, server salt. material must be
// exactly p.KeyingMaterialLen() bytes. The returned keys are copies.
func SplitKeyingMaterial(p Profile, material []byte) (client, server MasterKey, err error) {
	if !p.Supported() {
		return MasterKey{}, MasterKey{}, fmt.Errorf("srtp: unsupported profile %v", p)
	}
	if len(material) != p.KeyingMaterialLen() {
		return MasterKey{}, MasterKey{}, errors.New("srtp: keying material has the wrong length for the profile")
	}
	m := append([]byte(nil), material...)
	k, s := p.KeyLen(), p.SaltLen()
	client.Key, m = m[:k:k], m[k:]
	server.Key, m = m[:k:k], m[k:]
	client.Salt, m = m[:s:s], m[s:]
	server.Salt = m[:s:s]
	return client, server, nil
}

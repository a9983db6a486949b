package dtls

// The use_srtp extension, RFC 5764 §4.1.1: DTLS-SRTP.
//
// WebRTC uses the DTLS handshake only to agree on keys for SRTP. The client
// lists the SRTP protection profiles it supports; the server picks one and
// echoes it; both then derive the SRTP master keys with the exporter
// (RFC 5764 §4.2, label "EXTRACTOR-dtls_srtp").
//
//	uint8 SRTPProtectionProfile[2];
//
//	struct {
//	   SRTPProtectionProfiles SRTPProtectionProfiles;
//	   opaque srtp_mki<0..255>;
//	} UseSRTPData;
//
//	SRTPProtectionProfile SRTPProtectionProfiles<2..2^16-1>;

import (
	"errors"
	"fmt"
)

// SRTPProtectionProfile is an SRTP profile code point, RFC 5764 §4.1.2 and
// RFC 7714 §14.2.
type SRTPProtectionProfile uint16

// The profiles browsers offer.
const (
	SRTP_AES128_CM_HMAC_SHA1_80 SRTPProtectionProfile = 0x0001
	SRTP_AES128_CM_HMAC_SHA1_32 SRTPProtectionProfile = 0x0002
	SRTP_AEAD_AES_128_GCM       SRTPProtectionProfile = 0x0007
	SRTP_AEAD_AES_256_GCM       SRTPProtectionProfile = 0x0008
)

func (p SRTPProtectionProfile) String() string {
	switch p {
	case SRTP_AES128_CM_HMAC_SHA1_80:
		return "SRTP_AES128_CM_HMAC_SHA1_80"
	case SRTP_AES128_CM_HMAC_SHA1_32:
		return "SRTP_AES128_CM_HMAC_SHA1_32"
	case SRTP_AEAD_AES_128_GCM:
		return "SRTP_AEAD_AES_128_GCM"
	case SRTP_AEAD_AES_256_GCM:
		return "SRTP_AEAD_AES_256_GCM"
	}
	return fmt.Sprintf("SRTP_0x%04x", uint16(p))
}

// KeyingMaterialLen is how many exporter bytes the profile consumes: two
// master keys and two master salts (RFC 5764 §4.2), or 0 for an unknown
// profile.
func (p SRTPProtectionProfile) KeyingMaterialLen() int {
	switch p {
	case SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AES128_CM_HMAC_SHA1_32:
		return 2 * (16 + 14)
	case SRTP_AEAD_AES_128_GCM:
		return 2 * (16 + 12)
	case SRTP_AEAD_AES_256_GCM:
		return 2 * (32 + 12)
	}
	return 0
}

// parseUseSRTP decodes UseSRTPData.
func parseUseSRTP(data []byte) (profiles []SRTPProtectionProfile, mki []byte, err error) {
	r := newReader(data)
	list := newReader(r.vec(2))
	mki = r.vec(1)
	if !r.empty() || len(list.b) == 0 || len(list.b)%2 != 0 {
		return nil, nil, errors.New("dtls: malformed use_srtp")
	}
	for len(list.b) > 0 {
		profiles = append(profiles, SRTPProtectionProfile(list.u16()))
	}
	return profiles, mki, nil
}

// marshalUseSRTP encodes UseSRTPData. The server's answer lists exactly one
// profile (RFC 5764 §4.1.1).
func marshalUseSRTP(profiles []SRTPProtectionProfile, mki []byte) []byte {
	b := appendU16List(nil, profiles)
	return appendVec(b, 1, mki)
}

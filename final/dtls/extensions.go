package dtls

// Hello extensions, RFC 5246 §7.4.1.4, and the registries their contents
// draw from (named groups, RFC 8422 §5.1.1; signature schemes, RFC 5246
// §7.4.1.4.1).
//
//	struct {
//	    ExtensionType extension_type;
//	    opaque extension_data<0..2^16-1>;
//	} Extension;
//
// Extensions are kept as raw (type, data) pairs in the order they arrived,
// because that order is itself worth seeing (Chromium shuffles it on every
// connection) and because a server must ignore the ones it does not know
// (DTLS 1.3's supported_versions, key_share, psk_key_exchange_modes; ALPN;
// record_size_limit ...). The helpers below parse the ones this server acts
// on.

import (
	"errors"
	"fmt"
)

// extensionType is a hello extension's code point.
type extensionType uint16

// Extension types seen in browser ClientHellos.
const (
	extServerName           extensionType = 0
	extSupportedGroups      extensionType = 10    // RFC 8422 §5.1.1 (was elliptic_curves)
	extECPointFormats       extensionType = 11    // RFC 8422 §5.1.2
	extSignatureAlgorithms  extensionType = 13    // RFC 5246 §7.4.1.4.1
	extUseSRTP              extensionType = 14    // RFC 5764 §4.1.1
	extALPN                 extensionType = 16    // RFC 7301
	extExtendedMasterSecret extensionType = 23    // RFC 7627 §5.1
	extRecordSizeLimit      extensionType = 28    // RFC 8449
	extDelegatedCredentials extensionType = 34    // RFC 9345
	extSupportedVersions    extensionType = 43    // TLS 1.3 / DTLS 1.3: ignored
	extPSKKeyExchangeModes  extensionType = 45    // TLS 1.3: ignored
	extKeyShare             extensionType = 51    // TLS 1.3: ignored
	extRenegotiationInfo    extensionType = 65281 // RFC 5746 §3.2
)

var extensionNames = map[extensionType]string{
	extServerName: "server_name", extSupportedGroups: "supported_groups",
	extECPointFormats: "ec_point_formats", extSignatureAlgorithms: "signature_algorithms",
	extUseSRTP: "use_srtp", extALPN: "alpn", extExtendedMasterSecret: "extended_master_secret",
	extRecordSizeLimit: "record_size_limit", extDelegatedCredentials: "delegated_credentials",
	extSupportedVersions: "supported_versions", extPSKKeyExchangeModes: "psk_key_exchange_modes",
	extKeyShare: "key_share", extRenegotiationInfo: "renegotiation_info",
}

func (t extensionType) String() string {
	if s, ok := extensionNames[t]; ok {
		return fmt.Sprintf("%s(%d)", s, uint16(t))
	}
	return fmt.Sprintf("unknown(%d)", uint16(t))
}

// extension is one hello extension, undecoded.
type extension struct {
	Type extensionType // extension_type
	Data []byte        // extension_data
}

// unmarshalExtensions parses the optional extensions block at the end of a
// hello: absent (no bytes left) or a 2-byte length and the list. RFC 5246
// §7.4.1.4: "There MUST NOT be more than one extension of the same type."
func unmarshalExtensions(r *reader) ([]extension, error) {
	if len(r.b) == 0 {
		return nil, nil
	}
	block := newReader(r.vec(2))
	var exts []extension
	seen := map[extensionType]bool{}
	for block.ok && len(block.b) > 0 {
		e := extension{Type: extensionType(block.u16()), Data: block.vec(2)}
		if !block.ok {
			break
		}
		if seen[e.Type] {
			return nil, fmt.Errorf("dtls: duplicate extension %v", e.Type)
		}
		seen[e.Type] = true
		exts = append(exts, e)
	}
	if !block.ok || !r.ok {
		return nil, errors.New("dtls: extensions: truncated")
	}
	return exts, nil
}

// appendExtensions appends the extensions block; nothing when there are
// none.
func appendExtensions(b []byte, exts []extension) []byte {
	if len(exts) == 0 {
		return b
	}
	var block []byte
	for _, e := range exts {
		block = appendU16(block, uint16(e.Type))
		block = appendVec(block, 2, e.Data)
	}
	return appendVec(b, 2, block)
}

// findExtension returns the data of the extension of type t.
func findExtension(exts []extension, t extensionType) ([]byte, bool) {
	for _, e := range exts {
		if e.Type == t {
			return e.Data, true
		}
	}
	return nil, false
}

// CurveID is a named group, RFC 8422 §5.1.1 (and RFC 7748 for x25519).
type CurveID uint16

// Named groups.
const (
	CurveP256           CurveID = 23     // secp256r1
	CurveP384           CurveID = 24     // secp384r1
	CurveX25519         CurveID = 29     // x25519
	CurveX25519MLKEM768 CurveID = 0x11ec // TLS 1.3 hybrid post-quantum: offered by browsers, not usable in 1.2
)

func (c CurveID) String() string {
	switch c {
	case CurveP256:
		return "secp256r1"
	case CurveP384:
		return "secp384r1"
	case CurveX25519:
		return "x25519"
	case CurveX25519MLKEM768:
		return "X25519MLKEM768"
	}
	return fmt.Sprintf("0x%04x", uint16(c))
}

// signatureScheme is a TLS 1.2 SignatureAndHashAlgorithm (hash byte, then
// signature byte), RFC 5246 §7.4.1.4.1.
type signatureScheme uint16

// Signature schemes this package signs or verifies with.
const (
	ecdsaWithP256AndSHA256 signatureScheme = 0x0403 // ecdsa_secp256r1_sha256: sha256(4), ecdsa(3)
	ecdsaWithP384AndSHA384 signatureScheme = 0x0503 // ecdsa_secp384r1_sha384: sha384(5), ecdsa(3)
)

func (s signatureScheme) String() string {
	switch s {
	case ecdsaWithP256AndSHA256:
		return "ecdsa_secp256r1_sha256"
	case ecdsaWithP384AndSHA384:
		return "ecdsa_secp384r1_sha384"
	}
	return fmt.Sprintf("0x%04x", uint16(s))
}

// parseU16List parses a vector of uint16 with a 2-byte length, as used by
// supported_groups (NamedCurve named_curve_list<2..2^16-1>) and
// signature_algorithms (supported_signature_algorithms<2..2^16-2>).
func parseU16List(data []byte) ([]uint16, error) {
	r := newReader(data)
	list := newReader(r.vec(2))
	if !r.empty() || len(list.b) == 0 || len(list.b)%2 != 0 {
		return nil, errors.New("dtls: malformed uint16 list")
	}
	var v []uint16
	for len(list.b) > 0 {
		v = append(v, list.u16())
	}
	return v, nil
}

// appendU16List appends a vector of uint16 with a 2-byte length.
func appendU16List[T ~uint16](b []byte, v []T) []byte {
	b = appendU16(b, uint16(2*len(v)))
	for _, x := range v {
		b = appendU16(b, uint16(x))
	}
	return b
}

// parseSupportedGroups decodes the supported_groups extension.
func parseSupportedGroups(data []byte) ([]CurveID, error) {
	v, err := parseU16List(data)
	out := make([]CurveID, len(v))
	for i, x := range v {
		out[i] = CurveID(x)
	}
	return out, err
}

// parseSignatureAlgorithms decodes the signature_algorithms extension.
func parseSignatureAlgorithms(data []byte) ([]signatureScheme, error) {
	v, err := parseU16List(data)
	out := make([]signatureScheme, len(v))
	for i, x := range v {
		out[i] = signatureScheme(x)
	}
	return out, err
}

// parseECPointFormats decodes ec_point_formats (RFC 8422 §5.1.2):
// ECPointFormat ec_point_format_list<1..2^8-1>.
func parseECPointFormats(data []byte) ([]uint8, error) {
	r := newReader(data)
	list := r.vec(1)
	if !r.empty() || len(list) == 0 {
		return nil, errors.New("dtls: malformed ec_point_formats")
	}
	return list, nil
}

// pointFormatUncompressed is the only point format RFC 8422 §5.1.2 still
// allows.
const pointFormatUncompressed = 0

package sdp

// This file reads the RTP attributes of a media section: a=rtpmap (RFC 8866
// §6.6), a=extmap (RFC 8285 §8) and a=ssrc (RFC 5576 §4.1). They tell the
// receiver which payload type carries VP8, which header extension IDs mean
// what, and which SSRCs the browser will send.

import (
	"fmt"
	"strings"
)

// rtpmap is one a=rtpmap value (RFC 8866 §6.6):
//
//	rtpmap-value    = payload-type SP encoding-name
//	                  "/" clock-rate [ "/" encoding-params ]
//	payload-type    = zero-based-integer
//	encoding-name   = token
//	clock-rate      = integer
//	encoding-params = channels
type rtpmap struct {
	pt     uint8  // payload type, 0 to 127: "the payload type number is indicated in a 7-bit field"
	name   string // encoding name as written; compare case-insensitively (RFC 8866 §5.14, citing RFC 4855 §3)
	clock  uint32 // clock rate in Hz; 90000 for every video format
	params string // encoding parameters (audio channels); "" when absent
}

func parseRtpmap(v string) (rtpmap, error) {
	pt, enc, ok := strings.Cut(v, " ")
	p, ptOK := parsePayloadType(pt)
	parts := strings.Split(enc, "/")
	if !ok || !ptOK || len(parts) < 2 || len(parts) > 3 || !isToken(parts[0]) {
		return rtpmap{}, fmt.Errorf("a=rtpmap:%s: want <payload type 0-127> <encoding name>/<clock rate>[/<channels>] (RFC 8866 §6.6)", clip(v))
	}
	clock, ok := parseUint(parts[1], 1<<32-1)
	if !ok || clock == 0 {
		return rtpmap{}, fmt.Errorf("a=rtpmap:%s: clock rate %q is not a positive integer", clip(v), clip(parts[1]))
	}
	m := rtpmap{pt: p, name: parts[0], clock: uint32(clock)}
	if len(parts) == 3 {
		if n, ok := parseUint(parts[2], 255); !ok || n == 0 {
			return rtpmap{}, fmt.Errorf("a=rtpmap:%s: encoding parameters %q are not a channel count", clip(v), clip(parts[2]))
		}
		m.params = parts[2]
	}
	return m, nil
}

// parsePayloadType reads an RTP payload type, "0" to "127" (RFC 3550 §5.1:
// PT is 7 bits). Used for both a=rtpmap and the m= line's <fmt> list.
func parsePayloadType(s string) (uint8, bool) {
	n, ok := parseUint(s, 127)
	if !ok || (len(s) > 1 && s[0] == '0') { // zero-based-integer: no leading zeros
		return 0, false
	}
	return uint8(n), true
}

// Extmap is one a=extmap attribute (RFC 8285 §5, §8): it maps a local
// identifier used in the RTP header extension to the URI that names the
// extension.
//
//	extmap              = mapentry SP extensionname [SP extensionattributes]
//	mapentry            = "extmap:" 1*5DIGIT ["/" direction]
//	direction           = "sendonly" / "recvonly" / "sendrecv" / "inactive"
//	extensionname       = URI
//	extensionattributes = byte-string
type Extmap struct {
	ID         int    // local identifier: 1-14 fits the one-byte header, 1-255 the two-byte one (RFC 8285 §4.2, §4.3); 4096-4351 only names an alternative (§7)
	Direction  string // "sendonly", "recvonly", "sendrecv" or "inactive"; "" when absent, which inherits the stream's direction (RFC 8285 §7)
	URI        string // the absolute URI naming the extension, e.g. "urn:ietf:params:rtp-hdrext:sdes:mid"
	Attributes string // extension attributes after the URI; "" when absent
}

func parseExtmap(v string) (Extmap, error) {
	entry, rest, ok := strings.Cut(v, " ")
	id, dir, hasDir := strings.Cut(entry, "/")
	n, idOK := parseUint(id, 99999)
	if !ok || !idOK || len(id) > 5 {
		return Extmap{}, fmt.Errorf("a=extmap:%s: want <id>[/<direction>] <URI> [<attributes>] (RFC 8285 §8)", clip(v))
	}
	// RFC 8285 §4.1.2: "The ID value 0 is reserved for padding"; the valid
	// range ends at 255 (two-byte header, §4.3). An answer may copy an
	// identifier of the extended range 4096-4351 to say it knows the
	// extension, which then cannot be used (§7).
	if n == 0 || n > 255 && (n < 4096 || n > 4351) {
		return Extmap{}, fmt.Errorf("a=extmap:%s: ID %d is outside 1-255 and 4096-4351 (RFC 8285 §4.1.2, §7)", clip(v), n)
	}
	e := Extmap{ID: int(n)}
	if hasDir {
		switch dir {
		case "sendonly", "recvonly", "sendrecv", "inactive":
			e.Direction = dir
		default:
			return Extmap{}, fmt.Errorf("a=extmap:%s: direction %q is not sendonly, recvonly, sendrecv or inactive", clip(v), clip(dir))
		}
	}
	e.URI, e.Attributes, _ = strings.Cut(rest, " ")
	if !isAbsoluteURI(e.URI) {
		return Extmap{}, fmt.Errorf("a=extmap:%s: %q is not an absolute URI (RFC 8285 §5: \"That URI MUST be absolute\")", clip(v), clip(e.URI))
	}
	return e, nil
}

// isAbsoluteURI checks the shape "<scheme>:<rest>" of RFC 3986 §4.3, with
// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), and no spaces.
func isAbsoluteURI(s string) bool {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || scheme == "" || rest == "" || !isNonWS(s) {
		return false
	}
	for i := 0; i < len(scheme); i++ {
		b := scheme[i]
		alpha := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
		if !alpha && (i == 0 || !('0' <= b && b <= '9' || b == '+' || b == '-' || b == '.')) {
			return false
		}
	}
	return true
}

// parseSSRC reads the SSRC of an a=ssrc attribute (RFC 5576 §4.1):
//
//	ssrc-attr = "ssrc:" ssrc-id SP attribute
//	ssrc-id   = integer ; 0 .. 2**32 - 1
//
// The attribute after it ("cname:...", "msid:...") is checked against the
// generic grammar, attribute-name [":" attribute-value], and not kept.
func parseSSRC(v string) (uint32, error) {
	id, attr, ok := strings.Cut(v, " ")
	n, idOK := parseUint(id, 1<<32-1)
	name, value, hasValue := strings.Cut(attr, ":")
	if !ok || !idOK || !isToken(name) || hasValue && value == "" {
		return 0, fmt.Errorf("a=ssrc:%s: want <ssrc-id 0 to 2^32-1> <attribute>[:<value>] (RFC 5576 §4.1)", clip(v))
	}
	return uint32(n), nil
}

package rtp

// Header extension elements, RFC 8285 §4, and their names from the SDP
// (§5, §8).
//
// RFC 3550 allows one header extension per packet; RFC 8285 fills it with
// small elements, each introduced by a local ID and a length. The
// one-byte form (§4.2) packs both into one byte; the profile field is
// 0xBEDE:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|       0xBE    |    0xDE       |           length=3            |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  ID   | L=0   |     data      |  ID   |  L=1  |   data...
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	      ...data   |    0 (pad)    |    0 (pad)    |  ID   | L=3   |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                          data                                 |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// ID is 1-14 and L is the data length minus one (1-16 bytes). A zero byte
// is padding, allowed between elements and required after the last one up
// to the next 32-bit boundary. ID 15 is reserved: processing stops there,
// keeping the elements before it; ID 0 is the padding value and no
// element, so a non-zero byte with ID 0 stops processing the same way.
//
// The two-byte form (§4.3), profile 0x100 followed by 4 "appbits", has a
// whole byte for each: ID 1-255 and a length of 0-255 bytes:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|         0x100         |appbits|           length=3            |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|      ID       |     L=0       |     ID        |     L=1       |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|       data    |    0 (pad)    |       ID      |      L=4      |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                          data                                 |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// What an ID means, the SDP says: each a=extmap line of the answer maps an
// ID to a URI, e.g. "a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-
// transport-wide-cc-extensions-01". A real packet from Chromium's first
// keyframe carries, after the fixed header:
//
//	be de 00 02   one-byte form, 2 words follow
//	41 00 02      ID 4, L=1: transport-wide sequence number 2
//	10 30         ID 1, L=0: mid "0"
//	00 00 00      padding to the word boundary

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Extension is one RFC 8285 element. Data aliases the packet it was read
// from.
type Extension struct {
	ID   uint8  // local identifier: 1-14 in the one-byte form, 1-255 in the two-byte form
	Data []byte // the element's data: 1-16 bytes (one-byte form), 0-255 (two-byte form)
}

// parseOneByte appends the elements of a one-byte-form extension, RFC
// 8285 §4.2, to dst.
func parseOneByte(dst []Extension, b []byte) ([]Extension, error) {
	for i := 0; i < len(b); {
		if b[i] == 0 { // padding
			i++
			continue
		}
		id, n := b[i]>>4, int(b[i]&0x0f)+1
		if id == 15 || id == 0 {
			break // reserved: stop here, keep what came before (§4.2)
		}
		if i+1+n > len(b) {
			return dst, ErrExtension
		}
		dst = append(dst, Extension{ID: id, Data: b[i+1 : i+1+n : i+1+n]})
		i += 1 + n
	}
	return dst, nil
}

// parseTwoByte appends the elements of a two-byte-form extension, RFC
// 8285 §4.3, to dst.
func parseTwoByte(dst []Extension, b []byte) ([]Extension, error) {
	for i := 0; i < len(b); {
		if b[i] == 0 { // padding
			i++
			continue
		}
		if i+2 > len(b) {
			return dst, ErrExtension
		}
		id, n := b[i], int(b[i+1])
		if i+2+n > len(b) {
			return dst, ErrExtension
		}
		dst = append(dst, Extension{ID: id, Data: b[i+2 : i+2+n : i+2+n]})
		i += 2 + n
	}
	return dst, nil
}

// writeOneByte writes the elements in the one-byte form at b[off:], which
// the caller sized and checked (Header.check), and returns the offset
// after them.
func writeOneByte(b []byte, off int, elems []Extension) int {
	for _, e := range elems {
		b[off] = e.ID<<4 | byte(len(e.Data)-1)
		off += 1 + copy(b[off+1:], e.Data)
	}
	return off
}

// writeTwoByte writes the elements in the two-byte form.
func writeTwoByte(b []byte, off int, elems []Extension) int {
	for _, e := range elems {
		b[off], b[off+1] = e.ID, byte(len(e.Data))
		off += 2 + copy(b[off+2:], e.Data)
	}
	return off
}

// ExtMap names the extension IDs of a session: ID → URI, from the
// answer's a=extmap lines (RFC 8285 §5, §8). The browser picks the IDs
// (from the offer's), so they must be looked up per session:
//
//	m := rtp.ExtMap{}
//	for _, e := range answer.Extmaps {
//	        if e.ID >= 1 && e.ID <= 255 {
//	                m[uint8(e.ID)] = e.URI
//	        }
//	}
type ExtMap map[uint8]string

// The URIs browsers announce, and the short names the log uses.
const (
	URIMid             = "urn:ietf:params:rtp-hdrext:sdes:mid"                                       // RFC 9143 (BUNDLE): the m= section
	URIRtpStreamID     = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"                             // RFC 8852: simulcast layer
	URIRepairedRtpID   = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"                    // RFC 8852: layer an RTX packet repairs
	URITransportWideCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01" // a 16-bit sequence number across all streams
	URIAbsSendTime     = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"                // 6.18 fixed-point seconds, 24 bits
	URITimeOffset      = "urn:ietf:params:rtp-hdrext:toffset"                                        // RFC 5450: transmission offset
	URIAudioLevel      = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"                               // RFC 6464
	URIVideoOrient     = "urn:3gpp:video-orientation"                                                // 3GPP TS 26.114: rotation
	URIPlayoutDelay    = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"                // min/max playout delay
	URIAbsCaptureTime  = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time"             // NTP capture time
)

var shortNames = map[string]string{
	URIMid:             "mid",
	URIRtpStreamID:     "rid",
	URIRepairedRtpID:   "repaired-rid",
	URITransportWideCC: "twcc",
	URIAbsSendTime:     "abs-send-time",
	URITimeOffset:      "toffset",
	URIAudioLevel:      "audio-level",
	URIVideoOrient:     "video-orientation",
	URIPlayoutDelay:    "playout-delay",
	URIAbsCaptureTime:  "abs-capture-time",
}

// Name is the element's short name for the log: "mid", "twcc", … for the
// known URIs, the URI itself for others, and "id N" for an ID the answer
// did not map.
func (m ExtMap) Name(id uint8) string {
	uri, ok := m[id]
	if !ok {
		return fmt.Sprintf("id %d", id)
	}
	if s, ok := shortNames[uri]; ok {
		return s
	}
	return uri
}

// ID returns the ID mapped to the URI, if any.
func (m ExtMap) ID(uri string) (uint8, bool) {
	for id, u := range m {
		if u == uri {
			return id, true
		}
	}
	return 0, false
}

// Format describes the header's elements for the log, values decoded for
// the known URIs: `4:twcc=2 1:mid="0"`.
func (m ExtMap) Format(h *Header) string {
	var b strings.Builder
	for i, e := range h.Extensions {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d:%s=%s", e.ID, m.Name(e.ID), formatValue(m[e.ID], e.Data))
	}
	return b.String()
}

// formatValue decodes the values worth reading in a log line.
func formatValue(uri string, d []byte) string {
	switch {
	case uri == URIMid || uri == URIRtpStreamID || uri == URIRepairedRtpID:
		return fmt.Sprintf("%q", d) // SDES items: text (RFC 9143, RFC 8852)
	case uri == URITransportWideCC && len(d) == 2:
		return fmt.Sprint(binary.BigEndian.Uint16(d))
	case uri == URIAbsSendTime && len(d) == 3:
		v := uint32(d[0])<<16 | uint32(d[1])<<8 | uint32(d[2]) // seconds, 6.18 fixed point
		return fmt.Sprintf("%.6fs", float64(v)/(1<<18))
	case uri == URITimeOffset && len(d) == 3:
		v := int32(uint32(d[0])<<24|uint32(d[1])<<16|uint32(d[2])<<8) >> 8 // signed 24 bits
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%x", d)
}

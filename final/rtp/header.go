package rtp

// The RTP header, RFC 3550 §5.1 and §5.3.1.
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|V=2|P|X|  CC   |M|     PT      |       sequence number         |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                           timestamp                           |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|           synchronization source (SSRC) identifier            |
//	+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	|            contributing source (CSRC) identifiers             |
//	|                             ....                              |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// V is the version, 2. P says the packet ends in padding (packet.go). X
// says a header extension follows the CSRCs. CC counts the CSRCs, which
// only a mixer inserts. M, the marker, is defined by the payload format:
// for video it marks the last packet of a frame (RFC 7741 §4.1). PT names
// the payload format through the SDP's a=rtpmap (96 = VP8 in our answers).
// The sequence number counts packets, the timestamp samples (90 kHz for
// video: every packet of a frame carries the frame's capture time), and
// the SSRC names the stream.
//
// The header extension (§5.3.1) is one block whose first word names its
// format and counts the 32-bit words after it:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|      defined by profile       |           length              |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                        header extension                       |
//	|                             ....                              |
//
// "Only a single extension can be appended to the RTP data header", so
// RFC 8285 splits that block into many small elements, each with a local
// ID that the SDP maps to a URI (extension.go). Every browser uses it:
// 0xBEDE in the first 16 bits for one-byte element headers, 0x100 and 4
// "appbits" for two-byte ones.
//
// Browsers change which elements they send (Chromium drops mid after the
// first packets), so the header length is computed for every packet.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// FixedHeaderLen is the length of the fixed part of the header.
const FixedHeaderLen = 12

// The extension profiles of RFC 8285.
const (
	ExtensionProfileOneByte = 0xBEDE // §4.2: one-byte element headers
	ExtensionProfileTwoByte = 0x1000 // §4.3: two-byte element headers; the low 4 bits are "appbits"
)

// Header is an RTP header (RFC 3550 §5.1). Unmarshal fills it from the
// wire without copying: CSRC and Extensions reuse their capacity, and the
// extension data aliases the packet's bytes, so a Header reused for every
// packet allocates nothing once warm. The version is not a field: it is
// always 2 (Unmarshal refuses others, MarshalTo writes 2).
type Header struct {
	Padding        bool     // P: the packet ends in padding (Packet.PaddingSize says how much)
	Extension      bool     // X: a header extension follows the CSRCs
	Marker         bool     // M: for video, the last packet of a frame (RFC 7741 §4.1)
	PayloadType    uint8    // PT, 7 bits: the a=rtpmap payload type
	SequenceNumber uint16   // +1 per packet; a random start (RFC 3550 §5.1)
	Timestamp      uint32   // sampling instant in clock-rate units (90 kHz for video)
	SSRC           uint32   // synchronization source: the stream
	CSRC           []uint32 // contributing sources, at most 15 (CC); browsers send none

	// The header extension, when Extension is set (§5.3.1).
	ExtensionProfile uint16      // the first 16 bits: 0xBEDE, 0x100X (RFC 8285) or another profile's
	Extensions       []Extension // RFC 8285 elements, in wire order, when the profile is 0xBEDE or 0x100X
	ExtensionPayload []byte      // the words after the extension's first one, as received; written as is for other profiles
}

// Unmarshal reads the header at the start of b and returns its length:
// the fixed part, the CSRCs and the extension. Every length is checked
// against len(b) before it is read.
func (h *Header) Unmarshal(b []byte) (int, error) {
	if len(b) < FixedHeaderLen {
		return 0, ErrTooShort
	}
	if b[0]>>6 != 2 {
		return 0, ErrVersion // RFC 3550 §5.1, A.1
	}
	h.Padding = b[0]&0x20 != 0
	h.Extension = b[0]&0x10 != 0
	cc := int(b[0] & 0x0f)
	h.Marker = b[1]&0x80 != 0
	h.PayloadType = b[1] & 0x7f
	h.SequenceNumber = binary.BigEndian.Uint16(b[2:4])
	h.Timestamp = binary.BigEndian.Uint32(b[4:8])
	h.SSRC = binary.BigEndian.Uint32(b[8:12])

	n := FixedHeaderLen + 4*cc
	if len(b) < n {
		return 0, ErrTooShort
	}
	h.CSRC = h.CSRC[:0]
	for i := FixedHeaderLen; i < n; i += 4 {
		h.CSRC = append(h.CSRC, binary.BigEndian.Uint32(b[i:]))
	}

	h.ExtensionProfile = 0
	h.Extensions = h.Extensions[:0]
	h.ExtensionPayload = nil
	if !h.Extension {
		return n, nil
	}
	if len(b) < n+4 {
		return 0, ErrTooShort
	}
	h.ExtensionProfile = binary.BigEndian.Uint16(b[n:])
	words := int(binary.BigEndian.Uint16(b[n+2:]))
	end := n + 4 + 4*words
	if len(b) < end {
		return 0, ErrTooShort
	}
	h.ExtensionPayload = b[n+4 : end : end]
	var err error
	switch {
	case h.ExtensionProfile == ExtensionProfileOneByte:
		h.Extensions, err = parseOneByte(h.Extensions, h.ExtensionPayload)
	case h.ExtensionProfile&0xfff0 == ExtensionProfileTwoByte:
		h.Extensions, err = parseTwoByte(h.Extensions, h.ExtensionPayload)
	}
	if err != nil {
		return 0, err
	}
	return end, nil
}

// PeekSSRC reads the SSRC of the RTP packet in b without parsing the
// rest: how the program picks the stream's Receiver.
func PeekSSRC(b []byte) (uint32, bool) {
	if len(b) < FixedHeaderLen || b[0]>>6 != 2 {
		return 0, false
	}
	return binary.BigEndian.Uint32(b[8:12]), true
}

// MarshalSize is the length MarshalTo writes.
func (h *Header) MarshalSize() int {
	n := FixedHeaderLen + 4*len(h.CSRC)
	if h.Extension {
		n += 4 + h.extensionPayloadLen()
	}
	return n
}

// extensionPayloadLen is the extension's length after its first word, a
// multiple of 4: the elements and the zero padding after them (RFC 8285
// §4.1.1), or the raw payload of another profile.
func (h *Header) extensionPayloadLen() int {
	if !h.rfc8285() {
		return len(h.ExtensionPayload)
	}
	n := 0
	for _, e := range h.Extensions {
		n += len(e.Data) + 1
		if h.ExtensionProfile != ExtensionProfileOneByte {
			n++
		}
	}
	return (n + 3) &^ 3
}

// rfc8285 reports whether the extension is made of RFC 8285 elements.
func (h *Header) rfc8285() bool {
	return h.ExtensionProfile == ExtensionProfileOneByte || h.ExtensionProfile&0xfff0 == ExtensionProfileTwoByte
}

// MarshalTo writes the header into b and returns its length. The P bit is
// h.Padding; Packet.MarshalTo sets it from the padding it writes.
func (h *Header) MarshalTo(b []byte) (int, error) {
	n := h.MarshalSize()
	if len(b) < n {
		return 0, ErrBufferTooSmall
	}
	if err := h.check(); err != nil {
		return 0, err
	}
	b[0] = 2<<6 | byte(len(h.CSRC))
	if h.Padding {
		b[0] |= 0x20
	}
	if h.Extension {
		b[0] |= 0x10
	}
	b[1] = h.PayloadType
	if h.Marker {
		b[1] |= 0x80
	}
	binary.BigEndian.PutUint16(b[2:], h.SequenceNumber)
	binary.BigEndian.PutUint32(b[4:], h.Timestamp)
	binary.BigEndian.PutUint32(b[8:], h.SSRC)
	off := FixedHeaderLen
	for _, c := range h.CSRC {
		binary.BigEndian.PutUint32(b[off:], c)
		off += 4
	}
	if !h.Extension {
		return off, nil
	}
	payload := h.extensionPayloadLen()
	binary.BigEndian.PutUint16(b[off:], h.ExtensionProfile)
	binary.BigEndian.PutUint16(b[off+2:], uint16(payload/4))
	off += 4
	if !h.rfc8285() {
		off += copy(b[off:], h.ExtensionPayload)
		return off, nil
	}
	end := off + payload
	if h.ExtensionProfile == ExtensionProfileOneByte {
		off = writeOneByte(b, off, h.Extensions)
	} else {
		off = writeTwoByte(b, off, h.Extensions)
	}
	clear(b[off:end]) // padding to the next 32-bit boundary (RFC 8285 §4.1.1)
	return end, nil
}

// check reports whether MarshalTo can write the header: every field fits
// its bits and every extension element its form.
func (h *Header) check() error {
	if len(h.CSRC) > 15 || h.PayloadType > 127 {
		return ErrFieldRange
	}
	if !h.Extension {
		return nil
	}
	if h.extensionPayloadLen()/4 > 0xffff {
		return ErrFieldRange
	}
	switch {
	case h.ExtensionProfile == ExtensionProfileOneByte:
		for _, e := range h.Extensions {
			if e.ID < 1 || e.ID > 14 || len(e.Data) < 1 || len(e.Data) > 16 {
				return ErrExtension // §4.2: ID 1-14, 1-16 bytes
			}
		}
	case h.ExtensionProfile&0xfff0 == ExtensionProfileTwoByte:
		for _, e := range h.Extensions {
			if e.ID == 0 || len(e.Data) > 255 {
				return ErrExtension // §4.3: ID 1-255, 0-255 bytes
			}
		}
	default:
		if len(h.ExtensionPayload)%4 != 0 {
			return ErrExtension // RFC 3550 §5.3.1: a whole number of words
		}
	}
	return nil
}

// Marshal returns the header in a new slice.
func (h *Header) Marshal() ([]byte, error) {
	b := make([]byte, h.MarshalSize())
	n, err := h.MarshalTo(b)
	if err != nil {
		return nil, err
	}
	return b[:n], nil
}

// GetExtension returns the data of the first element with the id, and
// whether there is one (a two-byte element may carry no data).
func (h *Header) GetExtension(id uint8) ([]byte, bool) {
	for _, e := range h.Extensions {
		if e.ID == id {
			return e.Data, true
		}
	}
	return nil, false
}

// String prints the header on one line, for the log:
// "ssrc=0x5bd77af8 pt=96 seq=13174 ts=376022552 M ext=bede[4:2B 1:1B]".
// ExtMap.Format names the elements.
func (h *Header) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ssrc=0x%08x pt=%d seq=%d ts=%d", h.SSRC, h.PayloadType, h.SequenceNumber, h.Timestamp)
	if h.Marker {
		b.WriteString(" M")
	}
	if h.Padding {
		b.WriteString(" P")
	}
	if len(h.CSRC) > 0 {
		fmt.Fprintf(&b, " csrc=%x", h.CSRC)
	}
	if h.Extension {
		fmt.Fprintf(&b, " ext=%04x[", h.ExtensionProfile)
		if h.rfc8285() {
			for i, e := range h.Extensions {
				if i > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "%d:%dB", e.ID, len(e.Data))
			}
		} else {
			fmt.Fprintf(&b, "%dB", len(h.ExtensionPayload))
		}
		b.WriteByte(']')
	}
	return b.String()
}

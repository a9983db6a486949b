package rtcp

// Source description, RFC 3550 §6.5.
//
//	        0                   1                   2                   3
//	        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	header |V=2|P|    SC   |  PT=SDES=202  |             length            |
//	       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	chunk  |                          SSRC/CSRC_1                          |
//	  1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	       |                           SDES items                          |
//	       |                              ...                              |
//	       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//
// and each item (§6.5.1 for CNAME, type 1):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|    CNAME=1    |     length    | user and domain name        ...
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// "Each chunk starts on a 32-bit boundary." Items follow each other
// unpadded; "the list of items in each chunk MUST be terminated by one or
// more null octets, the first of which is interpreted as an item type of
// zero", and the nulls run to the next 32-bit boundary. Every compound
// packet a browser sends carries one chunk with its CNAME, the name that
// ties its audio and video streams together (§6.5.1): Chromium's is 16
// random characters, Firefox's a UUID in braces.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// SDESType is an item type.
type SDESType uint8

// The item types of RFC 3550 §6.5.1-§6.5.8.
const (
	SDESEnd   SDESType = 0 // ends a chunk's list
	SDESCNAME SDESType = 1 // canonical end-point identifier
	SDESName  SDESType = 2
	SDESEmail SDESType = 3
	SDESPhone SDESType = 4
	SDESLoc   SDESType = 5
	SDESTool  SDESType = 6
	SDESNote  SDESType = 7
	SDESPriv  SDESType = 8 // private extension: prefix length, prefix, value
)

func (t SDESType) String() string {
	names := [...]string{"END", "CNAME", "NAME", "EMAIL", "PHONE", "LOC", "TOOL", "NOTE", "PRIV"}
	if int(t) < len(names) {
		return names[t]
	}
	return fmt.Sprintf("item %d", uint8(t))
}

// SDESItem is one item.
type SDESItem struct {
	Type SDESType
	Text string // at most 255 bytes; UTF-8 by the RFC, kept as received
}

// SDESChunk is the items about one source.
type SDESChunk struct {
	Source uint32 // SSRC or CSRC
	Items  []SDESItem
}

// SourceDescription is an SDES packet.
type SourceDescription struct {
	Chunks []SDESChunk // at most 31
}

// Unmarshal reads one SDES packet.
func (s *SourceDescription) Unmarshal(b []byte) error {
	h, body, err := parse(b, TypeSDES)
	if err != nil {
		return err
	}
	s.Chunks = make([]SDESChunk, 0, h.Count)
	off := 0
	for range h.Count {
		if off+4 > len(body) {
			return ErrTooShort
		}
		c := SDESChunk{Source: binary.BigEndian.Uint32(body[off:])}
		off += 4
		for {
			if off >= len(body) {
				return ErrFormat // no null octet ends the list
			}
			t := SDESType(body[off])
			if t == SDESEnd {
				off = (off + 4) &^ 3 // the null and the nulls to the boundary
				break
			}
			if off+2 > len(body) || off+2+int(body[off+1]) > len(body) {
				return ErrTooShort
			}
			n := int(body[off+1])
			c.Items = append(c.Items, SDESItem{Type: t, Text: string(body[off+2 : off+2+n])})
			off += 2 + n
		}
		s.Chunks = append(s.Chunks, c)
	}
	if off != len(body) {
		return ErrFormat // the chunks do not fill the packet
	}
	return nil
}

// chunkSize is the chunk's length on the wire: SSRC, items, and one to
// four nulls to the next 32-bit boundary.
func (c *SDESChunk) chunkSize() int {
	n := 4
	for _, it := range c.Items {
		n += 2 + len(it.Text)
	}
	return (n + 4) &^ 3
}

// MarshalSize is the length MarshalTo writes.
func (s *SourceDescription) MarshalSize() int {
	n := HeaderLen
	for i := range s.Chunks {
		n += s.Chunks[i].chunkSize()
	}
	return n
}

// MarshalTo writes the packet into b.
func (s *SourceDescription) MarshalTo(b []byte) (int, error) {
	n := s.MarshalSize()
	if err := checkSize(b, n); err != nil {
		return 0, err
	}
	if len(s.Chunks) > 31 {
		return 0, ErrFieldRange
	}
	writeHeader(b, uint8(len(s.Chunks)), TypeSDES, n, false)
	off := HeaderLen
	for i := range s.Chunks {
		c := &s.Chunks[i]
		end := off + c.chunkSize()
		binary.BigEndian.PutUint32(b[off:], c.Source)
		off += 4
		for _, it := range c.Items {
			if it.Type == SDESEnd || len(it.Text) > 255 {
				return 0, ErrFieldRange
			}
			b[off], b[off+1] = byte(it.Type), byte(len(it.Text))
			off += 2 + copy(b[off+2:], it.Text)
		}
		clear(b[off:end]) // the null item and the padding
		off = end
	}
	return n, nil
}

// Marshal returns the packet in a new slice.
func (s *SourceDescription) Marshal() ([]byte, error) { return marshal(s) }

// CNAME returns the CNAME of the source, if the packet has one.
func (s *SourceDescription) CNAME(source uint32) (string, bool) {
	for _, c := range s.Chunks {
		if c.Source != source {
			continue
		}
		for _, it := range c.Items {
			if it.Type == SDESCNAME {
				return it.Text, true
			}
		}
	}
	return "", false
}

// String prints the packet: `SDES [ssrc=0x5bd77af8 CNAME="sUyWS08LnvPM5Edh"]`.
func (s *SourceDescription) String() string {
	var b strings.Builder
	b.WriteString("SDES")
	for _, c := range s.Chunks {
		fmt.Fprintf(&b, " [ssrc=0x%08x", c.Source)
		for _, it := range c.Items {
			fmt.Fprintf(&b, " %v=%q", it.Type, it.Text)
		}
		b.WriteByte(']')
	}
	return b.String()
}

package rtcp

// Packets this package does not parse: other packet types (XR, RFC 3611,
// and anything newer) and other feedback messages (SLI, RPSI, TMMBR, …).
// RFC 3550 A.2: "unknown packet types may be present and should be
// ignored", so a compound holding one still parses; the packet is kept as
// it is, so it can be logged by type and written back unchanged.

import "fmt"

// RawPacket is one packet of a type Unmarshal does not parse.
type RawPacket struct {
	Header Header // the common header, read from Raw
	Raw    []byte // the whole packet, header and padding included, aliased to the input
}

// Unmarshal keeps one packet of any type, checking only the header and
// the length.
func (r *RawPacket) Unmarshal(b []byte) error {
	if err := r.Header.Unmarshal(b); err != nil {
		return err
	}
	if r.Header.Size() != len(b) {
		return ErrLength
	}
	r.Raw = b
	return nil
}

// MarshalSize is the length MarshalTo writes.
func (r *RawPacket) MarshalSize() int { return len(r.Raw) }

// MarshalTo writes the packet as it was received.
func (r *RawPacket) MarshalTo(b []byte) (int, error) {
	if err := checkSize(b, len(r.Raw)); err != nil {
		return 0, err
	}
	return copy(b, r.Raw), nil
}

// Marshal returns a copy of the packet.
func (r *RawPacket) Marshal() ([]byte, error) { return marshal(r) }

// String prints the packet: "RTPFB fmt=3 (not parsed) 16B".
func (r *RawPacket) String() string {
	what := "count"
	if r.Header.Type == TypeRTPFB || r.Header.Type == TypePSFB {
		what = "fmt"
	}
	return fmt.Sprintf("%v %s=%d (not parsed) %dB", r.Header.Type, what, r.Header.Count, len(r.Raw))
}

package pcap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"
)

// The global header's constants (doc.go).
const (
	Magic        = 0xa1b2c3d4 // microsecond timestamps
	VersionMajor = 2
	VersionMinor = 4
	SnapLen      = 65535 // the largest packet kept whole
	LinkTypeRaw  = 101   // LINKTYPE_RAW: the packet starts with an IPv4 or IPv6 header

	GlobalHeaderLen = 24
	RecordHeaderLen = 16
)

// Errors of WritePacket. Nothing has been written when one is returned.
var (
	ErrAddress  = errors.New("pcap: source or destination is not a valid IP address and port")
	ErrTooLarge = errors.New("pcap: packet larger than the snapshot length")
)

// Writer writes a capture file: the global header when it is made, then
// one record per WritePacket. It does not buffer (give it a bufio.Writer
// for that) and is not safe for concurrent use.
type Writer struct {
	w   io.Writer
	id  uint16 // the next IPv4 identification
	buf []byte // record header, IP and UDP headers and payload, reused
}

// NewWriter writes the global header to w.
func NewWriter(w io.Writer) (*Writer, error) {
	var h [GlobalHeaderLen]byte
	le := binary.LittleEndian
	le.PutUint32(h[0:4], Magic)
	le.PutUint16(h[4:6], VersionMajor)
	le.PutUint16(h[6:8], VersionMinor)
	le.PutUint32(h[8:12], 0)  // thiszone: UTC
	le.PutUint32(h[12:16], 0) // sigfigs: nobody sets it
	le.PutUint32(h[16:20], SnapLen)
	le.PutUint32(h[20:24], LinkTypeRaw)
	if _, err := w.Write(h[:]); err != nil {
		return nil, fmt.Errorf("pcap: writing the global header: %w", err)
	}
	return &Writer{w: w}, nil
}

// WritePacket writes one UDP datagram carrying payload from src to dst,
// received or sent at t, in one call to the underlying Write. Both
// addresses IPv4 (IPv4-mapped IPv6 addresses such as ::ffff:192.0.2.1,
// which a dual-stack socket reports, count as IPv4) give an IPv4 packet;
// otherwise an IPv6 one, an IPv4 address among them written in its
// IPv4-mapped form. The payload is not kept.
func (w *Writer) WritePacket(t time.Time, src, dst netip.AddrPort, payload []byte) error {
	rec, err := w.appendPacket(w.buf[:0], t, src, dst, payload)
	if err != nil {
		return err
	}
	w.buf = rec
	_, err = w.w.Write(rec)
	return err
}

// appendPacket appends the record of one packet to b.
func (w *Writer) appendPacket(b []byte, t time.Time, src, dst netip.AddrPort, payload []byte) ([]byte, error) {
	if !src.IsValid() || !dst.IsValid() {
		return b, ErrAddress
	}
	sa, da := src.Addr().Unmap(), dst.Addr().Unmap()
	v4 := sa.Is4() && da.Is4()
	if !v4 {
		// Both 16 bytes: As16 maps an IPv4 address. The zone (fe80::1%eth0)
		// is local to this host and has no place on the wire.
		sa = netip.AddrFrom16(sa.As16())
		da = netip.AddrFrom16(da.As16())
	}
	ipLen := IPv4HeaderLen
	if !v4 {
		ipLen = IPv6HeaderLen
	}
	n := ipLen + UDPHeaderLen + len(payload)
	if n > SnapLen {
		return b, ErrTooLarge
	}

	off := len(b)
	b = append(b, make([]byte, RecordHeaderLen+ipLen+UDPHeaderLen)...)
	b = append(b, payload...)
	rec := b[off:]
	le := binary.LittleEndian
	le.PutUint32(rec[0:4], uint32(t.Unix()))
	le.PutUint32(rec[4:8], uint32(t.Nanosecond()/1000))
	le.PutUint32(rec[8:12], uint32(n))
	le.PutUint32(rec[12:16], uint32(n))

	pkt := rec[RecordHeaderLen:]
	udp := pkt[ipLen:]
	writeUDP(udp, netip.AddrPortFrom(sa, src.Port()), netip.AddrPortFrom(da, dst.Port()))
	if v4 {
		writeIPv4(pkt, n, w.id, sa, da)
		w.id++
	} else {
		writeIPv6(pkt, len(udp), sa, da)
	}
	return b, nil
}

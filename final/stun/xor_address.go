package stun

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// This file implements MAPPED-ADDRESS (RFC 8489 §14.1) and
// XOR-MAPPED-ADDRESS (§14.2): the transport address at which the server saw
// the request, reported back to the client. With it a client behind a NAT
// learns its public address, and an ICE agent discovers peer-reflexive
// candidates (RFC 8445 §7.2.5.3.1).

// Address families of §14.1.
const (
	familyIPv4 = 0x01
	familyIPv6 = 0x02
)

// MappedAddress returns MAPPED-ADDRESS (§14.1):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|0 0 0 0 0 0 0 0|    Family     |           Port                |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                                                               |
//	|                 Address (32 bits or 128 bits)                 |
//	|                                                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//	          Figure 5: Format of MAPPED-ADDRESS Attribute
//
// Only servers that must answer RFC 3489 clients send it. Modern peers send
// XOR-MAPPED-ADDRESS, which NATs do not rewrite.
func (m *Message) MappedAddress() (netip.AddrPort, error) {
	v, ok := m.Get(AttrMappedAddress)
	if !ok {
		return netip.AddrPort{}, notFound(AttrMappedAddress)
	}
	return decodeAddress(AttrMappedAddress, v, nil)
}

// AddMappedAddress appends MAPPED-ADDRESS. See AddXORMappedAddress for how
// the address is encoded.
func (m *Message) AddMappedAddress(ap netip.AddrPort) {
	m.Add(AttrMappedAddress, encodeAddress(ap, nil))
}

// XORMappedAddress returns XOR-MAPPED-ADDRESS (§14.2):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|0 0 0 0 0 0 0 0|    Family     |         X-Port                |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                X-Address (Variable)
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//	        Figure 6: Format of XOR-MAPPED-ADDRESS Attribute
//
// The port is XORed with the top 16 bits of the Magic Cookie, an IPv4
// address with the cookie, an IPv6 address with the cookie followed by the
// transaction ID. The point is to hide the address from NATs: some of them
// rewrote every 32-bit word that looked like their public address, as a
// misguided Application Layer Gateway, and so broke MAPPED-ADDRESS and the
// MESSAGE-INTEGRITY over it (§14.2).
//
// An unknown family is an error; §6.3.3 says a client should then ignore
// the attribute.
func (m *Message) XORMappedAddress() (netip.AddrPort, error) {
	v, ok := m.Get(AttrXORMappedAddress)
	if !ok {
		return netip.AddrPort{}, notFound(AttrXORMappedAddress)
	}
	return decodeAddress(AttrXORMappedAddress, v, &m.TransactionID)
}

// AddXORMappedAddress appends XOR-MAPPED-ADDRESS. The IPv6 form depends on
// the transaction ID, so set m.TransactionID first (NewBindingSuccess does).
// An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as a dual-stack socket
// reports an IPv4 peer) is sent as IPv4, the family the peer used. An IPv6
// zone is dropped: STUN has no field for it. The zero netip.AddrPort is sent
// as 0.0.0.0:0.
func (m *Message) AddXORMappedAddress(ap netip.AddrPort) {
	m.Add(AttrXORMappedAddress, encodeAddress(ap, &m.TransactionID))
}

// xorMask returns the 16 bytes an address is XORed with: the Magic Cookie
// followed by the transaction ID. IPv4 uses the first 4, IPv6 all 16, and
// the port the first 2 (§14.2).
func xorMask(id *TransactionID) [16]byte {
	var mask [16]byte
	binary.BigEndian.PutUint32(mask[:4], MagicCookie)
	copy(mask[4:], id[:])
	return mask
}

// encodeAddress returns the value of MAPPED-ADDRESS, or of
// XOR-MAPPED-ADDRESS when id is not nil.
func encodeAddress(ap netip.AddrPort, id *TransactionID) []byte {
	ip := ap.Addr().Unmap()
	family, size := byte(familyIPv4), 4
	var addr [16]byte
	if ip.Is6() {
		family, size = familyIPv6, 16
		addr = ip.As16()
	} else if ip.Is4() {
		a4 := ip.As4()
		copy(addr[:], a4[:])
	}
	port := ap.Port()
	if id != nil {
		mask := xorMask(id)
		port ^= uint16(MagicCookie >> 16)
		for i := range size {
			addr[i] ^= mask[i]
		}
	}
	v := make([]byte, 4, 4+size)
	v[0] = 0 // reserved, "MUST be set to 0"
	v[1] = family
	binary.BigEndian.PutUint16(v[2:4], port)
	return append(v, addr[:size]...)
}

// decodeAddress decodes the value of MAPPED-ADDRESS, or of
// XOR-MAPPED-ADDRESS when id is not nil. The first byte is ignored, as
// §14.1 requires.
func decodeAddress(t AttrType, v []byte, id *TransactionID) (netip.AddrPort, error) {
	if len(v) < 4 {
		return netip.AddrPort{}, fmt.Errorf("stun: %v of %d bytes is shorter than 4", t, len(v))
	}
	var size int
	switch v[1] {
	case familyIPv4:
		size = 4
	case familyIPv6:
		size = 16
	default:
		return netip.AddrPort{}, fmt.Errorf("stun: %v family 0x%02x is neither IPv4 (0x01) nor IPv6 (0x02)", t, v[1])
	}
	if len(v) != 4+size {
		return netip.AddrPort{}, fmt.Errorf("stun: %v of family 0x%02x has %d bytes, want %d", t, v[1], len(v), 4+size)
	}
	port := binary.BigEndian.Uint16(v[2:4])
	var addr [16]byte
	copy(addr[:size], v[4:])
	if id != nil {
		mask := xorMask(id)
		port ^= uint16(MagicCookie >> 16)
		for i := range size {
			addr[i] ^= mask[i]
		}
	}
	ip := netip.AddrFrom16(addr)
	if size == 4 {
		ip = netip.AddrFrom4([4]byte(addr[:4]))
	}
	return netip.AddrPortFrom(ip, port), nil
}

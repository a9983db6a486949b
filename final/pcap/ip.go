package pcap

// The IP and UDP headers put in front of each payload. They are invented
// (the server never sees the browser's IP headers, the kernel strips
// them) but carry the packet's real addresses and ports, and checksums a
// dissector can verify.

import (
	"encoding/binary"
	"net/netip"
)

// Header lengths.
const (
	IPv4HeaderLen = 20 // no options
	IPv6HeaderLen = 40 // no extension headers
	UDPHeaderLen  = 8
)

const (
	protocolUDP = 17  // IANA protocol number, the IPv4 Protocol and IPv6 Next Header field
	ttl         = 64  // the usual initial TTL / hop limit
	flagDF      = 0x2 // IPv4 flags, the top 3 bits of the word: 0, DF (don't fragment), MF
)

// writeIPv4 writes the IPv4 header of RFC 791 §3.1 into b[:20] for a
// packet of total bytes (header included):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|Version|  IHL  |Type of Service|          Total Length         |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|         Identification        |Flags|      Fragment Offset    |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Time to Live |    Protocol   |         Header Checksum       |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                       Source Address                          |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    Destination Address                        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// IHL counts 32-bit words: 5, no options. DF is set, as browsers and
// servers set it on UDP they send. The identification only has to differ
// between fragments of different packets; the caller counts it up.
// "The checksum field is the 16 bit one's complement of the one's
// complement sum of all 16 bit words in the header. For purposes of
// computing the checksum, the value of the checksum field is zero."
func writeIPv4(b []byte, total int, id uint16, src, dst netip.Addr) {
	b[0] = 4<<4 | IPv4HeaderLen/4
	b[1] = 0 // DSCP and ECN
	binary.BigEndian.PutUint16(b[2:4], uint16(total))
	binary.BigEndian.PutUint16(b[4:6], id)
	binary.BigEndian.PutUint16(b[6:8], flagDF<<13)
	b[8] = ttl
	b[9] = protocolUDP
	b[10], b[11] = 0, 0
	s, d := src.As4(), dst.As4()
	copy(b[12:16], s[:])
	copy(b[16:20], d[:])
	binary.BigEndian.PutUint16(b[10:12], ^fold(sum(0, b[:IPv4HeaderLen])))
}

// writeIPv6 writes the IPv6 header of RFC 8200 §3 into b[:40] for a UDP
// datagram of udpLen bytes (its header included):
//
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|Version| Traffic Class |           Flow Label                  |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|         Payload Length        |  Next Header  |   Hop Limit   |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                                                               |
//	+                         Source Address                        +
//	|                          (128 bits)                           |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                                                               |
//	+                      Destination Address                      +
//	|                          (128 bits)                           |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// IPv6 has no header checksum: it leaves that to the layer above, which
// is why the UDP checksum is mandatory over IPv6 (§8.1).
func writeIPv6(b []byte, udpLen int, src, dst netip.Addr) {
	binary.BigEndian.PutUint32(b[0:4], 6<<28) // traffic class 0, flow label 0
	binary.BigEndian.PutUint16(b[4:6], uint16(udpLen))
	b[6] = protocolUDP
	b[7] = ttl
	s, d := src.As16(), dst.As16()
	copy(b[8:24], s[:])
	copy(b[24:40], d[:])
}

// writeUDP writes the UDP header of RFC 768 into b[:8], b[8:] being the
// payload, and its checksum:
//
//	 0      7 8     15 16    23 24    31
//	+--------+--------+--------+--------+
//	|     Source      |   Destination   |
//	|      Port       |      Port       |
//	+--------+--------+--------+--------+
//	|                 |                 |
//	|     Length      |    Checksum     |
//	+--------+--------+--------+--------+
//
// The checksum covers a pseudo-header, the UDP header and the data, padded
// with a zero octet to a multiple of 16 bits. Over IPv4 the pseudo-header
// is RFC 768's:
//
//	+--------+--------+--------+--------+
//	|          source address           |
//	+--------+--------+--------+--------+
//	|        destination address        |
//	+--------+--------+--------+--------+
//	|  zero  |protocol|   UDP length    |
//	+--------+--------+--------+--------+
//
// and over IPv6 that of RFC 8200 §8.1: both 128-bit addresses, the UDP
// length in 32 bits, three zero octets and the next header, 17. Since a
// zero checksum means "none was computed", "if the computed checksum is
// zero, it is transmitted as all ones".
func writeUDP(b []byte, src, dst netip.AddrPort) {
	binary.BigEndian.PutUint16(b[0:2], src.Port())
	binary.BigEndian.PutUint16(b[2:4], dst.Port())
	binary.BigEndian.PutUint16(b[4:6], uint16(len(b)))
	b[6], b[7] = 0, 0
	var s uint32
	if src.Addr().Is4() {
		a, d := src.Addr().As4(), dst.Addr().As4()
		s = sum(s, a[:])
		s = sum(s, d[:])
	} else {
		a, d := src.Addr().As16(), dst.Addr().As16()
		s = sum(s, a[:])
		s = sum(s, d[:])
	}
	// The zero octets add nothing; the protocol and the length remain.
	// (The IPv6 length is 32 bits, but a UDP length fits in the low 16.)
	s += protocolUDP + uint32(len(b))
	c := ^fold(sum(s, b))
	if c == 0 {
		c = 0xffff
	}
	binary.BigEndian.PutUint16(b[6:8], c)
}

// sum adds b to s as big-endian 16-bit words, an odd last octet padded
// with a zero on its right (RFC 1071 §4.1). The carries pile up in the
// high half of s; fold adds them back. A uint32 holds 2^16 words of
// 0xffff before it could overflow, more than any packet here has.
func sum(s uint32, b []byte) uint32 {
	for len(b) >= 2 {
		s += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	return s
}

// fold turns a 32-bit sum into the 16-bit one's complement sum: each
// carry out of bit 15 is added back at bit 0 ("end-around carry").
func fold(s uint32) uint16 {
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return uint16(s)
}

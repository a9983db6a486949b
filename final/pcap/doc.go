// Package pcap writes packets to a classic libpcap capture file, the
// format tcpdump, Wireshark and tshark read, so that the plaintext RTP and
// RTCP of every session can be opened and dissected with no keys.
//
// On the wire, after the DTLS handshake, everything a browser sends is
// SRTP or SRTCP: a capture taken with tcpdump shows ciphertext, and
// Wireshark can only decrypt SRTP when it is given the keys, which it
// cannot take from a DTLS key log. The server has the plaintext in hand
// right after it unprotects a packet (and right before it protects one),
// so it writes that plaintext here, wrapped in invented IP and UDP headers
// that carry the packet's real addresses and ports. A reader then sees
// the stream exactly as the server handled it.
//
// # The file (https://wiki.wireshark.org/Development/LibpcapFileFormat)
//
// A global header, once:
//
//	magic_number   uint32  0xa1b2c3d4: microsecond timestamps, and the byte order of the file
//	version_major  uint16  2
//	version_minor  uint16  4
//	thiszone       int32   0: timestamps are UTC
//	sigfigs        uint32  0
//	snaplen        uint32  65535: no packet is cut short
//	network        uint32  101: LINKTYPE_RAW, each packet starts with an IPv4 or IPv6 header
//
// then, for each packet, a record header and the packet:
//
//	ts_sec         uint32  seconds since 1970-01-01 UTC
//	ts_usec        uint32  microseconds within that second
//	incl_len       uint32  bytes of packet data in the file
//	orig_len       uint32  bytes the packet had on the wire (the same here)
//
// Every field is written in this machine-independent order: little-endian,
// the order the magic number announces (a reader that sees d4 c3 b2 a1
// knows the file is little-endian). LINKTYPE_RAW spares us an invented
// Ethernet header: the packet starts at the IP header, whose version
// nibble says 4 or 6. The IP and UDP headers are those of ip.go, with real
// checksums, so that Wireshark does not flag every packet as bad.
//
// # Opening a capture
//
// Wireshark does not look for RTP on an arbitrary UDP port: RTP has no
// port of its own, and the ports come from an SDP it did not see. Its
// "rtp_udp" heuristic, off by default, recognizes RTP version 2 headers on
// any UDP port. RTCP needs nothing: the "rtcp_udp" heuristic is on by
// default and recognizes the packets that share the port with RTP (RFC
// 5761 rtcp-mux), since it runs before the RTP one. VP8 has no static
// payload type and, in Wireshark 4.0, no preference that names one: its
// payload type (96 in our SDP answers) is given with Decode As on
// rtp.pt. With tshark:
//
//	tshark -r session.pcap --enable-heuristic rtp_udp -d rtp.pt==96,vp8
//
// prints, for a keyframe's first packet, an RTCP receiver report and a
// PLI:
//
//	1 0.000000 192.0.2.10 → 192.0.2.1 VP8 1081 PT=DynamicRTP-Type-96, SSRC=0x1B3AF90A, Seq=7210, Time=171000 VP8 Payload
//	5 0.032000 192.0.2.1 → 192.0.2.10 RTCP 74 Receiver Report   Source description
//	6 0.033000 192.0.2.1 → 192.0.2.10 RTCP 54 Payload-specific Feedback   Picture Loss Indication
//
// and -V (or -O rtp,vp8,rtcp) shows every field. In Wireshark:
//
//  1. Analyze → Enabled Protocols, search "rtp_udp", tick it (RTP over UDP
//     heuristic), OK. This is remembered in the profile.
//  2. Right-click a packet's RTP layer → Decode As…, or Analyze → Decode
//     As…: field "RTP payload type", value 96, current "VP8". The same
//     dialog saves it for the next file.
//
// or start it with the same options as tshark:
//
//	wireshark -r session.pcap --enable-heuristic rtp_udp -d rtp.pt==96,vp8
//
// Older Wireshark releases (1.x) had a preference rtp.heuristic_rtp:TRUE
// and a vp8.dynamic.payload.type preference; 4.0 has neither, and tshark
// refuses them as unknown preferences.
//
// # Using it from the server
//
// Writer is synchronous and writes where it is told. The UDP loop must
// never wait for a disk, so it uses a Recorder: Recorder.Write copies the
// packet into a bounded queue and returns at once, dropping and counting
// the packet when the queue is full; the Recorder's goroutine does the
// writing. The loop calls it with
//
//   - for a packet from a browser: the decrypted RTP or RTCP (SRTP tag and
//     SRTCP index removed), src the browser's address, dst the server's
//     address the browser sent to;
//   - for a packet to a browser: the plaintext before it is protected, src
//     and dst the other way round.
package pcap

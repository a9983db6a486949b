// Package pcap writes packets to a classic libpcap capture file, the
// format tcpdump, Wireshark and tshark read, so that the plaintext RTP and
// RTCP of every session can be opened and dissected with no keys.
//
// On the wire, after the DTLS handshake, everything a browser sends is
// SRTP or SRTCP: a capture taken with tcpdump shows ciphertext, and while
// Wireshark decrypts the DTLS handshake given a key log, it does not
// decrypt the SRTP that the handshake keys. The server has the plaintext in hand
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
// These two headers are written little-endian, and the magic number says
// so: a reader that finds d4 c3 b2 a1 at the start swaps, one that finds
// a1 b2 c3 d4 does not. (The IP and UDP headers, like the RTP inside, are
// big-endian, network byte order.) LINKTYPE_RAW spares us an invented
// Ethernet header: the packet starts at the IP header, whose version
// nibble says 4 or 6. The IP and UDP headers are those of ip.go, with real
// checksums, so that Wireshark does not flag every packet as bad.
//
// # Opening a capture
//
// Wireshark does not look for RTP on an arbitrary UDP port: RTP has no
// port of its own, and the ports come from an SDP it did not see. Its
// "rtp_udp" heuristic, off by default, recognizes RTP version 2 headers
// on any UDP port. RTCP needs nothing: the "rtcp_udp" heuristic is on by
// default and recognizes the RTCP that shares the port with RTP (RFC 5761
// rtcp-mux). VP8 has no static payload type; its dynamic one (96 in our
// SDP answers) is given with Decode As on the field rtp.pt. With tshark
// (Wireshark 4.0.17, the version the tests ran):
//
//	tshark -r session.pcap --enable-heuristic rtp_udp -d rtp.pt==96,vp8
//
//	1 0.000000 192.0.2.10 → 192.0.2.1  VP8 1052 PT=DynamicRTP-Type-96, SSRC=0x1B3AF90A, Seq=7210, Time=171000 - Keyframe
//	2 0.001000 192.0.2.10 → 192.0.2.1  VP8 353 PT=DynamicRTP-Type-96, SSRC=0x1B3AF90A, Seq=7211, Time=171000, Mark - Continuation
//	3 0.032000 192.0.2.1  → 192.0.2.10 RTCP 84 Receiver Report   Source description
//	4 0.033000 192.0.2.1  → 192.0.2.10 RTCP 40 Payload-specific Feedback   PLI
//
// Without the two options the RTP packets show as "UDP Len=1024" and the
// RTCP as above. Add -O vp8 (or -V) for every field: the payload
// descriptor, and for a keyframe its size, "Width: 640", "Height: 480".
// tshark -G heuristic-decodes lists the heuristics ("udp rtp F", "udp
// rtcp T"). The preference names of older releases still work, although
// -G defaultprefs no longer lists them: 4.0 translates
//
//	tshark -r session.pcap -o rtp.heuristic_rtp:TRUE -o vp8.dynamic.payload.type:96
//
// into the same settings. Instead of the heuristic, -d udp.port==8443,rtp
// (the server's port) decodes that port as RTP, and its RTCP still as
// RTCP.
//
// In Wireshark, the same command line works:
//
//	wireshark -r session.pcap --enable-heuristic rtp_udp -d rtp.pt==96,vp8
//
// or, once, in the GUI (both are saved in the profile for the next
// files):
//
//  1. Analyze → Enabled Protocols…, search "rtp_udp", tick "RTP over
//     UDP" (the RTP heuristic), OK. The packets turn from UDP into RTP.
//  2. Analyze → Decode As… (or right-click an RTP packet → Decode As…),
//     "+": field "RTP payload type", value 96, current "VP8", OK.
//
// The file has only RTP and RTCP: no STUN, no DTLS, and no keys are
// needed.
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
//
// Recorder.Dropped says how much the capture misses; it can be exported
// as a metric with metrics.Registry.NewCounterFunc. Close, at shutdown,
// after the loop has stopped, writes what is still queued.
package pcap

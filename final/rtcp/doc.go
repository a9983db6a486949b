// Package rtcp reads and writes RTCP packets (RFC 3550 §6): the reports a
// media sender and its receivers exchange, and the feedback of RFC 4585
// and RFC 5104 with which a receiver asks for what it lacks.
//
// Every RTCP packet starts with the same 32-bit word (header.go), whose
// length field says where the next one starts, so several packets travel
// together as one compound packet in one datagram (RFC 3550 §6.1):
//
//	[--------- one datagram (after SRTCP) -----------------------]
//	[SR: sender info, report blocks][SDES: CNAME][ ...more... ]
//	^ first: SR or RR (§6.1)         ^ next starts at 4*(length+1)
//
// With a=rtcp-rsize in the offer (RFC 5506), a packet may also travel
// alone: a browser sends a PLI, a NACK or a transport-wide congestion
// control report as a single "reduced-size" packet. Unmarshal accepts
// both and parses packet by packet; types it does not know are kept raw
// and skipped by their length.
//
// What a WebRTC receiver meets and sends:
//
//	from the browser  SR + SDES(CNAME)     about once a second per stream
//	                  RR                   when it receives media from us
//	from us           RR                   about once a second per stream (rtp.Receiver.Report)
//	                  PLI, FIR             to ask for a keyframe
//	                  generic NACK         to ask for lost packets again
//
// and in the captures, from pion: TWCC (transport-wide congestion control
// feedback), and REMB (receiver estimated maximum bitrate) in other
// receivers.
//
// The package is sans-IO and has no state: each packet type is a plain
// struct with Unmarshal, MarshalSize, MarshalTo, Marshal and String.
// Unmarshal keeps byte fields (profile extensions, APP data, raw FCI)
// aliased to its input; text (SDES, BYE reason) is copied.
//
// Files, in reading order:
//
//	header.go           the common header and packet types (RFC 3550 §6.4.1, §12.1)
//	compound.go         compound and reduced-size packets (RFC 3550 §6.1, A.2; RFC 5506 §3)
//	reception_report.go report blocks (RFC 3550 §6.4.1, §6.4.2)
//	sender_report.go    SR (RFC 3550 §6.4.1)
//	receiver_report.go  RR (RFC 3550 §6.4.2)
//	sdes.go             SDES (RFC 3550 §6.5)
//	bye.go              BYE (RFC 3550 §6.6)
//	app.go              APP (RFC 3550 §6.7)
//	feedback.go         the feedback header and PLI (RFC 4585 §6.1, §6.3.1)
//	nack.go             generic NACK (RFC 4585 §6.2.1)
//	fir.go              FIR (RFC 5104 §4.3.1)
//	remb.go             application-layer feedback and REMB (RFC 4585 §6.4, draft-alvestrand-rmcat-remb)
//	twcc.go             transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1)
//	raw.go              packets of other types, kept as they are
//	errors.go           why packets are refused
package rtcp

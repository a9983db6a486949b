// Package rtp reads the RTP packets a browser sends (RFC 3550) and puts
// them back in order for the codec: the header with its RFC 8285
// extensions, extended sequence numbers, and a receiver per media stream
// that reorders, asks for what is missing (RFC 4585 generic NACK), gives up
// in time, and keeps the statistics of a reception report (RFC 3550 §6.4).
//
// After SRTP (step 5) a datagram is a plain RTP packet: a 12-byte fixed
// header, the CSRCs of a mixer, an optional header extension, the payload
// and an optional padding. Browsers send no CSRCs, set the extension bit
// on every packet, and pad only their bandwidth probes.
//
// The package is sans-IO: no sockets, goroutines or clock. The program
// owns the loop. It makes one Receiver per media SSRC of the answer:
//
//	recv := rtp.NewReceiver(rtp.ReceiverConfig{SSRC: ssrc, ClockRate: 90000})
//
// and, for each decrypted RTP packet:
//
//	ssrc, _ := rtp.PeekSSRC(plain)          // which stream: recv = receivers[ssrc]
//	err := recv.Push(now, plain)            // copies and parses it; plain may be reused
//	drain()
//
// (To look at a packet without a receiver, as the log does for the first
// ones, Packet.Unmarshal parses it in place: zero-copy, p.Payload aliases
// the bytes.)
//
// where drain hands over what is ready and asks for what is missing:
//
//	for q, lost := recv.Poll(); q != nil; q, lost = recv.Poll() {
//	        // q: the next packet in sequence order (padding-only ones
//	        // included: they carry sequence numbers), valid until the next
//	        // Push. lost > 0: numbers before it were given up; a codec
//	        // must resynchronise (ask for a keyframe).
//	}
//	seqs = recv.AppendNACKs(seqs[:0], now)  // if any: send rtcp.NewNACK(ours, ssrc, seqs)
//	timer.Reset(recv.NextDeadline())        // zero: nothing pending
//
// When the timer fires: recv.HandleTimeout(now), then drain again. About
// once a second, recv.Report(now) gives the block of an RTCP receiver
// report; recv.HandleSR(now, sr) takes each sender report of the SSRC.
//
// Files, in reading order:
//
//	header.go     the fixed header, CSRCs and extension (RFC 3550 §5.1, §5.3.1)
//	extension.go  one-byte and two-byte extension elements (RFC 8285 §4), named by a=extmap
//	packet.go     header, payload and padding (RFC 3550 §5.1)
//	seq.go        extended sequence numbers (RFC 3550 §6.4.1, Appendix A.1)
//	receiver.go   the reorder buffer (RFC 3550 A.1)
//	loss.go       NACK and giving up (RFC 4585 §3.5, §6.2.1)
//	stats.go      reception statistics for RR (RFC 3550 §6.4.1, Appendix A.3, A.8)
//	errors.go     why packets are refused, and the receiver's counters
package rtp

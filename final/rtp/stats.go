package rtp

// Reception statistics for the receiver report, RFC 3550 §6.4.1 and
// Appendix A.3, A.8; and the receiver's counters for the log.
//
// A receiver report block (rtcp.ReceptionReport) tells the sender how its
// stream arrives:
//
//	expected   = extended highest - base + 1                       (A.3)
//	cumulative = expected - received      (24 bits signed, clamped)
//	fraction   = (lost_interval << 8) / expected_interval, 0 if lost_interval ≤ 0
//
// where received counts every packet, late and duplicate ones included,
// and the intervals run from the previous report. So each call of Report
// starts a new interval: call it once per RR sent.
//
// Interarrival jitter (§6.4.1, A.8): the relative transit time of a
// packet is its arrival time, on the RTP clock, minus its RTP timestamp;
// D is the change in transit time between two packets in arrival order,
// and the jitter J follows |D| with gain 1/16:
//
//	J(i) = J(i-1) + (|D(i-1,i)| - J(i-1))/16
//
// kept, as A.8 suggests, as an integer scaled by 16. Video frames are
// captured at one instant but sent as a burst of packets with one
// timestamp, so even a perfect network shows some jitter: the packets of
// a keyframe leave over several milliseconds. Retransmissions we asked for
// with a NACK are left out: their timestamps are a round trip old, and
// they measure our NACK, not the network's jitter.
//
// LSR and DLSR (§6.4.1) let the browser measure the round trip: LSR
// echoes the middle 32 bits of the NTP timestamp of its last SR, and DLSR
// is how long we held it, in 1/65536 s. RFC 3550's Figure 2 example: an SR
// sent at NTP 0xb44db705:20000000 gives LSR 0xb7052000; answered 5.25 s
// later, DLSR is 0x00054000.

import (
	"fmt"
	"time"

	"nutsandbolts/final/rtcp"
)

// receptionStats is the per-source state of RFC 3550 A.1, A.3 and A.8
// that the report needs; the highest number is the receiver's.
type receptionStats struct {
	base          int64 // A.1 base_seq, extended
	received      int64 // A.1 received: every packet, late and duplicates included
	expectedPrior int64 // A.3, at the previous report
	receivedPrior int64 // A.3, at the previous report

	jitter      int64     // A.8, scaled by 16
	transit     uint32    // A.8 s->transit: the previous packet's relative transit time
	haveTransit bool      //
	t0          time.Time // arrival times count from here, on the RTP clock

	lsr    uint32            // middle bits of the last SR's NTP timestamp
	srAt   time.Time         // when that SR arrived
	haveSR bool              //
	lastSR rtcp.SenderReport // the last SR, for the log (Reports not kept)
}

// init starts the statistics at the first packet (A.1 init_seq). The SR
// and the jitter survive a restart; the transit time does not, since the
// timestamps restart too.
func (s *receptionStats) init(base int64) {
	s.base, s.received, s.expectedPrior, s.receivedPrior = base, 0, 0, 0
	s.haveTransit = false
}

// arrived updates the jitter with a packet that arrived at now with RTP
// timestamp ts (A.8).
func (s *receptionStats) arrived(now time.Time, ts uint32, clockRate uint32) {
	if s.t0.IsZero() {
		s.t0 = now
	}
	arrival := rtpClock(now.Sub(s.t0), clockRate)
	transit := arrival - ts
	if s.haveTransit {
		d := int64(int32(transit - s.transit))
		if d < 0 {
			d = -d
		}
		s.jitter += d - (s.jitter+8)>>4
	}
	s.transit, s.haveTransit = transit, true
}

// rtpClock converts a duration to RTP clock units, modulo 2^32.
func rtpClock(d time.Duration, rate uint32) uint32 {
	sec, frac := int64(d/time.Second), int64(d%time.Second)
	return uint32(sec*int64(rate) + frac*int64(rate)/int64(time.Second))
}

// HandleSR takes a sender report; one about another SSRC is ignored. Its
// NTP timestamp becomes the LSR of the next reports (RFC 3550 §6.4.1).
func (r *Receiver) HandleSR(now time.Time, sr *rtcp.SenderReport) {
	if sr.SSRC != r.cfg.SSRC {
		return
	}
	s := &r.stats
	s.lsr, s.srAt, s.haveSR = rtcp.MiddleBits(sr.NTPTime), now, true
	s.lastSR = *sr
	s.lastSR.Reports, s.lastSR.ProfileExtensions = nil, nil
}

// LastSR is the last sender report of the stream and when it arrived.
func (r *Receiver) LastSR() (sr rtcp.SenderReport, at time.Time, ok bool) {
	return r.stats.lastSR, r.stats.srAt, r.stats.haveSR
}

// Report returns the report block about the stream for an RR sent at now,
// and starts a new reporting interval (RFC 3550 A.3). Before the first
// packet it has only the SSRC.
func (r *Receiver) Report(now time.Time) rtcp.ReceptionReport {
	rr := rtcp.ReceptionReport{SSRC: r.cfg.SSRC}
	if !r.started {
		return rr
	}
	s := &r.stats
	expected := r.highest - s.base + 1
	lost := expected - s.received
	rr.CumulativeLost = int32(min(max(lost, -0x800000), 0x7fffff))

	expectedInterval := expected - s.expectedPrior
	receivedInterval := s.received - s.receivedPrior
	s.expectedPrior, s.receivedPrior = expected, s.received
	if lostInterval := expectedInterval - receivedInterval; expectedInterval > 0 && lostInterval > 0 {
		rr.FractionLost = uint8(min(lostInterval<<8/expectedInterval, 255))
	}

	rr.ExtendedHighestSeq = uint32(r.highest) // cycles<<16 | seq: the first packet is cycle 0
	rr.Jitter = uint32(s.jitter >> 4)
	if s.haveSR {
		rr.LSR = s.lsr
		rr.DLSR = dlsr(now.Sub(s.srAt))
	}
	return rr
}

// dlsr expresses a delay in 1/65536 s, saturating.
func dlsr(d time.Duration) uint32 {
	if d <= 0 {
		return 0
	}
	sec, frac := int64(d/time.Second), int64(d%time.Second)
	if sec >= 1<<16 {
		return 0xffffffff
	}
	return uint32(sec<<16 + frac<<16/int64(time.Second))
}

// Jitter is the current interarrival jitter (A.8) in RTP timestamp
// units and as a duration.
func (r *Receiver) Jitter() (units uint32, d time.Duration) {
	units = uint32(r.stats.jitter >> 4)
	return units, time.Duration(int64(units) * int64(time.Second) / int64(r.cfg.ClockRate))
}

// ReceiverStats are the receiver's counters, for the log.
type ReceiverStats struct {
	Received   uint64 // packets of the stream with a usable sequence number, duplicates and late ones included
	Bytes      uint64 // their size, headers included
	Delivered  uint64 // packets Poll returned
	Duplicates uint64 // packets already buffered or delivered
	Late       uint64 // packets whose number was already given up or passed
	Reordered  uint64 // packets that filled a gap before any NACK for it
	Recovered  uint64 // packets that filled a gap after a NACK: retransmissions
	NACKed     uint64 // sequence numbers sent in NACKs, repeats included
	Lost       uint64 // numbers given up and never delivered (Poll's lost, summed)
	LossEvents uint64 // times Poll reported a loss
	Discarded  uint64 // buffered packets dropped before delivery: window or byte limit, restart
	Jumps      uint64 // packets refused for a sequence jump (RFC 3550 A.1)
	Restarts   uint64 // jumps confirmed by the next packet: the stream started over
	WrongSSRC  uint64 // packets of another SSRC
	TooLarge   uint64 // packets over MaxPacketSize or MaxBytes
}

// Stats returns the counters.
func (r *Receiver) Stats() ReceiverStats { return r.counters }

// String prints the counters on one line, zeros left out after the first
// four: "received 226, delivered 226, lost 0, nacked 0, reordered 2".
func (s ReceiverStats) String() string {
	out := fmt.Sprintf("received %d, delivered %d, lost %d, nacked %d", s.Received, s.Delivered, s.Lost, s.NACKed)
	for _, c := range []struct {
		name string
		n    uint64
	}{
		{"recovered", s.Recovered}, {"reordered", s.Reordered}, {"duplicates", s.Duplicates}, {"late", s.Late},
		{"loss events", s.LossEvents}, {"discarded", s.Discarded}, {"jumps", s.Jumps}, {"restarts", s.Restarts},
		{"wrong ssrc", s.WrongSSRC}, {"too large", s.TooLarge},
	} {
		if c.n != 0 {
			out += fmt.Sprintf(", %s %d", c.name, c.n)
		}
	}
	return out
}

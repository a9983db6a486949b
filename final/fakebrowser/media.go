package fakebrowser

import (
	"slices"
	"time"

	"nutsandbolts/final/rtcp"
	"nutsandbolts/final/srtp"
)

// The camera's side of the media, once DTLS has made the SRTP keys: the
// clip's frames as SRTP at the clip's frame rate, a sender report every
// second, and answers to the server's RTCP feedback:
//
//	PLI (RFC 4585 §6.3.1), FIR (RFC 5104 §4.3.1)   the next frame is a keyframe:
//	                                              the clip jumps back to one
//	generic NACK (RFC 4585 §6.2.1)                the packets are sent again,
//	                                              from a short history
//
// The clip loops without its first keyframe: frame 0 is sent at the start
// and when asked for, and after the last frame comes frame 1, so keyframes
// go out only when the server asks, as from a camera. (A decoder would
// show the jump at the loop; the server decodes keyframes only.)

// historySize is how many packets are kept for NACKs: about four seconds
// of this clip. A power of two, indexed by sequence number.
const historySize = 256

// srInterval is the sender report interval: a fixed second rather than
// RFC 3550 §6.2's computed one, like the server's receiver reports.
const srInterval = time.Second

// sender sends one video stream.
type sender struct {
	clip    *Clip
	pk      Packetizer
	srtp    *srtp.Context // protects what we send: the client's keys (RFC 5764 §4.2)
	cname   string
	start   time.Time // the RTP clock's origin: ts0 at start
	ts0     uint32
	pos     int  // the next frame of the clip
	key     bool // the next frame must be a keyframe
	next    time.Time
	nextSR  time.Time
	history [historySize]struct {
		seq  uint16
		data []byte // the SRTP packet as sent, nil if none
	}
	lastFIR map[uint32]uint8 // FIR sequence number per requester (RFC 5104 §4.3.1.2)

	stats MediaStats
	sent  []int    // the clip keyframes sent, distinct: what a shot may show
	out   [][]byte // SRTP and SRTCP to send
}

// MediaStats counts what a session sent and the feedback it got.
type MediaStats struct {
	Frames      int `json:"frames"`
	Keyframes   int `json:"keyframes"`   // keyframes sent: the first, and one per request answered
	Packets     int `json:"packets"`     // RTP packets, retransmissions not counted
	Retransmits int `json:"retransmits"` // packets sent again for a NACK
	Bytes       int `json:"bytes"`       // SRTP and SRTCP bytes sent, retransmissions included
	Octets      int `json:"-"`           // RTP payload octets, for the SR (RFC 3550 §6.4.1)
	SRs         int `json:"sender_reports"`
	PLIs        int `json:"plis"`            // PLIs received
	FIRs        int `json:"firs"`            // FIRs received (repetitions of one request counted once)
	Asked       int `json:"keyframes_asked"` // PLIs and FIRs that asked for a keyframe while the media flowed
	Late        int `json:"late_requests"`   // keyframe requests after the media stopped, not answered
	NACKed      int `json:"nacked"`          // sequence numbers asked for again
	Missed      int `json:"nack_missed"`     // of which not in the history any more
}

func newSender(now time.Time, clip *Clip, pk Packetizer, ctx *srtp.Context, cname string, ts0 uint32) *sender {
	return &sender{clip: clip, pk: pk, srtp: ctx, cname: cname, start: now, ts0: ts0,
		next: now, nextSR: now.Add(srInterval), lastFIR: map[uint32]uint8{}}
}

// rtpTime is the 90 kHz RTP clock at now: a camera stamps a frame with
// its capture time (RFC 3550 §5.1, RFC 7741 §4.1).
func (s *sender) rtpTime(now time.Time) uint32 {
	return s.ts0 + uint32((now.Sub(s.start)*90+time.Millisecond/2)/time.Millisecond)
}

// timeout sends the frame and the report that are due.
func (s *sender) timeout(now time.Time) {
	if !now.Before(s.next) {
		s.frame(now)
		// The next frame one frame duration later. If we fell a whole
		// frame behind (a busy machine), the slot is skipped rather than
		// made up in a burst, as a camera drops frames.
		s.next = s.next.Add(s.clip.FrameDuration)
		if s.next.Before(now) {
			s.next = now.Add(s.clip.FrameDuration)
		}
	}
	if !now.Before(s.nextSR) {
		s.report(now, nil)
		s.nextSR = now.Add(srInterval)
	}
}

// deadline is when timeout must next run.
func (s *sender) deadline() time.Time {
	if s.nextSR.Before(s.next) {
		return s.nextSR
	}
	return s.next
}

// frame sends the next frame of the clip, or a keyframe if one was asked
// for.
func (s *sender) frame(now time.Time) {
	if s.key {
		s.pos, s.key = s.clip.keyframeAtOrBefore(s.pos), false
	}
	idx := s.pos
	f := &s.clip.Frames[idx]
	if s.pos++; s.pos == len(s.clip.Frames) {
		s.pos = min(1, len(s.clip.Frames)-1)
	}
	s.stats.Frames++
	if f.Keyframe {
		s.stats.Keyframes++
		if !slices.Contains(s.sent, idx) {
			s.sent = append(s.sent, idx)
		}
	}
	for _, plain := range s.pk.Packetize(nil, f.Data, s.rtpTime(now)) {
		s.stats.Packets++
		s.stats.Octets += len(plain) - 12
		seq := uint16(plain[2])<<8 | uint16(plain[3])
		pkt, err := s.srtp.EncryptRTP(nil, plain)
		if err != nil {
			continue // cannot happen with fresh sequence numbers
		}
		h := &s.history[seq%historySize]
		h.seq, h.data = seq, pkt
		s.send(pkt)
	}
}

// send queues one datagram.
func (s *sender) send(b []byte) {
	s.stats.Bytes += len(b)
	s.out = append(s.out, b)
}

// report sends a sender report (RFC 3550 §6.4.1) with our CNAME (§6.5.1:
// every compound packet carries one), and more packets (a BYE) after them.
func (s *sender) report(now time.Time, more []rtcp.Packet) {
	sr := &rtcp.SenderReport{SSRC: s.pk.SSRC, NTPTime: rtcp.NTPTime(now), RTPTime: s.rtpTime(now),
		PacketCount: uint32(s.stats.Packets), OctetCount: uint32(s.stats.Octets)}
	sdes := &rtcp.SourceDescription{Chunks: []rtcp.SDESChunk{{Source: s.pk.SSRC,
		Items: []rtcp.SDESItem{{Type: rtcp.SDESCNAME, Text: s.cname}}}}}
	plain, err := rtcp.Marshal(append([]rtcp.Packet{sr, sdes}, more...)...)
	if err != nil {
		return
	}
	if pkt, err := s.srtp.EncryptRTCP(nil, plain); err == nil {
		s.stats.SRs++
		s.send(pkt)
	}
}

// feedback acts on the server's decrypted RTCP. flowing is false once the
// media has stopped: requests are then only counted.
func (s *sender) feedback(plain []byte, flowing bool) {
	packets, _ := rtcp.Unmarshal(plain) // the packets before a bad one are used
	for _, p := range packets {
		switch p := p.(type) {
		case *rtcp.PictureLossIndication:
			if p.MediaSSRC == s.pk.SSRC {
				s.stats.PLIs++
				s.askKeyframe(flowing)
			}
		case *rtcp.FullIntraRequest:
			for _, e := range p.Entries {
				if e.SSRC != s.pk.SSRC {
					continue
				}
				// §4.3.1.2: a repeated sequence number is the same request.
				if last, ok := s.lastFIR[p.SenderSSRC]; ok && last == e.SequenceNumber {
					continue
				}
				s.lastFIR[p.SenderSSRC] = e.SequenceNumber
				s.stats.FIRs++
				s.askKeyframe(flowing)
			}
		case *rtcp.TransportLayerNACK:
			if p.MediaSSRC != s.pk.SSRC {
				continue
			}
			var seqs []uint16
			for _, pair := range p.Pairs {
				seqs = pair.AppendSequenceNumbers(seqs)
			}
			for _, seq := range seqs {
				s.stats.NACKed++
				h := &s.history[seq%historySize]
				if h.data == nil || h.seq != seq || !flowing {
					s.stats.Missed++
					continue
				}
				// The same SRTP packet again: its index was used once, and
				// the receiver drops a copy it already has (RFC 3711 §3.3.2).
				s.stats.Retransmits++
				s.send(h.data)
			}
		}
	}
}

// askKeyframe makes the next frame a keyframe.
func (s *sender) askKeyframe(flowing bool) {
	if !flowing {
		s.stats.Late++
		return
	}
	s.stats.Asked++
	s.key = true
}

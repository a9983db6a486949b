package main

import (
	"encoding/binary"
	"log/slog"
	"strconv"
	"time"

	"nutsandbolts/final/rtcp"
	"nutsandbolts/final/rtp"
	"nutsandbolts/final/vp8"
)

// video is one session's incoming video below the peer: for each media
// SSRC, the RTP receiver (reordering, loss, NACK, reception statistics,
// package rtp) and the VP8 assembler (package vp8), and the keyframe
// requests the session sends. Like every protocol part of the program it
// holds no socket and no clock: packets and the time come in; frames, RTCP
// to send and the next deadline go out, and the peer wires them up.

// Keyframe requests (RFC 4585 §6.3.1 PLI, RFC 5104 §4.3.1 FIR).
const (
	pliRetry     = time.Second            // until the first keyframe: ask again this often
	minPLIGap    = 300 * time.Millisecond // between two PLIs of one stream, whatever the reason
	firAfterPLIs = 3                      // unanswered PLIs before a FIR
	maxStreams   = 2                      // media SSRCs per session: a browser sends one video stream (two with simulcast)
	rrInterval   = time.Second            // receiver reports, RFC 3550 §6.2 (a fixed second here)
	shownVP8     = 5                      // RTP packets whose VP8 descriptor the log shows
)

// stream is one media SSRC.
type stream struct {
	ssrc  uint32
	recv  *rtp.Receiver
	asm   *vp8.Assembler
	pkt   rtp.Packet // decode buffer, reused
	shown int        // packets logged in full

	keyframes     int       // keyframes passed on
	width, height int       // the size of the last keyframe
	askedAt       time.Time // when the oldest unanswered keyframe request was sent, zero if none
	lastPLI       time.Time // when the last PLI was sent
	plis          int       // PLIs sent since the last keyframe
	firSeq        uint8     // the FIR command sequence number (RFC 5104 §4.3.1.1)
	lastKeyframe  time.Time // when the last keyframe arrived
	nextRR        time.Time // when the next receiver report is due
	startTS       uint32    // the RTP timestamp of the stream's first packet
	rrs           int       // receiver reports sent
}

// video holds the streams of one session.
type video struct {
	log      *slog.Logger // [rtp] with the session id
	vp8Log   *slog.Logger // [vp8] with the session id
	rtcpLog  *slog.Logger // [rtcp] with the session id
	ssrc     uint32       // the SSRC our RTCP is sent from (RFC 3550 §8: random)
	pt       uint8        // VP8's payload type from the answer
	interval time.Duration
	streams  []*stream
	out      []rtcp.Packet // RTCP to send, gathered into one compound packet by flush
	nacks    []uint16      // buffer for AppendNACKs
	srsShown int
	summary  time.Time // when the next once-a-second line is due
	frames   int       // frames in the current second
	onFrame  func(s *stream, f *vp8.Frame)
	onSecond func(fps int)  // once a second while video flows, with the frames of that second (final: the page's stats)
	dropped  map[string]int // packets refused by the receiver or the assembler, by reason

	totalFrames, totalKeyframes int64 // since the session began, for the page
	plis, firs                  int64 // keyframe requests sent
}

// newVideo prepares a session's video. interval is the periodic keyframe
// request (0: none); onFrame receives each complete frame.
func newVideo(ssrc uint32, pt uint8, interval time.Duration, log, vp8Log, rtcpLog *slog.Logger, onFrame func(*stream, *vp8.Frame)) *video {
	return &video{log: log, vp8Log: vp8Log, rtcpLog: rtcpLog, ssrc: ssrc, pt: pt, interval: interval,
		onFrame: onFrame, dropped: map[string]int{}}
}

// rtp takes one decrypted RTP packet.
func (v *video) rtp(now time.Time, b []byte) {
	// The SRTP layer has checked the header's length; the receiver parses
	// it (once) when it takes the packet. Here only the SSRC and the
	// payload type are needed, at fixed places (RFC 3550 §5.1).
	ssrc, ok := rtp.PeekSSRC(b)
	if !ok {
		v.drop("rtp: packet too short")
		return
	}
	if b[1]&0x7f != v.pt {
		v.drop("rtp: payload type other than VP8's")
		return
	}
	s := v.stream(now, ssrc, binary.BigEndian.Uint32(b[4:8]))
	if s == nil {
		v.drop("rtp: more media SSRCs than a browser sends")
		return
	}
	if s.shown < shownVP8 {
		s.shown++
		var p rtp.Packet
		if p.Unmarshal(b) == nil {
			var d vp8.Descriptor
			d.Unmarshal(p.Payload)
			v.log.Info("RTP packet", "ssrc", p.SSRC, "seq", p.SequenceNumber, "ts", p.Timestamp, "marker", p.Marker,
				"payload", len(p.Payload), "vp8", d.String())
		}
	}
	if err := s.recv.Push(now, b); err != nil {
		v.drop(err.Error())
	}
	v.deliver(now, s)
}

// stream finds or starts the stream of ssrc. A new stream asks for a
// keyframe at once: nothing can be decoded before one.
func (v *video) stream(now time.Time, ssrc, ts uint32) *stream {
	for _, s := range v.streams {
		if s.ssrc == ssrc {
			return s
		}
	}
	if len(v.streams) == maxStreams {
		return nil
	}
	s := &stream{ssrc: ssrc, recv: rtp.NewReceiver(rtp.ReceiverConfig{SSRC: ssrc}), asm: vp8.NewAssembler(), nextRR: now.Add(rrInterval), startTS: ts}
	v.streams = append(v.streams, s)
	v.log.Info("new video stream: asking for a keyframe", "ssrc", ssrc)
	v.requestKeyframe(now, s, "the stream started")
	return s
}

// deliver passes the receiver's in-order packets to the assembler, and
// its NACKs to the browser.
func (v *video) deliver(now time.Time, s *stream) {
	for p, lost := s.recv.Poll(); p != nil; p, lost = s.recv.Poll() {
		if lost > 0 {
			// The receiver gave up on a gap: the frame it was in is gone,
			// and every frame after it refers to it. Only a keyframe helps.
			s.asm.Lost()
			v.requestKeyframe(now, s, "packets lost for good")
		}
		f, err := s.asm.Push(p.SequenceNumber, p.Timestamp, p.Marker, p.Payload)
		if f != nil {
			v.frame(now, s, f)
		}
		if err != nil && err != vp8.ErrNeedKeyframe {
			v.drop(err.Error())
		}
	}
	if v.nacks = s.recv.AppendNACKs(v.nacks[:0], now); len(v.nacks) > 0 {
		nack := rtcp.NewNACK(v.ssrc, s.ssrc, v.nacks)
		if s.recv.Stats().NACKed <= uint64(len(v.nacks)) {
			v.rtcpLog.Info("packets missing: asking for them again (generic NACK, RFC 4585 §6.2.1)", "ssrc", s.ssrc, "nack", nack.String())
		}
		v.out = append(v.out, nack)
		mx.nacks.Inc()
	}
}

// frame takes a complete frame from the assembler.
func (v *video) frame(now time.Time, s *stream, f *vp8.Frame) {
	v.frames++
	v.totalFrames++
	mx.frames.Inc()
	if f.Keyframe {
		v.totalKeyframes++
		mx.keyframes.Inc()
		s.keyframes++
		s.lastKeyframe = now
		attrs := []any{"ssrc", s.ssrc, "bytes", len(f.Data), "packets", f.Packets, "width", f.Width, "height", f.Height}
		if !s.askedAt.IsZero() && f.Timestamp != s.startTS {
			// (The stream's very first frame is often a keyframe already
			// on its way when its first packet made us ask: no answer.)
			attrs = append(attrs, "after_request", now.Sub(s.askedAt).Round(time.Millisecond).String())
		}
		if f.Resized || s.keyframes == 1 {
			v.vp8Log.Info("keyframe with a new picture size", attrs...)
		} else if s.keyframes <= 3 || !s.askedAt.IsZero() {
			v.vp8Log.Info("keyframe", attrs...)
		}
		s.width, s.height = f.Width, f.Height
		s.askedAt, s.plis = time.Time{}, 0
	}
	v.onFrame(s, f)
}

// requestKeyframe sends a PLI, or a FIR once PLIs have gone unanswered
// (RFC 5104 §4.3.1: "a FIR ... when a PLI is not sufficient"), at most
// one per minPLIGap.
func (v *video) requestKeyframe(now time.Time, s *stream, why string) {
	if !s.lastPLI.IsZero() && now.Sub(s.lastPLI) < minPLIGap {
		return
	}
	s.lastPLI = now
	if s.askedAt.IsZero() {
		s.askedAt = now
	}
	s.plis++
	if s.plis > firAfterPLIs {
		s.firSeq++
		fir := rtcp.NewFIR(v.ssrc, s.ssrc, s.firSeq)
		v.firs++
		mx.firs.Inc()
		v.rtcpLog.Info("keyframe request: FIR, the PLIs went unanswered (RFC 5104 §4.3.1)", "ssrc", s.ssrc, "reason", why, "seq", s.firSeq)
		v.out = append(v.out, fir)
		return
	}
	v.plis++
	mx.plis.Inc()
	v.rtcpLog.Info("keyframe request: PLI (RFC 4585 §6.3.1)", "ssrc", s.ssrc, "reason", why)
	v.out = append(v.out, &rtcp.PictureLossIndication{SenderSSRC: v.ssrc, MediaSSRC: s.ssrc})
}

// keyframeNow is the page's "request a keyframe" button. It returns how
// many requests it queued: none for a stream asked less than minPLIGap ago.
func (v *video) keyframeNow(now time.Time) int {
	before := len(v.out)
	for _, s := range v.streams {
		v.requestKeyframe(now, s, "asked from the page")
	}
	return len(v.out) - before
}

// rtcp takes one decrypted RTCP compound packet from the browser.
func (v *video) rtcp(now time.Time, b []byte) {
	packets, err := rtcp.Unmarshal(b)
	if err != nil {
		v.drop("rtcp: malformed compound packet") // the packets before the bad one are used
	}
	for _, p := range packets {
		sr, ok := p.(*rtcp.SenderReport)
		if !ok {
			continue
		}
		for _, s := range v.streams {
			if s.ssrc == sr.SSRC {
				s.recv.HandleSR(now, sr)
			}
		}
		if v.srsShown < 3 {
			v.srsShown++
			v.rtcpLog.Info("sender report from the browser", "ssrc", sr.SSRC, "packets", sr.PacketCount, "octets", sr.OctetCount)
		}
	}
}

// timeout runs the timers: the receivers' (NACK, give-up), receiver
// reports, keyframe retries and the periodic keyframe, the summary line.
func (v *video) timeout(now time.Time) {
	for _, s := range v.streams {
		s.recv.HandleTimeout(now)
		v.deliver(now, s)
		if !now.Before(s.nextRR) {
			s.nextRR = now.Add(rrInterval)
			rr := &rtcp.ReceiverReport{SSRC: v.ssrc, Reports: []rtcp.ReceptionReport{s.recv.Report(now)}}
			if s.rrs++; s.rrs == 1 {
				v.rtcpLog.Info("receiver report sent, then one a second (RFC 3550 §6.4.2)", "report", rr.String())
			}
			v.out = append(v.out, rr)
		}
		switch {
		case !s.askedAt.IsZero() && now.Sub(s.lastPLI) >= pliRetry:
			v.requestKeyframe(now, s, "no keyframe yet")
		case v.interval > 0 && s.keyframes > 0 && now.Sub(s.lastKeyframe) >= v.interval:
			v.requestKeyframe(now, s, "periodic, every "+v.interval.String())
		}
	}
	if len(v.streams) > 0 && !now.Before(v.summary) {
		if !v.summary.IsZero() {
			s := v.streams[0]
			v.log.Info("video in the last second", "frames", v.frames, "keyframes_total", s.keyframes, "size", strconv.Itoa(s.width)+"x"+strconv.Itoa(s.height),
				"receiver", s.recv.Stats().String())
			if v.onSecond != nil {
				v.onSecond(v.frames)
			}
		}
		v.summary, v.frames = now.Add(time.Second), 0
	}
}

// deadline is when timeout should next run.
func (v *video) deadline() (time.Time, bool) {
	if len(v.streams) == 0 {
		return time.Time{}, false
	}
	next := v.summary
	for _, s := range v.streams {
		for _, t := range []time.Time{s.recv.NextDeadline(), s.nextRR} {
			if !t.IsZero() && t.Before(next) {
				next = t
			}
		}
		if !s.askedAt.IsZero() {
			if t := s.lastPLI.Add(pliRetry); t.Before(next) {
				next = t
			}
		} else if v.interval > 0 && s.keyframes > 0 {
			if t := s.lastKeyframe.Add(v.interval); t.Before(next) {
				next = t
			}
		}
	}
	return next, true
}

// drop counts a refused packet; the first of each kind is logged.
func (v *video) drop(kind string) {
	v.dropped[kind]++
	if v.dropped[kind] == 1 {
		v.log.Warn("packet not used (further ones of this kind are only counted)", "reason", kind)
	}
}

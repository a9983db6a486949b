package main

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"

	"nutsandbolts/final/dtls"
	"nutsandbolts/final/pcap"
	"nutsandbolts/final/rtcp"
	"nutsandbolts/final/sdp"
	"nutsandbolts/final/signaling"
	"nutsandbolts/final/srtp"
	"nutsandbolts/final/vp8"
)

// peer is one browser's media stack below ICE: everything the loop keeps
// for one session once its answer has arrived. In this step that is the
// DTLS association, the SRTP contexts made from its keys once its handshake
// is complete, and the video: RTP receivers, VP8 frames, RTCP feedback
// (video.go), with the frames going to the recorder (recorder.go) and the
// keyframes to the photographer, which saves them as JPEG files (shots.go). The loop (udp.go) owns every peer and calls it on its own
// goroutine, so a peer needs no lock; it never touches the socket: what it
// wants sent, it queues in its protocol state for the loop to flush.
type peer struct {
	id       string             // the session
	session  *signaling.Session // the browser's WebSocket, for notifications
	log      *slog.Logger       // [dtls] with the session id
	conn     *dtls.Conn         // the sans-IO DTLS server
	started  bool               // the browser's first DTLS datagram has arrived
	done     bool               // the handshake has completed
	selected netip.AddrPort     // the ICE-selected pair, once the browser nominated one

	srtpLog *slog.Logger  // [srtp] with the session id
	srtpIn  *srtp.Context // decrypts what the browser sends: the client's keys
	srtpOut *srtp.Context // protects the RTCP we send (step 6): the server's keys
	media   mediaLog      // what the log has said about the media (srtplog.go)

	video    *video    // RTP, VP8 and RTCP feedback (video.go)
	recorder *recorder // where complete frames go (recorder.go)

	photographer *photographer // where keyframes become JPEG files (shots.go)
	out          [][]byte      // SRTCP datagrams to send to the browser

	// What the page is told (final): its timeline, its stats, its gallery.
	sawRTP       bool         // the first RTP packet has been decrypted
	snapshot     bool         // the next keyframe answers the page's snapshot button
	skipped      int64        // keyframes the photographer could not take
	jpegs        atomic.Int64 // JPEG files written for this session (by the workers)
	shotsPending atomic.Int32 // keyframes of this session queued for the workers (shots.go)
	refusedTold  atomic.Bool  // the page has been told that files are no longer written
	lastBytes    uint64       // RTP bytes received at the last stats message

	capture *pcap.Recorder // -pcap: the decrypted RTP and RTCP, both ways; nil if off
	local   netip.AddrPort // the server's address as the browser sees it, for the capture

	timerAt     time.Time // the deadline the loop's heap holds for the peer (timers.go)
	timerGen    uint64    // which heap entry is current
	timerQueued bool      // the heap holds an entry for timerAt
}

// newPeer prepares the DTLS server for one session. Its check of the
// browser's certificate is the session's own: the certificate's
// fingerprint must be the one in that browser's SDP answer.
func newPeer(s *signaling.Session, base dtls.Config, want sdp.Fingerprint, log, srtpLog *slog.Logger, v *video, rec *recorder) *peer {
	p := &peer{id: s.ID, session: s, log: log.With("session", s.ID), srtpLog: srtpLog.With("session", s.ID), video: v, recorder: rec}
	v.onFrame = p.frame
	v.onSecond = p.pushStats
	cfg := base
	cfg.Logger = p.log
	cfg.VerifyPeerCertificate = func(chain [][]byte) error {
		if len(chain) == 0 {
			return errors.New("no certificate")
		}
		got, err := sdp.FingerprintOf(want.Algorithm, chain[0])
		if err != nil {
			return err
		}
		if !got.Equal(want) {
			return fmt.Errorf("certificate fingerprint %s is not the %s of the SDP answer", got, want)
		}
		p.log.Info("browser certificate matches the fingerprint in its answer", "fingerprint", got.String())
		return nil
	}
	p.conn = dtls.Server(&cfg)
	return p
}

// handleDTLS takes a DTLS datagram from one of the session's valid pairs.
// The DTLS layer itself decides which address it answers: a
// HelloVerifyRequest goes back to the sender, everything after it only to
// the address whose cookie it verified (RFC 6347 §4.2.1).
func (p *peer) handleDTLS(now time.Time, from netip.AddrPort, b []byte) {
	if !p.started {
		p.started = true
		p.log.Info("ClientHello from a valid pair: starting the handshake as DTLS server", "remote", from.String())
	}
	if err := p.conn.Handle(now, from, b); err != nil {
		p.log.Debug("record not accepted", "err", err.Error())
	}
}

// select follows the browser's nomination. Once the handshake is complete,
// the association moves to the selected pair, whose consent ICE checks;
// before that it stays on the address the cookie was verified for.
func (p *peer) selectPair(remote netip.AddrPort) {
	p.selected = remote
	if p.done {
		p.conn.SetRemote(remote)
	}
}

// startSRTP makes the SRTP contexts from the finished handshake (RFC 5764
// §4.2): the exporter's keying material, split into the client's and the
// server's master key and salt, each turned into session keys once, here,
// and not per packet. The browser is the DTLS client, so it protects its
// media with the client's keys.
func (p *peer) startSRTP(profile srtp.Profile) error {
	km, err := p.conn.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, profile.KeyingMaterialLen())
	if err != nil {
		return err
	}
	client, server, err := srtp.SplitKeyingMaterial(profile, km)
	if err != nil {
		return err
	}
	if p.srtpIn, err = srtp.NewContext(profile, client); err != nil {
		return err
	}
	if p.srtpOut, err = srtp.NewContext(profile, server); err != nil {
		return err
	}
	p.srtpLog.Info("keys exported from DTLS and split (RFC 5764 §4.2)", "profile", profile.String(),
		"exported", len(km), "master_key", len(client.Key), "master_salt", len(client.Salt))
	p.session.Notify("srtp", "media keys ready: "+profile.String())
	return nil
}

// handleSRTP decrypts one SRTP or SRTCP datagram from the browser, in
// place. A packet that fails is dropped by the caller for the returned
// reason; the contexts have not changed (RFC 3711 §3.3: the replay list and
// the rollover counter move only for authenticated packets).
func (p *peer) handleSRTP(now time.Time, from netip.AddrPort, b []byte) error {
	if p.srtpIn == nil {
		return errSRTPNotReady
	}
	if isRTCP(b) {
		plain, err := p.srtpIn.DecryptRTCP(b)
		if err != nil {
			return err
		}
		if p.capture != nil {
			p.capture.Write(now, from, p.local, plain)
		}
		p.media.rtcp(now, p, plain)
		p.video.rtcp(now, plain)
		return nil
	}
	plain, err := p.srtpIn.DecryptRTP(b)
	if err != nil {
		return err
	}
	if p.capture != nil {
		p.capture.Write(now, from, p.local, plain)
	}
	mx.rtpPackets.Inc()
	mx.rtpBytes.Add(uint64(len(plain)))
	if !p.sawRTP {
		p.sawRTP = true
		p.session.Milestone(signaling.MilestoneRTP, fmt.Sprintf("ssrc %d, %d bytes, decrypted with %s", rtpSSRC(plain), len(plain), p.srtpIn.Profile()))
	}
	p.media.rtp(now, p, plain)
	p.video.rtp(now, plain)
	p.sendRTCP()
	return nil
}

// frame hands a complete VP8 frame to the recorder. The frame's bytes are
// the assembler's until its next packet, so the recorder gets a copy: one
// allocation per frame, none per packet.
func (p *peer) frame(s *stream, f *vp8.Frame) {
	size := strconv.Itoa(f.Width) + "×" + strconv.Itoa(f.Height)
	if f.Keyframe && (f.Resized || s.keyframes == 1) {
		p.session.Notify("vp8", "keyframe: the camera's picture is "+size)
		p.session.Milestone(signaling.MilestoneKeyframe, size+", "+strconv.Itoa(len(f.Data))+" bytes in "+strconv.Itoa(f.Packets)+" packets")
	}
	if f.Keyframe && p.photographer != nil {
		if p.photographer.take(shot{session: p.id, frame: bytes.Clone(f.Data), pending: &p.shotsPending, saved: p.saved(p.snapshot), refused: p.refused}) {
			p.snapshot = false
		} else {
			p.skipped++
		}
	}
	if p.recorder != nil {
		p.recorder.frame(recording{session: p.id, frame: bytes.Clone(f.Data), ts: f.Timestamp,
			width: f.Width, height: f.Height, resized: f.Resized, keyframe: f.Keyframe, refused: p.refused})
	}
}

// saved returns what a JPEG worker calls when it has written one of the
// session's keyframes: the page's event log, its timeline and its gallery
// (a "shot" message). It runs on the worker, so it touches only what is
// safe there: the session's outbox and an atomic count.
func (p *peer) saved(snapshot bool) func(name string, width, height, size int) {
	s := p.session
	return func(name string, width, height, size int) {
		p.jpegs.Add(1)
		s.Notify("jpeg", fmt.Sprintf("saved %s (%d×%d)", name, width, height))
		s.Milestone(signaling.MilestoneJPEG, name)
		s.Push(signaling.Shot{Type: signaling.TypeShot, Name: name, URL: "/shots/" + name, Width: width, Height: height,
			Bytes: size, Snapshot: snapshot, MS: s.Elapsed().Milliseconds()})
	}
}

// refused tells the page, once, that its video or its JPEGs can no longer
// be written (a full disk, the output cap): the session goes on, and what
// was saved stays. The recorder's goroutine and the workers call it.
func (p *peer) refused(err error) {
	if p.refusedTold.CompareAndSwap(false, true) {
		p.session.Push(signaling.Error{Type: signaling.TypeError, Message: "files are no longer saved: " + err.Error()})
	}
}

// pushStats sends the page the session's video stats (a "media" message),
// once a second while video flows: fps is the frames of that second.
func (p *peer) pushStats(fps int) {
	m := signaling.MediaStats{Type: signaling.TypeMedia, FPS: fps, Frames: p.video.totalFrames, Keyframes: p.video.totalKeyframes,
		PLIs: p.video.plis, FIRs: p.video.firs, JPEGs: p.jpegs.Load(), Skipped: p.skipped}
	var bytes uint64
	for _, s := range p.video.streams {
		st := s.recv.Stats()
		bytes += st.Bytes
		m.Packets += int64(st.Received - st.Duplicates)
		m.Lost += int64(st.Lost)
		m.Recovered += int64(st.Recovered)
		m.NACKs += int64(st.NACKed)
		if s.width > 0 {
			m.Width, m.Height = s.width, s.height
		}
	}
	m.Bytes = int64(bytes)
	m.Bitrate = int64(bytes-p.lastBytes) * 8
	p.lastBytes = bytes
	p.session.Push(m)
}

// sendRTCP protects what the video part wants to tell the browser, as one
// compound packet (RFC 3550 §6.1; reduced-size, RFC 5506, when it holds
// only feedback), and queues it for the loop.
func (p *peer) sendRTCP() {
	if len(p.video.out) == 0 || p.srtpOut == nil {
		return
	}
	plain, err := rtcp.Marshal(p.video.out...)
	p.video.out = p.video.out[:0]
	if err != nil {
		p.srtpLog.Warn("cannot build RTCP", "err", err.Error())
		return
	}
	if p.capture != nil && p.remote().IsValid() {
		p.capture.Write(time.Now(), p.local, p.remote(), plain)
	}
	pkt, err := p.srtpOut.EncryptRTCP(nil, plain)
	if err != nil {
		p.srtpLog.Warn("cannot protect RTCP", "err", err.Error())
		return
	}
	p.out = append(p.out, pkt)
}

// remote is where the peer's own datagrams (RTCP) go: the selected pair,
// else the address the DTLS handshake ran with.
func (p *peer) remote() netip.AddrPort {
	if p.selected.IsValid() {
		return p.selected
	}
	return p.conn.Remote()
}

// rtpSSRC is the SSRC of an RTP packet whose header SRTP has checked.
func rtpSSRC(b []byte) uint32 {
	return uint32(b[8])<<24 | uint32(b[9])<<16 | uint32(b[10])<<8 | uint32(b[11])
}

// errSRTPNotReady is the reason for media that arrives before the keys.
var errSRTPNotReady = errors.New("SRTP before the DTLS handshake completed")

// isRTCP tells RTCP from RTP on one port by the second byte: RTCP packet
// types 192–223 fall where RTP would have a marker bit and payload types
// 64–95, which RTP multiplexed with RTCP must not use (RFC 5761 §4).
func isRTCP(b []byte) bool { return len(b) > 1 && b[1] >= 192 && b[1] <= 223 }

// deadline is when the peer's timers next want the loop.
func (p *peer) deadline() (time.Time, bool) {
	d, ok := p.conn.PollTimeout()
	if vd, vok := p.video.deadline(); vok && (!ok || vd.Before(d)) {
		d, ok = vd, true
	}
	return d, ok
}

// timeout runs the peer's timers if they are due.
func (p *peer) timeout(now time.Time) {
	if d, ok := p.conn.PollTimeout(); ok && !now.Before(d) {
		p.conn.HandleTimeout(now)
	}
	if d, ok := p.video.deadline(); ok && !now.Before(d) {
		p.video.timeout(now)
		p.sendRTCP()
	}
}

// event acts on one DTLS event. It returns a reason when the association
// has ended, so the loop frees the peer and closes the session.
func (p *peer) event(ev dtls.Event) (ended bool, reason string) {
	switch ev := ev.(type) {
	case dtls.HandshakeComplete:
		p.done = true // the package has logged what was negotiated
		if p.selected.IsValid() {
			p.conn.SetRemote(p.selected)
		}
		st := ev.State
		p.session.Notify("dtls", "handshake complete: "+dtls.CipherSuiteName(st.CipherSuite)+", SRTP profile "+st.SRTPProfile.String())
		mx.handshakes.Inc()
		p.session.Milestone(signaling.MilestoneDTLS, dtls.CipherSuiteName(st.CipherSuite)+", "+st.SRTPProfile.String())
		if err := p.startSRTP(srtp.Profile(st.SRTPProfile)); err != nil {
			p.srtpLog.Warn("no SRTP keys", "err", err.Error())
			return true, "SRTP: " + err.Error()
		}
	case dtls.ApplicationData:
		p.log.Info("application data (ignored: no data channels here)", "bytes", len(ev.Data))
	case dtls.Closed:
		if ev.Err == nil {
			p.log.Info("closed by close_notify")
			return true, "DTLS closed"
		}
		p.log.Warn("closed", "err", ev.Err.Error())
		return true, "DTLS: " + ev.Err.Error()
	}
	return false, ""
}

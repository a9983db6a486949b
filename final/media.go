package main

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"nutsandbolts/final/cert"
	"nutsandbolts/final/config"
	"nutsandbolts/final/dtls"
	"nutsandbolts/final/ice"
	"nutsandbolts/final/logging"
	"nutsandbolts/final/pcap"
	"nutsandbolts/final/sdp"
	"nutsandbolts/final/signaling"
	"nutsandbolts/final/srtp"
)

// media is everything under signaling: ICE-lite on the one UDP port, a
// DTLS 1.2 server for each browser and SRTP, as in step 5, and then the
// video: RTP receivers, VP8 frames and RTCP feedback for each peer
// (video.go), and the recorder that writes the frames to IVF files
// (recorder.go).
type media struct {
	log        *slog.Logger
	udp        *udpLoop
	port       int
	keyframes  time.Duration   // the periodic keyframe request, 0 for none
	public     netip.AddrPort  // our server-reflexive address, if a STUN server told us
	candidates []sdp.Candidate // the server's candidates, the same in every offer
	disk       *budget         // what the run may still write (disk.go)
}

// newMedia starts the layers below signaling. The certificate is the one
// whose fingerprint the offers carry; the DTLS layer (step 4) presents it.
func newMedia(cfg *config.Config, certificate *cert.Certificate, log *slog.Logger) (*media, error) {
	m := &media{log: logging.Layer(log, "main"), port: cfg.UDP}
	base := dtls.Config{
		Certificate: [][]byte{certificate.DER},
		PrivateKey:  certificate.PrivateKey,
		// Our preference, from the configuration; the browser offers its
		// own list (RFC 5764 §4.1.1).
		SRTPProfiles: srtpProfiles(cfg.SRTPProfiles),

		MTU: cfg.MTU,
	}
	if name := os.Getenv("SSLKEYLOGFILE"); name != "" {
		// The NSS key log lets Wireshark decrypt the handshake (docs/04-dtls.md).
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, fmt.Errorf("SSLKEYLOGFILE: %w", err)
		}
		base.KeyLogWriter = f
		m.log.Warn("writing DTLS secrets to the key log: for debugging only", "file", name)
	}
	u, err := listenUDP(cfg, base, log)
	if err != nil {
		return nil, err
	}
	m.udp = u
	m.port = u.conn.LocalAddr().(*net.UDPAddr).Port // the port bound: -udp 0 picks a free one
	m.keyframes = cfg.KeyframeInterval
	if u.recorder, err = newRecorder(cfg.Out, logging.Layer(log, "ivf")); err != nil {
		u.conn.Close()
		return nil, err
	}
	if u.shots, err = newPhotographer(cfg.Out, cfg.JPEGQuality, cfg.MaxJPEGs, jpegWorkers(), logging.Layer(log, "jpeg")); err != nil {
		u.conn.Close()
		return nil, err
	}
	m.disk = newBudget(cfg.Out, cfg.MaxOutputBytes, cfg.DiskReserve)
	if cfg.PCAP != "" {
		pcapLog := logging.Layer(log, "pcap")
		if u.capture, err = pcap.NewRecorder(cfg.PCAP, 4096, pcapLog.Warn); err != nil {
			u.conn.Close()
			return nil, err
		}
		pcapLog.Info("writing every session's RTP and RTCP, decrypted, to a capture: Wireshark opens it with no key", "file", cfg.PCAP)
	}
	u.recorder.budget, u.shots.budget = m.disk, m.disk
	if cfg.STUN != "" {
		if m.public, err = u.discover(cfg.STUN); err != nil {
			u.stunLog.Warn("no public address: going on without it", "server", cfg.STUN, "err", err.Error())
		} else {
			u.stunLog.Info("public address learned", "address", m.public.String(), "server", cfg.STUN)
		}
	}
	var public []netip.Addr
	if cfg.PublicIP != "" {
		public = append(public, netip.MustParseAddr(cfg.PublicIP)) // checked by config
	}
	if m.public.IsValid() {
		public = append(public, m.public.Addr())
	}
	m.candidates = ice.Candidates(m.port, localAddresses(), public)
	if testCandidates != nil {
		m.candidates = testCandidates(m.candidates)
	}
	u.candidates = m.candidates
	for _, c := range m.candidates {
		u.iceLog.Info("candidate", "address", net.JoinHostPort(c.Address, strconv.Itoa(c.Port)), "type", c.Type, "priority", c.Priority, "foundation", c.Foundation)
	}
	go u.run()
	return m, nil
}

// testCandidates, when a test sets it, rewrites the server's candidates
// before any offer is made. The program never sets it. The lossy-path
// browser test (e2e_lossy_test.go) uses it to send the browser to a relay
// that drops and reorders datagrams, instead of straight to this server.
var testCandidates func([]sdp.Candidate) []sdp.Candidate

// srtpProfiles turns the configured names into use_srtp values, which
// number the profiles as package srtp does. config.Check has vetted them.
func srtpProfiles(names []string) []dtls.SRTPProtectionProfile {
	var out []dtls.SRTPProtectionProfile
	for _, name := range names {
		if p, ok := srtp.ParseProfile(strings.TrimSpace(name)); ok {
			out = append(out, dtls.SRTPProtectionProfile(p))
		}
	}
	return out
}

// File serves the JPEG files to the page (signaling.FileServer): only
// names the photographer writes, shoot<N>.jpg, from the output folder.
func (m *media) File(name string) (string, bool) {
	if !shotName.MatchString(name) {
		return "", false
	}
	return filepath.Join(m.udp.shots.dir, name), true
}

// jpegWorkers is how many keyframes are decoded at once: every core but the
// one the UDP loop needs, and at least one.
func jpegWorkers() int { return max(1, runtime.NumCPU()-1) }

// localAddresses lists this machine's addresses that a browser might reach:
// every interface address except IPv6 link-local ones, which need a zone.
func localAddresses() []netip.Addr {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, a := range addrs {
		p, err := netip.ParsePrefix(a.String())
		if err != nil || p.Addr().IsLinkLocalUnicast() || p.Addr().IsUnspecified() {
			continue
		}
		out = append(out, p.Addr().Unmap())
	}
	return out
}

// Offer adds the server's candidates. Unlike step 2, it does not point the
// page at our own STUN server: Chromium takes every datagram from a STUN
// server's address for an answer from that STUN server, so the answers to
// its connectivity checks, coming from the same address and port, would
// never reach its ICE agent.
func (m *media) Offer(s *signaling.Session) []signaling.ICEServer {
	s.Offer.Candidates = m.candidates
	// The agent learns the session now, not when the answer arrives: the
	// browser starts checking as soon as it has our offer, and its first
	// check can overtake its answer on the way here (RFC 8445 §7.3 asks us
	// to answer such checks at once). The browser's half of USERNAME is
	// filled in from the answer.
	local := ice.Credentials{Ufrag: s.Offer.Ufrag, Pwd: s.Offer.Pwd}
	m.udp.do(func() {
		if err := m.udp.agent.AddSession(time.Now(), s.ID, local, ice.Credentials{}); err != nil {
			m.udp.iceLog.Warn("cannot register the session", "session", s.ID, "err", err.Error())
			return
		}
		m.udp.sessions[s.ID] = s
	})
	m.udp.iceLog.Info("waiting for connectivity checks", "session", s.ID, "ufrag", local.Ufrag)
	return nil
}

// Answer tells the agent the browser's ICE credentials: from now on only
// checks naming this browser's ufrag are answered. The loop also prepares
// the session's peer (peer.go), whose DTLS server checks the browser's
// certificate against the answer's fingerprint.
func (m *media) Answer(s *signaling.Session) error {
	remote := ice.Credentials{Ufrag: s.Answer.Ufrag, Pwd: s.Answer.Pwd}
	fingerprint := s.Answer.Fingerprint
	var err error
	if !m.udp.do(func() {
		if err = m.udp.agent.SetRemote(s.ID, remote); err == nil {
			u := m.udp
			// The periodic keyframe request is spread by ±10% per session:
			// sessions that started together would otherwise ask at the
			// same moments, and their keyframes reach the JPEG workers in
			// bursts.
			interval := time.Duration(float64(m.keyframes) * (0.9 + 0.2*rand.Float64())).Round(time.Millisecond)
			v := newVideo(rand.Uint32(), s.Answer.VP8PayloadType, interval,
				u.rtpLog.With("session", s.ID), u.vp8Log.With("session", s.ID), u.rtcpLog.With("session", s.ID), nil)
			p := newPeer(s, u.dtlsBase, fingerprint, u.dtlsLog, u.srtpLog, v, u.recorder)
			p.photographer = u.shots
			p.capture = u.capture
			u.addPeer(s.ID, p)
		}
	}) {
		return fmt.Errorf("server shutting down")
	}
	if err != nil {
		return err
	}
	m.udp.iceLog.Info("browser's ICE credentials known", "session", s.ID, "username", s.Offer.Ufrag+":"+remote.Ufrag)
	return nil
}

// Keyframe is the page's "request a keyframe" button: a PLI (RFC 4585
// §6.3.1) for each of the session's video streams, at once (the loop sends
// what the peer queued after the call). Signaling has rate-limited the
// button; the streams' own limit (minPLIGap, video.go) still holds.
func (m *media) Keyframe(s *signaling.Session) error {
	return m.askKeyframe(s, false)
}

// Snapshot is the page's "take snapshot" button: a keyframe request, like
// Keyframe, whose JPEG is marked as the snapshot for the page. A keyframe
// already asked for (within minPLIGap) answers the snapshot as well.
func (m *media) Snapshot(s *signaling.Session) error {
	return m.askKeyframe(s, true)
}

// askKeyframe sends the session's streams a PLI, on the loop.
func (m *media) askKeyframe(s *signaling.Session, snapshot bool) error {
	var err error
	if !m.udp.do(func() {
		p := m.udp.peers[s.ID]
		switch {
		case p == nil || len(p.video.streams) == 0:
			err = errors.New("no video from this browser yet")
		case p.video.keyframeNow(time.Now()) == 0 && !snapshot:
			err = fmt.Errorf("a keyframe was asked for less than %v ago: waiting for that one", minPLIGap)
		default:
			p.snapshot = p.snapshot || snapshot
			p.sendRTCP()
		}
	}) {
		return errors.New("server shutting down")
	}
	return err
}

// Closed forgets the session's ICE state and ends its DTLS association
// with a close_notify; the Closed event that follows frees the peer (udp.go).
func (m *media) Closed(s *signaling.Session) {
	m.udp.do(func() {
		delete(m.udp.sessions, s.ID) // it is closing already
		if p := m.udp.peers[s.ID]; p != nil && p.started {
			p.conn.Close() // a close_notify; the Closed event that follows ends the rest
			return
		}
		m.udp.end(s.ID, "")
	})
}

// close stops the media layers and says what was dropped.
func (m *media) close() {
	m.udp.close()
	m.udp.recorder.close()
	m.udp.shots.close()
	if c := m.udp.capture; c != nil {
		if err := c.Close(); err != nil {
			m.log.Warn("the capture is incomplete", "file", c.Path(), "err", err.Error())
		} else {
			m.log.Info("capture written", "file", c.Path(), "packets", c.Written(), "dropped", c.Dropped())
		}
	}
	for kind, n := range m.udp.dropped() {
		m.udp.log.Info("dropped in all", "reason", kind, "datagrams", n)
	}
}

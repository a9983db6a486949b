package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"time"

	"nutsandbolts/step03-ice/cert"
	"nutsandbolts/step03-ice/config"
	"nutsandbolts/step03-ice/ice"
	"nutsandbolts/step03-ice/logging"
	"nutsandbolts/step03-ice/sdp"
	"nutsandbolts/step03-ice/signaling"
)

// media is everything under signaling. In step 3 it is ICE-lite on the one
// UDP port: the offer lists the server's candidates, the browser sends
// connectivity checks to them, and the server's ICE agent answers. When the
// first check is answered, the browser reports ICE "connected". DTLS comes
// next, in step 4.
type media struct {
	log        *slog.Logger
	udp        *udpLoop
	port       int
	public     netip.AddrPort  // our server-reflexive address, if a STUN server told us
	candidates []sdp.Candidate // the server's candidates, the same in every offer
}

// newMedia starts the layers below signaling. The certificate is the one
// whose fingerprint the offers carry; the DTLS layer (step 4) presents it.
func newMedia(cfg *config.Config, certificate *cert.Certificate, log *slog.Logger) (*media, error) {
	m := &media{log: logging.Layer(log, "main"), port: cfg.UDP}
	u, err := listenUDP(cfg, log)
	if err != nil {
		return nil, err
	}
	m.udp = u
	m.port = u.conn.LocalAddr().(*net.UDPAddr).Port // the port bound: -udp 0 picks a free one
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
	for _, c := range m.candidates {
		u.iceLog.Info("candidate", "address", net.JoinHostPort(c.Address, strconv.Itoa(c.Port)), "type", c.Type, "priority", c.Priority, "foundation", c.Foundation)
	}
	go u.run()
	return m, nil
}

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
// checks naming this browser's ufrag are answered.
func (m *media) Answer(s *signaling.Session) error {
	remote := ice.Credentials{Ufrag: s.Answer.Ufrag, Pwd: s.Answer.Pwd}
	var err error
	if !m.udp.do(func() { err = m.udp.agent.SetRemote(s.ID, remote) }) {
		return fmt.Errorf("server shutting down")
	}
	if err != nil {
		return err
	}
	m.udp.iceLog.Info("browser's ICE credentials known", "session", s.ID, "username", s.Offer.Ufrag+":"+remote.Ufrag)
	return nil
}

// Closed forgets the session's ICE state.
func (m *media) Closed(s *signaling.Session) {
	m.udp.do(func() {
		delete(m.udp.sessions, s.ID) // it is closing already
		m.udp.end(s.ID, "")
	})
}

// close stops the media layers and says what was dropped.
func (m *media) close() {
	m.udp.close()
	for kind, n := range m.udp.dropped() {
		m.udp.log.Info("dropped in all", "reason", kind, "datagrams", n)
	}
}

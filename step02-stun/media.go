package main

import (
	"log/slog"
	"net"
	"net/netip"
	"strconv"

	"nutsandbolts/step02-stun/cert"
	"nutsandbolts/step02-stun/config"
	"nutsandbolts/step02-stun/logging"
	"nutsandbolts/step02-stun/signaling"
)

// media is everything under signaling. In step 2 it is the UDP port, which
// answers STUN Binding requests like a public STUN server does. The page is
// told to use it as its STUN server, so the browser learns its own address
// from our code. ICE still cannot connect: the offer has no candidates, and
// nothing answers connectivity checks yet. Step 3 adds that.
type media struct {
	log    *slog.Logger
	udp    *udpLoop
	port   int
	public netip.AddrPort // our server-reflexive address, if a STUN server told us
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
	go u.run()
	return m, nil
}

// Offer points the page at our own STUN server, on the host name it used
// to reach this page and on the media port.
func (m *media) Offer(s *signaling.Session) []signaling.ICEServer {
	host, _, err := net.SplitHostPort(s.Host)
	if err != nil {
		host = s.Host
	}
	return []signaling.ICEServer{{URLs: []string{"stun:" + net.JoinHostPort(host, strconv.Itoa(m.port))}}}
}

// Answer accepts the checked answer; with no ICE agent yet, the session waits.
func (m *media) Answer(s *signaling.Session) error {
	s.Notify("stun", "the server answers STUN on UDP port "+strconv.Itoa(m.port)+"; it has no ICE agent yet, so ICE will not connect (step 3 adds one)")
	return nil
}

// Closed has nothing to free yet.
func (m *media) Closed(s *signaling.Session) {}

// close stops the media layers and says what was dropped.
func (m *media) close() {
	m.udp.close()
	for kind, n := range m.udp.dropped() {
		m.udp.log.Info("dropped in all", "reason", kind, "datagrams", n)
	}
}

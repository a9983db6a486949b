package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"nutsandbolts/step04-dtls/dtls"
	"nutsandbolts/step04-dtls/ice"
	"nutsandbolts/step04-dtls/logging"
	"nutsandbolts/step04-dtls/sdp"
	"nutsandbolts/step04-dtls/signaling"
)

// software is the SOFTWARE attribute of our STUN messages (RFC 8489 §14.14).
const software = "WebRTC Nuts and Bolts"

// udpLoop owns the one UDP socket that every browser sends to, and the ICE
// agent that decides what each datagram means. One goroutine (run) does all
// of it: it takes datagrams from the reader, work from the signaling
// goroutines (do), and the agent's timer, one at a time. So the agent, like
// every sans-IO protocol here, needs no lock.
type udpLoop struct {
	conn    *net.UDPConn
	log     *slog.Logger // [udp]
	stunLog *slog.Logger // [stun]
	iceLog  *slog.Logger // [ice]

	agent    *ice.Agent                    // every session's ICE state
	sessions map[string]*signaling.Session // live sessions by id, for the agent's events
	dtlsLog  *slog.Logger                  // [dtls]
	dtlsBase dtls.Config                   // what every session's DTLS server shares
	peers    map[string]*peer              // each session's DTLS association, once it has started
	expected map[string]sdp.Fingerprint    // each session's a=fingerprint, once its answer has arrived
	packets  chan packet                   // datagrams from the reader goroutine
	calls    chan func()                   // work from other goroutines, run on the loop
	done     chan struct{}                 // closed when the loop has stopped
	buffers  sync.Pool                     // read buffers, reused

	mu    sync.Mutex
	drops map[string]int // datagrams dropped, by reason
}

// peer is one session's DTLS association and where to send its datagrams.
type peer struct {
	conn   *dtls.Conn     // the sans-IO DTLS server
	remote netip.AddrPort // the browser's address: the selected pair, else the latest DTLS sender
	done   bool           // the handshake has completed
}

// packet is one datagram as the reader received it.
type packet struct {
	from netip.AddrPort
	data []byte
	buf  *[]byte // to give back to the pool
}

// listenUDP opens the media port on every interface, IPv4 and IPv6.
func listenUDP(port int, base dtls.Config, log *slog.Logger) (*udpLoop, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{Port: port})
	if err != nil {
		return nil, err
	}
	return &udpLoop{
		conn:     conn,
		log:      logging.Layer(log, "udp"),
		stunLog:  logging.Layer(log, "stun"),
		iceLog:   logging.Layer(log, "ice"),
		agent:    ice.NewAgent(ice.Config{Software: software}),
		sessions: map[string]*signaling.Session{},
		dtlsLog:  logging.Layer(log, "dtls"),
		dtlsBase: base,
		peers:    map[string]*peer{},
		expected: map[string]sdp.Fingerprint{},
		packets:  make(chan packet, 64),
		calls:    make(chan func()),
		done:     make(chan struct{}),
		buffers:  sync.Pool{New: func() any { b := make([]byte, 1500); return &b }},
		drops:    map[string]int{},
	}, nil
}

// read receives datagrams and hands them to the loop, until the socket closes.
func (u *udpLoop) read() {
	defer close(u.packets)
	for {
		buf := u.buffers.Get().(*[]byte)
		n, from, err := u.conn.ReadFromUDPAddrPort(*buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			u.log.Warn("read", "err", err.Error())
			continue
		}
		// A dual-stack socket reports IPv4 senders as ::ffff:a.b.c.d.
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		u.packets <- packet{from: from, data: (*buf)[:n], buf: buf}
	}
}

// run is the loop: one event at a time, then whatever the agent wants done.
func (u *udpLoop) run() {
	defer close(u.done)
	go u.read()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		select {
		case p, ok := <-u.packets:
			if !ok {
				return
			}
			id := u.handle(time.Now(), p.from, p.data)
			u.buffers.Put(p.buf)
			u.flushAgent()
			if peer := u.peers[id]; peer != nil {
				u.flushPeer(id, peer) // a datagram touches one association at most
			}
		case f := <-u.calls:
			f()
			u.flushAll()
		case now := <-timer.C:
			u.agent.HandleTimeout(now)
			for _, p := range u.peers {
				if d, ok := p.conn.PollTimeout(); ok && !now.Before(d) {
					p.conn.HandleTimeout(now)
				}
			}
			u.flushAll()
		}
		timer.Reset(time.Until(u.nextDeadline()))
	}
}

// nextDeadline is the earliest time the agent or a DTLS association wants
// to be woken: consent expiry, a retransmission. A scan of every session is
// fine for a tutorial's hundreds of sessions; a heap would scale further.
func (u *udpLoop) nextDeadline() time.Time {
	next := time.Now().Add(time.Hour)
	if d, ok := u.agent.PollTimeout(); ok && d.Before(next) {
		next = d
	}
	for _, p := range u.peers {
		if d, ok := p.conn.PollTimeout(); ok && d.Before(next) {
			next = d
		}
	}
	return next
}

// do runs f on the loop goroutine and waits for it; false if the loop has stopped.
func (u *udpLoop) do(f func()) bool {
	finished := make(chan struct{})
	select {
	case u.calls <- func() { f(); close(finished) }:
		<-finished
		return true
	case <-u.done:
		return false
	}
}

// handle demultiplexes one datagram by its first byte (RFC 7983 §7). It
// returns the session whose DTLS association took the datagram, if any.
func (u *udpLoop) handle(now time.Time, from netip.AddrPort, b []byte) string {
	switch kind := ice.Classify(b); kind {
	case ice.KindSTUN:
		// Connectivity checks, and plain Binding requests from anyone
		// using us as a STUN server: the agent answers both.
		if err := u.agent.Handle(now, from, b); err != nil {
			u.drop(from, err.Error())
		}
	case ice.KindDTLS, ice.KindRTP:
		// Only an address that has passed a connectivity check may send
		// anything else, and nothing is kept for any other.
		id, ok := u.agent.Route(from)
		if !ok {
			u.drop(from, kind.String()+" from an address without a valid ICE pair")
			return ""
		}
		if kind == ice.KindRTP {
			u.drop(from, "RTP on a valid pair (SRTP comes in the next step)")
			return ""
		}
		p := u.peer(id, from)
		if p == nil {
			u.drop(from, "DTLS before the browser's answer arrived (no fingerprint to check it against)")
			return ""
		}
		if !p.done {
			p.remote = from // the browser may send its handshake from a pair not yet nominated
		}
		if err := p.conn.Handle(now, b); err != nil {
			u.dtlsLog.Debug("record not accepted", "session", id, "err", err.Error())
		}
		return id
	default:
		u.drop(from, "first byte "+hex.EncodeToString(b[:min(len(b), 1)])+" is none of STUN, DTLS, RTP (RFC 7983)")
	}
	return ""
}

// peer returns the session's DTLS association, starting it on the first
// DTLS datagram. Each has its own check of the browser's certificate: its
// fingerprint must be the one in that browser's SDP answer.
func (u *udpLoop) peer(id string, from netip.AddrPort) *peer {
	if p := u.peers[id]; p != nil {
		return p
	}
	want, ok := u.expected[id]
	if !ok {
		return nil
	}
	cfg := u.dtlsBase
	cfg.Logger = u.dtlsLog.With("session", id)
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
		u.dtlsLog.Info("browser certificate matches the fingerprint in its answer", "session", id, "fingerprint", got.String())
		return nil
	}
	p := &peer{conn: dtls.Server(&cfg, from), remote: from}
	u.peers[id] = p
	u.dtlsLog.Info("ClientHello from a valid pair: starting the handshake as DTLS server", "session", id, "remote", from.String())
	return p
}

// flushAgent sends what the ICE agent queued and acts on its events.
func (u *udpLoop) flushAgent() {
	for {
		t, ok := u.agent.PollTransmit()
		if !ok {
			break
		}
		if _, err := u.conn.WriteToUDPAddrPort(t.Data, t.To); err != nil {
			u.log.Warn("write", "to", t.To.String(), "err", err.Error())
		}
	}
	for {
		ev, ok := u.agent.PollEvent()
		if !ok {
			break
		}
		u.event(ev)
	}
}

// flushPeer sends what one DTLS association queued and acts on its events.
func (u *udpLoop) flushPeer(id string, p *peer) {
	for b := p.conn.PollTransmit(); b != nil; b = p.conn.PollTransmit() {
		if _, err := u.conn.WriteToUDPAddrPort(b, p.remote); err != nil {
			u.log.Warn("write", "to", p.remote.String(), "err", err.Error())
		}
	}
	for {
		ev, ok := p.conn.PollEvent()
		if !ok {
			break
		}
		u.dtlsEvent(id, p, ev)
	}
}

// flushAll flushes the agent and every association, after a timer or work
// from signaling, which may have touched any of them.
func (u *udpLoop) flushAll() {
	u.flushAgent()
	for id, p := range u.peers {
		u.flushPeer(id, p)
	}
}

// dtlsEvent reports what a session's DTLS association did.
func (u *udpLoop) dtlsEvent(id string, p *peer, ev dtls.Event) {
	s := u.sessions[id]
	switch ev := ev.(type) {
	case dtls.HandshakeComplete:
		p.done = true // the package has logged what was negotiated
		st := ev.State
		if s != nil {
			s.Notify("dtls", "handshake complete: "+dtls.CipherSuiteName(st.CipherSuite)+", SRTP profile "+st.SRTPProfile.String())
		}
	case dtls.ApplicationData:
		u.dtlsLog.Info("application data (ignored: no data channels here)", "session", id, "bytes", len(ev.Data))
	case dtls.Closed:
		delete(u.peers, id)
		if ev.Err == nil {
			u.dtlsLog.Info("closed by close_notify", "session", id)
		} else {
			u.dtlsLog.Warn("closed", "session", id, "err", ev.Err.Error())
		}
		if s != nil {
			reason := "DTLS closed"
			if ev.Err != nil {
				reason = "DTLS: " + ev.Err.Error()
			}
			delete(u.sessions, id)
			go s.Close(reason)
		}
	}
}

// event reports what the agent decided, and ends sessions whose consent expired.
func (u *udpLoop) event(ev ice.Event) {
	switch ev := ev.(type) {
	case ice.PairValid:
		u.iceLog.Info("connectivity check answered: pair valid", "session", ev.Session, "remote", ev.Remote.String())
		if s := u.sessions[ev.Session]; s != nil {
			s.Notify("ice", "the server answered a connectivity check from "+ev.Remote.String())
		}
	case ice.Selected:
		if p := u.peers[ev.Session]; p != nil {
			p.remote = ev.Remote
		}
		if ev.Previous.IsValid() {
			u.iceLog.Info("browser switched the selected pair", "session", ev.Session, "remote", ev.Remote.String(), "previous", ev.Previous.String())
		} else {
			u.iceLog.Info("browser nominated the pair: selected", "session", ev.Session, "remote", ev.Remote.String())
		}
		if s := u.sessions[ev.Session]; s != nil {
			s.Notify("ice", "selected pair: server ↔ "+ev.Remote.String())
		}
	case ice.ConsentExpired:
		u.iceLog.Info("consent expired: no checks from the browser", "session", ev.Session, "last", ev.Last.Format(time.TimeOnly))
		delete(u.peers, ev.Session)
		delete(u.expected, ev.Session)
		if s := u.sessions[ev.Session]; s != nil {
			delete(u.sessions, ev.Session)
			go s.Close("ICE consent expired")
		}
	}
}

// drop discards a datagram. Each kind of reason is logged the first time it
// occurs and counted every time, so a flood of junk cannot flood the log.
func (u *udpLoop) drop(from netip.AddrPort, reason string) {
	kind := dropKind(reason)
	u.mu.Lock()
	u.drops[kind]++
	first := u.drops[kind] == 1
	u.mu.Unlock()
	if first {
		u.log.Warn("dropped datagram (further ones of this kind are only counted)", "from", from.String(), "reason", reason)
	}
}

// dropKind is a reason without its details: "ice: unknown ufrag: \"x\"" and
// "stun: message length 4 …" count as "ice: unknown ufrag" and
// "stun: message length". The layer prefix stays; the rest is cut at the
// next colon or digit.
func dropKind(reason string) string {
	prefix, rest := "", reason
	if layer, r, ok := strings.Cut(reason, ": "); ok && !strings.Contains(layer, " ") {
		prefix, rest = layer+": ", r
	}
	if i := strings.IndexAny(rest, ":0123456789"); i > 0 {
		rest = strings.TrimSpace(rest[:i])
	}
	return prefix + rest
}

// dropped returns how many datagrams were dropped, by kind of reason.
func (u *udpLoop) dropped() map[string]int {
	u.mu.Lock()
	defer u.mu.Unlock()
	m := make(map[string]int, len(u.drops))
	for k, v := range u.drops {
		m[k] = v
	}
	return m
}

// close stops the reader, and with it the loop.
func (u *udpLoop) close() {
	u.conn.Close()
	<-u.done
}

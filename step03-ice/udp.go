package main

import (
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"nutsandbolts/step03-ice/ice"
	"nutsandbolts/step03-ice/logging"
	"nutsandbolts/step03-ice/signaling"
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
	packets  chan packet                   // datagrams from the reader goroutine
	calls    chan func()                   // work from other goroutines, run on the loop
	done     chan struct{}                 // closed when the loop has stopped
	buffers  sync.Pool                     // read buffers, reused

	mu    sync.Mutex
	drops map[string]int // datagrams dropped, by reason
}

// packet is one datagram as the reader received it.
type packet struct {
	from netip.AddrPort
	data []byte
	buf  *[]byte // to give back to the pool
}

// listenUDP opens the media port on every interface, IPv4 and IPv6.
func listenUDP(port int, log *slog.Logger) (*udpLoop, error) {
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
			u.handle(time.Now(), p.from, p.data)
			u.buffers.Put(p.buf)
		case f := <-u.calls:
			f()
		case now := <-timer.C:
			u.agent.HandleTimeout(now)
		}
		u.flush()
		if deadline, ok := u.agent.PollTimeout(); ok {
			timer.Reset(time.Until(deadline))
		} else {
			timer.Reset(time.Hour)
		}
	}
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

// handle demultiplexes one datagram by its first byte (RFC 7983 §7).
func (u *udpLoop) handle(now time.Time, from netip.AddrPort, b []byte) {
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
		if _, ok := u.agent.Route(from); !ok {
			u.drop(from, kind.String()+" from an address without a valid ICE pair")
			return
		}
		u.drop(from, kind.String()+" on a valid pair (DTLS comes in the next step)")
	default:
		u.drop(from, "first byte "+hex.EncodeToString(b[:min(len(b), 1)])+" is none of STUN, DTLS, RTP (RFC 7983)")
	}
}

// flush sends what the agent queued and acts on its events.
func (u *udpLoop) flush() {
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

// event reports what the agent decided, and ends sessions whose consent expired.
func (u *udpLoop) event(ev ice.Event) {
	switch ev := ev.(type) {
	case ice.PairValid:
		u.iceLog.Info("connectivity check answered: pair valid", "session", ev.Session, "remote", ev.Remote.String())
		if s := u.sessions[ev.Session]; s != nil {
			s.Notify("ice", "the server answered a connectivity check from "+ev.Remote.String())
		}
	case ice.Selected:
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

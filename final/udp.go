package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"nutsandbolts/final/config"
	"nutsandbolts/final/dtls"
	"nutsandbolts/final/ice"
	"nutsandbolts/final/logging"
	"nutsandbolts/final/pcap"
	"nutsandbolts/final/sdp"
	"nutsandbolts/final/signaling"
)

// consentTimeout is how long a session lives without a connectivity
// check: 0 is RFC 7675's 30 s. Only tests change it, to see a vanished
// browser's session end without waiting half a minute.
var consentTimeout time.Duration

// software is the SOFTWARE attribute of our STUN messages (RFC 8489 §14.14).
const software = "WebRTC Nuts and Bolts"

// Datagram sizes. The socket is read into a buffer as large as any UDP
// payload can be, so a datagram is never cut short without our knowing;
// anything larger than a browser ever sends (WebRTC stays below the path
// MTU, about 1200 bytes) is then dropped as oversized.
const (
	maxUDPPayload = 1<<16 - 1 // the UDP length field is 16 bits
	maxDatagram   = 1500      // an Ethernet frame's payload: more has been fragmented on the way
)

// udpLoop owns the one UDP socket that every browser sends to, and the ICE
// agent that decides what each datagram means. One goroutine (run) does all
// of it: it takes datagrams from the reader, work from the signaling
// goroutines (do), and the agent's timer, one at a time. So the agent, like
// every sans-IO protocol here, needs no lock.
type udpLoop struct {
	conn     *net.UDPConn
	log      *slog.Logger // [udp]
	stunLog  *slog.Logger // [stun]
	traceLog *slog.Logger // [trace]
	tracing  bool         // -trace: log every datagram (trace)
	iceLog   *slog.Logger // [ice]

	agent      *ice.Agent                    // every session's ICE state
	sessions   map[string]*signaling.Session // live sessions by id, for the agent's events
	eventLines map[string]int                // pair events logged per session (chatty)
	dtlsLog    *slog.Logger                  // [dtls]
	srtpLog    *slog.Logger                  // [srtp]
	rtpLog     *slog.Logger                  // [rtp]
	vp8Log     *slog.Logger                  // [vp8]
	rtcpLog    *slog.Logger                  // [rtcp]
	recorder   *recorder                     // writes the frames to disk, on its own goroutine
	shots      *photographer                 // saves keyframes as JPEG files, on its workers
	capture    *pcap.Recorder                // -pcap, or nil
	candidates []sdp.Candidate               // the server's own, for localFor
	dtlsBase   dtls.Config                   // what every session's DTLS server shares
	peers      map[string]*peer              // each session's media stack, once its answer has arrived (peer.go)
	early      map[string]*earlyDatagram     // a session's first DTLS datagram, come before its answer
	timers     timerHeap                     // the peers' deadlines, earliest first (timers.go)
	current    string                        // the session whose peer the loop is calling, for the safety net
	packets    chan packet                   // datagrams from the reader goroutine
	calls      chan func()                   // work from other goroutines, run on the loop
	done       chan struct{}                 // closed when the loop has stopped
	buffers    sync.Pool                     // read buffers, reused

	mu     sync.Mutex
	drops  map[string]int // datagrams dropped, by kind of reason
	panics int            // bugs caught by the safety net (survive)
	kernel int            // datagrams the kernel dropped, read at close; -1 if unknown
}

// earlyDatagram is a DTLS datagram kept until its session's answer arrives.
type earlyDatagram struct {
	from netip.AddrPort
	data []byte
}

// packet is one datagram as the reader received it.
type packet struct {
	from netip.AddrPort
	data []byte
	buf  *[]byte // to give back to the pool
}

// listenUDP opens the media port on every interface, IPv4 and IPv6, and asks
// the kernel for a receive buffer of cfg.UDPReadBuffer bytes: the default (about
// 200 KB on Linux) overflows when many browsers send keyframes at once.
func listenUDP(cfg *config.Config, base dtls.Config, log *slog.Logger) (*udpLoop, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{Port: cfg.UDP})
	if err != nil {
		return nil, err
	}
	u := &udpLoop{
		conn:       conn,
		log:        logging.Layer(log, "udp"),
		stunLog:    logging.Layer(log, "stun"),
		traceLog:   logging.Layer(log, "trace"),
		tracing:    cfg.Trace,
		iceLog:     logging.Layer(log, "ice"),
		agent:      ice.NewAgent(ice.Config{Software: software, ConsentTimeout: consentTimeout}),
		sessions:   map[string]*signaling.Session{},
		eventLines: map[string]int{},
		dtlsLog:    logging.Layer(log, "dtls"),
		srtpLog:    logging.Layer(log, "srtp"),
		rtpLog:     logging.Layer(log, "rtp"),
		vp8Log:     logging.Layer(log, "vp8"),
		rtcpLog:    logging.Layer(log, "rtcp"),
		dtlsBase:   base,
		peers:      map[string]*peer{},
		early:      map[string]*earlyDatagram{},
		packets:    make(chan packet, 64),
		calls:      make(chan func()),
		done:       make(chan struct{}),
		buffers:    sync.Pool{New: func() any { b := make([]byte, maxUDPPayload); return &b }},
		drops:      map[string]int{},
	}
	u.log.Info("listening: every browser's media comes to this one UDP port", "port", conn.LocalAddr().(*net.UDPAddr).Port)
	if err := conn.SetReadBuffer(cfg.UDPReadBuffer); err != nil {
		u.log.Warn("cannot set the receive buffer", "bytes", cfg.UDPReadBuffer, "err", err.Error())
	} else if got := u.readBuffer(); got > 0 && got < cfg.UDPReadBuffer {
		// Linux caps the request at net.core.rmem_max (and doubles it for
		// its own bookkeeping, so the number read back is not the request).
		u.log.Info("receive buffer smaller than asked: raise net.core.rmem_max for more", "asked", cfg.UDPReadBuffer, "got", got)
	}
	return u, nil
}

// readBuffer is the socket's receive buffer as the kernel reports it, or 0.
func (u *udpLoop) readBuffer() int {
	rc, err := u.conn.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	rc.Control(func(fd uintptr) { n, _ = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF) })
	return n
}

// kernelDrops is how many datagrams the kernel dropped because the receive
// buffer was full, from the socket's line in /proc/net/udp or udp6 (the
// last column). -1 where that cannot be read (not Linux).
func (u *udpLoop) kernelDrops() int {
	rc, err := u.conn.SyscallConn()
	if err != nil {
		return -1
	}
	var st syscall.Stat_t
	rc.Control(func(fd uintptr) { err = syscall.Fstat(int(fd), &st) })
	if err != nil {
		return -1
	}
	inode := strconv.FormatUint(st.Ino, 10)
	for _, name := range []string{"/proc/net/udp6", "/proc/net/udp"} {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) >= 13 && fields[9] == inode {
				f.Close()
				n, _ := strconv.Atoi(fields[len(fields)-1])
				return n
			}
		}
		f.Close()
	}
	return -1
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
		mx.datagramsIn.Inc()
		// A dual-stack socket reports IPv4 senders as ::ffff:a.b.c.d.
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		if n > maxDatagram {
			u.drop(from, "oversized datagram", fmt.Sprintf("%d bytes, more than the %d a browser sends", n, maxDatagram))
			u.buffers.Put(buf)
			continue
		}
		u.packets <- packet{from: from, data: (*buf)[:n], buf: buf}
	}
}

// run is the loop: one event at a time, then whatever the agent and the
// peers want done.
func (u *udpLoop) run() {
	defer close(u.done)
	go u.read()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		select {
		case d, ok := <-u.packets:
			if !ok {
				return
			}
			if u.tracing {
				u.trace("received", d.from, d.data)
			}
			id := u.handleSafely(time.Now(), d.from, d.data)
			u.buffers.Put(d.buf)
			u.flushAgent()
			if p := u.peers[id]; p != nil {
				u.flushPeer(p) // a datagram touches one peer at most
			}
		case f := <-u.calls:
			u.callSafely(f)
			u.flushAll()
		case now := <-timer.C:
			for _, p := range u.timeoutSafely(now) {
				if u.peers[p.id] == p {
					u.flushPeer(p)
				}
			}
			u.flushAgent()
		}
		timer.Reset(time.Until(u.nextDeadline()))
	}
}

// nextDeadline is the earliest time the agent or a peer wants to be woken:
// consent expiry, a retransmission, a NACK, a receiver report. The peers'
// deadlines are kept in a heap (timers.go), so this costs the same with
// one session or a thousand.
func (u *udpLoop) nextDeadline() time.Time {
	next := time.Now().Add(time.Hour)
	if d, ok := u.agent.PollTimeout(); ok && d.Before(next) {
		next = d
	}
	if d, ok := u.timers.next(u.peers); ok && d.Before(next) {
		next = d
	}
	return next
}

// handleSafely, timeoutSafely and callSafely are the loop's safety net: a
// bug that panics on one datagram, timer or call is logged and counted
// (survive), and the loop goes on serving every other session.
func (u *udpLoop) handleSafely(now time.Time, from netip.AddrPort, b []byte) (id string) {
	defer func() {
		if r := recover(); r != nil {
			u.survive(from, r)
		}
	}()
	return u.handle(now, from, b)
}

// timeoutSafely runs the timers that are due: the agent's, then those of
// the peers whose deadline has come, which it returns to be flushed.
func (u *udpLoop) timeoutSafely(now time.Time) (due []*peer) {
	defer func() {
		if r := recover(); r != nil {
			u.survive(netip.AddrPort{}, r)
		}
	}()
	u.agent.HandleTimeout(now)
	for {
		p := u.timers.popDue(now, u.peers)
		if p == nil {
			break
		}
		due = append(due, p)
		u.current = p.id
		p.timeout(now)
	}
	u.current = ""
	return due
}

func (u *udpLoop) callSafely(f func()) {
	defer func() {
		if r := recover(); r != nil {
			u.survive(netip.AddrPort{}, r)
		}
	}()
	f()
}

// survive records a panic caught while handling a datagram from `from`. It
// is a safety net, not error handling: input must never panic, and a panic
// here is a bug to fix. The first one is logged with its stack.
func (u *udpLoop) survive(from netip.AddrPort, r any) {
	mx.panics.Inc()
	u.mu.Lock()
	u.panics++
	first := u.panics == 1
	u.mu.Unlock()
	if first {
		u.log.Error("BUG: panic while handling a datagram; the server goes on (further panics are only counted)",
			"from", from.String(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	}
	// The peer that panicked may be left half-updated: end its session
	// alone. Every other session goes on.
	if id := u.current; id != "" {
		u.current = ""
		u.end(id, "internal error")
	}
}

// do runs f on the loop goroutine and waits for it; false if the loop has stopped.
func (u *udpLoop) do(f func()) bool {
	finished := make(chan struct{})
	select {
	case u.calls <- func() { defer close(finished); f() }:
		<-finished
		return true
	case <-u.done:
		return false
	}
}

// handle demultiplexes one datagram by its first byte (RFC 7983 §7). It
// returns the session whose peer took the datagram, if any.
func (u *udpLoop) handle(now time.Time, from netip.AddrPort, b []byte) string {
	switch kind := ice.Classify(b); kind {
	case ice.KindSTUN:
		// Connectivity checks, and plain Binding requests from anyone
		// using us as a STUN server: the agent answers both.
		if err := u.agent.Handle(now, from, b); err != nil {
			u.drop(from, dropReason(err), err.Error())
		}
	case ice.KindDTLS, ice.KindRTP:
		// Only an address that has passed a connectivity check may send
		// anything else, and nothing is kept for any other.
		id, ok := u.agent.Route(from)
		if !ok {
			u.drop(from, kind.String()+" from an address without a valid ICE pair", "")
			return ""
		}
		p := u.peers[id]
		if p == nil {
			if kind == ice.KindDTLS && u.early[id] == nil {
				// The browser's check passed before signaling handed us
				// its answer: its ClientHello raced the answer. Keep
				// this first datagram (one per session) and play it
				// when the answer comes, rather than make the browser
				// wait a retransmission timeout (final).
				u.early[id] = &earlyDatagram{from: from, data: bytes.Clone(b)}
				mx.earlyKept.Inc()
				u.dtlsLog.Debug("ClientHello before the browser's answer: kept until the answer arrives", "session", id, "from", from.String())
				return ""
			}
			u.drop(from, kind.String()+" before the browser's answer arrived (no fingerprint to check it against)", "session "+id)
			return ""
		}
		u.current = id
		if kind == ice.KindRTP {
			if p.capture != nil && !p.local.IsValid() {
				p.local = u.localFor(from) // the browser may have nominated before its answer came
			}
			// SRTP and SRTCP (RFC 7983: first byte 128–191), decrypted
			// with the keys of this session's handshake.
			if err := p.handleSRTP(now, from, b); err != nil {
				u.drop(from, err.Error(), "session "+id)
			}
		} else {
			p.handleDTLS(now, from, b)
		}
		u.current = ""
		return id
	default:
		u.drop(from, "none of STUN, DTLS, RTP (RFC 7983)", "first byte "+hex.EncodeToString(b[:min(len(b), 1)]))
	}
	return ""
}

// addPeer installs a session's peer once its answer has arrived, and plays
// the DTLS datagram that came before it, if one did.
func (u *udpLoop) addPeer(id string, p *peer) {
	u.peers[id] = p
	if e := u.early[id]; e != nil {
		delete(u.early, id)
		u.current = id
		p.handleDTLS(time.Now(), e.from, e.data)
		u.current = ""
	}
}

// flushAgent sends what the ICE agent queued and acts on its events.
func (u *udpLoop) flushAgent() {
	for {
		t, ok := u.agent.PollTransmit()
		if !ok {
			break
		}
		u.send(t.Data, t.To)
	}
	for {
		ev, ok := u.agent.PollEvent()
		if !ok {
			break
		}
		u.event(ev)
	}
}

// flushPeer sends what one peer queued and acts on its events.
func (u *udpLoop) flushPeer(p *peer) {
	for {
		t, ok := p.conn.PollTransmit()
		if !ok {
			break
		}
		u.send(t.Data, t.To)
	}
	for {
		ev, ok := p.conn.PollEvent()
		if !ok {
			break
		}
		if ended, reason := p.event(ev); ended {
			u.end(p.id, reason)
			return
		}
	}
	for _, b := range p.out {
		u.send(b, p.remote())
	}
	p.out = p.out[:0]
	u.timers.schedule(p, u.peers)
}

// flushAll flushes the agent and every peer, after a timer or work from
// signaling, which may have touched any of them.
func (u *udpLoop) flushAll() {
	u.flushAgent()
	for _, p := range u.peers {
		u.flushPeer(p)
	}
}

// end forgets a session below signaling and closes its WebSocket (on
// another goroutine: the loop never waits on a browser).
func (u *udpLoop) end(id, reason string) {
	if p := u.peers[id]; p != nil {
		p.media.summary(p)
		if u.recorder != nil {
			u.recorder.end(id)
		}
	}
	delete(u.peers, id)
	delete(u.early, id)
	u.agent.RemoveSession(id)
	delete(u.eventLines, id)
	if s := u.sessions[id]; s != nil {
		delete(u.sessions, id)
		go s.Close(reason)
	}
}

// event reports what the agent decided, and ends sessions whose consent expired.
func (u *udpLoop) event(ev ice.Event) {
	switch ev := ev.(type) {
	case ice.PairValid:
		if u.chatty(ev.Session) {
			return
		}
		u.iceLog.Info("connectivity check answered: pair valid", "session", ev.Session, "remote", ev.Remote.String())
		if s := u.sessions[ev.Session]; s != nil {
			s.Notify("ice", "the server answered a connectivity check from "+ev.Remote.String())
			// The page's timeline: ICE works once a check has passed.
			// (Chromium nominates later, often after DTLS has begun.)
			s.Milestone(signaling.MilestoneICE, "server ↔ "+ev.Remote.String())
		}
	case ice.Selected:
		if p := u.peers[ev.Session]; p != nil {
			p.selectPair(ev.Remote)
			p.local = u.localFor(ev.Remote)
		}
		if u.chatty(ev.Session) {
			return
		}
		if ev.Fallback {
			u.iceLog.Info("selected pair lost consent: falling back to the pair checked most recently", "session", ev.Session, "remote", ev.Remote.String(), "previous", ev.Previous.String())
		} else if ev.Previous.IsValid() {
			u.iceLog.Info("browser switched the selected pair", "session", ev.Session, "remote", ev.Remote.String(), "previous", ev.Previous.String())
		} else {
			u.iceLog.Info("browser nominated the pair: selected", "session", ev.Session, "remote", ev.Remote.String())
		}
		if s := u.sessions[ev.Session]; s != nil {
			s.Notify("ice", "selected pair: server ↔ "+ev.Remote.String())
		}
	case ice.PairExpired:
		if !u.chatty(ev.Session) {
			u.iceLog.Info("pair lost consent: no checks on it for 30 s", "session", ev.Session, "remote", ev.Remote.String(), "last", ev.Last.Format(time.TimeOnly))
		}
	case ice.ConsentExpired:
		u.iceLog.Info("consent expired: no checks from the browser", "session", ev.Session, "last", ev.Last.Format(time.TimeOnly))
		u.end(ev.Session, "ICE consent expired")
	}
}

// localFor is the server's address as a browser at remote sees it, for
// the capture's synthetic IP headers: the socket listens on every address,
// so the kernel does not say which one a datagram came to. Loopback for
// loopback, else the first candidate of the same family.
func (u *udpLoop) localFor(remote netip.AddrPort) netip.AddrPort {
	port := uint16(u.conn.LocalAddr().(*net.UDPAddr).Port)
	a := remote.Addr()
	switch {
	case a.IsLoopback() && a.Is4():
		return netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port)
	case a.IsLoopback():
		return netip.AddrPortFrom(netip.IPv6Loopback(), port)
	}
	for _, c := range u.candidates {
		if ip, err := netip.ParseAddr(c.Address); err == nil && ip.Is4() == a.Is4() && !ip.IsLoopback() {
			return netip.AddrPortFrom(ip, port)
		}
	}
	if a.Is4() {
		return netip.AddrPortFrom(netip.IPv4Unspecified(), port)
	}
	return netip.AddrPortFrom(netip.IPv6Unspecified(), port)
}

// send writes one datagram.
func (u *udpLoop) send(b []byte, to netip.AddrPort) {
	if !to.IsValid() {
		return // nowhere to send it yet
	}
	if u.tracing {
		u.trace("sent", to, b)
	}
	mx.datagramsOut.Inc()
	if _, err := u.conn.WriteToUDPAddrPort(b, to); err != nil {
		u.log.Warn("write", "to", to.String(), "err", err.Error())
	}
}

// trace logs one datagram for -trace: which way it went, what it is by its
// first byte (RFC 7983 §7), its size and the address at the other end, and
// its first bytes. The loop checks u.tracing first, so tracing costs nothing
// when it is off.
func (u *udpLoop) trace(dir string, addr netip.AddrPort, b []byte) {
	u.traceLog.Info(dir, "kind", traceKind(b), "bytes", len(b), "peer", addr.String(),
		"dump", hexdump(b[:min(len(b), traceBytes)]))
}

// traceBytes is how much of each datagram -trace shows.
const traceBytes = 64

// traceKind names a datagram by its first byte, as RFC 7983 §7 demultiplexes
// one port, telling RTCP from RTP by the packet type in the second byte
// (RFC 5761 §4).
func traceKind(b []byte) string {
	switch {
	case len(b) == 0:
		return "empty"
	case b[0] <= 3:
		return "STUN"
	case b[0] >= 20 && b[0] <= 63:
		return "DTLS"
	case b[0] >= 128 && b[0] <= 191 && len(b) > 1 && b[1] >= 192 && b[1] <= 223:
		return "RTCP"
	case b[0] >= 128 && b[0] <= 191:
		return "RTP"
	}
	return "unknown"
}

// maxEventLines is how many pair events (valid, selected, expired) of one
// session the loop logs and passes on to its page. A browser has a few
// pairs; a page that sends checks from ever new ports could otherwise
// write a log line and a WebSocket message per datagram.
const maxEventLines = 32

// chatty counts a pair event of session id and reports whether the session
// is past maxEventLines, telling so once.
func (u *udpLoop) chatty(id string) bool {
	n := u.eventLines[id] + 1
	u.eventLines[id] = n
	if n == maxEventLines+1 {
		u.iceLog.Warn("too many pair events: no longer logging them for this session", "session", id, "logged", maxEventLines)
	}
	return n > maxEventLines
}

// drop discards a datagram. kind is a fixed reason, one of a short list
// written in the code, never text from the datagram; detail says what
// exactly was wrong with this one. Each kind is logged the first time it
// occurs and counted every time, so a flood of junk cannot flood the log.
func (u *udpLoop) drop(from netip.AddrPort, kind, detail string) {
	if u.count(kind) {
		args := []any{"from", from.String(), "reason", kind}
		if detail != "" {
			args = append(args, "detail", detail)
		}
		u.log.Warn("dropped datagram (further ones of this kind are only counted)", args...)
	}
}

// later drops a datagram of a layer that a later step adds: expected, so it
// is told at level INFO, once, and counted like any other drop.
func (u *udpLoop) later(from netip.AddrPort, kind string) {
	if u.count(kind) {
		u.log.Info("dropped datagram for a later step (further ones are only counted)", "from", from.String(), "reason", kind)
	}
}

// count adds one datagram dropped for kind, and reports whether it is the first.
func (u *udpLoop) count(kind string) bool {
	mx.dropped.With(kind).Inc()
	u.mu.Lock()
	defer u.mu.Unlock()
	u.drops[kind]++
	return u.drops[kind] == 1
}

// dropped returns how many datagrams were dropped, by kind of reason, with
// the panics caught and the datagrams the kernel dropped before we could
// read them (a full receive buffer), where it says.
func (u *udpLoop) dropped() map[string]int {
	u.mu.Lock()
	defer u.mu.Unlock()
	m := make(map[string]int, len(u.drops)+2)
	for k, v := range u.drops {
		m[k] = v
	}
	if u.panics > 0 {
		m["panic caught (a bug)"] = u.panics
	}
	if u.kernel > 0 {
		m["kernel: receive buffer full"] = u.kernel
	}
	return m
}

// dropReason is the fixed reason inside a protocol package's error: the
// sentinel it wraps (ice.ErrUnknownUfrag, …), without this datagram's details.
func dropReason(err error) string {
	if r := errors.Unwrap(err); r != nil {
		return r.Error()
	}
	return err.Error()
}

// close stops the reader, and with it the loop, after reading the kernel's
// count of dropped datagrams while the socket is still open.
func (u *udpLoop) close() {
	// Sessions that signaling has not closed yet (the shutdown's wait ran
	// out) still get their close_notify (RFC 5246 §7.2.1).
	u.do(func() {
		for id, p := range u.peers {
			if p.started {
				p.conn.Close()
				u.flushPeer(p)
			}
			u.end(id, "server shutting down")
		}
	})
	n := u.kernelDrops()
	u.mu.Lock()
	u.kernel = n
	u.mu.Unlock()
	u.conn.Close()
	<-u.done
}

// hexdump formats b like `hexdump -C`, for the log.
func hexdump(b []byte) string {
	return strings.TrimRight(hex.Dump(b), "\n")
}

package main

import (
	"bufio"
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

	"nutsandbolts/step02-stun/config"
	"nutsandbolts/step02-stun/logging"
	"nutsandbolts/step02-stun/stun"
)

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

// udpLoop owns the one UDP socket that every browser sends to. It is the
// only place that reads from or writes to it.
type udpLoop struct {
	conn     *net.UDPConn
	log      *slog.Logger // [udp]
	stunLog  *slog.Logger // [stun]
	traceLog *slog.Logger // [trace]
	tracing  bool         // -trace: log every datagram (trace)
	dumped   bool         // the first exchange has been hexdumped into the log

	mu     sync.Mutex
	drops  map[string]int // datagrams dropped, by kind of reason
	panics int            // bugs caught by the safety net (survive)
	kernel int            // datagrams the kernel dropped, read at close; -1 if unknown
}

// listenUDP opens the media port on every interface, IPv4 and IPv6, and asks
// the kernel for a receive buffer of cfg.UDPReadBuffer bytes: the default (about
// 200 KB on Linux) overflows when many browsers send keyframes at once.
func listenUDP(cfg *config.Config, log *slog.Logger) (*udpLoop, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{Port: cfg.UDP})
	if err != nil {
		return nil, err
	}
	u := &udpLoop{
		conn:     conn,
		log:      logging.Layer(log, "udp"),
		stunLog:  logging.Layer(log, "stun"),
		traceLog: logging.Layer(log, "trace"),
		tracing:  cfg.Trace,
		drops:    map[string]int{},
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

// run reads datagrams until the socket is closed.
func (u *udpLoop) run() {
	buf := make([]byte, maxUDPPayload)
	for {
		n, from, err := u.conn.ReadFromUDPAddrPort(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			u.log.Warn("read", "err", err.Error())
			continue
		}
		// A dual-stack socket reports IPv4 senders as ::ffff:a.b.c.d.
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		if n > maxDatagram {
			u.drop(from, "oversized datagram", fmt.Sprintf("%d bytes, more than the %d a browser sends", n, maxDatagram))
			continue
		}
		if u.tracing {
			u.trace("received", from, buf[:n])
		}
		u.handleSafely(from, buf[:n])
	}
}

// handleSafely is handle behind the safety net: a bug that panics on one
// datagram is logged and counted, and the server goes on serving.
func (u *udpLoop) handleSafely(from netip.AddrPort, b []byte) {
	defer func() {
		if r := recover(); r != nil {
			u.survive(from, r)
		}
	}()
	u.handle(from, b)
}

// survive records a panic caught while handling a datagram from `from`. It
// is a safety net, not error handling: input must never panic, and a panic
// here is a bug to fix. The first one is logged with its stack.
func (u *udpLoop) survive(from netip.AddrPort, r any) {
	u.mu.Lock()
	u.panics++
	first := u.panics == 1
	u.mu.Unlock()
	if first {
		u.log.Error("BUG: panic while handling a datagram; the server goes on (further panics are only counted)",
			"from", from.String(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	}
}

// handle looks at one datagram. In this step only STUN is spoken: the first
// two bits of a STUN message are zero and it carries the magic cookie.
func (u *udpLoop) handle(from netip.AddrPort, b []byte) {
	if !stun.IsMessage(b) {
		u.drop(from, "not STUN (this step speaks only STUN)", "first byte "+hex.EncodeToString(b[:min(len(b), 1)]))
		return
	}
	var req stun.Message
	if err := req.Unmarshal(b); err != nil {
		u.drop(from, "malformed STUN message", err.Error())
		return
	}
	if req.Type != stun.BindingRequest {
		u.drop(from, "STUN other than a Binding request", req.Type.String())
		return
	}
	if err := req.CheckFingerprint(); err != nil && req.Has(stun.AttrFingerprint) {
		u.drop(from, "STUN FINGERPRINT mismatch", err.Error())
		return
	}
	res := u.answer(&req, from)
	out := res.Marshal()
	u.send(out, from)
	u.stunLog.Info("Binding request answered", "from", from.String(), "request", req.String(), "response", res.String())
	if !u.dumped {
		u.dumped = true
		u.stunLog.Info("the first exchange, byte by byte", "request", hexdump(b), "response", hexdump(out))
	}
}

// answer builds the response to a Binding request as a STUN server does
// (RFC 8489 §6.3): the sender's address as seen from here, in
// XOR-MAPPED-ADDRESS, or a 420 error listing comprehension-required
// attributes we do not know (§6.3.1).
func (u *udpLoop) answer(req *stun.Message, from netip.AddrPort) *stun.Message {
	if unknown := req.UnknownComprehensionRequired(); len(unknown) > 0 {
		res := stun.NewUnknownAttributesResponse(req, unknown)
		res.AddFingerprint()
		return res
	}
	res := stun.NewBindingSuccess(req, from)
	res.AddSoftware(software)
	res.AddFingerprint()
	return res
}

// send writes one datagram.
func (u *udpLoop) send(b []byte, to netip.AddrPort) {
	if !to.IsValid() {
		return // nowhere to send it yet
	}
	if u.tracing {
		u.trace("sent", to, b)
	}
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

// count adds one datagram dropped for kind, and reports whether it is the first.
func (u *udpLoop) count(kind string) bool {
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

// close closes the socket, which ends run, and reads the kernel's count of
// dropped datagrams while it still can.
func (u *udpLoop) close() {
	n := u.kernelDrops()
	u.mu.Lock()
	u.kernel = n
	u.mu.Unlock()
	u.conn.Close()
}

// hexdump formats b like `hexdump -C`, for the log.
func hexdump(b []byte) string {
	return strings.TrimRight(hex.Dump(b), "\n")
}

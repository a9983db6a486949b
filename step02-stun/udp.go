package main

import (
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"

	"nutsandbolts/step02-stun/logging"
	"nutsandbolts/step02-stun/stun"
)

// software is the SOFTWARE attribute of our STUN messages (RFC 8489 §14.14).
const software = "WebRTC Nuts and Bolts"

// udpLoop owns the one UDP socket that every browser sends to. It is the
// only place that reads from or writes to it.
type udpLoop struct {
	conn    *net.UDPConn
	log     *slog.Logger // [udp]
	stunLog *slog.Logger // [stun]
	dumped  bool         // the first exchange has been hexdumped into the log

	mu    sync.Mutex
	drops map[string]int // datagrams dropped, by reason
}

// listenUDP opens the media port on every interface, IPv4 and IPv6.
func listenUDP(port int, log *slog.Logger) (*udpLoop, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{Port: port})
	if err != nil {
		return nil, err
	}
	return &udpLoop{
		conn:    conn,
		log:     logging.Layer(log, "udp"),
		stunLog: logging.Layer(log, "stun"),
		drops:   map[string]int{},
	}, nil
}

// run reads datagrams until the socket is closed.
func (u *udpLoop) run() {
	buf := make([]byte, 1500) // one Ethernet MTU: WebRTC keeps datagrams below it
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
		u.handle(from, buf[:n])
	}
}

// handle looks at one datagram. In this step only STUN is spoken: the first
// two bits of a STUN message are zero and it carries the magic cookie.
func (u *udpLoop) handle(from netip.AddrPort, b []byte) {
	if !stun.IsMessage(b) {
		u.drop(from, "not STUN (this step speaks only STUN)")
		return
	}
	var req stun.Message
	if err := req.Unmarshal(b); err != nil {
		u.drop(from, err.Error())
		return
	}
	if req.Type != stun.BindingRequest {
		u.drop(from, "STUN "+req.Type.String()+" (only Binding requests are answered)")
		return
	}
	if err := req.CheckFingerprint(); err != nil && req.Has(stun.AttrFingerprint) {
		u.drop(from, err.Error())
		return
	}
	res := u.answer(&req, from)
	out := res.Marshal()
	if _, err := u.conn.WriteToUDPAddrPort(out, from); err != nil {
		u.log.Warn("write", "to", from.String(), "err", err.Error())
		return
	}
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

func (u *udpLoop) close() { u.conn.Close() }

// hexdump formats b like `hexdump -C`, for the log.
func hexdump(b []byte) string {
	return strings.TrimRight(hex.Dump(b), "\n")
}

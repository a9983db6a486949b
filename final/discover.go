package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"nutsandbolts/final/stun"
)

// discoverTimeout bounds how long start-up waits for the STUN server.
const discoverTimeout = 3 * time.Second

// discover asks a STUN server for this server's public address: the address
// and port that its Binding request appeared to come from after any NAT on
// the way (the server-reflexive address, RFC 8445 §5.1.1.2). It runs on the
// media socket before the loop starts, because the mapping belongs to the
// port the request leaves from, and only that port's mapping is useful.
func (u *udpLoop) discover(server string) (netip.AddrPort, error) {
	addr, err := net.ResolveUDPAddr("udp", server)
	if err != nil {
		return netip.AddrPort{}, err
	}
	to := addr.AddrPort()
	to = netip.AddrPortFrom(to.Addr().Unmap(), to.Port())
	t := stun.NewTransaction(time.Now(), stun.WithTimeout(discoverTimeout))
	u.stunLog.Info("asking the STUN server for our public address", "server", server, "address", to.String(), "tx", t.ID().String())
	defer u.conn.SetReadDeadline(time.Time{})

	buf := make([]byte, 1500)
	for send := true; ; {
		if send {
			if _, err := u.conn.WriteToUDPAddrPort(t.Request(), to); err != nil {
				return netip.AddrPort{}, err
			}
		}
		u.conn.SetReadDeadline(t.Deadline())
		n, from, err := u.conn.ReadFromUDPAddrPort(buf)
		var timeout net.Error
		if errors.As(err, &timeout) && timeout.Timeout() {
			if send, err = t.HandleTimeout(time.Now()); err != nil {
				return netip.AddrPort{}, fmt.Errorf("no answer from %s within %v: %w", server, discoverTimeout, err)
			}
			if send {
				u.stunLog.Info("no answer yet, sending the request again", "server", server)
			}
			continue
		}
		if err != nil {
			return netip.AddrPort{}, err
		}
		send = false
		if netip.AddrPortFrom(from.Addr().Unmap(), from.Port()) != to || !stun.IsMessage(buf[:n]) {
			continue // not from the STUN server; nobody else should be talking yet
		}
		mapped, done, err := t.HandleResponse(buf[:n])
		switch {
		case done && err != nil:
			return netip.AddrPort{}, err // an error response: the server said no
		case done:
			return mapped, nil
		case err != nil:
			// A broken answer with our transaction ID: discard it and keep
			// waiting, as RFC 8489 §6.3.3 and §7.3 ask of a client.
			u.stunLog.Warn("discarded a bad answer", "server", server, "err", err.Error())
		}
	}
}

package main

// This file picks what the checks go to, and what our host candidate's
// priority is. The checks themselves, the browser's half of ICE against
// an ICE-lite server, are fakebrowser.Checker's, which narrates them here
// through its Logf.

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"nutsandbolts/final/sdp"
)

// hostTypePreference is the host candidate type preference of RFC 8445
// §5.1.2.2.
const hostTypePreference = 126

// priority is the candidate priority of RFC 8445 §5.1.2.1.
func priority(typePreference, localPreference, componentID int) uint32 {
	return uint32(typePreference)<<24 | uint32(localPreference)<<8 | uint32(256-componentID)
}

// orderTargets lists the server candidates to check, best guess first. A
// browser checks every pair of its candidates and the server's, several at
// a time (RFC 8445 §6.1.4); this program has one socket and checks the
// server's UDP candidates one after the other: first those at the address
// the page was loaded from (the server surely listens there), IPv4 before
// IPv6, then the others in the offer's order, which is by priority.
// Candidates with an mDNS name are left out: resolving them is a browser's
// business.
func orderTargets(cands []sdp.Candidate, page string) []netip.AddrPort {
	var pageAddrs []netip.Addr
	if u, err := url.Parse(page); err == nil {
		if a, err := netip.ParseAddr(u.Hostname()); err == nil {
			pageAddrs = []netip.Addr{a.Unmap()}
		} else if addrs, err := net.DefaultResolver.LookupNetIP(context.Background(), "ip", u.Hostname()); err == nil {
			pageAddrs = addrs
		}
	}
	rank := func(a netip.Addr) int {
		switch {
		case !slices.ContainsFunc(pageAddrs, func(p netip.Addr) bool { return p.Unmap() == a }):
			return 2
		case a.Is4():
			return 0
		}
		return 1
	}
	var out []netip.AddrPort
	for _, c := range cands {
		a, err := netip.ParseAddr(c.Address)
		if err != nil || !strings.EqualFold(c.Transport, "udp") || c.Port == 0 {
			continue
		}
		out = append(out, netip.AddrPortFrom(a.Unmap(), uint16(c.Port)))
	}
	slices.SortStableFunc(out, func(x, y netip.AddrPort) int { return rank(x.Addr()) - rank(y.Addr()) })
	return out
}

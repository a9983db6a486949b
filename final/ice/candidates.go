package ice

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"

	"nutsandbolts/final/sdp"
)

// This file makes the candidates of our offer (RFC 8445 §5.1.2, §5.2).
//
// RFC 8445 §5.2: "Lite implementations only utilize host candidates. For
// each IP address, independent of an IP address family, there MUST be zero
// or one candidate." A lite agent is meant to sit on a public address
// (§2.5), where checks arrive directly. A server behind a 1:1 NAT (a cloud
// VM) or a port forward is in the same position for the browser: its
// public address is where checks arrive, and the port is the same. So a
// configured public IP, or the server-reflexive address that a STUN server
// reported, is advertised as typ host too. It is not "srflx": a lite agent
// runs no checks that could make use of a srflx candidate, and the browser
// treats both alike anyway. The port must be preserved by the NAT; the
// program should compare the srflx port with its own and warn if not.

// Preferences of RFC 8445 §5.1.2.2: "The RECOMMENDED values for type
// preferences are 126 for host candidates".
const (
	hostTypePreference = 126
	componentRTP       = 1 // rtcp-mux: RTP and RTCP share component 1 (RFC 8843, RFC 5761)
)

// priority returns the priority of RFC 8445 §5.1.2.1:
//
//	priority = (2^24)*(type preference) +
//	           (2^8)*(local preference) +
//	           (2^0)*(256 - component ID)
//
// The type preference is from 0 to 126 and the local preference from 0 to
// 65535. With host (126), the highest local preference (65535) and
// component 1 it is 2130706431, the value pion and many others advertise.
func priority(typePreference, localPreference, componentID int) uint32 {
	return uint32(typePreference)<<24 | uint32(localPreference)<<8 | uint32(256-componentID)
}

// Candidates returns the host candidates for the offer, one per address,
// all on port (our one UDP port), component 1, transport udp, type host,
// best first. local are the addresses of the machine's interfaces, public
// the addresses at which the Internet reaches that port (a configured
// public IP, or the server-reflexive address of a STUN query).
//
// Addresses that cannot receive a browser's check are skipped: invalid,
// unspecified, multicast, and link-local (fe80::/10, 169.254.0.0/16), which
// need a zone that means nothing to the browser. Duplicates are skipped
// (RFC 8445 §5.2: "zero or one candidate" per address), an IPv4-mapped
// IPv6 address counting as its IPv4 form.
//
// Order, by local preference (RFC 8445 §5.1.2.1: it "MUST be unique for
// each one"), highest first:
//
//  1. public addresses: they work from anywhere;
//  2. the other addresses of the interfaces: they work from the same
//     network;
//  3. loopback, lowest: it only works from the same machine (the demo
//     and the tests).
//
// Within each group IPv6 comes before IPv4, as RFC 8421 §4 (to which
// §5.1.2.1 refers dual-stack agents) and RFC 6724 prefer: an IPv6 path
// usually crosses no NAT. Otherwise the given order is kept. The i-th
// candidate (from 0) has local preference 65535-i, so the first one has
// priority 2130706431, the next 2130706175, and so on down by 256.
//
// Foundations are "1", "2", … in the same order. §5.2: "The foundation
// MUST be different for two candidates allocated from different IP
// addresses; otherwise, it MUST be the same. A simple integer that
// increments for each IP address will suffice."
func Candidates(port int, local []netip.Addr, public []netip.Addr) []sdp.Candidate {
	type entry struct {
		addr  netip.Addr // the candidate's address, unmapped, without zone
		group int        // 0 public, 1 other interfaces, 2 loopback
	}
	var entries []entry
	addAll := func(addrs []netip.Addr, group int) {
		for _, ad := range addrs {
			ad = ad.Unmap().WithZone("")
			if !ad.IsValid() || ad.IsUnspecified() || ad.IsMulticast() ||
				ad.IsLinkLocalUnicast() || ad.IsLinkLocalMulticast() {
				continue
			}
			if slices.ContainsFunc(entries, func(e entry) bool { return e.addr == ad }) {
				continue
			}
			g := group
			if ad.IsLoopback() {
				g = 2
			}
			entries = append(entries, entry{addr: ad, group: g})
		}
	}
	addAll(public, 0)
	addAll(local, 1)

	family := func(a netip.Addr) int {
		if a.Is6() {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(entries, func(x, y entry) int {
		return cmp.Or(cmp.Compare(x.group, y.group), cmp.Compare(family(x.addr), family(y.addr)))
	})
	if len(entries) > 65536 { // one local preference each, 65535 down to 0
		entries = entries[:65536]
	}

	cands := make([]sdp.Candidate, 0, len(entries))
	for i, e := range entries {
		cands = append(cands, sdp.Candidate{
			Foundation: strconv.Itoa(i + 1),
			Component:  componentRTP,
			Transport:  "udp",
			Priority:   priority(hostTypePreference, 65535-i, componentRTP),
			Address:    e.addr.String(),
			Port:       port,
			Type:       "host",
		})
	}
	return cands
}

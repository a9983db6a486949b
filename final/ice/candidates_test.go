package ice

import (
	"net/netip"
	"reflect"
	"testing"

	"nutsandbolts/final/sdp"
)

func TestPriorityFormula(t *testing.T) {
	for _, tt := range []struct {
		typ, local, comp int
		want             uint32
	}{
		// 126*2^24 + 65535*2^8 + 255 = 2113929216 + 16776960 + 255:
		// pion's host candidate in the captures' offer.
		{126, 65535, 1, 2130706431},
		{126, 65534, 1, 2130706175}, // 256 lower
		{126, 65535, 2, 2130706430}, // pion's component 2
		{110, 65535, 1, 1862270975}, // peer-reflexive: 110*2^24 + 65535*2^8 + 255
		{0, 0, 256, 0},              // the lowest possible
		{100, 0, 1, 100<<24 | 255},  // server-reflexive, local preference 0
		{126, 65281, 1, 2130641407}, // 2113929216 + 65281*256 + 255
	} {
		if got := priority(tt.typ, tt.local, tt.comp); got != tt.want {
			t.Errorf("priority(%d, %d, %d) = %d, want %d", tt.typ, tt.local, tt.comp, got, tt.want)
		}
	}
}

func TestCandidates(t *testing.T) {
	addrs := func(ss ...string) []netip.Addr {
		var out []netip.Addr
		for _, s := range ss {
			out = append(out, netip.MustParseAddr(s))
		}
		return out
	}
	local := addrs("127.0.0.1", "10.0.0.5", "::1", "fe80::1", "2001:db8::10", "0.0.0.0", "169.254.1.1", "::ffff:10.0.0.5")
	public := addrs("203.0.113.7", "10.0.0.5")
	got := Candidates(5000, local, public)

	want := []struct {
		addr string
		prio uint32
	}{
		{"203.0.113.7", 2130706431},  // public first, in the given order
		{"10.0.0.5", 2130706175},     // listed as public and local (twice): once, in the public group
		{"2001:db8::10", 2130705919}, // then the interfaces, IPv6 first
		{"::1", 2130705663},          // loopback last, IPv6 first
		{"127.0.0.1", 2130705407},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d candidates, want %d: %v", len(got), len(want), got)
	}
	for i, c := range got {
		if c.Address != want[i].addr || c.Priority != want[i].prio {
			t.Errorf("candidate %d: %s priority %d, want %s priority %d", i, c.Address, c.Priority, want[i].addr, want[i].prio)
		}
		if c.Type != "host" || c.Component != 1 || c.Transport != "udp" || c.Port != 5000 || c.RelatedAddress != "" {
			t.Errorf("candidate %d: %+v", i, c)
		}
		for j := range i {
			if got[j].Foundation == c.Foundation {
				t.Errorf("candidates %d and %d share foundation %q but not their address", j, i, c.Foundation)
			}
		}
		// The string parses back to the same candidate.
		back, err := sdp.ParseCandidate(c.String())
		if err != nil {
			t.Errorf("ParseCandidate(%q): %v", c.String(), err)
		} else if !reflect.DeepEqual(back, c) {
			t.Errorf("round trip:\n got %+v\nwant %+v", back, c)
		}
	}
	if s := got[0].String(); s != "candidate:1 1 udp 2130706431 203.0.113.7 5000 typ host" {
		t.Errorf("String = %q", s)
	}

	if c := Candidates(5000, nil, nil); len(c) != 0 {
		t.Errorf("no addresses: %v", c)
	}
	// One address: local preference 65535, as §5.1.2.1 asks ("When there
	// is only a single IP address, this value SHOULD be set to 65535").
	if c := Candidates(9, addrs("192.0.2.1"), nil); len(c) != 1 || c[0].Priority != 2130706431 {
		t.Errorf("single address: %v", c)
	}
}

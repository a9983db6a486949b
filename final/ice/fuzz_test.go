package ice

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"nutsandbolts/final/stun"
)

// fuzzFrom are the sources the fuzzer picks from: addrA has sent a valid
// check before each input, the others have not.
var fuzzFrom = []netip.AddrPort{
	addrA,
	addrB,
	addrC,
	netip.AddrPortFrom(netip.AddrFrom16(addrB.Addr().As16()), addrB.Port()), // addrB, IPv4-mapped
	netip.MustParseAddrPort("224.0.0.1:5000"),                               // not a unicast source
}

// validCheck is an independent oracle: whether b is a check that the
// session must accept, by the rules of RFC 8445 §7.3 and RFC 8489 §6.3.
func validCheck(b []byte) bool {
	var m stun.Message
	if !stun.IsMessage(b) || m.Unmarshal(b) != nil || m.Type != stun.BindingRequest {
		return false
	}
	u, err := m.Username()
	return err == nil && u == ours.Ufrag+":"+browser.Ufrag &&
		m.CheckFingerprint() == nil &&
		m.CheckIntegrity(stun.ShortTermKey(ours.Pwd)) == nil &&
		!m.Has(stun.AttrICEControlled) &&
		len(m.UnknownComprehensionRequired()) == 0
}

// FuzzHandle feeds arbitrary datagrams to an agent with one live session.
// Nothing may panic; an address is routed only if it sent a valid check;
// a dropped datagram produces no output.
func FuzzHandle(f *testing.F) {
	nominate := chk()
	nominate.useCandidate = true
	controlled := chk()
	controlled.controlled = true
	unknown := chk()
	unknown.extra = []stun.Attribute{{Type: 0x7777, Value: []byte{1}}}
	withFP := stun.NewBindingRequest()
	withFP.AddFingerprint()
	for _, seed := range [][]byte{
		chk().build(f), nominate.build(f), controlled.build(f), unknown.build(f),
		stun.NewBindingRequest().Marshal(), withFP.Marshal(),
		{22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // DTLS
		{0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2},       // RTP
		{0x80, 200, 0, 6},                              // RTCP
		{0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42},           // a truncated STUN header
	} {
		for i := range fuzzFrom {
			f.Add(uint8(i), seed)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		a := newTestAgent(t)
		if err := a.Handle(t0, addrA, chk().build(t)); err != nil {
			t.Fatal(err)
		}
		drain(a)
		from := fuzzFrom[int(which)%len(fuzzFrom)]
		err := a.Handle(t0, from, b)
		txs, evs := drain(a)
		if err != nil && (len(txs) != 0 || len(evs) != 0) {
			t.Fatalf("dropped (%v) but produced %d transmits and %v", err, len(txs), evs)
		}
		if err == nil && (len(txs) != 1 || txs[0].To != canonical(from)) {
			t.Fatalf("answered but %d transmits", len(txs))
		}
		for _, tx := range txs {
			var res stun.Message
			if res.Unmarshal(tx.Data) != nil || res.CheckFingerprint() != nil {
				t.Fatalf("our response does not decode or has a bad FINGERPRINT: %x", tx.Data)
			}
		}
		ok := validCheck(b) && from.Addr().Unmap() != netip.MustParseAddr("224.0.0.1")
		for _, addr := range fuzzFrom {
			_, routed := a.Route(addr)
			want := canonical(addr) == addrA || ok && canonical(addr) == canonical(from)
			if routed != want {
				t.Fatalf("Route(%v) = %v, want %v (datagram from %v, valid check %v, err %v)", addr, routed, want, from, ok, err)
			}
		}
		if a.Sessions() != 1 {
			t.Fatalf("Sessions = %d", a.Sessions())
		}
	})
}

// rfc7983 is Figure 3 of RFC 7983 §7 (its NEW TEXT for RFC 5764 §5.1.2),
// written out as the RFC gives it, independently of Classify: the ranges
// of the first byte and the protocol each one names. "If the value does
// not match any known range, then the packet MUST be dropped".
var rfc7983 = []struct {
	lo, hi byte   // the first byte, inclusive
	proto  string // the protocol, in the figure's words
}{
	{0, 3, "STUN"},
	{16, 19, "ZRTP"},
	{20, 63, "DTLS"},
	{64, 79, "TURN Channel"},
	{128, 191, "RTP/RTCP"},
}

// kindOf is what Classify must return for a datagram whose first byte is
// in the range of proto: this server speaks STUN, DTLS and SRTP/SRTCP, and
// drops ZRTP and TURN channel data like bytes of no known range.
var kindOf = map[string]Kind{"STUN": KindSTUN, "ZRTP": KindOther, "DTLS": KindDTLS, "TURN Channel": KindOther, "RTP/RTCP": KindRTP}

// wantKind is the oracle of the Classify tests: the range of b's first byte
// in rfc7983, and for STUN the fixed part of the header of RFC 8489 §5 as
// well: 20 bytes, with the magic cookie 0x2112A442 in bytes 4 to 7.
func wantKind(b []byte) Kind {
	if len(b) == 0 {
		return KindOther
	}
	for _, r := range rfc7983 {
		if b[0] < r.lo || b[0] > r.hi {
			continue
		}
		if r.proto == "STUN" && (len(b) < 20 || b[4] != 0x21 || b[5] != 0x12 || b[6] != 0xa4 || b[7] != 0x42) {
			return KindOther
		}
		return kindOf[r.proto]
	}
	return KindOther
}

// FuzzClassify checks Classify against the table of RFC 7983 §7 on
// arbitrary bytes.
func FuzzClassify(f *testing.F) {
	f.Add(stun.NewBindingRequest().Marshal())
	f.Add([]byte{22, 0xfe, 0xfd})
	f.Add([]byte{0x80, 96})
	f.Add([]byte{})
	// Each end of each range, and the bytes just outside.
	for _, c := range []byte{3, 4, 15, 16, 19, 20, 63, 64, 79, 80, 127, 128, 191, 192, 255} {
		f.Add([]byte{c, 0, 0, 0, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k := Classify(b)
		if want := wantKind(b); k != want {
			t.Fatalf("Classify(%x) = %v, want %v (RFC 7983 §7)", b, k, want)
		}
		if k == KindSTUN {
			var m stun.Message
			_ = m.Unmarshal(b) // may fail: IsMessage is a quick test only
		}
	})
}

// FuzzSessions drives an agent with three sessions through a sequence of
// steps that the fuzzer chooses, two bytes each: checks of any session from
// any of four addresses (with or without USE-CANDIDATE), clock steps, and
// sessions removed and added again. After each step it checks what must
// always hold: the valid lists, the routes and the consent heap agree; every
// pair has consent; an address never passes from one session to another
// while the first one's pair to it has consent; the events match the state.
func FuzzSessions(f *testing.F) {
	// Steps: {op, arg}. op%4 = 0 or 1: a check of session arg%3 from
	// address arg/3%4, nominating if op&0x10; 2: the clock moves arg/4
	// seconds, or to PollTimeout if op&0x10; 3: session arg%3 is removed,
	// or added again.
	f.Add([]byte{0x10, 0, 0, 1, 2, 120, 0x10, 1, 2, 121, 0, 1}) // s0 nominates A; s1 from A; 30 s; s1 nominates A; 30.25 s; s1 from A
	f.Add([]byte{0x10, 0, 0, 3, 2, 40, 0, 3, 2, 80, 2, 0})      // s0 nominates A, checks from B; 10 s; B; 20 s; 0 s
	f.Add([]byte{0, 0, 3, 0, 0, 1, 3, 0, 0x10, 1})              // s0 from A; s0 removed; s1 from A; s0 back; s1 nominates A
	f.Add([]byte{0x12, 0, 2, 255, 2, 255})                      // to PollTimeout; 63.75 s; 63.75 s
	const timeout = 30 * time.Second
	creds := []Credentials{
		{Ufrag: "fuzzUfrag0", Pwd: "fuzzPasswordNumber0fuzz"},
		{Ufrag: "fuzzUfrag1", Pwd: "fuzzPasswordNumber1fuzz"},
		{Ufrag: "fuzzUfrag2", Pwd: "fuzzPasswordNumber2fuzz"},
	}
	ids := []string{"s0", "s1", "s2"}
	addrD := netip.MustParseAddrPort("203.0.113.1:3478")
	addrs := []netip.AddrPort{addrA, addrB, addrC, addrD}
	// The checks, built once: checks[i][1] nominates.
	checks := make([][2][]byte, len(creds))
	for i, c := range creds {
		spec := checkSpec{local: c.Ufrag, remote: browser.Ufrag, key: c.Pwd}
		checks[i][0] = spec.build(f)
		spec.useCandidate = true
		checks[i][1] = spec.build(f)
	}
	f.Fuzz(func(t *testing.T, steps []byte) {
		a := NewAgent(Config{ConsentTimeout: timeout})
		now := t0
		for i := range creds {
			if err := a.AddSession(now, ids[i], creds[i], browser); err != nil {
				t.Fatal(err)
			}
		}
		for n := 0; len(steps) >= 2 && n < 64; n++ {
			op, arg := steps[0], steps[1]
			steps = steps[2:]

			// Who holds each address before the step, and since when.
			type hold struct {
				id   string
				last time.Time
			}
			before := map[netip.AddrPort]hold{}
			for addr, s := range a.routes {
				if i := s.find(addr); i >= 0 {
					before[addr] = hold{s.id, s.pairs[i].last}
				}
			}

			var what string
			switch op % 4 {
			case 0, 1: // a check
				i, from := int(arg)%len(ids), addrs[int(arg)/len(ids)%len(addrs)]
				nominate := op&0x10 != 0
				what = fmt.Sprintf("check of %s from %v (USE-CANDIDATE %v)", ids[i], from, nominate)
				b := checks[i][0]
				if nominate {
					b = checks[i][1]
				}
				err := a.Handle(now, from, b)
				_, live := a.sessions[ids[i]]
				switch {
				case err == nil:
					if id, ok := a.Route(from); !ok || id != ids[i] {
						t.Fatalf("step %d, %s: answered, but Route = %q, %v", n, what, id, ok)
					}
				case errors.Is(err, ErrAddressInUse):
					if id, _ := a.Route(from); id == ids[i] || id == "" {
						t.Fatalf("step %d, %s: %v, but Route = %q", n, what, err, id)
					}
				case errors.Is(err, ErrUnknownUfrag):
					if live {
						t.Fatalf("step %d, %s: %v for a live session", n, what, err)
					}
				default:
					t.Fatalf("step %d, %s: %v", n, what, err)
				}
			case 2: // the clock moves on by arg/4 seconds, or to PollTimeout
				if d, ok := a.PollTimeout(); op&0x10 != 0 && ok && d.After(now) {
					now = d
				} else {
					now = now.Add(time.Duration(arg) * time.Second / 4)
				}
				what = fmt.Sprintf("HandleTimeout(t0+%v)", now.Sub(t0))
				a.HandleTimeout(now)
			case 3: // a session is removed, or added again
				i := int(arg) % len(ids)
				if _, live := a.sessions[ids[i]]; live {
					what = "RemoveSession(" + ids[i] + ")"
					a.RemoveSession(ids[i])
				} else {
					what = "AddSession(" + ids[i] + ")"
					if err := a.AddSession(now, ids[i], creds[i], browser); err != nil {
						t.Fatalf("step %d, %s: %v", n, what, err)
					}
				}
			}
			_, evs := drain(a)
			checkAgent(t, a, now, evs, fmt.Sprintf("step %d, %s", n, what))

			// No takeover: an address leaves its session only when that
			// pair has lost consent, or the session has ended.
			for addr, h := range before {
				id, ok := a.Route(addr)
				if !ok || id == h.id {
					continue
				}
				s, live := a.sessions[h.id]
				if live && s.find(addr) < 0 && now.Before(h.last.Add(timeout)) {
					t.Fatalf("step %d, %s: %v moved from %s to %s while it had consent (last check t0+%v)",
						n, what, addr, h.id, id, h.last.Sub(t0))
				}
			}
		}
	})
}

// checkAgent checks the agent's internal consistency at now, after a step
// that emitted evs.
func checkAgent(t *testing.T, a *Agent, now time.Time, evs []Event, step string) {
	t.Helper()
	if len(a.consent) != len(a.sessions) || len(a.byUfrag) != len(a.sessions) {
		t.Fatalf("%s: %d in the heap, %d by ufrag, %d sessions", step, len(a.consent), len(a.byUfrag), len(a.sessions))
	}
	pairs := 0
	for id, s := range a.sessions {
		if s.id != id || a.byUfrag[s.local.Ufrag] != s || s.heap < 0 || s.heap >= len(a.consent) || a.consent[s.heap] != s {
			t.Fatalf("%s: session %s is not in its tables", step, id)
		}
		if !now.Before(a.deadline(s)) {
			t.Fatalf("%s: session %s alive after its deadline", step, id)
		}
		if len(s.pairs) > MaxValidPairs {
			t.Fatalf("%s: session %s has %d pairs", step, id, len(s.pairs))
		}
		wake := a.deadline(s)
		for i, p := range s.pairs {
			pairs++
			if a.routes[p.remote] != s {
				t.Fatalf("%s: pair %s→%v is not routed to it", step, id, p.remote)
			}
			if s.find(p.remote) != i {
				t.Fatalf("%s: session %s has %v twice", step, id, p.remote)
			}
			if !now.Before(a.pairDeadline(p)) {
				t.Fatalf("%s: pair %s→%v kept without consent (last check t0+%v)", step, id, p.remote, p.last.Sub(t0))
			}
			if p.last.After(s.last) {
				t.Fatalf("%s: pair %s→%v checked after its session", step, id, p.remote)
			}
			if d := a.pairDeadline(p); d.Before(wake) {
				wake = d
			}
		}
		if !s.wake.Equal(wake) {
			t.Fatalf("%s: session %s wakes at t0+%v, want t0+%v", step, id, s.wake.Sub(t0), wake.Sub(t0))
		}
		if s.selected.IsValid() && s.find(s.selected) < 0 {
			t.Fatalf("%s: session %s selects %v, not a valid pair", step, id, s.selected)
		}
	}
	if pairs != len(a.routes) {
		t.Fatalf("%s: %d routes for %d pairs", step, len(a.routes), pairs)
	}
	for i := 1; i < len(a.consent); i++ {
		if a.consent[i].wake.Before(a.consent[(i-1)/2].wake) {
			t.Fatalf("%s: consent heap out of order at %d", step, i)
		}
	}
	if d, ok := a.PollTimeout(); ok != (len(a.sessions) > 0) || ok && !d.After(now) {
		t.Fatalf("%s: PollTimeout = t0+%v, %v", step, d.Sub(t0), ok)
	}

	// The events agree with the state: the last Selected of a live
	// session is its selected pair; an expired session is gone.
	selected := map[string]netip.AddrPort{}
	for _, ev := range evs {
		switch ev := ev.(type) {
		case Selected:
			selected[ev.Session] = ev.Remote
		case PairExpired:
			if ev.Last.Add(a.timeout).After(now) {
				t.Fatalf("%s: %v before its time", step, ev)
			}
		case ConsentExpired:
			delete(selected, ev.Session)
			if _, live := a.sessions[ev.Session]; live {
				t.Fatalf("%s: %v, but the session is live", step, ev)
			}
		}
	}
	for id, remote := range selected {
		if s, live := a.sessions[id]; live && s.selected != remote {
			t.Fatalf("%s: last Selected of %s is %v, but %v is selected", step, id, remote, s.selected)
		}
	}
}

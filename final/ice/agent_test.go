package ice

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"
	"time"
)

func TestAddSessionErrors(t *testing.T) {
	a := newTestAgent(t)
	other := Credentials{Ufrag: "otherUfrag", Pwd: "otherPasswordOfTwentyTwo"}
	for _, tt := range []struct {
		name          string
		id            string
		local, remote Credentials
	}{
		{"duplicate local ufrag", "s2", ours, browser},
		{"duplicate id", "s1", other, browser},
		{"empty id", "", other, browser},
		{"empty local ufrag", "s2", Credentials{Pwd: other.Pwd}, browser},
		{"colon in local ufrag", "s2", Credentials{Ufrag: "a:b", Pwd: other.Pwd}, browser},
		{"empty local pwd", "s2", Credentials{Ufrag: "x1y2"}, browser},
		{"colon in remote ufrag", "s2", other, Credentials{Ufrag: "a:b"}},
	} {
		if err := a.AddSession(t0, tt.id, tt.local, tt.remote); err == nil {
			t.Errorf("%s: AddSession succeeded", tt.name)
		}
	}
	if a.Sessions() != 1 {
		t.Errorf("Sessions = %d, want 1", a.Sessions())
	}
	// The same browser credentials in two sessions are fine: the local
	// ufrag tells them apart.
	if err := a.AddSession(t0, "s2", other, browser); err != nil {
		t.Errorf("second session: %v", err)
	}
}

// RemoveSession frees the routes and the ufrag.
func TestRemoveSession(t *testing.T) {
	a := newTestAgent(t)
	handle(t, a, t0, addrA, chk().build(t))
	wantRoute(t, a, addrA, "s1", true)
	a.RemoveSession("s1")
	a.RemoveSession("s1")      // twice: no effect
	a.RemoveSession("unknown") // unknown: no effect
	wantRoute(t, a, addrA, "", false)
	if a.Sessions() != 0 {
		t.Errorf("Sessions = %d", a.Sessions())
	}
	if _, ok := a.PollTimeout(); ok {
		t.Error("PollTimeout reports a deadline with no sessions")
	}
	if _, _, err := handle(t, a, t0, addrA, chk().build(t)); !errors.Is(err, ErrUnknownUfrag) {
		t.Errorf("check after RemoveSession: %v, want %v", err, ErrUnknownUfrag)
	}
	// The ufrag may be used again.
	if err := a.AddSession(t0, "s1", ours, browser); err != nil {
		t.Error(err)
	}
}

// Many sessions share the port; each check finds its own session by the
// local ufrag, and each address routes to its own session.
func TestManySessions(t *testing.T) {
	const n = 500
	a := NewAgent(Config{})
	local := func(i int) Credentials {
		return Credentials{Ufrag: fmt.Sprintf("ufrag%04d", i), Pwd: fmt.Sprintf("password%04dpassword%04d", i, i)}
	}
	remote := func(i int) Credentials { return Credentials{Ufrag: fmt.Sprintf("br%03d", i), Pwd: "x"} }
	addr := func(i int) netip.AddrPort {
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), uint16(40000+i))
	}
	for i := range n {
		if err := a.AddSession(t0, fmt.Sprint("s", i), local(i), remote(i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := n - 1; i >= 0; i-- {
		c := checkSpec{local: local(i).Ufrag, remote: remote(i).Ufrag, key: local(i).Pwd}
		_, evs, err := handle(t, a, t0.Add(time.Duration(i)*time.Millisecond), addr(i), c.build(t))
		if err != nil {
			t.Fatalf("session %d: %v", i, err)
		}
		wantEvents(t, evs, PairValid{fmt.Sprint("s", i), addr(i)})
	}
	// Another session's password does not open a session.
	c := checkSpec{local: local(1).Ufrag, remote: remote(1).Ufrag, key: local(2).Pwd}
	if _, _, err := handle(t, a, t0, addr(2), c.build(t)); !errors.Is(err, ErrIntegrity) {
		t.Errorf("cross-session password: %v", err)
	}
	for i := range n {
		wantRoute(t, a, addr(i), fmt.Sprint("s", i), true)
	}
	if a.Sessions() != n {
		t.Errorf("Sessions = %d", a.Sessions())
	}
	// Session i last checked at t0+i ms: session 0 expires first, and
	// 10 ms later sessions 0 to 10 have expired.
	if d, _ := a.PollTimeout(); !d.Equal(t0.Add(DefaultConsentTimeout)) {
		t.Errorf("PollTimeout = %v", d)
	}
	a.HandleTimeout(t0.Add(DefaultConsentTimeout + 10*time.Millisecond))
	_, evs := drain(a)
	if len(evs) != 11 || a.Sessions() != n-11 {
		t.Errorf("%d expired, %d left; want 11 and %d", len(evs), a.Sessions(), n-11)
	}
}

// One session cannot hold more than MaxValidPairs addresses; the stalest
// is evicted, never the selected one.
func TestValidPairLimit(t *testing.T) {
	a := newTestAgent(t)
	addr := func(i int) netip.AddrPort {
		return netip.AddrPortFrom(netip.MustParseAddr("203.0.113.9"), uint16(10000+i))
	}
	nominate := chk()
	nominate.useCandidate = true
	handle(t, a, t0, addr(0), nominate.build(t)) // selected, and the oldest
	for i := 1; i <= MaxValidPairs+2; i++ {
		handle(t, a, t0.Add(time.Duration(i)*time.Second), addr(i), chk().build(t))
	}
	routed := 0
	for i := 0; i <= MaxValidPairs+2; i++ {
		if _, ok := a.Route(addr(i)); ok {
			routed++
		}
	}
	if routed != MaxValidPairs {
		t.Errorf("%d addresses routed, want %d", routed, MaxValidPairs)
	}
	wantRoute(t, a, addr(0), "s1", true) // selected: spared
	wantRoute(t, a, addr(1), "", false)  // stalest: evicted
	wantRoute(t, a, addr(2), "", false)  // next stalest
	wantRoute(t, a, addr(MaxValidPairs+2), "s1", true)
}

// attacker are the credentials of a second session, "s2": anyone who
// opens the page gets valid credentials of a session of their own.
var attacker = Credentials{Ufrag: "attackerUfrag", Pwd: "attackerPasswordOfTwentyTwo"}

// A check signed with the attacker's own credentials but sent from (or
// spoofing) the address of another session's valid pair is dropped: it
// would move the victim's address, and with it the victim's DTLS, to the
// attacker's session. The address is free again when the victim's pair
// has lost consent (RFC 7675 §5.1), even though the victim's session lives
// on through another pair.
func TestNoRouteTakeover(t *testing.T) {
	a := newTestAgent(t) // s1, the victim
	if err := a.AddSession(t0, "s2", attacker, browser); err != nil {
		t.Fatal(err)
	}
	nominate := chk()
	nominate.useCandidate = true
	spoof := checkSpec{local: attacker.Ufrag, remote: browser.Ufrag, key: attacker.Pwd, useCandidate: true}

	handle(t, a, t0, addrA, nominate.build(t)) // s1 selects addrA
	txs, evs, err := handle(t, a, t0.Add(time.Second), addrA, spoof.build(t))
	if !errors.Is(err, ErrAddressInUse) || len(txs) != 0 || len(evs) != 0 {
		t.Fatalf("spoofed check: err %v, %d transmits, events %v; want %v and nothing", err, len(txs), evs, ErrAddressInUse)
	}
	wantRoute(t, a, addrA, "s1", true)
	// s1 still has addrA valid and selected: its next check is no news.
	_, evs, err = handle(t, a, t0.Add(2*time.Second), addrA, nominate.build(t))
	if err != nil {
		t.Fatal(err)
	}
	wantEvents(t, evs)

	// The victim moves to addrB (and nominates nothing there); the
	// attacker keeps its own session alive from addrC.
	handle(t, a, t0.Add(10*time.Second), addrB, chk().build(t))
	handle(t, a, t0.Add(20*time.Second), addrB, chk().build(t))
	own := spoof
	own.useCandidate = false
	if _, _, err := handle(t, a, t0.Add(20*time.Second), addrC, own.build(t)); err != nil {
		t.Fatal(err)
	}
	// addrA had its last check from s1 at t0+2s: it keeps consent, and
	// stays s1's, until t0+32s exactly.
	if _, _, err := handle(t, a, t0.Add(32*time.Second-time.Nanosecond), addrA, spoof.build(t)); !errors.Is(err, ErrAddressInUse) {
		t.Fatalf("spoofed check just before s1's pair expires: %v, want %v", err, ErrAddressInUse)
	}
	wantRoute(t, a, addrA, "s1", true)
	if n := a.Stats().Dropped[ErrAddressInUse]; n != 2 {
		t.Errorf("Stats.Dropped[ErrAddressInUse] = %d, want 2", n)
	}

	_, evs, err = handle(t, a, t0.Add(32*time.Second), addrA, spoof.build(t))
	if err != nil {
		t.Fatalf("check once s1's pair has lost consent: %v", err)
	}
	wantEvents(t, evs,
		PairExpired{Session: "s1", Remote: addrA, Last: t0.Add(2 * time.Second)},
		Selected{Session: "s1", Remote: addrB, Previous: addrA, Fallback: true},
		PairValid{"s2", addrA},
		Selected{Session: "s2", Remote: addrA})
	wantRoute(t, a, addrA, "s2", true)
	wantRoute(t, a, addrB, "s1", true)
}

// A session that ends frees its addresses at once for other sessions.
func TestAddressFreedByRemoveSession(t *testing.T) {
	a := newTestAgent(t)
	if err := a.AddSession(t0, "s2", attacker, browser); err != nil {
		t.Fatal(err)
	}
	handle(t, a, t0, addrA, chk().build(t))
	c := checkSpec{local: attacker.Ufrag, remote: browser.Ufrag, key: attacker.Pwd}
	if _, _, err := handle(t, a, t0.Add(time.Second), addrA, c.build(t)); !errors.Is(err, ErrAddressInUse) {
		t.Fatalf("check from s1's address: %v, want %v", err, ErrAddressInUse)
	}
	a.RemoveSession("s1")
	_, evs, err := handle(t, a, t0.Add(time.Second), addrA, c.build(t))
	if err != nil {
		t.Fatalf("check after RemoveSession: %v", err)
	}
	wantEvents(t, evs, PairValid{"s2", addrA})
	wantRoute(t, a, addrA, "s2", true)
}

func TestEventStrings(t *testing.T) {
	for _, e := range []Event{
		PairValid{"s1", addrA},
		Selected{Session: "s1", Remote: addrB},
		Selected{Session: "s1", Remote: addrB, Previous: addrA},
		PairExpired{Session: "s1", Remote: addrA, Last: t0},
		ConsentExpired{Session: "s1", Last: t0},
	} {
		if s := e.String(); len(s) < 10 || s[:5] != "ice: " {
			t.Errorf("%#v.String() = %q", e, s)
		}
	}
}

// RFC 8445 §7.3: a check that arrives before the answer is answered. The
// session is added with the remote ufrag unknown, and SetRemote fills it
// in when the answer arrives.
func TestCheckBeforeAnswer(t *testing.T) {
	a := NewAgent(Config{Software: software})
	if err := a.AddSession(t0, "s1", ours, Credentials{}); err != nil {
		t.Fatal(err)
	}
	if _, evs, err := handle(t, a, t0, addrA, chk().build(t)); err != nil {
		t.Fatalf("check before the answer: %v", err)
	} else {
		wantEvents(t, evs, PairValid{"s1", addrA})
	}
	empty := checkSpec{local: ours.Ufrag, remote: ""}
	if _, _, err := handle(t, a, t0, addrB, empty.build(t)); !errors.Is(err, ErrRemoteUfrag) {
		t.Errorf("empty remote half: %v, want %v", err, ErrRemoteUfrag)
	}

	for _, bad := range []struct {
		id string
		c  Credentials
	}{{"nope", browser}, {"s1", Credentials{}}, {"s1", Credentials{Ufrag: "x:y"}}} {
		if err := a.SetRemote(bad.id, bad.c); err == nil {
			t.Errorf("SetRemote(%q, %+v) succeeded", bad.id, bad.c)
		}
	}
	if err := a.SetRemote("s1", browser); err != nil {
		t.Fatal(err)
	}
	if err := a.SetRemote("s1", browser); err != nil {
		t.Errorf("SetRemote again with the same ufrag: %v", err)
	}
	if err := a.SetRemote("s1", Credentials{Ufrag: "other"}); err == nil {
		t.Error("SetRemote changed the remote ufrag")
	}
	wrong := checkSpec{local: ours.Ufrag, remote: "ABCD"}
	if _, _, err := handle(t, a, t0, addrB, wrong.build(t)); !errors.Is(err, ErrRemoteUfrag) {
		t.Errorf("after SetRemote, wrong remote ufrag: %v", err)
	}
	if _, _, err := handle(t, a, t0, addrA, chk().build(t)); err != nil {
		t.Errorf("after SetRemote, valid check: %v", err)
	}
}

package ice

import (
	"errors"
	"testing"
	"time"
)

// Consent expires exactly ConsentTimeout after the last answered check,
// not a nanosecond before, and PollTimeout points at that instant.
func TestConsentExpiry(t *testing.T) {
	a := newTestAgent(t)
	if d, ok := a.PollTimeout(); !ok || !d.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("PollTimeout after AddSession = %v, %v; want t0+30s", d, ok)
	}
	last := t0.Add(5 * time.Second)
	handle(t, a, t0.Add(2*time.Second), addrA, chk().build(t))
	handle(t, a, last, addrA, chk().build(t))
	deadline := last.Add(30 * time.Second)
	if d, ok := a.PollTimeout(); !ok || !d.Equal(deadline) {
		t.Fatalf("PollTimeout = %v, %v; want %v", d, ok, deadline)
	}

	a.HandleTimeout(deadline.Add(-time.Nanosecond))
	if _, evs := drain(a); len(evs) != 0 || a.Sessions() != 1 {
		t.Fatalf("expired early: events %v, %d sessions", evs, a.Sessions())
	}
	wantRoute(t, a, addrA, "s1", true)

	a.HandleTimeout(deadline)
	_, evs := drain(a)
	wantEvents(t, evs, ConsentExpired{Session: "s1", Last: last})
	if a.Sessions() != 0 {
		t.Errorf("Sessions = %d after expiry", a.Sessions())
	}
	wantRoute(t, a, addrA, "", false)
	if _, ok := a.PollTimeout(); ok {
		t.Error("PollTimeout still set")
	}
	if a.Stats().ConsentExpiries != 1 {
		t.Errorf("ConsentExpiries = %d", a.Stats().ConsentExpiries)
	}
	// The session is gone: its checks are now unknown.
	if _, _, err := handle(t, a, deadline, addrA, chk().build(t)); !errors.Is(err, ErrUnknownUfrag) {
		t.Errorf("check after expiry: %v", err)
	}
}

// A session whose browser never checks expires ConsentTimeout after
// AddSession, with Last = that time.
func TestConsentNoCheck(t *testing.T) {
	a := NewAgent(Config{ConsentTimeout: 10 * time.Second})
	if err := a.AddSession(t0, "s1", ours, browser); err != nil {
		t.Fatal(err)
	}
	a.HandleTimeout(t0.Add(10 * time.Second))
	_, evs := drain(a)
	wantEvents(t, evs, ConsentExpired{Session: "s1", Last: t0})
}

// A check that arrives after the deadline, before the loop got round to
// HandleTimeout, does not revive the session (RFC 7675 §5.1).
func TestLateCheckDoesNotRevive(t *testing.T) {
	a := newTestAgent(t)
	late := t0.Add(31 * time.Second)
	txs, evs, err := handle(t, a, late, addrA, chk().build(t))
	if !errors.Is(err, ErrUnknownUfrag) || len(txs) != 0 {
		t.Errorf("late check: %v, %d transmits", err, len(txs))
	}
	wantEvents(t, evs, ConsentExpired{Session: "s1", Last: t0})
}

// With several sessions the deadline is the earliest one, and refreshing
// a session moves it.
func TestConsentOrder(t *testing.T) {
	a := newTestAgent(t)
	other := Credentials{Ufrag: "otherUfrag", Pwd: "otherPasswordOfTwentyTwo"}
	if err := a.AddSession(t0.Add(time.Second), "s2", other, browser); err != nil {
		t.Fatal(err)
	}
	if d, _ := a.PollTimeout(); !d.Equal(t0.Add(30 * time.Second)) {
		t.Errorf("PollTimeout = %v, want s1's t0+30s", d)
	}
	handle(t, a, t0.Add(10*time.Second), addrA, chk().build(t)) // s1 refreshed
	if d, _ := a.PollTimeout(); !d.Equal(t0.Add(31 * time.Second)) {
		t.Errorf("PollTimeout = %v, want s2's t0+31s", d)
	}
	a.HandleTimeout(t0.Add(31 * time.Second))
	_, evs := drain(a)
	wantEvents(t, evs, ConsentExpired{Session: "s2", Last: t0.Add(time.Second)})
	// A clock that steps back does not shorten s1's consent.
	handle(t, a, t0, addrA, chk().build(t))
	if d, _ := a.PollTimeout(); !d.Equal(t0.Add(40 * time.Second)) {
		t.Errorf("PollTimeout = %v, want t0+40s", d)
	}
}

// Consent is per pair (RFC 7675 §5.1: "that 5-tuple"): the selected pair
// loses consent ConsentTimeout after its own last check, even though the
// browser keeps checking another pair of the session. The pair leaves
// Route, and the pair checked most recently becomes selected. The session
// expires with its last pair.
func TestConsentPerPair(t *testing.T) {
	a := newTestAgent(t)
	nominate := chk()
	nominate.useCandidate = true
	handle(t, a, t0, addrA, nominate.build(t)) // selected
	for _, at := range []time.Duration{1, 10, 20, 29} {
		handle(t, a, t0.Add(at*time.Second), addrB, chk().build(t))
	}
	if d, ok := a.PollTimeout(); !ok || !d.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("PollTimeout = %v, %v; want t0+30s, when the pair to addrA loses consent", d, ok)
	}
	a.HandleTimeout(t0.Add(30*time.Second - time.Nanosecond))
	if _, evs := drain(a); len(evs) != 0 {
		t.Fatalf("expired early: %v", evs)
	}
	wantRoute(t, a, addrA, "s1", true)

	a.HandleTimeout(t0.Add(30 * time.Second))
	_, evs := drain(a)
	wantEvents(t, evs,
		PairExpired{Session: "s1", Remote: addrA, Last: t0},
		Selected{Session: "s1", Remote: addrB, Previous: addrA, Fallback: true})
	wantRoute(t, a, addrA, "", false)
	wantRoute(t, a, addrB, "s1", true)
	if d, ok := a.PollTimeout(); !ok || !d.Equal(t0.Add(59*time.Second)) {
		t.Errorf("PollTimeout = %v, %v; want t0+59s", d, ok)
	}
	if st := a.Stats(); st.PairExpiries != 1 || st.Selections != 2 {
		t.Errorf("PairExpiries = %d, Selections = %d; want 1 and 2", st.PairExpiries, st.Selections)
	}

	// A later check from addrA is a new connectivity check: the pair is
	// valid again, from scratch.
	_, evs, err := handle(t, a, t0.Add(40*time.Second), addrA, chk().build(t))
	if err != nil {
		t.Fatal(err)
	}
	wantEvents(t, evs, PairValid{"s1", addrA})

	// The session lives as long as its freshest pair: addrB, selected,
	// expires at t0+59s and addrA takes over; addrA and the session
	// expire at t0+70s, with ConsentExpired alone.
	a.HandleTimeout(t0.Add(59 * time.Second))
	_, evs = drain(a)
	wantEvents(t, evs,
		PairExpired{Session: "s1", Remote: addrB, Last: t0.Add(29 * time.Second)},
		Selected{Session: "s1", Remote: addrA, Previous: addrB, Fallback: true})
	a.HandleTimeout(t0.Add(70 * time.Second))
	_, evs = drain(a)
	wantEvents(t, evs, ConsentExpired{Session: "s1", Last: t0.Add(40 * time.Second)})
	wantRoute(t, a, addrA, "", false)
	if a.Sessions() != 0 {
		t.Errorf("Sessions = %d", a.Sessions())
	}
}

// A pair that is not selected loses consent quietly but for PairExpired;
// the selected pair stays. When the selected pair goes, the freshest of
// the others takes over.
func TestConsentPairFallback(t *testing.T) {
	a := newTestAgent(t)
	nominate := chk()
	nominate.useCandidate = true
	handle(t, a, t0, addrC, chk().build(t))                        // last check t0
	handle(t, a, t0.Add(time.Second), addrA, nominate.build(t))    // selected, last check t0+1s
	handle(t, a, t0.Add(2*time.Second), addrB, chk().build(t))     // last check t0+20s
	handle(t, a, t0.Add(20*time.Second), addrB, chk().build(t))    //
	handle(t, a, t0.Add(25*time.Second), addrC, chk().build(t))    // last check t0+25s
	handle(t, a, t0.Add(26*time.Second), addrA, nominate.build(t)) // selected, refreshed

	// addrB (not selected) loses consent at t0+50s.
	a.HandleTimeout(t0.Add(50 * time.Second))
	_, evs := drain(a)
	wantEvents(t, evs, PairExpired{Session: "s1", Remote: addrB, Last: t0.Add(20 * time.Second)})
	wantRoute(t, a, addrB, "", false)
	wantRoute(t, a, addrA, "s1", true)
	// addrA is still selected: its nomination is no news.
	_, evs, _ = handle(t, a, t0.Add(51*time.Second), addrC, chk().build(t)) // addrC: last check t0+51s
	wantEvents(t, evs)
	_, evs, _ = handle(t, a, t0.Add(52*time.Second), addrB, chk().build(t)) // addrB again: last check t0+52s
	wantEvents(t, evs, PairValid{"s1", addrB})

	// addrA loses consent at t0+56s; addrB, checked last, takes over.
	a.HandleTimeout(t0.Add(56 * time.Second))
	_, evs = drain(a)
	wantEvents(t, evs,
		PairExpired{Session: "s1", Remote: addrA, Last: t0.Add(26 * time.Second)},
		Selected{Session: "s1", Remote: addrB, Previous: addrA, Fallback: true})
}

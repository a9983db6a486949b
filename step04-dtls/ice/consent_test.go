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

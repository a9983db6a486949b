package ice

import (
	"net/netip"
	"os"
	"testing"
	"time"

	"nutsandbolts/final/stun"
)

// Shared fixtures of the agent tests: a fake clock, credentials, browser
// addresses, and a builder of connectivity checks as a browser sends them.

var (
	t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) // the fake clock's start

	ours    = Credentials{Ufrag: "srvUfrag0123456A", Pwd: "serverPasswordOfThirtyTwoChars/+"} // our offer's a=ice-ufrag/pwd
	browser = Credentials{Ufrag: "Qlgk", Pwd: "ZWgHlpgdj3+PLbAqBr49bH7Q"}                     // the answer's, Chromium-style

	addrA = netip.MustParseAddrPort("192.0.2.10:50000")    // the browser's first address
	addrB = netip.MustParseAddrPort("198.51.100.7:40000")  // where it moves to
	addrC = netip.MustParseAddrPort("[2001:db8::5]:45000") // an address that never checks
)

const software = "nutsandbolts step03"

// checkSpec describes a connectivity check. The zero value plus Local and
// Remote is what Chromium sends before nominating.
type checkSpec struct {
	local, remote string           // USERNAME = local:remote, unless username is set
	username      *string          // overrides USERNAME; "" pointer with noUsername
	key           string           // MESSAGE-INTEGRITY key; our pwd if ""
	useCandidate  bool             // add USE-CANDIDATE (nomination)
	controlled    bool             // ICE-CONTROLLED instead of ICE-CONTROLLING
	noUsername    bool             // omit USERNAME
	noIntegrity   bool             // omit MESSAGE-INTEGRITY
	noFingerprint bool             // omit FINGERPRINT
	badFinger     bool             // corrupt FINGERPRINT
	extra         []stun.Attribute // added after PRIORITY, before MESSAGE-INTEGRITY
	afterMI       []stun.Attribute // added after MESSAGE-INTEGRITY, before FINGERPRINT
}

// build encodes the check with the attributes in Chromium's order:
// USERNAME, GOOG-NETWORK-INFO, ICE-CONTROLLING, [USE-CANDIDATE], PRIORITY,
// MESSAGE-INTEGRITY, FINGERPRINT (chromium-default.txt, datagram 1, with
// the role swapped).
func (c checkSpec) build(t testing.TB) []byte {
	t.Helper()
	m := stun.NewMessage(stun.BindingRequest)
	if !c.noUsername {
		u := c.local + ":" + c.remote
		if c.username != nil {
			u = *c.username
		}
		if err := m.AddUsername(u); err != nil {
			t.Fatal(err)
		}
	}
	m.Add(stun.AttrGoogNetworkInfo, []byte{0, 1, 0, 50}) // network-id 1, cost 50
	if c.controlled {
		m.AddICEControlled(0x5666eb08746cc726)
	} else {
		m.AddICEControlling(0xf88682043554c4bd)
	}
	if c.useCandidate {
		m.AddUseCandidate()
	}
	m.AddPriority(1853824767) // peer-reflexive type preference 110, as Chromium computes it
	m.Attributes = append(m.Attributes, c.extra...)
	if !c.noIntegrity {
		key := c.key
		if key == "" {
			key = ours.Pwd
		}
		m.AddMessageIntegrity(stun.ShortTermKey(key))
	}
	m.Attributes = append(m.Attributes, c.afterMI...)
	if !c.noFingerprint {
		m.AddFingerprint()
	}
	b := m.Marshal()
	if c.badFinger {
		b[len(b)-1] ^= 0x01
	}
	return b
}

// chk returns the spec of a valid check for the session (ours, browser).
func chk() checkSpec { return checkSpec{local: ours.Ufrag, remote: browser.Ufrag} }

// newTestAgent returns an agent with SOFTWARE and one session "s1" added
// at t0.
func newTestAgent(t testing.TB) *Agent {
	t.Helper()
	a := NewAgent(Config{Software: software})
	if err := a.AddSession(t0, "s1", ours, browser); err != nil {
		t.Fatal(err)
	}
	return a
}

// drain takes every queued transmit and event.
func drain(a *Agent) (txs []Transmit, evs []Event) {
	for {
		tx, ok := a.PollTransmit()
		if !ok {
			break
		}
		txs = append(txs, tx)
	}
	for {
		ev, ok := a.PollEvent()
		if !ok {
			break
		}
		evs = append(evs, ev)
	}
	return txs, evs
}

// handle feeds one datagram and drains the output.
func handle(t testing.TB, a *Agent, now time.Time, from netip.AddrPort, b []byte) ([]Transmit, []Event, error) {
	t.Helper()
	err := a.Handle(now, from, b)
	txs, evs := drain(a)
	return txs, evs, err
}

// response decodes the single transmit to `to` and checks what every
// response must have: the request's transaction ID, a valid FINGERPRINT
// as the last attribute, and, when key is not nil, MESSAGE-INTEGRITY with
// key (the second-to-last attribute).
func response(t *testing.T, txs []Transmit, to netip.AddrPort, req []byte, key []byte) *stun.Message {
	t.Helper()
	if len(txs) != 1 {
		t.Fatalf("%d transmits, want 1", len(txs))
	}
	if txs[0].To != to {
		t.Fatalf("response sent to %v, want %v", txs[0].To, to)
	}
	var res, rq stun.Message
	if err := res.Unmarshal(txs[0].Data); err != nil {
		t.Fatalf("response does not decode: %v", err)
	}
	if err := rq.Unmarshal(req); err != nil {
		t.Fatal(err)
	}
	if res.TransactionID != rq.TransactionID {
		t.Errorf("transaction ID %v, want the request's %v", res.TransactionID, rq.TransactionID)
	}
	if err := res.CheckFingerprint(); err != nil {
		t.Errorf("response FINGERPRINT: %v", err)
	}
	n := len(res.Attributes)
	if key != nil {
		if err := res.CheckIntegrity(key); err != nil {
			t.Errorf("response MESSAGE-INTEGRITY with our pwd: %v", err)
		}
		if n < 2 || res.Attributes[n-2].Type != stun.AttrMessageIntegrity {
			t.Errorf("MESSAGE-INTEGRITY is not right before FINGERPRINT: %v", &res)
		}
	} else if res.Has(stun.AttrMessageIntegrity) {
		t.Errorf("unauthenticated response carries MESSAGE-INTEGRITY: %v", &res)
	}
	if sw, err := res.Software(); err != nil || sw != software {
		t.Errorf("SOFTWARE = %q, %v; want %q", sw, err, software)
	}
	return &res
}

// wantEvents compares events exactly.
func wantEvents(t *testing.T, got []Event, want ...Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("event %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// wantRoute checks Route for addr.
func wantRoute(t *testing.T, a *Agent, addr netip.AddrPort, session string, ok bool) {
	t.Helper()
	s, gotOK := a.Route(addr)
	if gotOK != ok || s != session {
		t.Errorf("Route(%v) = %q, %v; want %q, %v", addr, s, gotOK, session, ok)
	}
}

// needShared stops a test whose input under ../shared (what) is missing.
// A user's clone may lack shared/, and then the test is skipped; in CI
// (CI=true) the input must be there, and the test fails.
func needShared(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not present, and CI=true: the CI checkout must include shared/", what)
	} else {
		t.Skip(what + " not present")
	}
}

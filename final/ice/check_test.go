package ice

import (
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	"nutsandbolts/final/stun"
)

// A valid check is answered with a success response that the browser can
// verify, the pair becomes valid, and its address is routed.
func TestValidCheck(t *testing.T) {
	a := newTestAgent(t)
	req := chk().build(t)
	txs, evs, err := handle(t, a, t0.Add(time.Second), addrA, req)
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}
	res := response(t, txs, addrA, req, stun.ShortTermKey(ours.Pwd))
	if res.Type != stun.BindingSuccessResponse {
		t.Fatalf("response type %v, want Binding success response", res.Type)
	}
	if got, err := res.XORMappedAddress(); err != nil || got != addrA {
		t.Errorf("XOR-MAPPED-ADDRESS = %v, %v; want %v", got, err, addrA)
	}
	// RFC 8489 §14.14: SOFTWARE, then the two integrity attributes last.
	var types []stun.AttrType
	for _, at := range res.Attributes {
		types = append(types, at.Type)
	}
	want := []stun.AttrType{stun.AttrXORMappedAddress, stun.AttrSoftware, stun.AttrMessageIntegrity, stun.AttrFingerprint}
	if !slices.Equal(types, want) {
		t.Errorf("attributes %v, want %v", types, want)
	}
	wantEvents(t, evs, PairValid{Session: "s1", Remote: addrA})
	wantRoute(t, a, addrA, "s1", true)
	wantRoute(t, a, addrB, "", false)
	wantRoute(t, a, netip.AddrPortFrom(addrA.Addr(), addrA.Port()+1), "", false) // same IP, other port
	if st := a.Stats(); st.Checks != 1 || st.PairsValid != 1 || len(st.Dropped) != 0 {
		t.Errorf("Stats = %+v", st)
	}

	// A repeated check on the same pair is answered; no new event.
	req = chk().build(t)
	txs, evs, err = handle(t, a, t0.Add(2*time.Second), addrA, req)
	if err != nil || len(txs) != 1 || len(evs) != 0 {
		t.Errorf("second check: err %v, %d transmits, events %v", err, len(txs), evs)
	}
}

// Chromium checks first and nominates a few checks later; the
// nomination is repeated on later checks but reported once.
func TestNomination(t *testing.T) {
	a := newTestAgent(t)
	steps := []struct {
		at   time.Duration
		uc   bool
		want []Event
	}{
		{0, false, []Event{PairValid{"s1", addrA}}},
		{50 * time.Millisecond, false, nil},
		{time.Second, true, []Event{Selected{Session: "s1", Remote: addrA}}},
		{3 * time.Second, true, nil},
		{5 * time.Second, false, nil},
	}
	for i, st := range steps {
		c := chk()
		c.useCandidate = st.uc
		_, evs, err := handle(t, a, t0.Add(st.at), addrA, c.build(t))
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		wantEvents(t, evs, st.want...)
	}
}

// Firefox nominates aggressively: USE-CANDIDATE on its very first check.
func TestAggressiveNomination(t *testing.T) {
	a := newTestAgent(t)
	c := chk()
	c.useCandidate = true
	txs, evs, err := handle(t, a, t0, addrC, c.build(t))
	if err != nil || len(txs) != 1 {
		t.Fatalf("err %v, %d transmits", err, len(txs))
	}
	wantEvents(t, evs, PairValid{"s1", addrC}, Selected{Session: "s1", Remote: addrC})
	wantRoute(t, a, addrC, "s1", true)
}

// The browser moves (a network change): the new address becomes a valid
// pair at its first check, and selected when nominated, with Previous.
func TestSwitchSelectedPair(t *testing.T) {
	a := newTestAgent(t)
	nominate := chk()
	nominate.useCandidate = true
	handle(t, a, t0, addrA, nominate.build(t))

	_, evs, err := handle(t, a, t0.Add(time.Second), addrB, chk().build(t))
	if err != nil {
		t.Fatal(err)
	}
	wantEvents(t, evs, PairValid{"s1", addrB})
	_, evs, _ = handle(t, a, t0.Add(2*time.Second), addrB, nominate.build(t))
	wantEvents(t, evs, Selected{Session: "s1", Remote: addrB, Previous: addrA})
	wantRoute(t, a, addrA, "s1", true) // the old pair stays valid until evicted or expired
	wantRoute(t, a, addrB, "s1", true)
	if st := a.Stats(); st.Selections != 2 {
		t.Errorf("Selections = %d, want 2", st.Selections)
	}
}

// Every failed check is dropped with its own error, without an answer and
// without state.
func TestDroppedChecks(t *testing.T) {
	str := func(s string) *string { return &s }
	unknownAttr := []stun.Attribute{{Type: 0x7777, Value: []byte{1, 2, 3, 4}}}
	tests := []struct {
		name string
		spec checkSpec
		raw  []byte         // used instead of spec when not nil
		from netip.AddrPort // addrA when invalid
		want error
	}{
		{"bad integrity", checkSpec{local: ours.Ufrag, remote: browser.Ufrag, key: "notOurPasswordAtAllNotOurs"}, nil, addrA, ErrIntegrity},
		{"signed with the browser's pwd", checkSpec{local: ours.Ufrag, remote: browser.Ufrag, key: browser.Pwd}, nil, addrA, ErrIntegrity},
		{"wrong local ufrag", checkSpec{local: "someoneElse", remote: browser.Ufrag}, nil, addrA, ErrUnknownUfrag},
		{"ufrags swapped", checkSpec{local: browser.Ufrag, remote: ours.Ufrag}, nil, addrA, ErrUnknownUfrag},
		{"wrong remote ufrag", checkSpec{local: ours.Ufrag, remote: "ABCD"}, nil, addrA, ErrRemoteUfrag},
		{"empty remote ufrag", checkSpec{local: ours.Ufrag, remote: ""}, nil, addrA, ErrRemoteUfrag},
		{"USERNAME without colon", checkSpec{username: str(ours.Ufrag)}, nil, addrA, ErrBadUsername},
		{"missing FINGERPRINT", checkSpec{local: ours.Ufrag, remote: browser.Ufrag, noFingerprint: true}, nil, addrA, ErrNoFingerprint},
		{"bad FINGERPRINT", checkSpec{local: ours.Ufrag, remote: browser.Ufrag, badFinger: true}, nil, addrA, ErrFingerprint},
		{"MESSAGE-INTEGRITY without USERNAME", checkSpec{noUsername: true}, nil, addrA, ErrNoUsername},
		{"USERNAME without MESSAGE-INTEGRITY", checkSpec{local: ours.Ufrag, remote: browser.Ufrag, noIntegrity: true}, nil, addrA, ErrNoIntegrity},
		// USERNAME after MESSAGE-INTEGRITY is not covered by the HMAC and
		// must be ignored (RFC 8489 §9): the check has no USERNAME.
		{"USERNAME after MESSAGE-INTEGRITY", checkSpec{noUsername: true, afterMI: []stun.Attribute{{Type: stun.AttrUsername, Value: []byte(ours.Ufrag + ":" + browser.Ufrag)}}}, nil, addrA, ErrNoUsername},
		// Unknown attributes are only answered (420) once authenticated.
		{"unknown attribute, bad integrity", checkSpec{local: ours.Ufrag, remote: browser.Ufrag, key: "wrongwrongwrongwrongwrong", extra: unknownAttr}, nil, addrA, ErrIntegrity},
		{"DTLS record", checkSpec{}, []byte{22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, addrA, ErrNotSTUN},
		{"empty datagram", checkSpec{}, []byte{}, addrA, ErrNotSTUN},
		{"header only, bad length", checkSpec{}, []byte{0, 1, 0, 4, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, addrA, ErrMalformed},
		{"success response", checkSpec{}, successResponse(t), addrA, ErrNotRequest},
		{"Binding indication", checkSpec{}, stun.NewMessage(stun.BindingIndication).Marshal(), addrA, ErrNotRequest},
		{"Allocate request", checkSpec{}, stun.NewMessage(stun.MessageType{Method: 0x003, Class: stun.ClassRequest}).Marshal(), addrA, ErrNotBinding},
		{"source port 0", chk(), nil, netip.MustParseAddrPort("192.0.2.10:0"), ErrBadSource},
		{"multicast source", chk(), nil, netip.MustParseAddrPort("224.0.0.1:5000"), ErrBadSource},
		{"unspecified source", chk(), nil, netip.MustParseAddrPort("0.0.0.0:5000"), ErrBadSource},
		{"invalid source", chk(), nil, netip.AddrPort{}, ErrBadSource},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newTestAgent(t)
			b := tt.raw
			if b == nil {
				b = tt.spec.build(t)
			}
			txs, evs, err := handle(t, a, t0.Add(time.Second), tt.from, b)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Handle = %v, want %v", err, tt.want)
			}
			if len(txs) != 0 || len(evs) != 0 {
				t.Errorf("dropped datagram produced %d transmits and events %v", len(txs), evs)
			}
			wantRoute(t, a, tt.from, "", false)
			if a.Sessions() != 1 {
				t.Errorf("Sessions = %d, want 1", a.Sessions())
			}
			if d, ok := a.PollTimeout(); !ok || !d.Equal(t0.Add(DefaultConsentTimeout)) {
				t.Errorf("consent deadline moved to %v", d)
			}
			if st := a.Stats(); st.Dropped[tt.want] != 1 || st.Checks != 0 {
				t.Errorf("Stats = %+v, want one drop for %v", st, tt.want)
			}
		})
	}
}

func successResponse(t *testing.T) []byte {
	res := stun.NewBindingSuccess(stun.NewBindingRequest(), addrA)
	res.AddFingerprint()
	return res.Marshal()
}

// The page uses the server as its STUN server: a plain Binding request is
// answered like a STUN server does, and leaves no state.
func TestPlainBinding(t *testing.T) {
	withFP := stun.NewBindingRequest()
	withFP.AddFingerprint()
	withUnknown := stun.NewBindingRequest()
	withUnknown.Add(0x0031, []byte{1})
	for _, tt := range []struct {
		name     string
		req      []byte
		wantType stun.MessageType
	}{
		{"no attributes (Chromium, Firefox gathering srflx)", stun.NewBindingRequest().Marshal(), stun.BindingSuccessResponse},
		{"with FINGERPRINT", withFP.Marshal(), stun.BindingSuccessResponse},
		{"unknown comprehension-required attribute", withUnknown.Marshal(), stun.BindingErrorResponse},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newTestAgent(t)
			txs, evs, err := handle(t, a, t0, addrC, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			res := response(t, txs, addrC, tt.req, nil)
			if res.Type != tt.wantType {
				t.Fatalf("type %v, want %v", res.Type, tt.wantType)
			}
			if tt.wantType == stun.BindingSuccessResponse {
				if got, err := res.XORMappedAddress(); err != nil || got != addrC {
					t.Errorf("XOR-MAPPED-ADDRESS = %v, %v; want %v", got, err, addrC)
				}
			} else if u, err := res.UnknownAttributes(); err != nil || !slices.Equal(u, []stun.AttrType{0x0031}) {
				t.Errorf("UNKNOWN-ATTRIBUTES = %v, %v", u, err)
			}
			wantEvents(t, evs)
			wantRoute(t, a, addrC, "", false)
			if d, _ := a.PollTimeout(); !d.Equal(t0.Add(DefaultConsentTimeout)) {
				t.Errorf("a plain request refreshed consent: deadline %v", d)
			}
		})
	}
}

// A peer that also claims the controlled role gets 487 Role Conflict,
// authenticated; the pair does not become valid.
func TestRoleConflict(t *testing.T) {
	a := newTestAgent(t)
	c := chk()
	c.controlled = true
	req := c.build(t)
	txs, evs, err := handle(t, a, t0.Add(time.Second), addrA, req)
	if err != nil {
		t.Fatal(err)
	}
	res := response(t, txs, addrA, req, stun.ShortTermKey(ours.Pwd))
	if ec, err := res.ErrorCode(); res.Type != stun.BindingErrorResponse || err != nil || ec.Code != stun.CodeRoleConflict {
		t.Fatalf("response %v, ERROR-CODE %v %v; want 487", res, ec, err)
	}
	wantEvents(t, evs)
	wantRoute(t, a, addrA, "", false)
	if d, _ := a.PollTimeout(); !d.Equal(t0.Add(DefaultConsentTimeout)) {
		t.Errorf("a 487 refreshed consent: deadline %v", d)
	}
	if a.Stats().RoleConflicts != 1 {
		t.Errorf("RoleConflicts = %d", a.Stats().RoleConflicts)
	}
}

// An authenticated check with an unknown comprehension-required attribute
// gets an authenticated 420; one after MESSAGE-INTEGRITY is ignored.
func TestUnknownAttribute(t *testing.T) {
	a := newTestAgent(t)
	c := chk()
	c.extra = []stun.Attribute{{Type: 0x7777, Value: []byte{1}}, {Type: stun.AttrMessageIntegritySHA256, Value: make([]byte, 32)}}
	req := c.build(t)
	txs, evs, err := handle(t, a, t0, addrA, req)
	if err != nil {
		t.Fatal(err)
	}
	res := response(t, txs, addrA, req, stun.ShortTermKey(ours.Pwd))
	if ec, _ := res.ErrorCode(); ec.Code != stun.CodeUnknownAttribute {
		t.Fatalf("ERROR-CODE %v, want 420", ec)
	}
	if u, err := res.UnknownAttributes(); err != nil || !slices.Equal(u, []stun.AttrType{0x7777, stun.AttrMessageIntegritySHA256}) {
		t.Errorf("UNKNOWN-ATTRIBUTES = %v, %v", u, err)
	}
	wantEvents(t, evs)
	wantRoute(t, a, addrA, "", false)

	c = chk()
	c.afterMI = []stun.Attribute{{Type: 0x7777, Value: []byte{1}}}
	_, evs, err = handle(t, a, t0, addrA, c.build(t))
	if err != nil {
		t.Fatal(err)
	}
	wantEvents(t, evs, PairValid{"s1", addrA})
}

// A dual-stack socket reports IPv4 senders as ::ffff:a.b.c.d; the agent
// answers and routes them as IPv4.
func TestIPv4MappedSource(t *testing.T) {
	a := newTestAgent(t)
	mapped := netip.AddrPortFrom(netip.AddrFrom16(addrA.Addr().As16()), addrA.Port())
	req := chk().build(t)
	txs, evs, err := handle(t, a, t0, mapped, req)
	if err != nil {
		t.Fatal(err)
	}
	res := response(t, txs, addrA, req, stun.ShortTermKey(ours.Pwd))
	if got, _ := res.XORMappedAddress(); got != addrA {
		t.Errorf("XOR-MAPPED-ADDRESS = %v, want %v", got, addrA)
	}
	wantEvents(t, evs, PairValid{"s1", addrA})
	wantRoute(t, a, mapped, "s1", true)
	wantRoute(t, a, addrA, "s1", true)
}

package ice

import (
	"net/netip"
	"testing"

	"nutsandbolts/step04-dtls/stun"
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

// FuzzClassify checks Classify against RFC 7983 §7 on arbitrary bytes.
func FuzzClassify(f *testing.F) {
	f.Add(stun.NewBindingRequest().Marshal())
	f.Add([]byte{22, 0xfe, 0xfd})
	f.Add([]byte{0x80, 96})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		k := Classify(b)
		want := KindOther
		if len(b) > 0 {
			switch c := b[0]; {
			case c <= 3 && stun.IsMessage(b):
				want = KindSTUN
			case 20 <= c && c <= 63:
				want = KindDTLS
			case 128 <= c && c <= 191:
				want = KindRTP
			}
		}
		if k != want {
			t.Fatalf("Classify(%x) = %v, want %v", b, k, want)
		}
		if k == KindSTUN {
			var m stun.Message
			_ = m.Unmarshal(b) // may fail: IsMessage is a quick test only
		}
	})
}

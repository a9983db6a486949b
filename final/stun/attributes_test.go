package stun

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func mustAddrPort(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

// roundTrip encodes m and decodes it again.
func roundTrip(t *testing.T, m *Message) *Message {
	t.Helper()
	var got Message
	if err := got.Unmarshal(m.Marshal()); err != nil {
		t.Fatal(err)
	}
	return &got
}

func TestTextAttributesRoundTrip(t *testing.T) {
	m := NewBindingRequest()
	must(t, m.AddUsername("uTFg:Qlgk"))
	must(t, m.AddSoftware("nuts and bolts ✓"))
	m.Add(AttrRealm, []byte("example.org"))
	m.Add(AttrNonce, []byte("f//499k954d6OL34oL9FSTvy64sA"))
	got := roundTrip(t, m)
	for _, tc := range []struct {
		get  func() (string, error)
		want string
	}{
		{got.Username, "uTFg:Qlgk"},
		{got.Software, "nuts and bolts ✓"},
		{got.Realm, "example.org"},
		{got.Nonce, "f//499k954d6OL34oL9FSTvy64sA"},
	} {
		if s, err := tc.get(); err != nil || s != tc.want {
			t.Errorf("got %q, %v; want %q", s, err, tc.want)
		}
	}
}

func TestTextAttributeLimits(t *testing.T) {
	m := NewBindingRequest()
	if err := m.AddUsername(strings.Repeat("u", 508)); err != nil {
		t.Errorf("508 bytes: %v", err)
	}
	if err := m.AddUsername(strings.Repeat("u", 509)); err == nil {
		t.Error("USERNAME of 509 bytes accepted")
	}
	if err := m.AddUsername("\xff"); err == nil {
		t.Error("USERNAME that is not UTF-8 accepted")
	}
	if err := m.AddSoftware(strings.Repeat("é", 127)); err != nil {
		t.Errorf("127 characters: %v", err)
	}
	if err := m.AddSoftware(strings.Repeat("s", 128)); err == nil {
		t.Error("SOFTWARE of 128 characters accepted")
	}
	if err := m.AddErrorCode(299, ""); err == nil {
		t.Error("error code 299 accepted")
	}
	if err := m.AddErrorCode(700, ""); err == nil {
		t.Error("error code 700 accepted")
	}
	if err := m.AddErrorCode(400, strings.Repeat("r", 128)); err == nil {
		t.Error("reason of 128 characters accepted")
	}
}

func TestAddressRoundTrip(t *testing.T) {
	for _, s := range []string{
		"127.0.0.1:36574",
		"192.0.2.1:32853",
		"0.0.0.0:0",
		"255.255.255.255:65535",
		"[2001:db8:1234:5678:11:2233:4455:6677]:32853",
		"[::1]:9",
	} {
		ap := mustAddrPort(s)
		m := &Message{Type: BindingSuccessResponse, TransactionID: NewTransactionID()}
		m.AddXORMappedAddress(ap)
		m.AddMappedAddress(ap)
		got := roundTrip(t, m)
		if x, err := got.XORMappedAddress(); err != nil || x != ap {
			t.Errorf("XOR-MAPPED-ADDRESS %v: got %v, %v", ap, x, err)
		}
		if x, err := got.MappedAddress(); err != nil || x != ap {
			t.Errorf("MAPPED-ADDRESS %v: got %v, %v", ap, x, err)
		}
	}
}

func TestXORMappedAddressEncoding(t *testing.T) {
	m := &Message{Type: BindingSuccessResponse}
	m.AddXORMappedAddress(mustAddrPort("127.0.0.1:35912"))
	v := m.Attributes[0].Value
	// §14.2: X-Port = port XOR 0x2112, X-Address = address XOR 0x2112A442.
	want := []byte{0, familyIPv4}
	want = binary.BigEndian.AppendUint16(want, 35912^0x2112)
	want = binary.BigEndian.AppendUint32(want, 0x7f000001^0x2112A442)
	if string(v) != string(want) {
		t.Errorf("value %x, want %x", v, want)
	}

	// An IPv4 peer seen through a dual-stack socket is reported as IPv4.
	m = &Message{Type: BindingSuccessResponse}
	m.AddXORMappedAddress(mustAddrPort("[::ffff:127.0.0.1]:35912"))
	if string(m.Attributes[0].Value) != string(want) {
		t.Errorf("IPv4-mapped address encoded as %x, want %x", m.Attributes[0].Value, want)
	}

	// IPv6 depends on the transaction ID: the same address under another
	// ID is encoded differently, and decodes to the same address.
	a := &Message{TransactionID: TransactionID{1}}
	b := &Message{TransactionID: TransactionID{2}}
	ap := mustAddrPort("[2001:db8::1]:443")
	a.AddXORMappedAddress(ap)
	b.AddXORMappedAddress(ap)
	if string(a.Attributes[0].Value) == string(b.Attributes[0].Value) {
		t.Error("IPv6 X-Address does not depend on the transaction ID")
	}
}

func TestAddressErrors(t *testing.T) {
	for _, tc := range []struct {
		value []byte
		want  string
	}{
		{[]byte{0, 1, 0}, "stun: XOR-MAPPED-ADDRESS of 3 bytes is shorter than 4"},
		{[]byte{0, 3, 0, 0, 1, 2, 3, 4}, "stun: XOR-MAPPED-ADDRESS family 0x03 is neither IPv4 (0x01) nor IPv6 (0x02)"},
		{[]byte{0, 1, 0, 0, 1, 2, 3}, "stun: XOR-MAPPED-ADDRESS of family 0x01 has 7 bytes, want 8"},
		{make([]byte, 21), "stun: XOR-MAPPED-ADDRESS family 0x00 is neither IPv4 (0x01) nor IPv6 (0x02)"},
		{append([]byte{0, 2, 0, 0}, make([]byte, 12)...), "stun: XOR-MAPPED-ADDRESS of family 0x02 has 16 bytes, want 20"},
	} {
		m := &Message{}
		m.Add(AttrXORMappedAddress, tc.value)
		if _, err := m.XORMappedAddress(); err == nil || err.Error() != tc.want {
			t.Errorf("%x: err = %v, want %q", tc.value, err, tc.want)
		}
	}
}

func TestICEAttributesRoundTrip(t *testing.T) {
	m := NewBindingRequest()
	m.AddPriority(2130706431)
	m.AddICEControlling(0xf88682043554c4bd)
	m.AddICEControlled(0x5666eb08746cc726)
	m.AddUseCandidate()
	got := roundTrip(t, m)
	if p, err := got.Priority(); err != nil || p != 2130706431 {
		t.Errorf("PRIORITY = %d, %v", p, err)
	}
	if tb, err := got.ICEControlling(); err != nil || tb != 0xf88682043554c4bd {
		t.Errorf("ICE-CONTROLLING = %x, %v", tb, err)
	}
	if tb, err := got.ICEControlled(); err != nil || tb != 0x5666eb08746cc726 {
		t.Errorf("ICE-CONTROLLED = %x, %v", tb, err)
	}
	if !got.UseCandidate() {
		t.Error("USE-CANDIDATE lost")
	}
	if v, _ := got.Get(AttrUseCandidate); len(v) != 0 {
		t.Errorf("USE-CANDIDATE has %d bytes, want 0", len(v))
	}

	bad := &Message{}
	bad.Add(AttrPriority, []byte{1, 2, 3})
	bad.Add(AttrICEControlling, []byte{1})
	if _, err := bad.Priority(); err == nil || err.Error() != "stun: PRIORITY has 3 bytes, want 4" {
		t.Errorf("short PRIORITY: %v", err)
	}
	if _, err := bad.ICEControlling(); err == nil {
		t.Error("short ICE-CONTROLLING accepted")
	}
}

func TestMissingAttributes(t *testing.T) {
	m := NewBindingRequest()
	errs := []error{}
	for _, f := range []func() error{
		func() error { _, err := m.Username(); return err },
		func() error { _, err := m.Software(); return err },
		func() error { _, err := m.XORMappedAddress(); return err },
		func() error { _, err := m.MappedAddress(); return err },
		func() error { _, err := m.Priority(); return err },
		func() error { _, err := m.ICEControlled(); return err },
		func() error { _, err := m.ICEControlling(); return err },
		func() error { _, err := m.ErrorCode(); return err },
		func() error { _, err := m.UnknownAttributes(); return err },
		func() error { return m.CheckIntegrity([]byte("k")) },
		func() error { return m.CheckFingerprint() },
	} {
		errs = append(errs, f())
	}
	for i, err := range errs {
		if !errors.Is(err, ErrAttributeNotFound) {
			t.Errorf("getter %d: err = %v, want ErrAttributeNotFound", i, err)
		}
	}
	if _, err := m.Priority(); err.Error() != "stun: attribute not found: PRIORITY" {
		t.Errorf("message %q", err)
	}
	if m.UseCandidate() {
		t.Error("USE-CANDIDATE found in an empty message")
	}
}

func TestErrorCodeRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		code   int
		reason string
		want   string
	}{
		{400, "", "Bad Request"},
		{401, "", "Unauthenticated"},
		{420, "", "Unknown Attribute"},
		{487, "", "Role Conflict"},
		{599, "odd", "odd"},
		{300, "", "Try Alternate"},
		{699, "", ""},
	} {
		m := &Message{Type: BindingErrorResponse}
		must(t, m.AddErrorCode(tc.code, tc.reason))
		v := m.Attributes[0].Value
		if v[0] != 0 || v[1] != 0 || int(v[2]) != tc.code/100 || int(v[3]) != tc.code%100 {
			t.Errorf("%d encoded as %x", tc.code, v[:4])
		}
		got, err := roundTrip(t, m).ErrorCode()
		if err != nil || got.Code != tc.code || got.Reason != tc.want {
			t.Errorf("%d: got %+v, %v", tc.code, got, err)
		}
	}
	for _, v := range [][]byte{{0, 0, 2, 99}, {0, 0, 7, 0}, {0, 0, 4, 100}, {0, 0, 4}} {
		m := &Message{}
		m.Add(AttrErrorCode, v)
		if _, err := m.ErrorCode(); err == nil {
			t.Errorf("ERROR-CODE %x accepted", v)
		}
	}
	// The Reserved bits are ignored.
	m := &Message{}
	m.Add(AttrErrorCode, []byte{0xff, 0xff, 0xfc, 1})
	if got, err := m.ErrorCode(); err != nil || got.Code != 401 {
		t.Errorf("reserved bits not ignored: %+v, %v", got, err)
	}
	if got := (ErrorCode{Code: 401, Reason: "Unauthenticated"}).Error(); got != "stun: error response 401 Unauthenticated" {
		t.Errorf("Error() = %q", got)
	}
}

func TestUnknownAttributesRoundTrip(t *testing.T) {
	for _, types := range [][]AttrType{{}, {0x0030}, {0x0030, 0x7FFF, AttrMessageIntegritySHA256}} {
		m := &Message{Type: BindingErrorResponse}
		m.AddUnknownAttributes(types)
		got, err := roundTrip(t, m).UnknownAttributes()
		if err != nil || !slices.Equal(got, types) {
			t.Errorf("got %v, %v; want %v", got, err, types)
		}
	}
	m := &Message{}
	m.Add(AttrUnknownAttributes, []byte{0, 1, 0})
	if _, err := m.UnknownAttributes(); err == nil {
		t.Error("odd-length UNKNOWN-ATTRIBUTES accepted")
	}
}

func TestUnknownComprehensionRequired(t *testing.T) {
	req := NewBindingRequest()
	must(t, req.AddUsername("a:b"))
	req.Add(0x0030, []byte{1})
	req.Add(0x8030, []byte{1}) // comprehension-optional: ignored
	req.Add(AttrGoogNetworkInfo, []byte{0, 1, 0, 50})
	req.Add(0x7FFF, nil)
	req.Add(0x0030, []byte{2}) // listed once
	req.Add(AttrMessageIntegritySHA256, make([]byte, 32))
	req.AddMessageIntegrity([]byte("pwd"))
	req.Add(0x0031, nil) // after MESSAGE-INTEGRITY: ignored (§9)
	req.AddFingerprint()
	decoded := roundTrip(t, req)
	want := []AttrType{0x0030, 0x7FFF, AttrMessageIntegritySHA256}
	got := decoded.UnknownComprehensionRequired()
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}

	res := NewUnknownAttributesResponse(decoded, got)
	res.AddMessageIntegrity([]byte("pwd"))
	res.AddFingerprint()
	back := roundTrip(t, res)
	if back.Type != BindingErrorResponse || back.TransactionID != req.TransactionID {
		t.Errorf("header %v %v", back.Type, back.TransactionID)
	}
	if code, err := back.ErrorCode(); err != nil || code.Code != 420 {
		t.Errorf("ERROR-CODE %+v, %v", code, err)
	}
	if list, err := back.UnknownAttributes(); err != nil || !slices.Equal(list, want) {
		t.Errorf("UNKNOWN-ATTRIBUTES %v, %v", list, err)
	}
	if len(back.UnknownComprehensionRequired()) != 0 {
		t.Error("the 420 response itself has unknown attributes")
	}
}

func TestBuilders(t *testing.T) {
	req := NewBindingRequest()
	if req.Type != BindingRequest || len(req.Attributes) != 0 {
		t.Errorf("NewBindingRequest: %v", req)
	}
	res := NewBindingSuccess(req, mustAddrPort("10.0.0.1:5000"))
	if res.Type != BindingSuccessResponse || res.TransactionID != req.TransactionID {
		t.Errorf("NewBindingSuccess: %v", res)
	}
	e, err := NewErrorResponse(req, CodeUnauthenticated, "")
	if err != nil || e.Type != BindingErrorResponse || e.TransactionID != req.TransactionID {
		t.Fatalf("NewErrorResponse: %v, %v", e, err)
	}
	if code, _ := e.ErrorCode(); code.Code != 401 || code.Reason != "Unauthenticated" {
		t.Errorf("ERROR-CODE %+v", code)
	}
	if _, err := NewErrorResponse(req, 42, ""); err == nil {
		t.Error("error code 42 accepted")
	}
}

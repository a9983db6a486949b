package stun

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// checkRequest returns an ICE connectivity check signed with key.
func checkRequest(t testing.TB, key []byte) *Message {
	t.Helper()
	m := NewBindingRequest()
	must(t, m.AddUsername("remote:local"))
	m.AddPriority(1853824767)
	m.AddICEControlled(0x5666eb08746cc726)
	m.AddMessageIntegrity(key)
	m.AddFingerprint()
	return m
}

func TestIntegrityAndFingerprintRoundTrip(t *testing.T) {
	key := ShortTermKey("ZWgHlpgdj3+PLbAqBr49bH7Q")
	m := checkRequest(t, key)
	// A locally built message is checked against its own encoding.
	if err := m.CheckIntegrity(key); err != nil {
		t.Errorf("built message: %v", err)
	}
	if err := m.CheckFingerprint(); err != nil {
		t.Errorf("built message: %v", err)
	}
	got := roundTrip(t, m)
	if err := got.CheckIntegrity(key); err != nil {
		t.Error(err)
	}
	if err := got.CheckFingerprint(); err != nil {
		t.Error(err)
	}
	if err := got.CheckIntegrity(ShortTermKey("wrong password")); !errors.Is(err, ErrIntegrityMismatch) {
		t.Errorf("wrong key: %v", err)
	}
}

func TestBadIntegrity(t *testing.T) {
	key := []byte("secret")
	wire := checkRequest(t, key).Marshal()
	// Flip a bit in every byte that MESSAGE-INTEGRITY covers (the header
	// and the attributes before it) and in the HMAC itself. The Message
	// Length, the Magic Cookie and the attributes' Length fields are
	// skipped: with them changed the message no longer decodes.
	miAt := len(wire) - 8 - 24
	checked := 0
	for i := 0; i < miAt+24; i++ {
		b := bytes.Clone(wire)
		b[i] ^= 0x01
		var m Message
		if m.Unmarshal(b) != nil {
			continue
		}
		checked++
		// A flip in MESSAGE-INTEGRITY's own Type makes it missing.
		if err := m.CheckIntegrity(key); err == nil {
			t.Errorf("bit flipped in byte %d: CheckIntegrity passed", i)
		}
	}
	if checked < miAt+24-16 {
		t.Errorf("only %d of %d bytes checked", checked, miAt+24)
	}

	m := &Message{Type: BindingRequest}
	m.Add(AttrMessageIntegrity, make([]byte, 19))
	if err := m.CheckIntegrity(key); !errors.Is(err, ErrIntegrityMismatch) || !strings.Contains(err.Error(), "19 bytes") {
		t.Errorf("short MESSAGE-INTEGRITY: %v", err)
	}
}

func TestBadFingerprint(t *testing.T) {
	wire := checkRequest(t, []byte("k")).Marshal()
	for _, i := range []int{8, 20, len(wire) - 9, len(wire) - 1} {
		b := bytes.Clone(wire)
		b[i] ^= 0x80
		var m Message
		must(t, m.Unmarshal(b))
		if err := m.CheckFingerprint(); !errors.Is(err, ErrFingerprintMismatch) {
			t.Errorf("byte %d changed: CheckFingerprint = %v", i, err)
		}
	}

	// FINGERPRINT must be the last attribute (§14.7).
	m := NewBindingRequest()
	m.AddFingerprint()
	m.AddPriority(1)
	got := roundTrip(t, m)
	if err := got.CheckFingerprint(); err == nil || err.Error() != "stun: FINGERPRINT is attribute 1 of 2, it must be the last" {
		t.Errorf("FINGERPRINT not last: %v", err)
	}
	if got.Has(AttrFingerprint) {
		t.Error("Get found a FINGERPRINT that is not last")
	}

	m = &Message{}
	m.Add(AttrFingerprint, []byte{1, 2})
	if err := m.CheckFingerprint(); !errors.Is(err, ErrFingerprintMismatch) {
		t.Errorf("short FINGERPRINT: %v", err)
	}
}

// TestAttributesAfterIntegrity builds a message in which an attacker has
// appended attributes after MESSAGE-INTEGRITY and fixed up the Length and
// FINGERPRINT, which anyone can do. §9: "agents MUST ignore all attributes
// that follow MESSAGE-INTEGRITY, with the exception of the
// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT attributes."
func TestAttributesAfterIntegrity(t *testing.T) {
	key := []byte("pwd")
	m := NewBindingRequest()
	must(t, m.AddUsername("remote:local"))
	m.AddMessageIntegrity(key)
	m.AddPriority(99)                // not covered by the HMAC
	m.AddUseCandidate()              // a nomination the peer never sent
	m.Add(0x0033, []byte{1, 2, 3})   // unknown comprehension-required
	must(t, m.AddUsername("evil:x")) // a second USERNAME
	m.AddFingerprint()

	got := roundTrip(t, m)
	// The HMAC covers what precedes it, and still verifies: the Length
	// used for it points to the end of MESSAGE-INTEGRITY (§14.5).
	if err := got.CheckIntegrity(key); err != nil {
		t.Errorf("CheckIntegrity: %v", err)
	}
	if err := got.CheckFingerprint(); err != nil {
		t.Errorf("CheckFingerprint: %v", err)
	}
	if got.Has(AttrPriority) || got.UseCandidate() {
		t.Error("an attribute after MESSAGE-INTEGRITY was not ignored")
	}
	if u, _ := got.Username(); u != "remote:local" {
		t.Errorf("USERNAME = %q", u)
	}
	if unknown := got.UnknownComprehensionRequired(); len(unknown) != 0 {
		t.Errorf("unknown attributes after MESSAGE-INTEGRITY reported: %v", unknown)
	}
	if s := got.String(); !strings.Contains(s, "PRIORITY=99(ignored) USE-CANDIDATE(ignored)") || strings.Contains(s, "FINGERPRINT(ignored)") {
		t.Errorf("String() = %s", s)
	}

	// The same message without the appended attributes has the same HMAC.
	clean := NewBindingRequest()
	clean.TransactionID = m.TransactionID
	must(t, clean.AddUsername("remote:local"))
	clean.AddMessageIntegrity(key)
	mi, _ := got.Get(AttrMessageIntegrity)
	if want, _ := clean.Get(AttrMessageIntegrity); !bytes.Equal(mi, want) {
		t.Error("HMAC depends on attributes after MESSAGE-INTEGRITY")
	}
}

func TestIntegrityWithoutFingerprint(t *testing.T) {
	// The HMAC's Length does not count a FINGERPRINT that is absent, so a
	// message with MESSAGE-INTEGRITY last verifies too.
	key := []byte("pwd")
	m := NewBindingRequest()
	m.AddPriority(7)
	m.AddMessageIntegrity(key)
	if err := roundTrip(t, m).CheckIntegrity(key); err != nil {
		t.Error(err)
	}
}

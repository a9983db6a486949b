package sdp

import (
	"strings"
	"testing"
)

// TestFingerprintOf hashes the FIPS 180-2 test message "abc" and compares
// with the published digests (FIPS 180-2, Appendix B.1, C.1 and D.1),
// written the way RFC 8122 §5 wants them: uppercase hex pairs and colons.
func TestFingerprintOf(t *testing.T) {
	tests := []struct{ alg, want string }{
		{"sha-256", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"},
		{"SHA-384", "CB00753F45A35E8BB5A03D699AC65007272C32AB0EDED1631A8B605A43FF5BED8086072BA1E7CC2358BAECA134C825A7"},
		{"sha-512", "DDAF35A193617ABACC417349AE20413112E6FA4E89A97EA20A9EEEE64B55D39A2192992A274FC1A836BA3C23A3FEEBBD454D4423643CE80E2A9AC94FA54CA49F"},
	}
	for _, tt := range tests {
		f, err := FingerprintOf(tt.alg, []byte("abc"))
		if err != nil {
			t.Fatal(err)
		}
		var pairs []string
		for i := 0; i < len(tt.want); i += 2 {
			pairs = append(pairs, tt.want[i:i+2])
		}
		want := Fingerprint{Algorithm: strings.ToLower(tt.alg), Value: strings.Join(pairs, ":")}
		if f != want {
			t.Errorf("FingerprintOf(%s):\n got %v\nwant %v", tt.alg, f, want)
		}
		if err := f.Validate(); err != nil {
			t.Errorf("Validate(%v): %v", f, err)
		}
	}
	for _, alg := range []string{"sha-1", "md5", ""} {
		if _, err := FingerprintOf(alg, []byte("abc")); err == nil || !strings.Contains(err.Error(), "sdp: fingerprint: algorithm") {
			t.Errorf("FingerprintOf(%q) error = %v, want algorithm not supported", alg, err)
		}
	}
	if _, err := FingerprintOf("sha-256", nil); err == nil || !strings.Contains(err.Error(), "empty certificate") {
		t.Errorf("FingerprintOf(nil) error = %v", err)
	}
}

func TestParseFingerprint(t *testing.T) {
	f, err := ParseFingerprint("SHA-256 ab:cd")
	if err != nil {
		t.Fatal(err)
	}
	if f != (Fingerprint{"sha-256", "ab:cd"}) || f.String() != "sha-256 ab:cd" {
		t.Errorf("ParseFingerprint = %v, want the name lowercased and the value kept", f)
	}
	if err := f.Validate(); err == nil || err.Error() != "sdp: a=fingerprint: sha-256 value has 2 bytes, want 32" {
		t.Errorf("Validate = %v", err)
	}
	for in, want := range map[string]string{
		"sha-256":            "want <hash-func> SP <fingerprint>",
		"sha(256 AB":         "want <hash-func> SP <fingerprint>",
		"sha-256 ":           `"" is not hex byte pairs`,
		"sha-256 AB:":        `"AB:" is not hex byte pairs`,
		"sha-256 ABC:DE":     `"ABC:DE" is not hex byte pairs`,
		"sha-256 AB CD":      `"AB CD" is not hex byte pairs`,
		"sha-256 AB::CD":     `"AB::CD" is not hex byte pairs`,
		"sha-256 +B:CD":      `"+B:CD" is not hex byte pairs`,
		"sha-256 AB:CD:EF:G": `"AB:CD:EF:G" is not hex byte pairs`,
	} {
		if _, err := ParseFingerprint(in); err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "sdp: a=fingerprint") {
			t.Errorf("ParseFingerprint(%q) error = %v, want %q", in, err, want)
		}
	}
	if err := (Fingerprint{"sha-1", "AB"}).Validate(); err == nil ||
		err.Error() != `sdp: a=fingerprint: algorithm "sha-1" not accepted (want sha-256, sha-384 or sha-512)` {
		t.Errorf("Validate(sha-1) = %v", err)
	}
}

func TestFingerprintEqual(t *testing.T) {
	a := Fingerprint{"sha-256", "AB:CD"}
	for _, tt := range []struct {
		b    Fingerprint
		want bool
	}{
		{Fingerprint{"sha-256", "AB:CD"}, true},
		{Fingerprint{"SHA-256", "ab:cd"}, true},
		{Fingerprint{"sha-384", "AB:CD"}, false},
		{Fingerprint{"sha-256", "AB:CE"}, false},
		{Fingerprint{"sha-256", "ABCD"}, false},
	} {
		if got := a.Equal(tt.b); got != tt.want {
			t.Errorf("%v.Equal(%v) = %v", a, tt.b, got)
		}
	}
}

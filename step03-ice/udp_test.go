package main

import "testing"

func TestDropKind(t *testing.T) {
	for reason, want := range map[string]string{
		`ice: unknown ufrag: "x"`:                       "ice: unknown ufrag",
		"stun: message length 4 does not match":         "stun: message length",
		"not STUN (this step speaks only STUN)":         "not STUN (this step speaks only STUN)",
		"DTLS from an address without a valid ICE pair": "DTLS from an address without a valid ICE pair",
		"first byte 0x99 is none of STUN, DTLS, RTP":    "first byte",
	} {
		if got := dropKind(reason); got != want {
			t.Errorf("dropKind(%q) = %q, want %q", reason, got, want)
		}
	}
}

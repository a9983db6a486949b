package ice

import (
	"testing"

	"nutsandbolts/final/stun"
)

func TestClassify(t *testing.T) {
	binding := stun.NewBindingRequest().Marshal()
	noCookie := append([]byte(nil), binding...)
	noCookie[4] = 0
	tests := []struct {
		name string
		b    []byte
		want Kind
	}{
		{"empty", nil, KindOther},
		{"STUN Binding request", binding, KindSTUN},
		{"first byte 0, no magic cookie", noCookie, KindOther},
		{"first byte 0, short", []byte{0, 1, 0, 0}, KindOther},
		{"ZRTP 16", []byte{16, 0, 0, 0}, KindOther},
		{"DTLS change_cipher_spec 20", []byte{20, 0xfe, 0xfd}, KindDTLS},
		{"DTLS handshake 22", []byte{22, 0xfe, 0xff}, KindDTLS},
		{"DTLS 63", []byte{63}, KindDTLS},
		{"TURN channel 64", []byte{64, 0, 0, 4}, KindOther},
		{"80 unassigned", []byte{80}, KindOther},
		{"RTP 128", []byte{0x80, 96}, KindRTP},
		{"RTP with padding and extension 0xb0", []byte{0xb0, 97}, KindRTP},
		{"RTCP SR 0x80 200", []byte{0x80, 200}, KindRTP},
		{"191", []byte{191}, KindRTP},
		{"192", []byte{192}, KindOther},
		{"255", []byte{255}, KindOther},
		{"4", []byte{4}, KindOther},
	}
	for _, tt := range tests {
		if got := Classify(tt.b); got != tt.want {
			t.Errorf("%s: Classify = %v, want %v", tt.name, got, tt.want)
		}
	}
	// Every first byte, with and without a STUN header after it, against
	// the table of RFC 7983 §7 (rfc7983 in fuzz_test.go).
	for c := 0; c < 256; c++ {
		for _, b := range [][]byte{
			{byte(c), 0, 0, 0},
			{byte(c), 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		} {
			if got, want := Classify(b), wantKind(b); got != want {
				t.Errorf("Classify(%x): %v, want %v", b, got, want)
			}
		}
	}
	for k, s := range map[Kind]string{KindSTUN: "STUN", KindDTLS: "DTLS", KindRTP: "RTP/RTCP", KindOther: "other", 42: "other"} {
		if k.String() != s {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), k.String(), s)
		}
	}
}

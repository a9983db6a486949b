package sdp

// This file checks and makes the ICE credentials, a=ice-ufrag and a=ice-pwd
// (RFC 8839 §5.4). The browser's STUN Binding requests carry
// USERNAME "<our ufrag>:<its ufrag>" and are signed with our password
// (RFC 8445 §7.2.2), so these two strings are what the STUN step checks
// every connectivity check against.
//
//	ice-pwd-att   = "ice-pwd:" password
//	ice-ufrag-att = "ice-ufrag:" ufrag
//	password      = 22*256ice-char
//	ufrag         = 4*256ice-char
//	ice-char      = ALPHA / DIGIT / "+" / "/"        ; RFC 8839 §5.1

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// Length limits of RFC 8839 §5.4. RFC 8445 §5.3 asks for at least 24 random
// bits in the ufrag and 128 in the password; at 6 bits per ice-char that is
// 4 and 22 characters. The ufrag "MUST NOT be longer than 32 characters
// when sending, but an implementation MUST accept up to 256 characters when
// receiving".
const (
	minUfrag     = 4
	maxUfragSent = 32
	minPwd       = 22
	maxICEChars  = 256
)

// isICEChar reports whether b is an ice-char. The set is exactly the
// base64 alphabet (RFC 4648 §4), which is why NewICECredentials can use
// base64 without padding.
func isICEChar(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '+' || b == '/'
}

// checkICEChars checks that s is lo*hi ice-chars; attr names the field
// for the error message.
func checkICEChars(attr, s string, lo, hi int) error {
	if len(s) < lo || len(s) > hi {
		return fmt.Errorf("%s: %q has %d characters, want %d to %d ice-chars (RFC 8839 §5.4)", attr, clip(s), len(s), lo, hi)
	}
	for i := 0; i < len(s); i++ {
		if !isICEChar(s[i]) {
			return fmt.Errorf("%s: %q holds %q, which is not an ice-char (ALPHA / DIGIT / \"+\" / \"/\", RFC 8839 §5.1)", attr, clip(s), s[i])
		}
	}
	return nil
}

// NewICECredentials returns a fresh random ufrag of 16 ice-chars (96 bits)
// and password of 32 ice-chars (192 bits), well above the RFC 8445 §5.3
// minimums of 24 and 128 bits, and below the 32-character ufrag limit for
// sending. RFC 8839 §5.4: they "MUST be chosen randomly at the beginning of
// a session".
func NewICECredentials() (ufrag, pwd string) {
	return randomICEChars(12), randomICEChars(24)
}

// randomICEChars returns n random bytes as base64 without padding: 4
// ice-chars for every 3 bytes.
func randomICEChars(n int) string {
	b := make([]byte, n)
	rand.Read(b) // crypto/rand.Read never returns an error (Go 1.24 and later)
	return base64.RawStdEncoding.EncodeToString(b)
}

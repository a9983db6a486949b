package sdp

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// addCaptureSeeds adds the SDPs and candidates of the real captures, when
// shared/ is present.
func addCaptureSeeds(f *testing.F, sdp bool) {
	for _, name := range captureNames {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "captures", name+".txt"))
		if err != nil {
			continue
		}
		report := string(b)
		if sdp {
			_, offer, answer := captureSDPs(f, name)
			f.Add(offer)
			f.Add(answer)
			continue
		}
		for _, c := range reportSection(f, report, "Candidates trickled by the browser (pionrecv REMOTE_CANDIDATE)") {
			f.Add(c)
		}
	}
}

// FuzzParseAnswer feeds Parse and ParseAnswer. Neither may panic; every
// error is an *Error with the right prefix; what Parse accepts, Marshal
// writes back to the same Session; what ParseAnswer accepts obeys the
// checks it claims to make.
func FuzzParseAnswer(f *testing.F) {
	for _, seed := range []string{
		chromiumAnswer, firefoxAnswer, ourOffer().Marshal(), rfc8866Example,
		crlf("v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=1 0", "r=1 1 1", "z=1 -1h", "t=0 0", "m=video 9/2 RTP/AVP 96"),
		strings.Replace(chromiumAnswer, "a=setup:active", "a=setup:passive", 1),
		strings.Replace(chromiumAnswer, "m=video 9", "m=video 0", 1),
		"v=0\r\n",
	} {
		f.Add(seed)
	}
	addCaptureSeeds(f, true)
	f.Fuzz(func(t *testing.T, text string) {
		s, err := Parse(text)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), "sdp: ") {
				t.Fatalf("Parse error %T %q", err, err)
			}
		} else {
			back, err := Parse(s.Marshal())
			if err != nil {
				t.Fatalf("Parse accepted %q but not its Marshal %q: %v", text, s.Marshal(), err)
			}
			if !reflect.DeepEqual(s, back) {
				t.Fatalf("Marshal round trip:\n got %+v\nwant %+v", back, s)
			}
		}

		a, err := ParseAnswer(text)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "sdp: answer: ") {
				t.Fatalf("ParseAnswer error %q", err)
			}
			return
		}
		if s == nil {
			t.Fatal("ParseAnswer accepted what Parse rejected")
		}
		if err := a.Fingerprint.Validate(); err != nil {
			t.Fatalf("accepted fingerprint: %v", err)
		}
		if checkICEChars("ufrag", a.Ufrag, minUfrag, maxICEChars) != nil || checkICEChars("pwd", a.Pwd, minPwd, maxICEChars) != nil {
			t.Fatalf("accepted credentials %q %q", a.Ufrag, a.Pwd)
		}
		if !isToken(a.MID) || a.VP8PayloadType > 127 {
			t.Fatalf("accepted mid %q, payload type %d", a.MID, a.VP8PayloadType)
		}
		for _, c := range a.Candidates {
			if _, err := ParseCandidate(c.String()); err != nil {
				t.Fatalf("accepted candidate does not write back: %v", err)
			}
		}
		o := &Offer{MID: a.MID, PayloadType: a.VP8PayloadType}
		err = o.Check(a)
		wantOK := a.Setup == "active" && (a.Direction == "sendonly" || a.Direction == "sendrecv")
		if (err == nil) != wantOK {
			t.Fatalf("Check(setup %s, direction %s) = %v", a.Setup, a.Direction, err)
		}
	})
}

// FuzzParseCandidate: ParseCandidate never panics, and a candidate it
// accepts writes back (String) to a string that reads back the same.
func FuzzParseCandidate(f *testing.F) {
	for _, seed := range []string{
		"candidate:3657540911 1 udp 2122260223 127.0.0.1 36574 typ host generation 0 ufrag Qlgk network-id 1 network-cost 50",
		"a=candidate:842163049 1 udp 1677729535 198.51.100.10 52200 typ srflx raddr 0.0.0.0 rport 0 generation 0 network-cost 999",
		"candidate:1 1 UDP 2122252543 ::1 33532 typ host",
		"candidate:2 1 TCP 2105458943 127.0.0.1 9 typ host tcptype active",
		"1560499547 1 udp 2113937151 2cf0b2c0-0842-4fe3-aaa0-4556a2dfbadc.local 33192 typ host",
		"a+b/C 2 udp 41885439 2001:db8::7 3478 typ relay raddr 2001:db8::1 rport 50000",
		"candidate:1 1 udp 1 ::ffff:192.0.2.1 09 typ host",
		"candidate:1 256 x 2147483647 A.LOCAL 65535 typ y",
	} {
		f.Add(seed)
	}
	addCaptureSeeds(f, false)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCandidate(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "sdp: a=candidate") {
				t.Fatalf("error %q", err)
			}
			return
		}
		back, err := ParseCandidate(c.String())
		if err != nil {
			t.Fatalf("%q read as %+v, written as %q, which fails: %v", s, c, c.String(), err)
		}
		if !reflect.DeepEqual(back, c) || back.String() != c.String() {
			t.Fatalf("round trip:\n got %+v\nwant %+v", back, c)
		}
	})
}

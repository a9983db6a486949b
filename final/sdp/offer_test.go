package sdp

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestOfferMarshal compares with the offer written out by hand.
func TestOfferMarshal(t *testing.T) {
	o := ourOffer()
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	want := crlf(
		"v=0",
		"o=- 1234567890123456789 2 IN IP4 127.0.0.1",
		"s=-",
		"t=0 0",
		"a=group:BUNDLE 0",
		"a=ice-lite",
		"m=video 9 UDP/TLS/RTP/SAVPF 96",
		"c=IN IP4 0.0.0.0",
		"a=mid:0",
		"a=ice-ufrag:Jx2bDq4ZfWc0Lm8p",
		"a=ice-pwd:u3Kq9XbT0vZr5YhN2cFw8LdP1sGj6MeA",
		"a=fingerprint:sha-256 A7:CE:CF:6D:5F:F4:A9:6A:68:69:03:73:69:59:6C:63:7C:0A:7B:24:EE:C2:AC:82:EE:CA:37:E3:E4:BD:C8:01",
		"a=setup:actpass",
		"a=recvonly",
		"a=rtcp-mux",
		"a=rtcp-rsize",
		"a=rtpmap:96 VP8/90000",
		"a=rtcp-fb:96 nack",
		"a=rtcp-fb:96 nack pli",
		"a=rtcp-fb:96 ccm fir",
	)
	if got := o.Marshal(); got != want {
		t.Errorf("Marshal:\n%s\nwant\n%s", got, want)
	}

	o.Candidates = []Candidate{
		{Foundation: "1", Component: 1, Transport: "udp", Priority: 2130706431, Address: "192.0.2.10", Port: 50000, Type: "host"},
		{Foundation: "2", Component: 1, Transport: "udp", Priority: 2130706175, Address: "2001:db8::10", Port: 50000, Type: "host"},
	}
	want = strings.TrimSuffix(want, "\r\n") + "\r\n" + crlf(
		"a=candidate:1 1 udp 2130706431 192.0.2.10 50000 typ host",
		"a=candidate:2 1 udp 2130706175 2001:db8::10 50000 typ host",
		"a=end-of-candidates",
	)
	if got := o.Marshal(); got != want {
		t.Errorf("Marshal with candidates:\n%s\nwant\n%s", got, want)
	}
}

// TestOfferRoundTrip builds an offer, parses the text back with the
// generic parser and reads every field out of it again.
func TestOfferRoundTrip(t *testing.T) {
	ufrag, pwd := NewICECredentials()
	fp, err := FingerprintOf("sha-384", []byte("not really a certificate"))
	if err != nil {
		t.Fatal(err)
	}
	o := &Offer{
		SessionID: 1<<63 - 2, Ufrag: ufrag, Pwd: pwd, Fingerprint: fp, PayloadType: 127, MID: "video",
		Candidates: []Candidate{
			{Foundation: "4", Component: 1, Transport: "udp", Priority: 2130706431, Address: "10.0.0.2", Port: 3478, Type: "host",
				Extensions: []Extension{{"generation", "0"}}},
			{Foundation: "5", Component: 1, Transport: "udp", Priority: 1694498815, Address: "203.0.113.7", Port: 3478, Type: "srflx",
				RelatedAddress: "10.0.0.2", RelatedPort: 3478},
		},
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	s, err := Parse(o.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Media) != 1 {
		t.Fatalf("%d media sections", len(s.Media))
	}
	m := s.Media[0]
	origin := strings.Fields(s.Lines[1].Value)
	mid, _ := m.Attribute("mid")
	gotUfrag, _ := m.Attribute("ice-ufrag")
	gotPwd, _ := m.Attribute("ice-pwd")
	fpValue, _ := m.Attribute("fingerprint")
	gotFP, err := ParseFingerprint(fpValue)
	if err != nil {
		t.Fatal(err)
	}
	var cands []Candidate
	for _, v := range m.Attributes("candidate") {
		c, err := ParseCandidate("candidate:" + v)
		if err != nil {
			t.Fatal(err)
		}
		cands = append(cands, c)
	}
	sessionID, err := strconv.ParseUint(origin[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := strconv.ParseUint(m.Formats[0], 10, 7)
	if err != nil {
		t.Fatal(err)
	}
	back := &Offer{SessionID: sessionID, Ufrag: gotUfrag, Pwd: gotPwd, Fingerprint: gotFP, PayloadType: uint8(pt), MID: mid, Candidates: cands}
	if !reflect.DeepEqual(back, o) {
		t.Errorf("read back:\n got %+v\nwant %+v", back, o)
	}
	if group, _ := s.Attribute("group"); group != "BUNDLE video" || !s.Flag("ice-lite") {
		t.Errorf("a=group:%s, ice-lite %v", group, s.Flag("ice-lite"))
	}
	if rtpmap, _ := m.Attribute("rtpmap"); rtpmap != "127 VP8/90000" || !m.Flag("end-of-candidates") || !m.Flag("recvonly") {
		t.Errorf("a=rtpmap:%s, end-of-candidates %v, recvonly %v", rtpmap, m.Flag("end-of-candidates"), m.Flag("recvonly"))
	}
	if setup, _ := m.Attribute("setup"); setup != "actpass" {
		t.Errorf("a=setup:%s, want actpass (JSEP §5.2.1)", setup)
	}
}

func TestOfferValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(o *Offer)
		want   string
	}{
		{"session id", func(o *Offer) { o.SessionID = 1<<63 - 1 }, "o= sess-id 9223372036854775807 is not below 2^63-1"},
		{"ufrag short", func(o *Offer) { o.Ufrag = "abc" }, `a=ice-ufrag: "abc" has 3 characters, want 4 to 32`},
		{"ufrag long", func(o *Offer) { o.Ufrag = strings.Repeat("a", 33) }, "has 33 characters, want 4 to 32"},
		{"ufrag char", func(o *Offer) { o.Ufrag = "abc:" }, `holds ':', which is not an ice-char`},
		{"pwd", func(o *Offer) { o.Pwd = "short" }, `a=ice-pwd: "short" has 5 characters, want 22 to 256`},
		{"fingerprint", func(o *Offer) { o.Fingerprint.Algorithm = "sha-1" }, `algorithm "sha-1" not accepted`},
		{"fingerprint value", func(o *Offer) { o.Fingerprint.Value = "AB" }, "sha-256 value has 1 bytes, want 32"},
		{"fingerprint name case", func(o *Offer) { o.Fingerprint.Algorithm = "SHA-256" }, "write the name in lowercase and the hex in uppercase"},
		{"fingerprint hex case", func(o *Offer) { o.Fingerprint.Value = strings.ToLower(o.Fingerprint.Value) }, "write the name in lowercase and the hex in uppercase"},
		{"payload type", func(o *Offer) { o.PayloadType = 95 }, "payload type 95 is not in the dynamic range 96-127"},
		{"mid", func(o *Offer) { o.MID = "" }, `a=mid:"" is not a token`},
		{"candidate", func(o *Offer) {
			o.Candidates = []Candidate{{Foundation: "1", Component: 1, Transport: "udp", Priority: 1, Address: "localhost", Port: 9, Type: "host"}}
		},
			`candidate 0: a=candidate: address "localhost" is neither`},
		{"candidate field with space", func(o *Offer) {
			o.Candidates = []Candidate{{Foundation: "1", Component: 1, Transport: "udp", Priority: 1, Address: "192.0.2.1", Port: 9, Type: "host",
				Extensions: []Extension{{"generation", "0 1"}}}}
		}, "candidate 0: a=candidate: extension \"1\" has no value"},
		{"rport without raddr", func(o *Offer) {
			o.Candidates = []Candidate{{Foundation: "1", Component: 1, Transport: "udp", Priority: 1, Address: "192.0.2.1", Port: 9, Type: "host", RelatedPort: 7}}
		}, "does not read back as written"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ourOffer()
			tt.change(o)
			err := o.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "sdp: offer: ") {
				t.Errorf("Validate = %v\nwant an error containing %q", err, tt.want)
			}
		})
	}
}

func TestNewICECredentials(t *testing.T) {
	u1, p1 := NewICECredentials()
	u2, p2 := NewICECredentials()
	if u1 == u2 || p1 == p2 {
		t.Errorf("two calls gave the same credentials: %q %q", u1, p1)
	}
	if err := checkICEChars("ufrag", u1, minUfrag, maxUfragSent); err != nil || len(u1) != 16 {
		t.Errorf("ufrag %q: %v", u1, err)
	}
	if err := checkICEChars("pwd", p1, minPwd, maxICEChars); err != nil || len(p1) != 32 {
		t.Errorf("pwd %q: %v", p1, err)
	}
}

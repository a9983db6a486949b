package sdp

import (
	"reflect"
	"strings"
	"testing"
)

// crlf joins lines into a description with CRLF line endings.
func crlf(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }

// chromiumAnswer is written after what Chromium 156 answers to an offer like
// ours (see the real one in ../../../shared/captures/chromium-default.txt):
// everything at media level, a=msid-semantic with a space after the colon,
// one SSRC because our offer has no RTX.
var chromiumAnswer = crlf(
	"v=0",
	"o=- 4611731400430051336 2 IN IP4 127.0.0.1",
	"s=-",
	"t=0 0",
	"a=group:BUNDLE 0",
	"a=extmap-allow-mixed",
	"a=msid-semantic: WMS 3b8f6f1e-4c1d-4a8e-9f7b-2b5c1d0e9a77",
	"m=video 9 UDP/TLS/RTP/SAVPF 96",
	"c=IN IP4 0.0.0.0",
	"a=rtcp:9 IN IP4 0.0.0.0",
	"a=ice-ufrag:Xk3d",
	"a=ice-pwd:q8mTnB2vL0pYc6RwZs9eHf4J",
	"a=ice-options:trickle",
	"a=fingerprint:sha-256 21:E0:05:9D:EF:2B:1F:63:DE:F4:CE:00:55:3A:EF:BC:F1:45:37:C6:2D:58:32:4C:AA:C2:00:42:5D:8E:B9:1C",
	"a=setup:active",
	"a=mid:0",
	"a=sendonly",
	"a=msid:3b8f6f1e-4c1d-4a8e-9f7b-2b5c1d0e9a77 7c2e8d1a-5b3f-4e6a-8c9d-0f1e2d3c4b5a",
	"a=rtcp-mux",
	"a=rtcp-rsize",
	"a=rtpmap:96 VP8/90000",
	"a=rtcp-fb:96 nack",
	"a=rtcp-fb:96 nack pli",
	"a=rtcp-fb:96 ccm fir",
	"a=ssrc:2231627014 cname:4TOk42mSjXCkVIa6",
	"a=ssrc:2231627014 msid:3b8f6f1e-4c1d-4a8e-9f7b-2b5c1d0e9a77 7c2e8d1a-5b3f-4e6a-8c9d-0f1e2d3c4b5a",
)

// firefoxAnswer is written after Firefox 153's style: the fingerprint and a
// direction (sendrecv!) at session level, attributes sorted by name, hex ICE
// credentials, an a=fmtp with max-fs and max-fr, LF line endings, and the
// ICE candidates inside the answer with a=end-of-candidates.
var firefoxAnswer = strings.Join([]string{
	"v=0",
	"o=mozilla...THIS_IS_SDPARTA-99.0 5981240153349474232 0 IN IP4 0.0.0.0",
	"s=-",
	"t=0 0",
	"a=sendrecv",
	"a=fingerprint:sha-256 9C:58:9A:27:90:C8:D9:1F:D3:17:7F:A6:5A:20:58:01:E8:B2:2E:12:1A:7F:8A:94:36:1D:3D:5F:AE:8C:49:89",
	"a=group:BUNDLE 0",
	"a=ice-options:trickle",
	"a=msid-semantic:WMS *",
	"m=video 9 UDP/TLS/RTP/SAVPF 96",
	"c=IN IP4 0.0.0.0",
	"a=candidate:0 1 UDP 2122187007 192.168.1.20 53207 typ host",
	"a=candidate:1 1 TCP 2105458943 192.168.1.20 9 typ host tcptype active",
	"a=sendonly",
	"a=end-of-candidates",
	"a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid",
	"a=extmap:2/sendonly urn:ietf:params:rtp-hdrext:csrc-audio-level vad=on",
	"a=extmap:4096 urn:ietf:params:rtp-hdrext:toffset",
	"a=extmap:4096 http://example.com/082005/ext.htm#ttime",
	"a=fmtp:96 max-fs=12288;max-fr=60",
	"a=ice-pwd:4a1c0f6e9b2d8e7f3a5c1b0d9e8f7a6b",
	"a=ice-ufrag:7c3e9a1f",
	"a=mid:0",
	"a=msid:{4fd96cf9-747a-4b1f-afb9-6de88f021011} {23a9d6fe-b08a-40e5-ad9d-28db41a85854}",
	"a=rtcp-fb:96 nack",
	"a=rtcp-fb:96 nack pli",
	"a=rtcp-fb:96 ccm fir",
	"a=rtcp-mux",
	"a=rtcp-rsize",
	"a=rtpmap:96 VP8/90000",
	"a=setup:active",
	"a=ssrc:1432207389 cname:{138841b3-2a41-43fd-902a-2462f6fa9604}",
}, "\n") + "\n"

// ourOffer is an offer that chromiumAnswer and firefoxAnswer answer.
func ourOffer() *Offer {
	return &Offer{
		SessionID:   1234567890123456789,
		Ufrag:       "Jx2bDq4ZfWc0Lm8p",
		Pwd:         "u3Kq9XbT0vZr5YhN2cFw8LdP1sGj6MeA",
		Fingerprint: Fingerprint{Algorithm: "sha-256", Value: "A7:CE:CF:6D:5F:F4:A9:6A:68:69:03:73:69:59:6C:63:7C:0A:7B:24:EE:C2:AC:82:EE:CA:37:E3:E4:BD:C8:01"},
		PayloadType: 96,
		MID:         "0",
	}
}

func TestParseAnswerChromium(t *testing.T) {
	a, err := ParseAnswer(chromiumAnswer)
	if err != nil {
		t.Fatal(err)
	}
	want := &Answer{
		Ufrag:          "Xk3d",
		Pwd:            "q8mTnB2vL0pYc6RwZs9eHf4J",
		Fingerprint:    Fingerprint{"sha-256", "21:E0:05:9D:EF:2B:1F:63:DE:F4:CE:00:55:3A:EF:BC:F1:45:37:C6:2D:58:32:4C:AA:C2:00:42:5D:8E:B9:1C"},
		Setup:          "active",
		MID:            "0",
		Direction:      "sendonly",
		VP8PayloadType: 96,
		SSRCs:          []uint32{2231627014}, // two a=ssrc lines, one SSRC
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("ParseAnswer:\n got %+v\nwant %+v", a, want)
	}
	if err := ourOffer().Check(a); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestParseAnswerFirefox(t *testing.T) {
	a, err := ParseAnswer(firefoxAnswer)
	if err != nil {
		t.Fatal(err)
	}
	want := &Answer{
		Ufrag:          "7c3e9a1f",
		Pwd:            "4a1c0f6e9b2d8e7f3a5c1b0d9e8f7a6b",
		Fingerprint:    Fingerprint{"sha-256", "9C:58:9A:27:90:C8:D9:1F:D3:17:7F:A6:5A:20:58:01:E8:B2:2E:12:1A:7F:8A:94:36:1D:3D:5F:AE:8C:49:89"},
		Setup:          "active",
		MID:            "0",
		Direction:      "sendonly", // the media level overrides the session's a=sendrecv
		VP8PayloadType: 96,
		SSRCs:          []uint32{1432207389},
		Extmaps: []Extmap{
			{ID: 1, URI: "urn:ietf:params:rtp-hdrext:sdes:mid"},
			{ID: 2, Direction: "sendonly", URI: "urn:ietf:params:rtp-hdrext:csrc-audio-level", Attributes: "vad=on"},
			{ID: 4096, URI: "urn:ietf:params:rtp-hdrext:toffset"}, // the extended range may repeat (RFC 8285 §7)
			{ID: 4096, URI: "http://example.com/082005/ext.htm#ttime"},
		},
		Candidates: []Candidate{
			{Foundation: "0", Component: 1, Transport: "UDP", Priority: 2122187007, Address: "192.168.1.20", Port: 53207, Type: "host"},
			{Foundation: "1", Component: 1, Transport: "TCP", Priority: 2105458943, Address: "192.168.1.20", Port: 9, Type: "host",
				Extensions: []Extension{{"tcptype", "active"}}},
		},
		EndOfCandidates: true,
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("ParseAnswer:\n got %+v\nwant %+v", a, want)
	}
	if err := ourOffer().Check(a); err != nil {
		t.Errorf("Check: %v", err)
	}
}

// TestParseAnswerLevels checks the media-over-session rule with everything
// moved to the session level, and the sendrecv default (RFC 8866 §6.7).
func TestParseAnswerLevels(t *testing.T) {
	text := crlf(
		"v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0",
		"a=ice-ufrag:sess", "a=ice-pwd:sessionsessionsession12",
		"a=fingerprint:SHA-256 21:e0:05:9d:ef:2b:1f:63:de:f4:ce:00:55:3a:ef:bc:f1:45:37:c6:2d:58:32:4c:aa:c2:00:42:5d:8e:b9:1c",
		"a=setup:active",
		"m=video 9 UDP/TLS/RTP/SAVPF 100 96",
		"c=IN IP4 0.0.0.0",
		"a=ice-ufrag:medi",
		"a=mid:v",
		"a=rtcp-mux",
		"a=rtpmap:100 vp8/90000",
		"a=rtpmap:96 VP8/90000",
	)
	a, err := ParseAnswer(text)
	if err != nil {
		t.Fatal(err)
	}
	if a.Ufrag != "medi" || a.Pwd != "sessionsessionsession12" {
		t.Errorf("ufrag, pwd = %q, %q; want the media-level ufrag and the session-level pwd", a.Ufrag, a.Pwd)
	}
	if a.Fingerprint.Algorithm != "sha-256" {
		t.Errorf("fingerprint algorithm = %q, want it lowercased to sha-256", a.Fingerprint.Algorithm)
	}
	if a.Direction != "sendrecv" {
		t.Errorf("direction = %q, want the sendrecv default", a.Direction)
	}
	if a.VP8PayloadType != 100 {
		t.Errorf("VP8 payload type = %d, want 100, the first in m= order, matched case-insensitively", a.VP8PayloadType)
	}
}

// TestParseAnswerPreferredFingerprint checks RFC 8122 §5.1: among several
// fingerprints the one with our most preferred hash is taken.
func TestParseAnswerPreferredFingerprint(t *testing.T) {
	sha1 := "a=fingerprint:sha-1 92:BE:E3:88:1D:33:16:80:1C:C8:62:99:CB:E4:5C:F2:41:28:F9:02"
	sha512 := "a=fingerprint:sha-512 " + strings.Repeat("AB:", 63) + "CD"
	text := strings.Replace(chromiumAnswer, "a=setup:active", sha1+"\r\n"+sha512+"\r\na=setup:active", 1)
	a, err := ParseAnswer(text)
	if err != nil {
		t.Fatal(err)
	}
	if a.Fingerprint.Algorithm != "sha-256" {
		t.Errorf("picked %s, want sha-256, our most preferred", a.Fingerprint.Algorithm)
	}
	// Two certificates hashed alike (RFC 8122 §5.1): the first line wins.
	second := "a=fingerprint:sha-256 " + strings.Repeat("EF:", 31) + "01"
	if a, err := ParseAnswer(strings.Replace(text, sha512, sha512+"\r\n"+second, 1)); err != nil || !strings.HasPrefix(a.Fingerprint.Value, "21:E0") {
		t.Errorf("with two sha-256 fingerprints got %v, %v; want the first", a.Fingerprint, err)
	}
	text = strings.Replace(text, "a=fingerprint:sha-256", "a=fingerprint:md5", 1)
	text = strings.Replace(text, "21:E0:05:9D:EF:2B:1F:63:DE:F4:CE:00:55:3A:EF:BC:F1:45:37:C6:2D:58:32:4C:AA:C2:00:42:5D:8E:B9:1C", "21:E0", 1)
	if a, err = ParseAnswer(text); err != nil {
		t.Fatal(err)
	}
	if a.Fingerprint.Algorithm != "sha-512" {
		t.Errorf("picked %s, want sha-512, the only accepted one", a.Fingerprint.Algorithm)
	}
}

// edit returns chromiumAnswer with the line old replaced by repl ("" deletes
// it); it fails the test if old is not a line of it.
func edit(t *testing.T, old, repl string) string {
	t.Helper()
	if !strings.Contains(chromiumAnswer, "\r\n"+old+"\r\n") {
		t.Fatalf("fixture has no line %q", old)
	}
	if repl == "" {
		return strings.Replace(chromiumAnswer, "\r\n"+old+"\r\n", "\r\n", 1)
	}
	return strings.Replace(chromiumAnswer, "\r\n"+old+"\r\n", "\r\n"+repl+"\r\n", 1)
}

func TestParseAnswerErrors(t *testing.T) {
	const fp = "a=fingerprint:sha-256 21:E0:05:9D:EF:2B:1F:63:DE:F4:CE:00:55:3A:EF:BC:F1:45:37:C6:2D:58:32:4C:AA:C2:00:42:5D:8E:B9:1C"
	tests := []struct {
		name, text, want string
	}{
		{"syntax error gets the answer context", edit(t, "s=-", "s="), "sdp: answer: line 3: empty s= value"},
		{"no media", strings.Split(chromiumAnswer, "m=video")[0], "0 media sections, want 1"},
		{"two media", chromiumAnswer + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", "2 media sections, want 1"},
		{"audio", edit(t, "m=video 9 UDP/TLS/RTP/SAVPF 96", "m=audio 9 UDP/TLS/RTP/SAVPF 96"), "line 8: m=audio: want m=video"},
		{"rejected", edit(t, "m=video 9 UDP/TLS/RTP/SAVPF 96", "m=video 0 UDP/TLS/RTP/SAVPF 96"), "browser rejected the video section"},
		{"proto", edit(t, "m=video 9 UDP/TLS/RTP/SAVPF 96", "m=video 9 RTP/AVP 96"), `m=video proto "RTP/AVP": want UDP/TLS/RTP/SAVPF`},
		{"format", edit(t, "m=video 9 UDP/TLS/RTP/SAVPF 96", "m=video 9 UDP/TLS/RTP/SAVPF 96 128"), `format "128" is not an RTP payload type`},
		{"no ufrag", edit(t, "a=ice-ufrag:Xk3d", ""), "no a=ice-ufrag at media or session level"},
		{"no pwd", edit(t, "a=ice-pwd:q8mTnB2vL0pYc6RwZs9eHf4J", ""), "no a=ice-pwd"},
		{"short ufrag", edit(t, "a=ice-ufrag:Xk3d", "a=ice-ufrag:Xk3"), `line 11: a=ice-ufrag: "Xk3" has 3 characters, want 4 to 256 ice-chars`},
		{"pwd char", edit(t, "a=ice-pwd:q8mTnB2vL0pYc6RwZs9eHf4J", "a=ice-pwd:q8mTnB2vL0pYc6RwZs9eHf4-"), `holds '-', which is not an ice-char`},
		{"ufrag value", edit(t, "a=ice-ufrag:Xk3d", "a=ice-ufrag"), "a=ice-ufrag has no value"},
		{"two ufrags", edit(t, "a=ice-ufrag:Xk3d", "a=ice-ufrag:Xk3d\r\na=ice-ufrag:Yk3d"), "line 12: second a=ice-ufrag at media level"},
		{"no fingerprint", edit(t, fp, ""), "no a=fingerprint at media or session level"},
		{"sha-1", edit(t, fp, "a=fingerprint:sha-1 92:BE:E3:88:1D:33:16:80:1C:C8:62:99:CB:E4:5C:F2:41:28:F9:02"),
			`sdp: answer: line 14: a=fingerprint: algorithm "sha-1" not accepted (want sha-256, sha-384 or sha-512)`},
		{"short fingerprint", edit(t, fp, fp[:len(fp)-3]), "a=fingerprint: sha-256 value has 31 bytes, want 32"},
		{"fingerprint hex", edit(t, fp, strings.Replace(fp, "21:E0", "21:EG", 1)), "is not hex byte pairs separated by colons"},
		{"fingerprint syntax", edit(t, fp, "a=fingerprint:sha-256"), "want <hash-func> SP <fingerprint>"},
		{"no setup", edit(t, "a=setup:active", ""), "no a=setup"},
		{"setup value", edit(t, "a=setup:active", "a=setup:client"), "a=setup:client: not active, passive, actpass or holdconn"},
		{"no mid", edit(t, "a=mid:0", ""), "no a=mid in the video section"},
		{"mid token", edit(t, "a=mid:0", "a=mid:0,1"), "a=mid:0,1: not a token"},
		{"two directions", edit(t, "a=sendonly", "a=sendonly\r\na=inactive"), "two direction attributes (a=sendonly and a=inactive) at media level"},
		{"direction value", edit(t, "a=sendonly", "a=sendonly:yes"), "a direction attribute takes no value"},
		{"no VP8", edit(t, "a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP9/90000"), "no VP8 in answer: the m=video formats 96 have no a=rtpmap:<pt> VP8/90000"},
		{"VP8 not in m=", edit(t, "a=rtpmap:96 VP8/90000", "a=rtpmap:97 VP8/90000"), "a=rtpmap:97 VP8/90000 names a payload type missing from the m=video formats 96"},
		{"VP8 clock", edit(t, "a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP8/48000"), "has clock rate 48000, want 90000"},
		{"rtpmap syntax", edit(t, "a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP8"), "want <payload type 0-127> <encoding name>/<clock rate>"},
		{"rtpmap twice", edit(t, "a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP8/90000\r\na=rtpmap:96 H264/90000"), "second a=rtpmap for payload type 96"},
		{"no rtcp-mux", edit(t, "a=rtcp-mux", ""), "no a=rtcp-mux in the video section"},
		{"ssrc", edit(t, "a=ssrc:2231627014 cname:4TOk42mSjXCkVIa6", "a=ssrc:4294967296 cname:x"), "a=ssrc:4294967296 cname:x: want <ssrc-id 0 to 2^32-1>"},
		{"extmap id 0", edit(t, "a=rtcp-rsize", "a=rtcp-rsize\r\na=extmap:0 urn:x:y"), "ID 0 is outside 1-255 and 4096-4351"},
		{"extmap id 256", edit(t, "a=rtcp-rsize", "a=rtcp-rsize\r\na=extmap:256 urn:x:y"), "ID 256 is outside 1-255 and 4096-4351"},
		{"extmap id 4352", edit(t, "a=rtcp-rsize", "a=rtcp-rsize\r\na=extmap:4352 urn:x:y"), "ID 4352 is outside"},
		{"extmap id twice", edit(t, "a=rtcp-rsize", "a=rtcp-rsize\r\na=extmap:3 urn:x:y\r\na=extmap:3 urn:x:z"), "a=extmap ID 3 used twice"},
		{"extmap uri", edit(t, "a=rtcp-rsize", "a=rtcp-rsize\r\na=extmap:3 toffset"), `"toffset" is not an absolute URI`},
		{"extmap direction", edit(t, "a=rtcp-rsize", "a=rtcp-rsize\r\na=extmap:3/send urn:x:y"), `direction "send" is not sendonly`},
		{"extmap mixed levels", edit(t, "a=extmap-allow-mixed", "a=extmap:1 urn:x:y\r\na=extmap-allow-mixed") + "a=extmap:2 urn:x:z\r\n",
			"a=extmap at both session and media level"},
		{"candidate", edit(t, "a=rtcp-rsize", "a=rtcp-rsize\r\na=candidate:1 1 udp 0 192.0.2.1 5000 typ host"), `line 21: a=candidate: priority "0" is not from 1 to 2^31-1`},
		{"session candidate", edit(t, "a=group:BUNDLE 0", "a=group:BUNDLE 0\r\na=candidate:1 1 udp 1 192.0.2.1 5000 typ host"), "a=candidate at session level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseAnswer(tt.text)
			if err == nil {
				t.Fatalf("ParseAnswer accepted it: %+v", a)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "sdp: answer: ") {
				t.Errorf("error %q\nwant it to start with \"sdp: answer: \" and contain %q", err, tt.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		change func(a *Answer)
		want   string // "" for no error
	}{
		{"as parsed", func(a *Answer) {}, ""},
		{"sendrecv", func(a *Answer) { a.Direction = "sendrecv" }, ""},
		{"mid", func(a *Answer) { a.MID = "1" }, "a=mid:1 does not match the offer's a=mid:0"},
		{"passive", func(a *Answer) { a.Setup = "passive" }, "a=setup:passive: the browser wants to be the DTLS server"},
		{"actpass", func(a *Answer) { a.Setup = "actpass" }, "a=setup:actpass is for offers"},
		{"holdconn", func(a *Answer) { a.Setup = "holdconn" }, "a=setup:holdconn"},
		{"no setup", func(a *Answer) { a.Setup = "" }, `a=setup:"": want a=setup:active`},
		{"inactive", func(a *Answer) { a.Direction = "inactive" }, "a=inactive: the browser will not send video; the page did not attach its camera track to the transceiver the offer created"},
		{"recvonly", func(a *Answer) { a.Direction = "recvonly" }, "a=recvonly: the browser will not send video"},
		{"bad direction", func(a *Answer) { a.Direction = "both" }, `direction "both": want a=sendonly`},
		{"payload type", func(a *Answer) { a.VP8PayloadType = 100 }, "VP8 is on payload type 100, but the offer put it on 96"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseAnswer(chromiumAnswer)
			if err != nil {
				t.Fatal(err)
			}
			tt.change(a)
			err = ourOffer().Check(a)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Check: %v", err)
			case tt.want != "" && err == nil:
				t.Errorf("Check accepted %+v", a)
			case tt.want != "" && (!strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "sdp: answer: ")):
				t.Errorf("error %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
	if err := ourOffer().Check(nil); err == nil {
		t.Error("Check(nil) = nil")
	}
}

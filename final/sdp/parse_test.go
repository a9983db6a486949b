package sdp

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// rfc8866Example is the example of RFC 8866 §5, which uses i=, u=, e=,
// p=, a session-level c= and three media descriptions.
const rfc8866Example = `v=0
o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1
s=Call to John Smith
i=SDP Offer #1
u=http://www.jdoe.example.com/home.html
e=Jane Doe <jane@jdoe.example.com>
p=+1 617 555-6011
c=IN IP4 198.51.100.1
t=0 0
m=audio 49170 RTP/AVP 0
m=audio 49180 RTP/AVP 0
m=video 51372 RTP/AVP 99
c=IN IP6 2001:db8::2
a=rtpmap:99 h263-1998/90000
`

func TestParseRFC8866Example(t *testing.T) {
	s, err := Parse(rfc8866Example)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Lines) != 9 || s.Lines[3] != (Line{'i', "SDP Offer #1", 4}) {
		t.Errorf("session lines = %v", s.Lines)
	}
	if len(s.Media) != 3 {
		t.Fatalf("%d media sections, want 3", len(s.Media))
	}
	video := s.Media[2]
	want := &Media{Type: "video", Port: 51372, Proto: "RTP/AVP", Formats: []string{"99"}, Num: 12,
		Lines: []Line{{'c', "IN IP6 2001:db8::2", 13}, {'a', "rtpmap:99 h263-1998/90000", 14}}}
	if !reflect.DeepEqual(video, want) {
		t.Errorf("third media section:\n got %+v\nwant %+v", video, want)
	}
	if v, ok := video.Attribute("rtpmap"); !ok || v != "99 h263-1998/90000" {
		t.Errorf(`Attribute("rtpmap") = %q, %v`, v, ok)
	}
}

// TestParseLineEndings: CRLF, LF (RFC 8866 §5: parsers SHOULD accept it)
// and a missing final line ending all give the same Session.
func TestParseLineEndings(t *testing.T) {
	lf, err := Parse(rfc8866Example)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"CRLF":          strings.ReplaceAll(rfc8866Example, "\n", "\r\n"),
		"no final LF":   strings.TrimSuffix(rfc8866Example, "\n"),
		"no final CRLF": strings.TrimSuffix(strings.ReplaceAll(rfc8866Example, "\n", "\r\n"), "\r\n"),
	} {
		s, err := Parse(text)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(s, lf) {
			t.Errorf("%s: got %+v, want %+v", name, s, lf)
		}
	}
}

// TestParseTimeDescriptions exercises t=, r= and z= (RFC 8866 §9:
// time-description = t= [1*r= [z=]]), which WebRTC never sends.
func TestParseTimeDescriptions(t *testing.T) {
	text := crlf("v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-",
		"t=3724394400 3724398000", "r=604800 3600 0 90000", "r=7d 1h 0 25h", "z=3730928400 -1h 3749680800 0",
		"t=3724484400 3724488000", "t=0 0", "a=recvonly")
	if _, err := Parse(text); err != nil {
		t.Fatal(err)
	}
}

func TestAttributeLookups(t *testing.T) {
	s, err := Parse(chromiumAnswer)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := s.Attribute("msid-semantic"); !ok || v != " WMS 3b8f6f1e-4c1d-4a8e-9f7b-2b5c1d0e9a77" {
		t.Errorf(`Attribute("msid-semantic") = %q, %v; the leading space is part of the value (RFC 8866 §5)`, v, ok)
	}
	if !s.Flag("extmap-allow-mixed") || s.Flag("group") || s.Flag("rtcp-mux") {
		t.Error("session Flag: want extmap-allow-mixed only")
	}
	if got := s.Attributes("group"); !reflect.DeepEqual(got, []string{"BUNDLE 0"}) {
		t.Errorf(`Attributes("group") = %q`, got)
	}
	m := s.Media[0]
	if got := m.Attributes("rtcp-fb"); !reflect.DeepEqual(got, []string{"96 nack", "96 nack pli", "96 ccm fir"}) {
		t.Errorf(`Attributes("rtcp-fb") = %q`, got)
	}
	if !m.Flag("rtcp-mux") || m.Flag("mid") {
		t.Error("media Flag: want rtcp-mux, not mid")
	}
	if v, ok := m.Attribute("rtcp-mux"); !ok || v != "" {
		t.Errorf(`Attribute("rtcp-mux") = %q, %v; want "", true`, v, ok)
	}
	if _, ok := m.Attribute("ice-lite"); ok {
		t.Error(`Attribute("ice-lite") found a missing attribute`)
	}
	if _, _, _, ok := (Line{Type: 'c', Value: "IN IP4 0.0.0.0"}).Attribute(); ok {
		t.Error("Line.Attribute accepted a c= line")
	}
}

// TestMarshalRoundTrip: Parse then Marshal gives back the text, with CRLF.
func TestMarshalRoundTrip(t *testing.T) {
	for _, text := range []string{chromiumAnswer, strings.ReplaceAll(rfc8866Example, "\n", "\r\n"),
		crlf("v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0", "m=video 49170/2 RTP/AVP 31")} {
		s, err := Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Marshal(); got != text {
			t.Errorf("Marshal:\n%s\nwant\n%s", got, text)
		}
	}
}

func TestParseErrors(t *testing.T) {
	head := "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n"
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", "sdp: empty description"},
		{"too big", head + strings.Repeat("a=x\n", MaxSize/4), "bytes, more than the 65536 accepted"},
		{"too many lines", head + strings.Repeat("a=x\n", MaxLines), "2004 lines, more than the 2000 accepted"},
		{"long line", head + "a=" + strings.Repeat("x", MaxLineLength), "sdp: line 5: line is 4098 bytes, more than the 4096 accepted"},
		{"not v first", "o=- 1 1 IN IP4 0.0.0.0\n", "sdp: line 1: a description starts with v=0"},
		{"version", strings.Replace(head, "v=0", "v=1", 1), "line 1: v=1: unsupported version, want v=0"},
		{"no o=", "v=0\ns=-\nt=0 0\n", "sdp: line 2: missing o= line before this point"},
		{"no s=", "v=0\no=- 1 1 IN IP4 0.0.0.0\nt=0 0\n", "line 3: missing s= line"},
		{"no t= before m=", "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nm=video 9 RTP/AVP 96\n", "line 4: missing t= line"},
		{"no t= at all", "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\na=x\n", "line 4: missing t= line"},
		{"only v=", "v=0\n", "sdp: missing o= line"},
		{"order", "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nc=IN IP4 0.0.0.0\n", "line 5: c= line after t= line: RFC 8866 §5 fixes the session-level order v o s i u e p c b t r z k a"},
		{"media order", head + "m=video 9 RTP/AVP 96\na=x\nc=IN IP4 0.0.0.0\n", "line 7: c= line after a= line"},
		{"two s=", "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\ns=-\nt=0 0\n", "line 4: second s= line; a session section has at most one"},
		{"two i= in media", head + "m=video 9 RTP/AVP 96\ni=a\ni=b\n", "line 7: second i= line; a media section has at most one"},
		{"unknown type", head + "x=1\n", "line 5: unknown line type x="},
		{"session line in media", head + "m=video 9 RTP/AVP 96\nt=0 0\n", "line 6: t= is a session-level line"},
		{"uppercase", head + "A=x\n", `line 5: line type 'A' is not a lowercase letter`},
		{"spaces around =", head + "a = x\n", `line 5: want <type>=<value>, got "a = x"`},
		{"one letter", head + "a\n", `want <type>=<value>`},
		{"blank line", head + "\na=x\n", "line 5: empty line"},
		{"NUL", head + "a=x\x00y\n", "line 5: a= line contains a NUL byte"},
		{"stray CR", head + "a=x\ry\n", "line 5: a= line contains a CR that does not end the line"},
		{"o= fields", strings.Replace(head, "o=- 1 1 IN IP4 0.0.0.0", "o=- 1 1 IN IP4", 1), "line 2: o= has 5 fields, want 6"},
		{"o= double space", strings.Replace(head, "o=- 1 1", "o=-  1 1", 1), "o= has 7 fields"},
		{"o= sess-id", strings.Replace(head, "o=- 1 1", "o=- x 1", 1), `o= <sess-id> "x" is not a number`},
		{"o= sess-version", strings.Replace(head, "o=- 1 1", "o=- 1 -1", 1), `o= <sess-version> "-1" is not a number`},
		{"o= nettype", strings.Replace(head, "IN IP4", "I(N IP4", 1), `o= <nettype> <addrtype> "I(N" "IP4" are not tokens`},
		{"empty s=", strings.Replace(head, "s=-", "s=", 1), "line 3: empty s= value"},
		{"t= short time", strings.Replace(head, "t=0 0", "t=12 0", 1), "line 4: t=12 0: want t=<start-time> <stop-time>"},
		{"t= one field", strings.Replace(head, "t=0 0", "t=0", 1), "t=0: want"},
		{"z= without r=", head + "z=3730928400 -1h\n", "line 5: z= may not follow t="},
		{"r= after a=", head + "a=x\nr=1 1 1\n", "line 6: r= may not follow a="},
		{"c= syntax", head + "m=video 9 RTP/AVP 96\nc=IN IP4\n", "line 6: c=IN IP4: want c=<nettype> <addrtype> <connection-address>"},
		{"b= syntax", head + "m=video 9 RTP/AVP 96\nb=AS\n", "line 6: b=AS: want b=<bwtype>:<bandwidth>"},
		{"m= fields", head + "m=video 9 RTP/AVP\n", "line 5: m=video 9 RTP/AVP: want m=<media> <port> <proto> <fmt> ..."},
		{"m= port", head + "m=video 65536 RTP/AVP 96\n", `m= <port> "65536" is not a number from 0 to 65535`},
		{"m= port sign", head + "m=video +9 RTP/AVP 96\n", `m= <port> "+9" is not a number`},
		{"m= port count", head + "m=video 9/0 RTP/AVP 96\n", `m= <number of ports> "0" is not a positive integer`},
		{"m= media", head + "m=vid(eo 9 RTP/AVP 96\n", `m= <media> "vid(eo" is not a token`},
		{"m= proto", head + "m=video 9 RTP//AVP 96\n", `m= <proto> "RTP//AVP" is not token *("/" token)`},
		{"m= fmt", head + "m=video 9 RTP/AVP 96 \n", `m= <fmt> "" is not a token`},
		{"attribute name", head + "a=:x\n", `line 5: a=:x: attribute name "" is not a token`},
		{"attribute name char", head + "a=ice ufrag:x\n", `attribute name "ice ufrag" is not a token`},
		{"attribute value", head + "a=mid:\n", "line 5: a=mid: empty value after ':'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.text)
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", s)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("error %T is not an *Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "sdp: ") {
				t.Errorf("error %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

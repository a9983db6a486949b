package sdp

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseCandidate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Candidate
	}{
		{"Chromium 156, trickled", "candidate:3657540911 1 udp 2122260223 127.0.0.1 36574 typ host generation 0 ufrag Qlgk network-id 1 network-cost 50",
			Candidate{Foundation: "3657540911", Component: 1, Transport: "udp", Priority: 2122260223, Address: "127.0.0.1", Port: 36574, Type: "host",
				Extensions: []Extension{{"generation", "0"}, {"ufrag", "Qlgk"}, {"network-id", "1"}, {"network-cost", "50"}}}},
		{"Firefox 153, IPv6", "candidate:1 1 UDP 2122252543 ::1 33532 typ host",
			Candidate{Foundation: "1", Component: 1, Transport: "UDP", Priority: 2122252543, Address: "::1", Port: 33532, Type: "host"}},
		{"Firefox 153, TCP active", "candidate:2 1 TCP 2105458943 127.0.0.1 9 typ host tcptype active",
			Candidate{Foundation: "2", Component: 1, Transport: "TCP", Priority: 2105458943, Address: "127.0.0.1", Port: 9, Type: "host",
				Extensions: []Extension{{"tcptype", "active"}}}},
		{"mDNS host", "candidate:1560499547 1 udp 2113937151 2cf0b2c0-0842-4fe3-aaa0-4556a2dfbadc.local 33192 typ host generation 0 network-cost 999",
			Candidate{Foundation: "1560499547", Component: 1, Transport: "udp", Priority: 2113937151, Address: "2cf0b2c0-0842-4fe3-aaa0-4556a2dfbadc.local",
				Port: 33192, Type: "host", Extensions: []Extension{{"generation", "0"}, {"network-cost", "999"}}}},
		{"srflx, raddr hidden", "a=candidate:842163049 1 udp 1677729535 198.51.100.10 52200 typ srflx raddr 0.0.0.0 rport 0 generation 0 network-cost 999",
			Candidate{Foundation: "842163049", Component: 1, Transport: "udp", Priority: 1677729535, Address: "198.51.100.10", Port: 52200, Type: "srflx",
				RelatedAddress: "0.0.0.0", RelatedPort: 0, Extensions: []Extension{{"generation", "0"}, {"network-cost", "999"}}}},
		{"RFC 8839 §5.1 example", "a=candidate:2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 203.0.113.141 rport 8998",
			Candidate{Foundation: "2", Component: 1, Transport: "UDP", Priority: 1694498815, Address: "192.0.2.3", Port: 45664, Type: "srflx",
				RelatedAddress: "203.0.113.141", RelatedPort: 8998}},
		{"relay over IPv6, bare value", "a+b/C 2 udp 41885439 2001:db8::7 3478 typ relay raddr 2001:db8::1 rport 50000",
			Candidate{Foundation: "a+b/C", Component: 2, Transport: "udp", Priority: 41885439, Address: "2001:db8::7", Port: 3478, Type: "relay",
				RelatedAddress: "2001:db8::1", RelatedPort: 50000}},
		{"pion's offer, component 2", "candidate:2878742611 2 udp 2130706431 127.0.0.1 35912 typ host ufrag uTFgFWhMGUbyjsNg",
			Candidate{Foundation: "2878742611", Component: 2, Transport: "udp", Priority: 2130706431, Address: "127.0.0.1", Port: 35912, Type: "host",
				Extensions: []Extension{{"ufrag", "uTFgFWhMGUbyjsNg"}}}},
		{"upper bounds", "candidate:" + strings.Repeat("f", 32) + " 256 udp 2147483647 255.255.255.255 65535 typ prflx raddr 10.0.0.1 rport 65535",
			Candidate{Foundation: strings.Repeat("f", 32), Component: 256, Transport: "udp", Priority: 2147483647, Address: "255.255.255.255", Port: 65535,
				Type: "prflx", RelatedAddress: "10.0.0.1", RelatedPort: 65535}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCandidate(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c, tt.want) {
				t.Errorf("ParseCandidate:\n got %+v\nwant %+v", c, tt.want)
			}
			// String writes the value after "a=", with the "candidate:" prefix.
			want := "candidate:" + strings.TrimPrefix(strings.TrimPrefix(tt.in, "a="), "candidate:")
			if got := c.String(); got != want {
				t.Errorf("String:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestParseCandidateErrors(t *testing.T) {
	const ok = "candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host"
	tests := []struct {
		name, in, want string
	}{
		{"too few fields", "candidate:1 1 udp 2122260223 192.0.2.1 50000 typ", "want <foundation> <component-id> <transport> <priority> <address> <port> typ <type>"},
		{"no typ", "candidate:1 1 udp 2122260223 192.0.2.1 50000 type host", "want <foundation>"},
		{"double space", strings.Replace(ok, "udp ", "udp  ", 1), "empty field; fields are separated by single spaces"},
		{"trailing CRLF", ok + "\r\n", "type \"host\\r\\n\" is not a token"},
		{"other attribute", "a=foo:1 1 udp 1 192.0.2.1 5 typ host", "is not an a=candidate line"},
		{"foundation length", strings.Replace(ok, ":1 ", ":"+strings.Repeat("1", 33)+" ", 1), "foundation: \"111111111111111111111111111111111\" has 33 characters, want 1 to 32"},
		{"foundation char", strings.Replace(ok, ":1 ", ":a-b ", 1), `foundation: "a-b" holds '-', which is not an ice-char`},
		{"component 0", strings.Replace(ok, " 1 udp", " 0 udp", 1), `component-id "0" is not from 1 to 256`},
		{"component 257", strings.Replace(ok, " 1 udp", " 257 udp", 1), `component-id "257" is not from 1 to 256`},
		{"component 4 digits", strings.Replace(ok, " 1 udp", " 0001 udp", 1), `component-id "0001"`},
		{"transport", strings.Replace(ok, "udp", "u(dp", 1), `transport "u(dp" is not a token`},
		{"priority 0", strings.Replace(ok, "2122260223", "0", 1), `priority "0" is not from 1 to 2^31-1`},
		{"priority 2^31", strings.Replace(ok, "2122260223", "2147483648", 1), `priority "2147483648" is not from 1 to 2^31-1`},
		{"priority sign", strings.Replace(ok, "2122260223", "+1", 1), `priority "+1"`},
		{"FQDN", strings.Replace(ok, "192.0.2.1", "turn.example.com", 1), `address "turn.example.com" is neither an IP address nor an mDNS name ending in .local`},
		{"bare .local", strings.Replace(ok, "192.0.2.1", ".local", 1), `address ".local" is neither`},
		{"mDNS label", strings.Replace(ok, "192.0.2.1", "a_b.local", 1), `address "a_b.local" is neither`},
		{"IPv4 with leading zero", strings.Replace(ok, "192.0.2.1", "192.0.2.01", 1), `address "192.0.2.01" is neither`},
		{"IPv6 zone", strings.Replace(ok, "192.0.2.1", "fe80::1%eth0", 1), `address "fe80::1%eth0" has an IPv6 zone`},
		{"port", strings.Replace(ok, "50000", "65536", 1), `port "65536" is not a number from 0 to 65535`},
		{"type", strings.Replace(ok, "typ host", "typ ho@st", 1), `type "ho@st" is not a token`},
		{"raddr alone", ok + " raddr 192.0.2.2", "raddr without rport after it"},
		{"raddr then extension", ok + " raddr 192.0.2.2 generation 0", "raddr without rport after it"},
		{"rport first", ok + " rport 1 raddr 192.0.2.2", "rport must come right after \"typ host\""},
		{"raddr late", ok + " generation 0 raddr 192.0.2.2 rport 1", "raddr must come right after"},
		{"raddr address", ok + " raddr example.com rport 1", `raddr "example.com" is neither`},
		{"rport", ok + " raddr 192.0.2.2 rport x", `rport "x" is not a number`},
		{"odd extension", ok + " generation", `extension "generation" has no value`},
		{"extension name", ok + " gen(eration 0", `extension name "gen(eration" is not a token`},
		{"extension value", ok + " network-name wlän", `extension network-name value "wlän" is not visible ASCII`},
		{"too long", ok + strings.Repeat(" x y", MaxLineLength/4), "more than the 4096 accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCandidate(tt.in)
			if err == nil {
				t.Fatalf("ParseCandidate accepted it: %+v", c)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "sdp: a=candidate") {
				t.Errorf("error %q\nwant it to start with \"sdp: a=candidate\" and contain %q", err, tt.want)
			}
		})
	}
}

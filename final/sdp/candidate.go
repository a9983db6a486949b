package sdp

// This file reads and writes ICE candidates, the a=candidate attribute of
// RFC 8839 §5.1. Browsers rarely put candidates in the answer itself: they
// trickle them one by one through the page (onicecandidate), each as the
// string "candidate:...", which ParseCandidate also reads.
//
//	candidate-attribute = "candidate" ":" foundation SP component-id SP
//	                      transport SP priority SP
//	                      connection-address SP port
//	                      SP cand-type [SP rel-addr] [SP rel-port]
//	                      *(SP cand-extension)
//	foundation          = 1*32ice-char
//	component-id        = 1*3DIGIT
//	transport           = "UDP" / transport-extension
//	priority            = 1*10DIGIT
//	cand-type           = "typ" SP candidate-types
//	candidate-types     = "host" / "srflx" / "prflx" / "relay" / token
//	rel-addr            = "raddr" SP connection-address
//	rel-port            = "rport" SP port
//	cand-extension      = extension-att-name SP extension-att-value
//	extension-att-name  = token
//	extension-att-value = *VCHAR

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Candidate is one a=candidate line (RFC 8839 §5.1).
type Candidate struct {
	Foundation     string      // 1 to 32 ice-chars; equal for candidates of the same type, base and server (RFC 8445 §5.1.1.3)
	Component      int         // 1 for RTP, 2 for RTCP (RFC 8839 §5.1); with a=rtcp-mux only 1 is used
	Transport      string      // "udp" (Chromium) or "UDP" (Firefox), "tcp" for TCP candidates; kept as written, compare with strings.EqualFold
	Priority       uint32      // 1 to 2^31-1 (RFC 8839 §5.1), computed by the formula of RFC 8445 §5.1.2.1
	Address        string      // an IPv4 or IPv6 address, or an mDNS name "<uuid>.local" that hides a host address
	Port           int         // 0 to 65535; browsers write 9 for TCP "active" candidates, which never listen
	Type           string      // host, srflx, prflx or relay (RFC 8445 §5.1.1)
	RelatedAddress string      // raddr: the base of a srflx or prflx candidate, the mapped address of a relay one; "" when absent
	RelatedPort    int         // rport, with RelatedAddress; 0 when absent
	Extensions     []Extension // the name/value pairs after the fixed fields, in order; nil when none
}

// Extension is one cand-extension name/value pair of an a=candidate line,
// such as Chromium's "generation 0", "ufrag Qlgk", "network-id 1",
// "network-cost 50", or Firefox's "tcptype active" (RFC 6544 §4.5).
type Extension struct {
	Name  string // extension-att-name, a token
	Value string // extension-att-value, visible ASCII characters
}

// ParseCandidate reads one candidate. It accepts the attribute line
// "a=candidate:...", the attribute value "candidate:..." (what a browser's
// RTCIceCandidate.candidate holds) or the bare value after "candidate:".
// Fields are separated by single spaces, as the grammar's SP says.
//
// Addresses may be IPv4, IPv6 or an mDNS name ending in ".local", which
// browsers use to hide private host addresses from the page
// (draft-ietf-mmusic-mdns-ice-candidates). Other domain names are an error:
// RFC 8839 §5.1 says an agent MUST NOT generate FQDN candidates and MUST
// ignore the ones it receives, so a caller reading trickled candidates can
// log such an error and skip the candidate.
func ParseCandidate(s string) (Candidate, error) {
	c, err := parseCandidate(s)
	if err != nil {
		return Candidate{}, &Error{Msg: err.Error()}
	}
	return c, nil
}

func parseCandidate(s string) (Candidate, error) {
	if len(s) > MaxLineLength {
		return Candidate{}, fmt.Errorf("a=candidate: %d bytes, more than the %d accepted", len(s), MaxLineLength)
	}
	v, ok := strings.CutPrefix(s, "a=")
	if ok {
		if v, ok = strings.CutPrefix(v, "candidate:"); !ok {
			return Candidate{}, fmt.Errorf("a=candidate: %q is not an a=candidate line", clip(s))
		}
	} else {
		v = strings.TrimPrefix(v, "candidate:")
	}
	f := strings.Split(v, " ")
	for _, field := range f {
		if field == "" {
			return Candidate{}, fmt.Errorf("a=candidate:%s: empty field; fields are separated by single spaces", clip(v))
		}
	}
	if len(f) < 8 || f[6] != "typ" {
		return Candidate{}, fmt.Errorf("a=candidate:%s: want <foundation> <component-id> <transport> <priority> <address> <port> typ <type> (RFC 8839 §5.1)", clip(v))
	}
	var c Candidate
	var err error
	if err = checkICEChars("a=candidate: foundation", f[0], 1, 32); err != nil {
		return Candidate{}, err
	}
	c.Foundation = f[0]
	comp, ok := parseUint(f[1], 256)
	if !ok || comp == 0 || len(f[1]) > 3 {
		return Candidate{}, fmt.Errorf("a=candidate: component-id %q is not from 1 to 256 (RFC 8839 §5.1)", clip(f[1]))
	}
	c.Component = int(comp)
	if !isToken(f[2]) {
		return Candidate{}, fmt.Errorf("a=candidate: transport %q is not a token", clip(f[2]))
	}
	c.Transport = f[2]
	prio, ok := parseUint(f[3], 1<<31-1)
	if !ok || prio == 0 {
		return Candidate{}, fmt.Errorf("a=candidate: priority %q is not from 1 to 2^31-1 (RFC 8839 §5.1)", clip(f[3]))
	}
	c.Priority = uint32(prio)
	if err = checkCandidateAddress("address", f[4]); err != nil {
		return Candidate{}, err
	}
	c.Address = f[4]
	if c.Port, err = candidatePort("port", f[5]); err != nil {
		return Candidate{}, err
	}
	if !isToken(f[7]) {
		return Candidate{}, fmt.Errorf("a=candidate: type %q is not a token", clip(f[7]))
	}
	c.Type = f[7]
	rest := f[8:]
	// rel-addr and rel-port: RFC 8839 §5.1 makes them present together
	// (srflx, prflx, relay) or absent together (host).
	if len(rest) > 0 && rest[0] == "raddr" {
		if len(rest) < 4 || rest[2] != "rport" {
			return Candidate{}, fmt.Errorf("a=candidate: raddr without rport after it")
		}
		if err = checkCandidateAddress("raddr", rest[1]); err != nil {
			return Candidate{}, err
		}
		c.RelatedAddress = rest[1]
		if c.RelatedPort, err = candidatePort("rport", rest[3]); err != nil {
			return Candidate{}, err
		}
		rest = rest[4:]
	}
	if len(rest)%2 != 0 {
		return Candidate{}, fmt.Errorf("a=candidate: extension %q has no value (cand-extension = name SP value)", clip(rest[len(rest)-1]))
	}
	for i := 0; i < len(rest); i += 2 {
		name, value := rest[i], rest[i+1]
		switch {
		case name == "raddr" || name == "rport":
			return Candidate{}, fmt.Errorf("a=candidate: %s must come right after \"typ %s\" (RFC 8839 §5.1)", name, c.Type)
		case !isToken(name):
			return Candidate{}, fmt.Errorf("a=candidate: extension name %q is not a token", clip(name))
		case !isVisibleASCII(value):
			return Candidate{}, fmt.Errorf("a=candidate: extension %s value %q is not visible ASCII (*VCHAR)", name, clip(value))
		}
		c.Extensions = append(c.Extensions, Extension{Name: name, Value: value})
	}
	return c, nil
}

func candidatePort(field, s string) (int, error) {
	p, ok := parseUint(s, 65535)
	if !ok {
		return 0, fmt.Errorf("a=candidate: %s %q is not a number from 0 to 65535", field, clip(s))
	}
	return int(p), nil
}

// checkCandidateAddress accepts an IP address without a zone, or an mDNS
// host name: labels of letters, digits and hyphens ending in ".local".
func checkCandidateAddress(field, s string) error {
	if a, err := netip.ParseAddr(s); err == nil {
		if a.Zone() != "" {
			return fmt.Errorf("a=candidate: %s %q has an IPv6 zone, which has no meaning to the peer", field, clip(s))
		}
		return nil
	}
	if isMDNSName(s) {
		return nil
	}
	return fmt.Errorf("a=candidate: %s %q is neither an IP address nor an mDNS name ending in .local (RFC 8839 §5.1 ignores FQDN candidates)", field, clip(s))
}

func isMDNSName(s string) bool {
	if len(s) > 253 || len(s) <= len(".local") || !strings.EqualFold(s[len(s)-len(".local"):], ".local") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			b := label[i]
			if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-') {
				return false
			}
		}
	}
	return true
}

// isVisibleASCII reports whether s is 1*VCHAR (%x21-7E).
func isVisibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}

// String returns the candidate as it appears after "a=":
// "candidate:<foundation> <component-id> <transport> ... typ <type> ...".
// It is also the string a page passes to RTCPeerConnection.addIceCandidate.
func (c Candidate) String() string {
	var b strings.Builder
	b.WriteString("candidate:")
	b.WriteString(c.Foundation)
	for _, f := range []string{
		strconv.Itoa(c.Component), c.Transport, strconv.FormatUint(uint64(c.Priority), 10),
		c.Address, strconv.Itoa(c.Port), "typ", c.Type,
	} {
		b.WriteByte(' ')
		b.WriteString(f)
	}
	if c.RelatedAddress != "" {
		fmt.Fprintf(&b, " raddr %s rport %d", c.RelatedAddress, c.RelatedPort)
	}
	for _, e := range c.Extensions {
		b.WriteByte(' ')
		b.WriteString(e.Name)
		b.WriteByte(' ')
		b.WriteString(e.Value)
	}
	return b.String()
}

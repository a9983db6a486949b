package sdp

// This file checks the fields of the non-attribute lines against the grammar
// of RFC 8866 §9, and defines the grammar's small building blocks (token,
// digits, non-ws-string). WebRTC ignores most of these values (JSEP §5.8.1:
// c=, t= and the rest "MUST be checked for syntax, but their values are not
// otherwise used"), but a line that breaks the grammar still rejects the
// whole description.

import "strings"

// checkField checks the value of one line other than m=.
func checkField(l Line) error {
	v := l.Value
	switch l.Type {
	case 'v':
		// RFC 8866 §5.1: "This memo defines version 0. There is no minor
		// version number." JSEP §5.8.1: the v= line MUST have version 0.
		if v != "0" {
			return lineError(l.Num, "v=%s: unsupported version, want v=0 (RFC 8866 §5.1)", clip(v))
		}
	case 'o':
		return checkOrigin(l)
	case 'c':
		return checkConnection(l)
	case 'b':
		// RFC 8866 §5.8: b=<bwtype>:<bandwidth>
		name, bw, _ := strings.Cut(v, ":")
		if !isToken(name) || !isDigits(bw) {
			return lineError(l.Num, "b=%s: want b=<bwtype>:<bandwidth> (RFC 8866 §5.8)", clip(v))
		}
	case 't':
		return checkTime(l)
	case 'a':
		return checkAttribute(l)
	default: // s= i= u= e= p= k= r= z=: text WebRTC never reads
		if v == "" {
			return lineError(l.Num, "empty %c= value (RFC 8866 §9: text is one or more bytes; JSEP uses s=-)", l.Type)
		}
	}
	return nil
}

// checkOrigin checks an o= line (RFC 8866 §5.2):
//
//	o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
//
// The sess-id is only checked to be digits: RFC 8866 §9 gives it no upper
// bound, and Firefox writes 19 digits.
func checkOrigin(l Line) error {
	f := strings.Split(l.Value, " ")
	if len(f) != 6 {
		return lineError(l.Num, "o= has %d fields, want 6 separated by single spaces: <username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 §5.2)", len(f))
	}
	switch {
	case !isNonWS(f[0]):
		return lineError(l.Num, "o= <username> %q is not a visible string", clip(f[0]))
	case !isDigits(f[1]):
		return lineError(l.Num, "o= <sess-id> %q is not a number", clip(f[1]))
	case !isDigits(f[2]):
		return lineError(l.Num, "o= <sess-version> %q is not a number", clip(f[2]))
	case !isToken(f[3]) || !isToken(f[4]):
		return lineError(l.Num, "o= <nettype> <addrtype> %q %q are not tokens", clip(f[3]), clip(f[4]))
	case !isNonWS(f[5]):
		return lineError(l.Num, "o= <unicast-address> %q is not a visible string", clip(f[5]))
	}
	return nil
}

// checkConnection checks a c= line (RFC 8866 §5.7):
//
//	c=<nettype> <addrtype> <connection-address>
func checkConnection(l Line) error {
	f := strings.Split(l.Value, " ")
	if len(f) != 3 || !isToken(f[0]) || !isToken(f[1]) || !isNonWS(f[2]) {
		return lineError(l.Num, "c=%s: want c=<nettype> <addrtype> <connection-address> (RFC 8866 §5.7)", clip(l.Value))
	}
	return nil
}

// checkTime checks a t= line (RFC 8866 §5.9):
//
//	t=<start-time> <stop-time>
//	start-time = time / "0"
//	time       = POS-DIGIT 9*DIGIT
func checkTime(l Line) error {
	f := strings.Split(l.Value, " ")
	if len(f) != 2 || !isTime(f[0]) || !isTime(f[1]) {
		return lineError(l.Num, "t=%s: want t=<start-time> <stop-time>, each 0 or a 10+ digit NTP time (RFC 8866 §5.9; JSEP writes t=0 0)", clip(l.Value))
	}
	return nil
}

func isTime(s string) bool {
	return s == "0" || (len(s) >= 10 && s[0] != '0' && isDigits(s))
}

// checkAttribute checks an a= line against the generic attribute grammar
// (RFC 8866 §9); what the value means is the business of each attribute.
//
//	attribute       = (attribute-name ":" attribute-value) / attribute-name
//	attribute-name  = token
//	attribute-value = byte-string  ; one or more bytes
func checkAttribute(l Line) error {
	name, value, hasValue := strings.Cut(l.Value, ":")
	if !isToken(name) {
		return lineError(l.Num, "a=%s: attribute name %q is not a token (RFC 8866 §9)", clip(l.Value), clip(name))
	}
	if hasValue && value == "" {
		return lineError(l.Num, "a=%s: empty value after ':' (RFC 8866 §9: attribute-value is one or more bytes)", name)
	}
	return nil
}

// parseMediaLine reads an m= line (RFC 8866 §5.14):
//
//	media-field = %s"m" "=" media SP port ["/" integer] SP proto 1*(SP fmt)
//	proto       = token *("/" token)
//	fmt         = token
func parseMediaLine(l Line) (*Media, error) {
	f := strings.Split(l.Value, " ")
	if len(f) < 4 {
		return nil, lineError(l.Num, "m=%s: want m=<media> <port> <proto> <fmt> ... (RFC 8866 §5.14)", clip(l.Value))
	}
	m := &Media{Type: f[0], Proto: f[2], Formats: f[3:], Num: l.Num}
	if !isToken(m.Type) {
		return nil, lineError(l.Num, "m= <media> %q is not a token", clip(m.Type))
	}
	port, count, hasCount := strings.Cut(f[1], "/")
	p, ok := parseUint(port, 65535)
	if !ok {
		return nil, lineError(l.Num, "m= <port> %q is not a number from 0 to 65535", clip(f[1]))
	}
	m.Port = int(p)
	if hasCount {
		n, ok := parseUint(count, 65535)
		if !ok || n == 0 || count[0] == '0' {
			return nil, lineError(l.Num, "m= <number of ports> %q is not a positive integer", clip(count))
		}
		m.PortCount = int(n)
	}
	for _, t := range strings.Split(m.Proto, "/") {
		if !isToken(t) {
			return nil, lineError(l.Num, "m= <proto> %q is not token *(\"/\" token)", clip(m.Proto))
		}
	}
	for _, t := range m.Formats {
		if !isToken(t) {
			return nil, lineError(l.Num, "m= <fmt> %q is not a token", clip(t))
		}
	}
	return m, nil
}

// The building blocks of RFC 8866 §9.

// isTokenChar reports whether b is a token-char:
//
//	token-char = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*"
//	             / "+" / "-" / "." / "^" / "_" / "`" / "{" / "|" / "}" / "~"
func isTokenChar(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`{|}~", b) >= 0
}

// isToken reports whether s is a token: 1*(token-char).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

// isDigits reports whether s is 1*DIGIT.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isNonWS reports whether s is a non-ws-string: 1*(VCHAR / %x80-FF).
func isNonWS(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b == 0x7f {
			return false
		}
	}
	return true
}

// parseUint reads 1*DIGIT as a number no larger than max. Unlike
// strconv.ParseUint it takes no sign, no "0x" and no underscores: the
// grammar's DIGIT is only 0-9.
func parseUint(s string, max uint64) (uint64, bool) {
	if !isDigits(s) {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		n = n*10 + uint64(s[i]-'0')
		if n > max {
			return 0, false
		}
	}
	return n, true
}

package sdp

// This file reads the browser's answer: JSEP §5.8 ("Parsing a Session
// Description") narrowed to the one video section our offer has, and JSEP
// §5.8.3 ("Semantics Verification"): the mandatory features must be
// present. Whether the answer fits our offer (same MID, same payload type,
// the right DTLS role and direction) is Check's business, in check.go.

import (
	"errors"
	"fmt"
	"strings"
)

// Answer is what the server takes from the browser's answer.
type Answer struct {
	Ufrag           string      // the browser's a=ice-ufrag, media level else session level (RFC 8839 §5.4)
	Pwd             string      // the browser's a=ice-pwd, media level else session level (RFC 8839 §5.4)
	Fingerprint     Fingerprint // the browser's certificate fingerprint, media level else session level (RFC 8122 §5)
	Setup           string      // a=setup: "active", "passive", "actpass" or "holdconn" (RFC 4145 §4); Check wants active
	MID             string      // a=mid of the video section (RFC 5888 §4)
	Direction       string      // "sendonly", "sendrecv", "recvonly" or "inactive": media level, else session level, else sendrecv (RFC 8866 §6.7)
	VP8PayloadType  uint8       // the first payload type of the m= line whose a=rtpmap is VP8/90000 (RFC 7741 §6.2.1)
	SSRCs           []uint32    // the SSRCs of the a=ssrc lines, each once, in order (RFC 5576 §4.1); both browsers list the video SSRC before its RTX one
	Extmaps         []Extmap    // the a=extmap lines, in order (RFC 8285 §5)
	Candidates      []Candidate // a=candidate lines of the video section (RFC 8839 §5.1); browsers usually trickle them instead
	EndOfCandidates bool        // a=end-of-candidates is present (RFC 8840 §8.1)
}

// ParseAnswer parses the browser's answer and checks that it has everything
// this server needs, in this order:
//
//   - one m=video section, not rejected (port 0), with proto
//     UDP/TLS/RTP/SAVPF and RTP payload types as formats;
//   - a=ice-ufrag and a=ice-pwd of legal length and alphabet;
//   - an a=fingerprint with sha-256, sha-384 or sha-512 and a value of the
//     right length;
//   - an a=setup role, an a=mid, at most one direction attribute;
//   - an a=rtpmap VP8/90000 for a payload type of the m= line;
//   - a=rtcp-mux.
//
// It also reads a=ssrc, a=extmap and a=candidate lines; a malformed one is
// an error, as JSEP §5.8 asks. Attributes it does not know are ignored (RFC
// 8866 §5.13). Every error is an *Error with Context "answer".
func ParseAnswer(text string) (*Answer, error) {
	s, err := Parse(text)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Context = "answer"
		}
		return nil, err
	}
	m, err := videoSection(s)
	if err != nil {
		return nil, err
	}
	r := &answerReader{s: s, m: m, a: &Answer{}}
	for _, step := range []func() error{
		r.iceCredentials,
		r.fingerprint,
		r.setup,
		r.mid,
		r.direction,
		r.vp8,
		r.rtcpMux,
		r.ssrcs,
		r.extmaps,
		r.candidates,
	} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return r.a, nil
}

func answerError(line int, format string, args ...any) *Error {
	return &Error{Context: "answer", Line: line, Msg: fmt.Sprintf(format, args...)}
}

// videoSection finds the one media section. RFC 3264 §6: the answer has
// exactly as many m= lines as the offer, in the same order, and our offer
// has one.
func videoSection(s *Session) (*Media, error) {
	if len(s.Media) != 1 {
		return nil, answerError(0, "%d media sections, want 1: the offer has one m=video section, and an answer has as many m= lines as its offer (RFC 3264 §6)", len(s.Media))
	}
	m := s.Media[0]
	switch {
	case m.Type != "video":
		return nil, answerError(m.Num, "m=%s: want m=video, the media type of the offer (JSEP §5.8.3)", m.Type)
	case m.Port == 0:
		// JSEP §5.3.1: the answerer sets the port to zero when it has no
		// codec in common, or when the transceiver was stopped.
		return nil, answerError(m.Num, "browser rejected the video section (m=video port 0): it has no codec in common with the offer, or its transceiver was stopped (JSEP §5.3.1)")
	case m.Proto != "UDP/TLS/RTP/SAVPF":
		return nil, answerError(m.Num, "m=video proto %q: want UDP/TLS/RTP/SAVPF; the answer's <proto> MUST match the offer's exactly (JSEP §5.3.1)", clip(m.Proto))
	}
	for _, f := range m.Formats {
		if _, ok := parsePayloadType(f); !ok {
			return nil, answerError(m.Num, "m=video format %q is not an RTP payload type from 0 to 127 (RFC 8866 §5.14)", clip(f))
		}
	}
	return m, nil
}

// answerReader reads one attribute group after another into a.
type answerReader struct {
	s *Session // the parsed answer
	m *Media   // its video section
	a *Answer  // what has been read so far
}

// single returns the one a=<name> line at a level, or an error if there are
// two: JSEP §5.8.1 and §5.8.2 read "a single" a=ice-ufrag, a=ice-pwd,
// a=setup and direction line per level.
func single(lines []Line, name, level string) (Line, bool, error) {
	found := attributeLines(lines, name)
	switch len(found) {
	case 0:
		return Line{}, false, nil
	case 1:
		return found[0], true, nil
	}
	return Line{}, false, answerError(found[1].Num, "second a=%s at %s level; there may be one (JSEP §5.8)", name, level)
}

// mediaOrSession returns the a=<name> line of the video section, or else
// the one of the session level: for these attributes the media level
// overrides the session level (RFC 8866 §5; RFC 8839 §5.4; RFC 8122 §5).
func (r *answerReader) mediaOrSession(name string) (Line, bool, error) {
	l, ok, err := single(r.m.Lines, name, "media")
	if ok || err != nil {
		return l, ok, err
	}
	return single(r.s.Lines, name, "session")
}

// attrValue returns the value of an a=<name>:<value> line, or an error if the
// line has none.
func attrValue(l Line) (string, error) {
	name, v, hasValue, _ := l.Attribute()
	if !hasValue {
		return "", answerError(l.Num, "a=%s has no value", name)
	}
	return v, nil
}

// iceCredentials reads a=ice-ufrag and a=ice-pwd, media level else session
// level. The browser's ufrag is the second half of the USERNAME of its STUN
// checks, "<our ufrag>:<its ufrag>". Its password keys only the checks sent
// to the browser (RFC 8445 §7.2.2: a request and its response both use the
// password of the agent that receives the request), which an ICE-lite
// server never sends; it is still required and checked (JSEP §5.8.3).
func (r *answerReader) iceCredentials() error {
	for _, field := range []struct {
		name   string
		min    int
		target *string
	}{
		{"ice-ufrag", minUfrag, &r.a.Ufrag},
		{"ice-pwd", minPwd, &r.a.Pwd},
	} {
		l, ok, err := r.mediaOrSession(field.name)
		if err != nil {
			return err
		}
		if !ok {
			return answerError(0, "no a=%s at media or session level; the STUN checks cannot be authenticated without it (JSEP §5.8.3, RFC 8839 §5.4)", field.name)
		}
		v, err := attrValue(l)
		if err != nil {
			return err
		}
		if err := checkICEChars("a="+field.name, v, field.min, maxICEChars); err != nil {
			return answerError(l.Num, "%v", err)
		}
		*field.target = v
	}
	return nil
}

// fingerprint picks, among the a=fingerprint lines of the media level (or,
// when it has none, of the session level), the first one made with our most
// preferred hash function (RFC 8122 §5.1: "An endpoint MUST select the set
// of fingerprints that use its most preferred hash function").
func (r *answerReader) fingerprint() error {
	lines := attributeLines(r.m.Lines, "fingerprint")
	if len(lines) == 0 {
		lines = attributeLines(r.s.Lines, "fingerprint")
	}
	if len(lines) == 0 {
		return answerError(0, "no a=fingerprint at media or session level; without it the browser's DTLS certificate cannot be verified (JSEP §5.1.2, RFC 8122 §5)")
	}
	best, bestRank := -1, len(fingerprintHashes)
	var parsed []Fingerprint
	for i, l := range lines {
		v, err := attrValue(l)
		if err != nil {
			return err
		}
		f, err := parseFingerprint(v)
		if err != nil {
			return answerError(l.Num, "%v", err)
		}
		parsed = append(parsed, f)
		if rank := hashIndex(f.Algorithm); rank >= 0 && rank < bestRank {
			best, bestRank = i, rank
		}
	}
	if best < 0 {
		best = 0 // no accepted algorithm: report the first line
	}
	if err := parsed[best].check(); err != nil {
		return answerError(lines[best].Num, "%v", err)
	}
	r.a.Fingerprint = parsed[best]
	return nil
}

// setup reads the DTLS role (RFC 4145 §4):
//
//	setup-attr = "a=setup:" role
//	role       = "active" / "passive" / "actpass" / "holdconn"
func (r *answerReader) setup() error {
	l, ok, err := r.mediaOrSession("setup")
	if err != nil {
		return err
	}
	if !ok {
		return answerError(0, "no a=setup; an answer says active or passive to settle which side is the DTLS client (RFC 5763 §5)")
	}
	v, err := attrValue(l)
	if err != nil {
		return err
	}
	switch v {
	case "active", "passive", "actpass", "holdconn":
		r.a.Setup = v
		return nil
	}
	return answerError(l.Num, "a=setup:%s: not active, passive, actpass or holdconn (RFC 4145 §4)", clip(v))
}

// mid reads the media identification (RFC 5888 §4), a media-level
// attribute: "identification-tag = token". JSEP §5.3.1: an answer has
// a=mid "if and only if present in the offer", and ours has one.
func (r *answerReader) mid() error {
	l, ok, err := single(r.m.Lines, "mid", "media")
	if err != nil {
		return err
	}
	if !ok {
		return answerError(r.m.Num, "no a=mid in the video section; the offer has one, so the answer must (JSEP §5.3.1)")
	}
	v, err := attrValue(l)
	if err != nil {
		return err
	}
	if !isToken(v) {
		return answerError(l.Num, "a=mid:%s: not a token (RFC 5888 §4)", clip(v))
	}
	r.a.MID = v
	return nil
}

var directions = []string{"sendonly", "sendrecv", "recvonly", "inactive"}

// direction reads the media direction (RFC 8866 §6.7): "If any one of
// these appears in a media description, then it applies for that media
// description. If none appears in a media description, then the one from
// session level, if any, applies", and with none at all "a=sendrecv SHOULD
// be assumed". Firefox 153 relies on this: it writes a=sendrecv at session
// level and a=sendonly in the video section.
func (r *answerReader) direction() error {
	for _, level := range []struct {
		name  string
		lines []Line
	}{{"media", r.m.Lines}, {"session", r.s.Lines}} {
		var found []Line
		for _, d := range directions {
			found = append(found, attributeLines(level.lines, d)...)
		}
		if len(found) > 1 {
			return answerError(found[1].Num, "two direction attributes (a=%s and a=%s) at %s level; RFC 8866 §6.7 allows at most one",
				found[0].Value, found[1].Value, level.name)
		}
		if len(found) == 1 {
			if strings.Contains(found[0].Value, ":") {
				return answerError(found[0].Num, "a=%s: a direction attribute takes no value (RFC 8866 §6.7)", clip(found[0].Value))
			}
			r.a.Direction = found[0].Value
			return nil
		}
	}
	r.a.Direction = "sendrecv"
	return nil
}

// rtcpMux requires a=rtcp-mux in the video section. RFC 5761 §5.1.1: "If
// the answer does not contain an a=rtcp-mux attribute, the offerer MUST NOT
// multiplex RTP and RTCP packets on a single port", and this server has one
// port. Browsers insist on it too: their rtcpMuxPolicy is "require" unless
// the page says otherwise, and then every m= section "MUST contain an
// a=rtcp-mux attribute" (JSEP §5.8.3).
func (r *answerReader) rtcpMux() error {
	if !r.m.Flag("rtcp-mux") {
		return answerError(r.m.Num, "no a=rtcp-mux in the video section: the browser would send RTCP to a second port, and this server listens on one (RFC 5761 §5.1.1)")
	}
	return nil
}

// candidates reads the a=candidate lines of the video section and the
// a=end-of-candidates flag, which RFC 8840 §8.1 allows at either level.
// An ICE-lite server needs neither (it answers the checks wherever they
// come from), but a malformed line still rejects the answer (JSEP §5.8).
func (r *answerReader) candidates() error {
	if l := attributeLines(r.s.Lines, "candidate"); len(l) > 0 {
		return answerError(l[0].Num, "a=candidate at session level; it is a media-level attribute (RFC 8839 §5.1)")
	}
	for _, l := range attributeLines(r.m.Lines, "candidate") {
		c, err := parseCandidate(l.String())
		if err != nil {
			return answerError(l.Num, "%v", err)
		}
		r.a.Candidates = append(r.a.Candidates, c)
	}
	r.a.EndOfCandidates = r.m.Flag("end-of-candidates") || r.s.Flag("end-of-candidates")
	return nil
}

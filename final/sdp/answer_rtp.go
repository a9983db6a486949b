package sdp

// This file reads the RTP part of the answer's video section: which payload
// type carries VP8, which SSRCs the browser will send from, and which RTP
// header extension IDs it will use. The attribute grammars are in rtp.go.

import "strings"

// vp8 finds the payload type that carries VP8: RFC 7741 §6.2.1 maps
// video/VP8 to "a=rtpmap:<pt> VP8/90000", and the payload type must be one
// of the m= line's formats (RFC 8866 §5.14). The encoding name compares
// case-insensitively (RFC 8866 §5.14, citing RFC 4855 §3).
func (r *answerReader) vp8() error {
	maps := map[uint8]rtpmap{}
	var vp8Lines []rtpmap
	for _, l := range attributeLines(r.m.Lines, "rtpmap") {
		v, err := attrValue(l)
		if err != nil {
			return err
		}
		m, err := parseRtpmap(v)
		if err != nil {
			return answerError(l.Num, "%v", err)
		}
		if _, dup := maps[m.pt]; dup {
			return answerError(l.Num, "second a=rtpmap for payload type %d; RFC 8866 §6.6 allows one per format", m.pt)
		}
		maps[m.pt] = m
		if strings.EqualFold(m.name, "VP8") {
			vp8Lines = append(vp8Lines, m)
		}
	}
	for _, f := range r.m.Formats {
		pt, _ := parsePayloadType(f) // checked in videoSection
		if m, ok := maps[pt]; ok && strings.EqualFold(m.name, "VP8") && m.clock == 90000 {
			r.a.VP8PayloadType = pt
			return nil
		}
	}
	if len(vp8Lines) > 0 { // say why the VP8 line found does not count
		m := vp8Lines[0]
		if m.clock != 90000 {
			return answerError(r.m.Num, "no VP8 in answer: a=rtpmap:%d %s/%d has clock rate %d, want 90000 (RFC 7741 §6.2.1)", m.pt, m.name, m.clock, m.clock)
		}
		return answerError(r.m.Num, "no VP8 in answer: a=rtpmap:%d %s/90000 names a payload type missing from the m=video formats %s", m.pt, m.name, strings.Join(r.m.Formats, " "))
	}
	return answerError(r.m.Num, "no VP8 in answer: the m=video formats %s have no a=rtpmap:<pt> VP8/90000 (RFC 7741 §6.2.1)", strings.Join(r.m.Formats, " "))
}

// ssrcs collects the SSRCs the browser announces, each once. A browser
// writes several a=ssrc lines per SSRC (cname, msid), so duplicates are
// normal.
func (r *answerReader) ssrcs() error {
	seen := map[uint32]bool{}
	for _, l := range attributeLines(r.m.Lines, "ssrc") {
		v, err := attrValue(l)
		if err != nil {
			return err
		}
		ssrc, err := parseSSRC(v)
		if err != nil {
			return answerError(l.Num, "%v", err)
		}
		if !seen[ssrc] {
			seen[ssrc] = true
			r.a.SSRCs = append(r.a.SSRCs, ssrc)
		}
	}
	return nil
}

// extmaps reads the a=extmap lines. RFC 8285 §5: the mappings are "either
// all session level or all media level", and an ID of the valid range is
// used once.
func (r *answerReader) extmaps() error {
	lines := attributeLines(r.m.Lines, "extmap")
	if session := attributeLines(r.s.Lines, "extmap"); len(session) > 0 {
		if len(lines) > 0 {
			return answerError(session[0].Num, "a=extmap at both session and media level; RFC 8285 §5 forbids mixing the two")
		}
		lines = session
	}
	used := map[int]bool{}
	for _, l := range lines {
		v, err := attrValue(l)
		if err != nil {
			return err
		}
		e, err := parseExtmap(v)
		if err != nil {
			return answerError(l.Num, "%v", err)
		}
		if e.ID <= 255 && used[e.ID] {
			return answerError(l.Num, "a=extmap ID %d used twice (RFC 8285 §5)", e.ID)
		}
		used[e.ID] = true
		r.a.Extmaps = append(r.a.Extmaps, e)
	}
	return nil
}

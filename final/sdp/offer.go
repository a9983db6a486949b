package sdp

// This file writes the offer. It follows JSEP §5.2.1 ("Initial Offers"),
// which says what a browser puts in its own offers, with the changes that
// come from being a receive-only ICE-lite DTLS server instead of a browser.

import (
	"fmt"
	"strconv"
	"strings"
)

// Offer is everything the server puts in its offer.
type Offer struct {
	SessionID   uint64      // o= <sess-id> (RFC 8866 §5.2): random, from the caller; JSEP §5.2.1 wants it below 2^63-1
	Ufrag       string      // a=ice-ufrag: 4 to 32 ice-chars (RFC 8839 §5.4); see NewICECredentials
	Pwd         string      // a=ice-pwd: 22 to 256 ice-chars (RFC 8839 §5.4)
	Fingerprint Fingerprint // a=fingerprint of the server's DTLS certificate (RFC 8122 §5); see FingerprintOf
	PayloadType uint8       // the dynamic RTP payload type for VP8/90000, 96 to 127 (RFC 5761 §4), e.g. 96
	MID         string      // a=mid of the one media section (RFC 5888 §4), a token, e.g. "0"
	Candidates  []Candidate // the server's ICE candidates; none in step 1, later steps fill it
}

// Validate reports whether the offer can be marshalled into a description a
// browser accepts. Marshal itself does not check.
func (o *Offer) Validate() error {
	if err := o.check(); err != nil {
		return &Error{Context: "offer", Msg: err.Error()}
	}
	return nil
}

func (o *Offer) check() error {
	// JSEP §5.2.1: the <sess-id> "MUST be representable by a 64-bit
	// signed integer, and the value MUST be less than 2^63-1".
	if o.SessionID >= 1<<63-1 {
		return fmt.Errorf("o= sess-id %d is not below 2^63-1 (JSEP §5.2.1); clear its top bit", o.SessionID)
	}
	if err := checkICEChars("a=ice-ufrag", o.Ufrag, minUfrag, maxUfragSent); err != nil {
		return err
	}
	if err := checkICEChars("a=ice-pwd", o.Pwd, minPwd, maxICEChars); err != nil {
		return err
	}
	if err := o.Fingerprint.check(); err != nil {
		return err
	}
	// Be strict in what we send: the grammar's UHEX is uppercase, and every
	// browser writes the hash function name in lowercase.
	if f := o.Fingerprint; f.Algorithm != strings.ToLower(f.Algorithm) || f.Value != strings.ToUpper(f.Value) {
		return fmt.Errorf("a=fingerprint:%s: write the name in lowercase and the hex in uppercase (RFC 8122 §5: UHEX); FingerprintOf does", clip(f.String()))
	}
	// RFC 5761 §4: with RTP and RTCP on one port, "dynamic RTP payload
	// types SHOULD be chosen in the range 96-127", and 64-95 MUST NOT be
	// used, because they collide with RTCP packet types.
	if o.PayloadType < 96 || o.PayloadType > 127 {
		return fmt.Errorf("payload type %d is not in the dynamic range 96-127 (RFC 5761 §4)", o.PayloadType)
	}
	if !isToken(o.MID) {
		return fmt.Errorf("a=mid:%q is not a token (RFC 5888 §4)", clip(o.MID))
	}
	for i, c := range o.Candidates {
		// A candidate is writable if what String writes reads back the same.
		back, err := parseCandidate(c.String())
		if err != nil {
			return fmt.Errorf("candidate %d: %v", i, err)
		}
		if back.String() != c.String() || back.RelatedPort != c.RelatedPort {
			return fmt.Errorf("candidate %d: %q does not read back as written", i, clip(c.String()))
		}
	}
	return nil
}

// Marshal writes the offer, with CRLF line endings. Line by line:
//
//	v=0                                  RFC 8866 §5.1
//	o=- <SessionID> 2 IN IP4 127.0.0.1   RFC 8866 §5.2; username "-" and a
//	                                     non-meaningful address (JSEP §5.2.1)
//	s=-                                  RFC 8866 §5.3; JSEP §5.2.1 "s=-"
//	t=0 0                                RFC 8866 §5.9: a permanent session
//	a=group:BUNDLE <MID>                 RFC 8843: everything on one 5-tuple;
//	                                     JSEP §5.2.1 always offers a bundle
//	a=ice-lite                           RFC 8839 §5.3: we only answer checks,
//	                                     so the browser controls (RFC 8445 §6.1.1)
//	m=video 9 UDP/TLS/RTP/SAVPF <PT>     RFC 8866 §5.14; JSEP §5.1.2 profile
//	c=IN IP4 0.0.0.0                     RFC 8866 §5.7
//	a=mid:<MID>                          RFC 5888 §4
//	a=ice-ufrag:<Ufrag>                  RFC 8839 §5.4
//	a=ice-pwd:<Pwd>                      RFC 8839 §5.4
//	a=fingerprint:<Fingerprint>          RFC 8122 §5
//	a=setup:actpass                      RFC 4145 §4; JSEP §5.2.1: an offer
//	                                     MUST say actpass
//	a=recvonly                           RFC 8866 §6.7.1: we only receive
//	a=rtcp-mux                           RFC 5761 §5.1.1: RTCP on the RTP port
//	a=rtcp-rsize                         RFC 5506 §5: reduced-size RTCP
//	a=rtpmap:<PT> VP8/90000              RFC 8866 §6.6, RFC 7741 §6.2.1
//	a=rtcp-fb:<PT> nack                  RFC 4585 §4.2: generic NACK
//	a=rtcp-fb:<PT> nack pli              RFC 4585 §4.2: picture loss indication
//	a=rtcp-fb:<PT> ccm fir               RFC 5104 §7.1: full intra request
//	a=candidate:...                      RFC 8839 §5.1, one per candidate
//	a=end-of-candidates                  RFC 8840 §8.1, when there are any
//
// a=ice-lite is the one line no browser would write: JSEP §5.2.1 forbids a
// browser to offer it, and §5.1.1 requires a browser to "properly handle
// remote endpoints that use ICE-lite".
//
// The m= port is always 9 and the c= address always 0.0.0.0, even when
// candidates follow. RFC 8840 §4.1.1 writes these "default" values when no
// candidate is known yet, and with ICE they carry no information: JSEP
// §5.8.2 parses the c= line "but its value is not used", and RFC 8840
// §4.1.2 says a default that matches none of the candidates "MUST NOT cause
// an ICE mismatch". The candidates alone say where to send.
//
// Left out on purpose: a=ice-options:trickle (JSEP §5.2.1 asks a browser
// for it; an ICE-lite server has all its candidates at once and ends them
// with a=end-of-candidates), a=rtcp (RFC 8840 §4.1.1: MUST NOT be sent
// without a known RTCP address; rtcp-mux makes it moot), a=extmap (no RTP
// header extension is needed to receive one stream), and a=fmtp with
// max-fs/max-fr (RFC 7741 §6.2.1 has a receiver declare them; neither
// Chromium nor pion do, and without them the browser is not limited).
func (o *Offer) Marshal() string {
	pt := strconv.Itoa(int(o.PayloadType))
	video := &Media{
		Type:    "video",
		Port:    9,
		Proto:   "UDP/TLS/RTP/SAVPF",
		Formats: []string{pt},
		Lines: []Line{
			{Type: 'c', Value: "IN IP4 0.0.0.0"},
			attr("mid:" + o.MID),
			attr("ice-ufrag:" + o.Ufrag),
			attr("ice-pwd:" + o.Pwd),
			attr("fingerprint:" + o.Fingerprint.String()),
			attr("setup:actpass"),
			attr("recvonly"),
			attr("rtcp-mux"),
			attr("rtcp-rsize"),
			attr("rtpmap:" + pt + " VP8/90000"),
			attr("rtcp-fb:" + pt + " nack"),
			attr("rtcp-fb:" + pt + " nack pli"),
			attr("rtcp-fb:" + pt + " ccm fir"),
		},
	}
	for _, c := range o.Candidates {
		video.Lines = append(video.Lines, attr(c.String()))
	}
	if len(o.Candidates) > 0 {
		video.Lines = append(video.Lines, attr("end-of-candidates"))
	}
	s := &Session{
		Lines: []Line{
			{Type: 'v', Value: "0"},
			{Type: 'o', Value: "- " + strconv.FormatUint(o.SessionID, 10) + " 2 IN IP4 127.0.0.1"},
			{Type: 's', Value: "-"},
			{Type: 't', Value: "0 0"},
			attr("group:BUNDLE " + o.MID),
			attr("ice-lite"),
		},
		Media: []*Media{video},
	}
	return s.Marshal()
}

// attr builds an a= line.
func attr(value string) Line { return Line{Type: 'a', Value: value} }

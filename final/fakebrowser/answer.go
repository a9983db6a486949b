package fakebrowser

// This file reads the server's offer and writes the answer a browser would
// write to it (JSEP §5.3.1), with the parts of package sdp the server uses
// for its own offer. cmd/playbrowser answers with them too.

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"nutsandbolts/final/cert"
	"nutsandbolts/final/sdp"
)

// Offer is what a browser takes from the server's offer.
type Offer struct {
	MID         string          // a=mid of the video section
	PayloadType uint8           // of a=rtpmap:<pt> VP8/90000
	Ufrag, Pwd  string          // the server's ICE credentials: the checks use them
	Fingerprint sdp.Fingerprint // the server's certificate
	Lite        bool            // a=ice-lite: the server only answers checks
	Candidates  []sdp.Candidate // where the server receives
}

// ParseOffer reads the offer with package sdp (RFC 8866) and picks out
// what the answer, the checks and the DTLS client need.
func ParseOffer(text string) (*Offer, error) {
	s, err := sdp.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("offer: %w", err)
	}
	if len(s.Media) != 1 || s.Media[0].Type != "video" {
		return nil, errors.New("offer: want one m=video section")
	}
	m := s.Media[0]
	o := &Offer{Lite: s.Flag("ice-lite")}
	o.MID, _ = m.Attribute("mid")
	var fp string
	// RFC 8839 §5.4, RFC 8122 §5: media level, else session level.
	for _, f := range []struct {
		name string
		to   *string
	}{{"ice-ufrag", &o.Ufrag}, {"ice-pwd", &o.Pwd}, {"fingerprint", &fp}} {
		v, ok := m.Attribute(f.name)
		if !ok {
			v, ok = s.Attribute(f.name)
		}
		if !ok || v == "" {
			return nil, fmt.Errorf("offer: no a=%s", f.name)
		}
		*f.to = v
	}
	if o.Fingerprint, err = sdp.ParseFingerprint(fp); err != nil {
		return nil, fmt.Errorf("offer: %w", err)
	}
	if err := o.Fingerprint.Validate(); err != nil {
		return nil, fmt.Errorf("offer: %w", err)
	}
	if o.MID == "" {
		return nil, errors.New("offer: no a=mid")
	}
	// RFC 7741 §6.2.1: a=rtpmap:<pt> VP8/90000, <pt> one of the m= formats.
	for _, v := range m.Attributes("rtpmap") {
		pt, codec, _ := strings.Cut(v, " ")
		n, err := strconv.ParseUint(pt, 10, 7)
		if err == nil && strings.EqualFold(codec, "VP8/90000") && slices.Contains(m.Formats, pt) {
			o.PayloadType = uint8(n)
			break
		}
	}
	if o.PayloadType == 0 {
		return nil, errors.New("offer: no a=rtpmap:<pt> VP8/90000")
	}
	for _, v := range m.Attributes("candidate") {
		c, err := sdp.ParseCandidate(v)
		if err != nil {
			return nil, fmt.Errorf("offer: %w", err)
		}
		o.Candidates = append(o.Candidates, c)
	}
	return o, nil
}

// target picks the server candidate to check: the one at the address the
// page was loaded from (the server surely listens there), else a loopback
// one, else the first IPv4 one. A browser would check them all; one is
// enough for a machine talking to itself.
func (o *Offer) target(host netip.Addr) (netip.AddrPort, error) {
	var addrs []netip.AddrPort
	for _, c := range o.Candidates {
		a, err := netip.ParseAddr(c.Address)
		if err == nil && strings.EqualFold(c.Transport, "udp") && c.Port > 0 && c.Port < 65536 {
			addrs = append(addrs, netip.AddrPortFrom(a.Unmap(), uint16(c.Port)))
		}
	}
	for _, pick := range []func(netip.Addr) bool{
		func(a netip.Addr) bool { return a == host.Unmap() },
		func(a netip.Addr) bool { return a.IsLoopback() && a.Is4() == host.Unmap().Is4() },
		netip.Addr.Is4,
	} {
		if i := slices.IndexFunc(addrs, func(ap netip.AddrPort) bool { return pick(ap.Addr()) }); i >= 0 {
			return addrs[i], nil
		}
	}
	return netip.AddrPort{}, errors.New("offer: no UDP candidate with an IP address")
}

// Answer is what we answered with.
type Answer struct {
	Ufrag, Pwd  string            // our ICE credentials (the server checks nothing with Pwd: it sends no checks)
	Cert        *cert.Certificate // whose fingerprint the answer carries
	Fingerprint sdp.Fingerprint   // its sha-256 fingerprint
	SSRC        uint32            // of the video we send
	CNAME       string            // RFC 3550 §6.5.1
	SDP         string            // the answer itself
}

// MakeAnswer writes the answer, line by line what Chromium writes for the
// page (docs/03-ice.md shows one), minus what only a browser needs
// (a=msid, a=extmap); cname names the stream. It then checks the answer as
// the server will, so that a mistake here shows as our error, not as the
// server's.
//
//	a=ice-ufrag, a=ice-pwd      RFC 8839 §5.4: fresh, random
//	a=fingerprint               RFC 8122 §5: sha-256 of a fresh certificate
//	a=setup:active              RFC 5763 §5: the browser is the DTLS client
//	a=sendonly                  RFC 3264 §6.1: the answer to a=recvonly
//	a=rtpmap:<pt> VP8/90000     RFC 3264 §6.1: the offer's payload type
//	a=ssrc:<ssrc> cname:<name>  RFC 5576 §4.1: the stream a camera would send
func MakeAnswer(o *Offer, cname string) (*Answer, error) {
	a := &Answer{CNAME: cname}
	a.Ufrag, a.Pwd = sdp.NewICECredentials()
	var err error
	if a.Cert, err = cert.Generate(time.Now()); err != nil {
		return nil, err
	}
	if a.Fingerprint, err = sdp.FingerprintOf("sha-256", a.Cert.DER); err != nil {
		return nil, err
	}
	var r [12]byte
	rand.Read(r[:])                                  // crypto/rand.Read never fails
	sessionID := binary.BigEndian.Uint64(r[:8]) >> 1 // JSEP §5.2.1: below 2^63
	a.SSRC = binary.BigEndian.Uint32(r[8:])
	pt := strconv.Itoa(int(o.PayloadType))
	attr := func(v string) sdp.Line { return sdp.Line{Type: 'a', Value: v} }
	s := &sdp.Session{
		Lines: []sdp.Line{
			{Type: 'v', Value: "0"},
			{Type: 'o', Value: "- " + strconv.FormatUint(sessionID, 10) + " 2 IN IP4 127.0.0.1"},
			{Type: 's', Value: "-"},
			{Type: 't', Value: "0 0"},
			attr("group:BUNDLE " + o.MID),
		},
		Media: []*sdp.Media{{
			Type: "video", Port: 9, Proto: "UDP/TLS/RTP/SAVPF", Formats: []string{pt},
			Lines: []sdp.Line{
				{Type: 'c', Value: "IN IP4 0.0.0.0"},
				attr("ice-ufrag:" + a.Ufrag),
				attr("ice-pwd:" + a.Pwd),
				attr("ice-options:trickle"),
				attr("fingerprint:" + a.Fingerprint.String()),
				attr("setup:active"),
				attr("mid:" + o.MID),
				attr("sendonly"),
				attr("rtcp-mux"),
				attr("rtcp-rsize"),
				attr("rtpmap:" + pt + " VP8/90000"),
				attr("rtcp-fb:" + pt + " nack"),
				attr("rtcp-fb:" + pt + " nack pli"),
				attr("rtcp-fb:" + pt + " ccm fir"),
				attr("ssrc:" + strconv.FormatUint(uint64(a.SSRC), 10) + " cname:" + cname),
			},
		}},
	}
	a.SDP = s.Marshal()
	parsed, err := sdp.ParseAnswer(a.SDP)
	if err == nil {
		err = (&sdp.Offer{MID: o.MID, PayloadType: o.PayloadType}).Check(parsed)
	}
	if err != nil {
		return nil, fmt.Errorf("our own answer fails the server's checks (a bug here): %w", err)
	}
	return a, nil
}

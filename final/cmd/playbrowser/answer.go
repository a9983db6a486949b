package main

// This file reads the server's offer and writes the answer a browser would
// write to it (JSEP §5.3.1), with the parts of package sdp the server uses
// for its own offer.

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"nutsandbolts/final/cert"
	"nutsandbolts/final/sdp"
)

// remoteOffer is what a browser takes from the server's offer.
type remoteOffer struct {
	mid         string          // a=mid of the video section
	payloadType uint8           // the payload type of a=rtpmap:<pt> VP8/90000
	ufrag, pwd  string          // the server's ICE credentials: the checks use them
	fingerprint string          // the server's certificate fingerprint
	lite        bool            // a=ice-lite: the server only answers checks
	candidates  []sdp.Candidate // where the server receives
}

// parseOffer reads the offer with sdp.Parse and picks out what the answer
// and the checks need.
func parseOffer(text string) (*remoteOffer, error) {
	s, err := sdp.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("offer: %w", err)
	}
	if len(s.Media) != 1 || s.Media[0].Type != "video" {
		return nil, errors.New("offer: want one m=video section")
	}
	m := s.Media[0]
	o := &remoteOffer{lite: s.Flag("ice-lite")}
	o.mid, _ = m.Attribute("mid")
	// RFC 8839 §5.4, RFC 8122 §5: media level, else session level.
	for _, f := range []struct {
		name string
		to   *string
	}{{"ice-ufrag", &o.ufrag}, {"ice-pwd", &o.pwd}, {"fingerprint", &o.fingerprint}} {
		v, ok := m.Attribute(f.name)
		if !ok {
			v, ok = s.Attribute(f.name)
		}
		if !ok || v == "" {
			return nil, fmt.Errorf("offer: no a=%s", f.name)
		}
		*f.to = v
	}
	if o.mid == "" {
		return nil, errors.New("offer: no a=mid")
	}
	// RFC 7741 §6.2.1: a=rtpmap:<pt> VP8/90000, <pt> one of the m= formats.
	for _, v := range m.Attributes("rtpmap") {
		pt, codec, _ := strings.Cut(v, " ")
		n, err := strconv.ParseUint(pt, 10, 7)
		if err == nil && strings.EqualFold(codec, "VP8/90000") && slices.Contains(m.Formats, pt) {
			o.payloadType = uint8(n)
			break
		}
	}
	if o.payloadType == 0 {
		return nil, errors.New("offer: no a=rtpmap:<pt> VP8/90000")
	}
	for _, v := range m.Attributes("candidate") {
		c, err := sdp.ParseCandidate(v)
		if err != nil {
			return nil, fmt.Errorf("offer: %w", err)
		}
		o.candidates = append(o.candidates, c)
	}
	return o, nil
}

// localAnswer is what this program answered with.
type localAnswer struct {
	ufrag, pwd  string            // our ICE credentials (the server checks nothing with pwd: it sends no checks)
	cert        *cert.Certificate // the certificate whose fingerprint the answer carries
	fingerprint sdp.Fingerprint   // its sha-256 fingerprint
}

// makeAnswer writes the answer, line by line what Chromium writes for the
// page (docs/03-ice.md shows one), minus what only a browser needs
// (a=msid, a=extmap). It then checks the answer as the server will, so that
// a mistake here shows as this program's error, not as the server's.
//
//	a=ice-ufrag, a=ice-pwd      RFC 8839 §5.4: fresh, random
//	a=fingerprint               RFC 8122 §5: sha-256 of a fresh certificate
//	a=setup:active              RFC 5763 §5: the browser is the DTLS client
//	a=sendonly                  RFC 3264 §6.1: the answer to a=recvonly
//	a=rtpmap:<pt> VP8/90000     RFC 3264 §6.1: the offer's payload type
//	a=ssrc:<ssrc> cname:<name>  RFC 5576 §4.1: the stream a camera would send
func makeAnswer(o *remoteOffer) (*localAnswer, string, error) {
	a := &localAnswer{}
	a.ufrag, a.pwd = sdp.NewICECredentials()
	var err error
	if a.cert, err = cert.Generate(time.Now()); err != nil {
		return nil, "", err
	}
	if a.fingerprint, err = sdp.FingerprintOf("sha-256", a.cert.DER); err != nil {
		return nil, "", err
	}
	var r [12]byte
	rand.Read(r[:])                                  // crypto/rand.Read never fails
	sessionID := binary.BigEndian.Uint64(r[:8]) >> 1 // JSEP §5.2.1: below 2^63
	ssrc := binary.BigEndian.Uint32(r[8:])
	pt := strconv.Itoa(int(o.payloadType))
	attr := func(v string) sdp.Line { return sdp.Line{Type: 'a', Value: v} }
	s := &sdp.Session{
		Lines: []sdp.Line{
			{Type: 'v', Value: "0"},
			{Type: 'o', Value: "- " + strconv.FormatUint(sessionID, 10) + " 2 IN IP4 127.0.0.1"},
			{Type: 's', Value: "-"},
			{Type: 't', Value: "0 0"},
			attr("group:BUNDLE " + o.mid),
		},
		Media: []*sdp.Media{{
			Type: "video", Port: 9, Proto: "UDP/TLS/RTP/SAVPF", Formats: []string{pt},
			Lines: []sdp.Line{
				{Type: 'c', Value: "IN IP4 0.0.0.0"},
				attr("ice-ufrag:" + a.ufrag),
				attr("ice-pwd:" + a.pwd),
				attr("ice-options:trickle"),
				attr("fingerprint:" + a.fingerprint.String()),
				attr("setup:active"),
				attr("mid:" + o.mid),
				attr("sendonly"),
				attr("rtcp-mux"),
				attr("rtcp-rsize"),
				attr("rtpmap:" + pt + " VP8/90000"),
				attr("rtcp-fb:" + pt + " nack"),
				attr("rtcp-fb:" + pt + " nack pli"),
				attr("rtcp-fb:" + pt + " ccm fir"),
				attr("ssrc:" + strconv.FormatUint(uint64(ssrc), 10) + " cname:playbrowser"),
			},
		}},
	}
	text := s.Marshal()
	parsed, err := sdp.ParseAnswer(text)
	if err == nil {
		err = (&sdp.Offer{MID: o.mid, PayloadType: o.payloadType}).Check(parsed)
	}
	if err != nil {
		return nil, "", fmt.Errorf("our own answer fails the server's checks (a bug here): %w", err)
	}
	return a, text, nil
}

// orderTargets lists the server candidates to check, best guess first. A
// browser checks every pair of its candidates and the server's, several at
// a time (RFC 8445 §6.1.4); this program has one socket and checks the
// server's UDP candidates one after the other: first those at the address
// the page was loaded from (the server surely listens there), IPv4 before
// IPv6, then the others in the offer's order, which is by priority.
// Candidates with an mDNS name are left out: resolving them is a browser's
// business.
func orderTargets(cands []sdp.Candidate, page string) []netip.AddrPort {
	var pageAddrs []netip.Addr
	if u, err := url.Parse(page); err == nil {
		if a, err := netip.ParseAddr(u.Hostname()); err == nil {
			pageAddrs = []netip.Addr{a.Unmap()}
		} else if addrs, err := net.DefaultResolver.LookupNetIP(context.Background(), "ip", u.Hostname()); err == nil {
			pageAddrs = addrs
		}
	}
	rank := func(a netip.Addr) int {
		switch {
		case !slices.ContainsFunc(pageAddrs, func(p netip.Addr) bool { return p.Unmap() == a }):
			return 2
		case a.Is4():
			return 0
		}
		return 1
	}
	var out []netip.AddrPort
	for _, c := range cands {
		a, err := netip.ParseAddr(c.Address)
		if err != nil || !strings.EqualFold(c.Transport, "udp") || c.Port == 0 {
			continue
		}
		out = append(out, netip.AddrPortFrom(a.Unmap(), uint16(c.Port)))
	}
	slices.SortStableFunc(out, func(x, y netip.AddrPort) int { return rank(x.Addr()) - rank(y.Addr()) })
	return out
}

package fakebrowser

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

// remoteOffer is what a browser takes from the server's offer.
type remoteOffer struct {
	mid         string          // a=mid of the video section
	payloadType uint8           // of a=rtpmap:<pt> VP8/90000
	ufrag, pwd  string          // the server's ICE credentials
	fingerprint sdp.Fingerprint // the server's certificate
	candidates  []sdp.Candidate // where the server receives
}

// parseOffer reads the offer with package sdp (RFC 8866) and picks out
// what the answer, the checks and the DTLS client need.
func parseOffer(text string) (*remoteOffer, error) {
	s, err := sdp.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("offer: %w", err)
	}
	if len(s.Media) != 1 || s.Media[0].Type != "video" {
		return nil, errors.New("offer: want one m=video section")
	}
	m := s.Media[0]
	o := &remoteOffer{}
	o.mid, _ = m.Attribute("mid")
	var fp string
	// RFC 8839 §5.4, RFC 8122 §5: media level, else session level.
	for _, f := range []struct {
		name string
		to   *string
	}{{"ice-ufrag", &o.ufrag}, {"ice-pwd", &o.pwd}, {"fingerprint", &fp}} {
		v, ok := m.Attribute(f.name)
		if !ok {
			v, ok = s.Attribute(f.name)
		}
		if !ok || v == "" {
			return nil, fmt.Errorf("offer: no a=%s", f.name)
		}
		*f.to = v
	}
	if o.fingerprint, err = sdp.ParseFingerprint(fp); err != nil {
		return nil, fmt.Errorf("offer: %w", err)
	}
	if err := o.fingerprint.Validate(); err != nil {
		return nil, fmt.Errorf("offer: %w", err)
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

// target picks the server candidate to check: the one at the address the
// page was loaded from (the server surely listens there), else a loopback
// one, else the first IPv4 one. A browser would check them all; one is
// enough for a machine talking to itself.
func (o *remoteOffer) target(host netip.Addr) (netip.AddrPort, error) {
	var addrs []netip.AddrPort
	for _, c := range o.candidates {
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

// localAnswer is what we answered with.
type localAnswer struct {
	ufrag, pwd string            // our ICE credentials
	cert       *cert.Certificate // whose fingerprint the answer carries
	ssrc       uint32            // of the video we send
	cname      string            // RFC 3550 §6.5.1
	sdp        string
}

// makeAnswer writes the answer a browser writes to the offer (JSEP
// §5.3.1), as cmd/playbrowser does, and checks it as the server will:
//
//	a=ice-ufrag, a=ice-pwd      RFC 8839 §5.4: fresh, random
//	a=fingerprint               RFC 8122 §5: sha-256 of a fresh certificate
//	a=setup:active              RFC 5763 §5: we are the DTLS client
//	a=sendonly                  RFC 3264 §6.1: the answer to a=recvonly
//	a=rtpmap:<pt> VP8/90000     the offer's payload type
//	a=ssrc:<ssrc> cname:<name>  RFC 5576 §4.1: the stream we send
func makeAnswer(o *remoteOffer) (*localAnswer, error) {
	a := &localAnswer{}
	a.ufrag, a.pwd = sdp.NewICECredentials()
	var err error
	if a.cert, err = cert.Generate(time.Now()); err != nil {
		return nil, err
	}
	fp, err := sdp.FingerprintOf("sha-256", a.cert.DER)
	if err != nil {
		return nil, err
	}
	var r [16]byte
	rand.Read(r[:])                                  // never fails
	sessionID := binary.BigEndian.Uint64(r[:8]) >> 1 // JSEP §5.2.1: below 2^63
	a.ssrc = binary.BigEndian.Uint32(r[8:])
	a.cname = fmt.Sprintf("fakebrowser-%x", r[12:])
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
				attr("fingerprint:" + fp.String()),
				attr("setup:active"),
				attr("mid:" + o.mid),
				attr("sendonly"),
				attr("rtcp-mux"),
				attr("rtcp-rsize"),
				attr("rtpmap:" + pt + " VP8/90000"),
				attr("rtcp-fb:" + pt + " nack"),
				attr("rtcp-fb:" + pt + " nack pli"),
				attr("rtcp-fb:" + pt + " ccm fir"),
				attr("ssrc:" + strconv.FormatUint(uint64(a.ssrc), 10) + " cname:" + a.cname),
			},
		}},
	}
	a.sdp = s.Marshal()
	parsed, err := sdp.ParseAnswer(a.sdp)
	if err == nil {
		err = (&sdp.Offer{MID: o.mid, PayloadType: o.payloadType}).Check(parsed)
	}
	if err != nil {
		return nil, fmt.Errorf("our own answer fails the server's checks: %w", err)
	}
	return a, nil
}

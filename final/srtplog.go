package main

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"nutsandbolts/final/srtp"
)

// What the log says about the decrypted media. A camera sends a few hundred
// packets a second, far more than a reader can follow, so the log shows the
// first packets in full, header field by header field (RFC 3550 §5.1, RFC
// 8285 for the extensions), then one line a second with the counts. Step 6
// parses the same headers for real, in its rtp and rtcp packages.

const (
	shownRTP  = 0 // RTP packets logged in full per session: none, step 6's [rtp] lines show them
	shownRTCP = 5 // RTCP compound packets logged per session
)

// mediaLog is one session's narration state.
type mediaLog struct {
	shownRTP, shownRTCP int
	next                time.Time // when the next summary line is due
	rtpPackets          uint64    // since the last summary
	rtcpPackets         uint64    // since the last summary
	rtpBytes            uint64    // payload and headers, since the last summary
}

// rtp notes one decrypted RTP packet.
func (m *mediaLog) rtp(now time.Time, p *peer, b []byte) {
	m.rtpPackets++
	m.rtpBytes += uint64(len(b))
	if m.shownRTP < shownRTP {
		m.shownRTP++
		p.srtpLog.Info("RTP packet decrypted", rtpHeaderAttrs(b)...)
	}
	m.tick(now, p)
}

// rtcp notes one decrypted RTCP compound packet.
func (m *mediaLog) rtcp(now time.Time, p *peer, b []byte) {
	m.rtcpPackets++
	if m.shownRTCP < shownRTCP {
		m.shownRTCP++
		p.srtpLog.Info("RTCP packet decrypted", "types", rtcpTypes(b), "bytes", len(b))
	}
	m.tick(now, p)
}

// tick writes the summary line once a second while media flows, and tells
// the page the totals.
func (m *mediaLog) tick(now time.Time, p *peer) {
	if now.Before(m.next) {
		return
	}
	first := m.next.IsZero()
	m.next = now.Add(time.Second)
	if first {
		return // the first packet starts the first second
	}
	st := p.srtpIn.Stats()
	p.srtpLog.Info("media in the last second", "rtp", m.rtpPackets, "rtcp", m.rtcpPackets, "bytes", m.rtpBytes,
		"rtp_total", st.RTPDecrypted, "rtcp_total", st.RTCPDecrypted, "dropped", dropped(st))
	p.session.Notify("srtp", fmt.Sprintf("decrypted %d RTP and %d RTCP packets so far (%s)",
		st.RTPDecrypted, st.RTCPDecrypted, p.srtpIn.Profile()))
	m.rtpPackets, m.rtcpPackets, m.rtpBytes = 0, 0, 0
}

// dropped is how many packets the SRTP layer refused, for every reason.
func dropped(st srtp.Stats) uint64 {
	var n uint64
	for i := range st.RTPDropped {
		n += st.RTPDropped[i] + st.RTCPDropped[i]
	}
	return n
}

// summary is the session's last word on its media, when it ends: the
// totals and the packets dropped, by reason.
func (m *mediaLog) summary(p *peer) {
	if p.srtpIn == nil {
		return
	}
	st := p.srtpIn.Stats()
	if p.srtpOut != nil { // what we protected: our RTCP
		out := p.srtpOut.Stats()
		st.RTPEncrypted, st.RTCPEncrypted = out.RTPEncrypted, out.RTCPEncrypted
	}
	p.srtpLog.Info("session totals", "profile", p.srtpIn.Profile().String(), "counts", st.String())
}

// rtpHeaderAttrs reads the header of a decrypted RTP packet for the log:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|V=2|P|X|  CC   |M|     PT      |       sequence number         |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                           timestamp                           |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|           synchronization source (SSRC) identifier            |
//	+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//	|            contributing source (CSRC) identifiers             |
//	|                             ....                              |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The SRTP layer has already checked that the header fits in b.
func rtpHeaderAttrs(b []byte) []any {
	if len(b) < 12 {
		return []any{"bytes", len(b)}
	}
	cc := int(b[0] & 0x0f)
	off := 12 + 4*cc
	attrs := []any{
		"ssrc", binary.BigEndian.Uint32(b[8:12]),
		"pt", b[1] & 0x7f,
		"seq", binary.BigEndian.Uint16(b[2:4]),
		"ts", binary.BigEndian.Uint32(b[4:8]),
		"marker", b[1]&0x80 != 0,
	}
	if cc > 0 {
		attrs = append(attrs, "csrcs", cc)
	}
	if b[0]&0x10 != 0 && len(b) >= off+4 {
		profile := binary.BigEndian.Uint16(b[off : off+2])
		words := int(binary.BigEndian.Uint16(b[off+2 : off+4]))
		end := min(off+4+4*words, len(b))
		attrs = append(attrs, "ext", extensionList(profile, b[off+4:end]))
		off = end
	}
	payload := len(b) - off
	if b[0]&0x20 != 0 && payload > 0 {
		pad := int(b[len(b)-1])
		attrs = append(attrs, "padding", pad)
		payload -= pad
	}
	return append(attrs, "payload", max(payload, 0))
}

// extensionList names the header extensions as id:length pairs, in the
// one-byte (profile 0xBEDE) or two-byte (0x100x) form of RFC 8285 §4.2 and
// §4.3. Which id means what, the answer's a=extmap lines say (step 6).
func extensionList(profile uint16, b []byte) string {
	var parts []string
	switch {
	case profile == 0xBEDE:
		for i := 0; i < len(b); {
			if b[i] == 0 { // padding
				i++
				continue
			}
			id, n := int(b[i]>>4), int(b[i]&0x0f)+1
			if id == 15 { // reserved: stop (RFC 8285 §4.2)
				break
			}
			parts = append(parts, fmt.Sprintf("%d:%d", id, n))
			i += 1 + n
		}
	case profile&0xfff0 == 0x1000:
		for i := 0; i+1 < len(b); {
			if b[i] == 0 {
				i++
				continue
			}
			id, n := int(b[i]), int(b[i+1])
			parts = append(parts, fmt.Sprintf("%d:%d", id, n))
			i += 2 + n
		}
	default:
		return fmt.Sprintf("profile 0x%04x, %d bytes", profile, len(b))
	}
	return strings.Join(parts, " ")
}

// rtcpTypes lists the packet types in a decrypted compound RTCP packet
// (RFC 3550 §6.1), each header's length telling where the next one starts.
func rtcpTypes(b []byte) string {
	var names []string
	for len(b) >= 4 {
		names = append(names, rtcpTypeName(b[1], b[0]&0x1f))
		n := 4 * (int(binary.BigEndian.Uint16(b[2:4])) + 1)
		if n > len(b) {
			break
		}
		b = b[n:]
	}
	return strings.Join(names, " ")
}

// rtcpTypeName names an RTCP packet type (RFC 3550 §12.1, RFC 4585 §6.1,
// RFC 3611); for feedback, the count field is the message type (FMT).
func rtcpTypeName(pt, fmtField byte) string {
	switch pt {
	case 200:
		return "SR"
	case 201:
		return "RR"
	case 202:
		return "SDES"
	case 203:
		return "BYE"
	case 204:
		return "APP"
	case 205:
		switch fmtField {
		case 1:
			return "NACK"
		case 15:
			return "TWCC"
		}
		return fmt.Sprintf("RTPFB(%d)", fmtField)
	case 206:
		switch fmtField {
		case 1:
			return "PLI"
		case 4:
			return "FIR"
		case 15:
			return "REMB"
		}
		return fmt.Sprintf("PSFB(%d)", fmtField)
	case 207:
		return "XR"
	}
	return fmt.Sprintf("type(%d)", pt)
}

package pcap

// Known packets for the tests: the first two RTP packets of a VP8
// keyframe, as a browser sends them, and the RTCP a server answers with.

import (
	"net/netip"
	"testing"
	"time"

	"nutsandbolts/final/rtcp"
	"nutsandbolts/final/rtp"
)

var (
	browser4 = netip.MustParseAddrPort("192.0.2.10:54321") // RFC 5737 documentation addresses
	server4  = netip.MustParseAddrPort("192.0.2.1:8443")
	browser6 = netip.MustParseAddrPort("[2001:db8::10]:54321") // RFC 3849
	server6  = netip.MustParseAddrPort("[2001:db8::1]:8443")

	start = time.Date(2024, 5, 17, 10, 30, 0, 123456789, time.UTC)
)

const (
	videoSSRC  = 0x1b3af90a
	serverSSRC = 0x00c0ffee
	vp8PT      = 96
)

// vp8Keyframe is the start of a VP8 keyframe's first partition (RFC 6386
// §9.1): the 3-byte frame tag (key frame, version 0, show_frame, first
// partition size 145), the start code 9d 01 2a, and 640×480.
var vp8Keyframe = []byte{0x30, 0x12, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01}

// rtpPacket marshals an RTP packet of the VP8 stream: a one-byte header
// extension like Chromium's (an abs-send-time of 3 bytes), the VP8
// payload descriptor of RFC 7741 §4.2 (X=1, S at the start of the frame,
// I=1 with a 15-bit picture ID) and body.
func rtpPacket(t testing.TB, seq uint16, ts uint32, marker, first bool, body []byte) []byte {
	t.Helper()
	h := rtp.Header{
		Marker:           marker,
		PayloadType:      vp8PT,
		SequenceNumber:   seq,
		Timestamp:        ts,
		SSRC:             videoSSRC,
		Extension:        true,
		ExtensionProfile: rtp.ExtensionProfileOneByte,
		Extensions:       []rtp.Extension{{ID: 2, Data: []byte{0x12, 0x34, 0x56}}},
	}
	b, err := h.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	desc := byte(0x80) // X
	if first {
		desc |= 0x10 // S: the start of a partition
	}
	b = append(b, desc, 0x80, 0x80|0x12, 0x34) // I; M=1, picture ID 0x1234
	return append(b, body...)
}

// capturePackets is a short exchange: two RTP packets from the browser
// (a keyframe's start and its end), then a receiver report with SDES and
// a PLI from the server.
type capturePacket struct {
	t        time.Time
	src, dst netip.AddrPort
	payload  []byte
	proto    string // what tshark should call it
}

func capturePackets(t testing.TB, browser, server netip.AddrPort) []capturePacket {
	t.Helper()
	body := make([]byte, 1000)
	copy(body, vp8Keyframe)
	for i := len(vp8Keyframe); i < len(body); i++ {
		body[i] = byte(i * 7)
	}
	rr, err := rtcp.Marshal(
		&rtcp.ReceiverReport{SSRC: serverSSRC, Reports: []rtcp.ReceptionReport{{SSRC: videoSSRC, ExtendedHighestSeq: 7211}}},
		&rtcp.SourceDescription{Chunks: []rtcp.SDESChunk{{Source: serverSSRC, Items: []rtcp.SDESItem{{Type: rtcp.SDESCNAME, Text: "nutsandbolts"}}}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	pli, err := rtcp.Marshal(&rtcp.PictureLossIndication{SenderSSRC: serverSSRC, MediaSSRC: videoSSRC})
	if err != nil {
		t.Fatal(err)
	}
	return []capturePacket{
		{start, browser, server, rtpPacket(t, 7210, 171000, false, true, body), "vp8"},
		{start.Add(time.Millisecond), browser, server, rtpPacket(t, 7211, 171000, true, false, body[:301]), "vp8"},
		{start.Add(32 * time.Millisecond), server, browser, rr, "rtcp"},
		{start.Add(33 * time.Millisecond), server, browser, pli, "rtcp"},
	}
}

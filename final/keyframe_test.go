package main

import (
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"nutsandbolts/final/dtls"
	"nutsandbolts/final/rtcp"
	"nutsandbolts/final/sdp"
	"nutsandbolts/final/signaling"
	"nutsandbolts/final/srtp"
)

// The page's "request a keyframe" button: media.Keyframe makes the loop
// send the browser a PLI for its stream at once, protected with SRTCP. For
// a session without video, or right after another request, it says why not.
func TestKeyframeRequest(t *testing.T) {
	u, c, logBuf := testLoop(t)
	m := &media{udp: u}
	s := &signaling.Session{ID: "s1"}
	if err := m.Keyframe(s); err == nil || !strings.Contains(err.Error(), "no video") {
		t.Errorf("Keyframe before any video: %v", err)
	}
	profile := srtp.AEAD_AES_128_GCM
	km := make([]byte, profile.KeyingMaterialLen())
	for i := range km {
		km[i] = byte(i)
	}
	client, server, err := srtp.SplitKeyingMaterial(profile, km)
	if err != nil {
		t.Fatal(err)
	}
	browser, _ := srtp.NewContext(profile, server) // reads what the server protects
	u.do(func() {
		discard := slog.New(slog.DiscardHandler)
		v := newVideo(1, 96, 0, u.rtpLog, u.vp8Log, u.rtcpLog, nil)
		p := newPeer(s, dtls.Config{}, sdp.Fingerprint{}, discard, discard, v, nil)
		p.done = true
		p.srtpIn, _ = srtp.NewContext(profile, client)
		p.srtpOut, _ = srtp.NewContext(profile, server)
		p.selected = c.LocalAddr().(*net.UDPAddr).AddrPort()
		u.peers[s.ID] = p
		v.rtp(time.Now(), rtpPacket(1, 100)) // a new stream asks for a keyframe itself
		st := v.streams[0]
		st.askedAt, st.lastPLI = time.Time{}, time.Time{} // as if its keyframe had come
		v.out = v.out[:0]
	})
	if err := m.Keyframe(s); err != nil {
		t.Fatalf("Keyframe: %v", err)
	}
	// The next datagram is the PLI: a receiver report is due a second later.
	buf := make([]byte, 1500)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no RTCP from the server: %v", err)
	}
	plain, err := browser.DecryptRTCP(buf[:n])
	if err != nil {
		t.Fatalf("SRTCP from the server: %v", err)
	}
	packets, err := rtcp.Unmarshal(plain)
	if err != nil || len(packets) != 1 {
		t.Fatalf("RTCP %v, %v; want one PLI", packets, err)
	}
	if pli, ok := packets[0].(*rtcp.PictureLossIndication); !ok || pli.MediaSSRC != 0xdeadbeef || pli.SenderSSRC != 1 {
		t.Errorf("sent %v, want a PLI for SSRC 0xdeadbeef", packets[0])
	}
	waitLog(t, logBuf, `keyframe request: PLI (RFC 4585 §6.3.1)  ssrc=3735928559 reason="asked from the page"`)
	// A second request so soon would make no second keyframe: the
	// stream's own limit refuses it, and the page is told.
	if err := m.Keyframe(s); err == nil || !strings.Contains(err.Error(), "less than 300ms ago") {
		t.Errorf("second Keyframe at once: %v", err)
	}
}

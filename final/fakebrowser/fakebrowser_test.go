package fakebrowser

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"nutsandbolts/final/ivf"
	"nutsandbolts/final/rtcp"
	"nutsandbolts/final/rtp"
	"nutsandbolts/final/sdp"
	"nutsandbolts/final/srtp"
	"nutsandbolts/final/vp8"
)

// testClipFile is cmd/loadgen's default clip: 90 frames of 640×480, one
// keyframe (testdata/gen-clip.sh there).
const testClipFile = "../cmd/loadgen/testdata/clip.ivf"

var loadTestClip = sync.OnceValues(func() (*Clip, error) {
	b, err := os.ReadFile(testClipFile)
	if err != nil {
		return nil, err
	}
	return LoadClip(bytes.NewReader(b))
})

func testClip(t testing.TB) *Clip {
	t.Helper()
	c, err := loadTestClip()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoadClip(t *testing.T) {
	c := testClip(t)
	if len(c.Frames) != 90 || c.Width != 640 || c.Height != 480 {
		t.Fatalf("%d frames of %dx%d", len(c.Frames), c.Width, c.Height)
	}
	if d := c.FrameDuration; d < 33*time.Millisecond || d > 34*time.Millisecond {
		t.Errorf("frame duration %v, want 1/30 s", d)
	}
	for i, f := range c.Frames {
		if f.Keyframe != (i == 0) || (f.Luma != nil) != f.Keyframe {
			t.Errorf("frame %d: keyframe %v, luma %d bytes", i, f.Keyframe, len(f.Luma))
		}
	}
	if n := len(c.Frames[0].Luma); n != 640*480 {
		t.Errorf("luma of %d bytes", n)
	}
	if k := c.keyframeAtOrBefore(50); k != 0 {
		t.Errorf("keyframe before 50: %d", k)
	}

	// A clip must start with a keyframe.
	var buf bytes.Buffer
	w, _ := ivf.NewWriter(&buf, ivf.VP8Header(640, 480))
	w.WriteFrame(0, c.Frames[1].Data)
	w.Close()
	if _, err := LoadClip(&buf); err == nil || !strings.Contains(err.Error(), "not a keyframe") {
		t.Errorf("clip starting with an interframe: %v", err)
	}
	if _, err := LoadClip(strings.NewReader("DKIF")); err == nil {
		t.Error("truncated file accepted")
	}
}

func TestStudioToFull(t *testing.T) {
	for in, want := range map[int]uint8{0: 0, 16: 0, 17: 1, 128: 130, 235: 255, 255: 255} {
		if got := studioToFull[in]; got != want {
			t.Errorf("%d → %d, want %d", in, got, want)
		}
	}
}

// TestPacketizer checks the packets against RFC 7741 and then hands them
// to the server's own assembler, which must give back the frame.
func TestPacketizer(t *testing.T) {
	c := testClip(t)
	p := &Packetizer{PayloadType: 96, SSRC: 0x1234, Sequence: 65534, PictureID: 0x7ffe, UsePicture: true}
	asm := vp8.NewAssembler()
	for i, f := range c.Frames[:4] {
		ts := uint32(1000 + 3000*i)
		pkts := p.Packetize(nil, f.Data, ts)
		wantN := (len(f.Data) + 1195) / 1196 // 1200 minus a 4-byte descriptor
		if len(pkts) != wantN {
			t.Errorf("frame %d (%d bytes): %d packets, want %d", i, len(f.Data), len(pkts), wantN)
		}
		var got *vp8.Frame
		sizes := map[int]bool{}
		for j, b := range pkts {
			var pkt rtp.Packet
			if err := pkt.Unmarshal(b); err != nil {
				t.Fatal(err)
			}
			var d vp8.Descriptor
			n, err := d.Unmarshal(pkt.Payload)
			if err != nil {
				t.Fatal(err)
			}
			if len(pkt.Payload) > 1200 || pkt.Marker != (j == len(pkts)-1) || d.Start != (j == 0) || d.PartitionID != 0 ||
				!d.LongPictureID || d.PictureID != uint16(0x7ffe+i)&0x7fff || pkt.Timestamp != ts || pkt.SSRC != 0x1234 || pkt.PayloadType != 96 {
				t.Errorf("frame %d packet %d: %v %v", i, j, &pkt, d.String())
			}
			sizes[len(pkt.Payload)-n] = true
			fr, err := asm.Push(pkt.SequenceNumber, pkt.Timestamp, pkt.Marker, pkt.Payload)
			if err != nil {
				t.Errorf("assembler: %v", err)
			}
			if fr != nil {
				got = fr
			}
		}
		if len(sizes) > 2 {
			t.Errorf("frame %d: piece sizes %v, want equal to one byte", i, sizes)
		}
		if got == nil || !bytes.Equal(got.Data, f.Data) || got.Keyframe != f.Keyframe {
			t.Fatalf("frame %d not reassembled", i)
		}
	}
	if p.PictureID != 2 || p.Sequence == 65534 {
		t.Errorf("next PictureID %d, sequence %d", p.PictureID, p.Sequence)
	}
}

func TestPSNR(t *testing.T) {
	a := bytes.Repeat([]byte{100}, 1000)
	b := bytes.Repeat([]byte{101}, 1000)
	if got := PSNR(a, a); !math.IsInf(got, 1) {
		t.Errorf("identical: %v", got)
	}
	if got := PSNR(a, b); math.Abs(got-48.13) > 0.01 { // MSE 1: 10·log10(65025)
		t.Errorf("off by one: %v", got)
	}
	if got := PSNR(a, b[:999]); !math.IsInf(got, -1) {
		t.Errorf("different sizes: %v", got)
	}
}

func TestParseServerMessage(t *testing.T) {
	for _, tc := range []struct {
		in   string
		typ  string
		shot string
	}{
		{`{"type":"shot","name":"shoot3.jpg","url":"/shots/shoot3.jpg","width":640,"height":480,"bytes":1,"snapshot":true,"ms":5}`, "shot", "shoot3.jpg"},
		{`{"type":"event","layer":"jpeg","text":"saved shoot12.jpg (640×480) in 4 ms"}`, "shot", "shoot12.jpg"},
		{`{"type":"event","layer":"vp8","text":"saved shoot12.jpg (640×480)"}`, "event", ""},
		{`{"type":"error","message":"full","fatal":true}`, "error", ""},
		{`{"type":"milestone","name":"ice","ms":12,"text":"x"}`, "milestone", ""},
		{`{"type":"media","fps":30,"jpegs":2}`, "media", ""},
		{`{"type":"future","x":1}`, "future", ""},
	} {
		m, err := parseServerMessage([]byte(tc.in))
		if err != nil || m.Type != tc.typ || m.Shot.Name != tc.shot {
			t.Errorf("%s: %+v %v", tc.in, m, err)
		}
	}
	m, _ := parseServerMessage([]byte(`{"type":"event","layer":"jpeg","text":"saved shoot12.jpg (640×480)"}`))
	if m.Shot.URL != "/shots/shoot12.jpg" || m.Shot.Width != 640 || m.Shot.Height != 480 {
		t.Errorf("event as shot: %+v", m.Shot)
	}
	if m, _ := parseServerMessage([]byte(`{"type":"error","message":"full","fatal":true}`)); !m.Error.Fatal || m.Error.Message != "full" {
		t.Errorf("error: %+v", m.Error)
	}
	for _, bad := range []string{`{`, `{"type":"shot","name":""}`, `{"type":"media","fps":"x"}`, `[]`} {
		if _, err := parseServerMessage([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func FuzzParseServerMessage(f *testing.F) {
	f.Add([]byte(`{"type":"shot","name":"shoot3.jpg","url":"/shots/shoot3.jpg","width":640,"height":480}`))
	f.Add([]byte(`{"type":"event","layer":"jpeg","text":"saved shoot12.jpg (640×480) in 4 ms"}`))
	f.Add([]byte(`{"type":"offer","sdp":"v=0\r\n","session":"ab"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseServerMessage(b)
		if err == nil && m.Type == "shot" && (m.Shot.Name == "" || m.Shot.URL == "") {
			t.Fatalf("shot without name or URL: %+v", m.Shot)
		}
		if err == nil && m.Type == "offer" {
			ParseOffer(m.Offer.SDP) // must not panic either
		}
	})
}

// testOffer is an offer as the server writes it.
func testOffer(t *testing.T, addrs ...string) string {
	t.Helper()
	ufrag, pwd := sdp.NewICECredentials()
	fp, err := sdp.FingerprintOf("sha-256", []byte("certificate"))
	if err != nil {
		t.Fatal(err)
	}
	o := &sdp.Offer{SessionID: 1, Ufrag: ufrag, Pwd: pwd, Fingerprint: fp, PayloadType: 96, MID: "0"}
	for i, a := range addrs {
		o.Candidates = append(o.Candidates, sdp.Candidate{Foundation: "1", Component: 1, Transport: "udp",
			Priority: uint32(1000 - i), Address: a, Port: 15000, Type: "host"})
	}
	return o.Marshal()
}

func TestOfferAndAnswer(t *testing.T) {
	o, err := ParseOffer(testOffer(t, "::1", "192.0.2.5", "127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	if o.PayloadType != 96 || o.MID != "0" || len(o.Candidates) != 3 || o.Fingerprint.Algorithm != "sha-256" {
		t.Errorf("offer %+v", o)
	}
	for host, want := range map[string]string{
		"127.0.0.1": "127.0.0.1:15000", // the page's own address
		"192.0.2.5": "192.0.2.5:15000",
		"127.0.0.9": "127.0.0.1:15000", // else loopback of the same family
		"::1":       "[::1]:15000",
	} {
		got, err := o.target(netip.MustParseAddr(host))
		if err != nil || got.String() != want {
			t.Errorf("page at %s: target %v %v, want %s", host, got, err, want)
		}
	}
	a, err := MakeAnswer(o, "test") // it checks itself as the server does
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.SDP, "a=setup:active") || !strings.Contains(a.SDP, "a=ssrc:") {
		t.Errorf("answer:\n%s", a.SDP)
	}
	if _, err := ParseOffer(strings.Replace(testOffer(t), "a=fingerprint", "a=x-fingerprint", 1)); err == nil {
		t.Error("offer without fingerprint accepted")
	}
}

// srtpPair returns the sender's context and a receiver's for the same key.
func srtpPair(t *testing.T) (tx, rx *srtp.Context) {
	t.Helper()
	p := srtp.AEAD_AES_128_GCM
	km := bytes.Repeat([]byte{7}, p.KeyingMaterialLen())
	client, _, err := srtp.SplitKeyingMaterial(p, km)
	if err != nil {
		t.Fatal(err)
	}
	if tx, err = srtp.NewContext(p, client); err != nil {
		t.Fatal(err)
	}
	if rx, err = srtp.NewContext(p, client); err != nil {
		t.Fatal(err)
	}
	return tx, rx
}

func TestSender(t *testing.T) {
	c := testClip(t)
	tx, rx := srtpPair(t)
	now := time.Unix(1000, 0)
	s := newSender(now, c, Packetizer{PayloadType: 96, SSRC: 42, Sequence: 100}, tx, "cam", 5000)
	decrypt := func() (keyframes int, seqs []uint16) {
		for _, b := range s.out {
			plain, err := rx.DecryptRTP(append([]byte(nil), b...))
			if err != nil {
				t.Fatal(err)
			}
			var p rtp.Packet
			p.Unmarshal(plain)
			seqs = append(seqs, p.SequenceNumber)
			var d vp8.Descriptor
			n, _ := d.Unmarshal(p.Payload)
			var h vp8.PayloadHeader
			if _, err := h.Unmarshal(p.Payload[n:]); d.Start && err == nil && h.Keyframe {
				keyframes++
			}
		}
		s.out = s.out[:0]
		return keyframes, seqs
	}
	s.timeout(now) // frame 0, the keyframe
	if k, _ := decrypt(); k != 1 || s.stats.Keyframes != 1 {
		t.Fatalf("first frame: %d keyframes", k)
	}
	// Frames follow at the clip's rate, the RTP clock at 90 kHz.
	next := s.deadline()
	if next.Sub(now) != c.FrameDuration {
		t.Errorf("next frame after %v", next.Sub(now))
	}
	s.timeout(next)
	k, seqs := decrypt()
	if k != 0 || len(seqs) != (len(c.Frames[1].Data)+1195)/1196 {
		t.Errorf("second frame: %d keyframes, %d packets", k, len(seqs))
	}
	if got := s.rtpTime(next) - s.rtpTime(now); got != 3000 {
		t.Errorf("RTP clock moved %d for one frame", got)
	}

	// A PLI, and a FIR repeated (one request): two keyframe requests,
	// answered by one keyframe, the next frame.
	fb := func(pkts ...rtcp.Packet) {
		b, err := rtcp.Marshal(pkts...)
		if err != nil {
			t.Fatal(err)
		}
		s.feedback(b, true)
	}
	fb(&rtcp.PictureLossIndication{SenderSSRC: 9, MediaSSRC: 42}, &rtcp.PictureLossIndication{SenderSSRC: 9, MediaSSRC: 43})
	fb(rtcp.NewFIR(9, 42, 1))
	fb(rtcp.NewFIR(9, 42, 1))
	if s.stats.PLIs != 1 || s.stats.FIRs != 1 || s.stats.Asked != 2 {
		t.Errorf("PLIs %d FIRs %d asked %d", s.stats.PLIs, s.stats.FIRs, s.stats.Asked)
	}
	s.timeout(next.Add(c.FrameDuration))
	if k, _ := decrypt(); k != 1 || s.stats.Keyframes != 2 {
		t.Errorf("after the requests: %d keyframes", k)
	}

	// A NACK: the packets again, byte for byte; one too old is missed.
	want := s.history[seqs[0]%historySize].data
	fb(rtcp.NewNACK(9, 42, []uint16{seqs[0], seqs[0] - 200}))
	if len(s.out) != 1 || !bytes.Equal(s.out[0], want) || s.stats.Retransmits != 1 || s.stats.Missed != 1 {
		t.Errorf("NACK: %d packets out, retransmits %d, missed %d", len(s.out), s.stats.Retransmits, s.stats.Missed)
	}
	s.out = s.out[:0]

	// After the end, requests are counted and not answered.
	fb(&rtcp.PictureLossIndication{SenderSSRC: 9, MediaSSRC: 42})
	s.feedback(mustMarshal(t, rtcp.NewNACK(9, 42, []uint16{seqs[0]})), false)
	if s.stats.Late != 0 || s.stats.Asked != 3 {
		t.Errorf("late %d asked %d", s.stats.Late, s.stats.Asked)
	}
	s.feedback(mustMarshal(t, &rtcp.PictureLossIndication{SenderSSRC: 9, MediaSSRC: 42}), false)
	if s.stats.Late != 1 || len(s.out) != 0 {
		t.Errorf("late %d, %d packets out", s.stats.Late, len(s.out))
	}

	// The sender report: SR and SDES, protected.
	s.timeout(now.Add(srInterval))
	sr := s.out[len(s.out)-1]
	plain, err := rx.DecryptRTCP(append([]byte(nil), sr...))
	if err != nil {
		t.Fatal(err)
	}
	pkts, err := rtcp.Unmarshal(plain)
	if err != nil || len(pkts) != 2 {
		t.Fatalf("report: %v %v", pkts, err)
	}
	if r, ok := pkts[0].(*rtcp.SenderReport); !ok || r.SSRC != 42 || int(r.PacketCount) != s.stats.Packets || r.RTPTime != s.rtpTime(now.Add(srInterval)) {
		t.Errorf("SR %v", pkts[0])
	}
	if sd, ok := pkts[1].(*rtcp.SourceDescription); !ok {
		t.Errorf("SDES %v", pkts[1])
	} else if cname, _ := sd.CNAME(42); cname != "cam" {
		t.Errorf("CNAME %q", cname)
	}
}

func mustMarshal(t *testing.T, p rtcp.Packet) []byte {
	b, err := rtcp.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVerifyShot serves JPEGs as the server writes them (full range,
// quality 90) and others.
func TestVerifyShot(t *testing.T) {
	c := testClip(t)
	encode := func(luma []byte, w, h int) []byte {
		img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
		copy(img.Y, luma)
		for i := range img.Cb {
			img.Cb[i], img.Cr[i] = 128, 128
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	files := map[string][]byte{
		"/good.jpg":  encode(c.Frames[0].Luma, c.Width, c.Height),
		"/grey.jpg":  encode(bytes.Repeat([]byte{128}, c.Width*c.Height), c.Width, c.Height),
		"/small.jpg": encode(make([]byte, 64*48), 64, 48),
		"/junk.jpg":  []byte("not a JPEG"),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		path string
		ok   bool
		err  string
	}{
		{"/good.jpg", true, ""},
		{"/grey.jpg", false, "PSNR"},
		{"/small.jpg", false, "64x48"},
		{"/junk.jpg", false, "JPEG"},
		{"/none.jpg", false, "404"},
	} {
		_, _, psnr, err := verifyShot(t.Context(), srv.Client(), srv.URL+tc.path, c, []int{0})
		if (err == nil) != tc.ok || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: PSNR %.1f, %v", tc.path, psnr, err)
		}
		if tc.ok && psnr < 40 {
			t.Errorf("%s: PSNR %.1f, want > 40 at quality 90", tc.path, psnr)
		}
	}
}

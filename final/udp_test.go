package main

import (
	"bytes"
	"container/heap"
	"crypto/aes"
	"crypto/cipher"
	"log/slog"
	"net"
	"net/netip"
	"nutsandbolts/final/pcap"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"nutsandbolts/final/config"
	"nutsandbolts/final/dtls"
	"nutsandbolts/final/ice"
	"nutsandbolts/final/logging"
	"nutsandbolts/final/sdp"
	"nutsandbolts/final/signaling"
	"nutsandbolts/final/srtp"
	"nutsandbolts/final/stun"
)

// testLoop starts a udpLoop on a loopback port and returns it with a
// socket to send from and the log it writes.
func testLoop(t *testing.T, change ...func(*config.Config)) (*udpLoop, *net.UDPConn, *syncBuffer) {
	t.Helper()
	var logBuf syncBuffer
	log := slog.New(logging.New(&logBuf, slog.LevelDebug, false))
	cfg := config.Default()
	cfg.UDP = 0
	for _, f := range change {
		f(cfg)
	}
	u, err := listenUDP(cfg, dtls.Config{}, log)
	if err != nil {
		t.Fatal(err)
	}
	go u.run()
	t.Cleanup(u.close)
	port := u.conn.LocalAddr().(*net.UDPAddr).Port
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return u, c, &logBuf
}

// syncBuffer is a log buffer the loop writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// waitLog waits until the log contains every one of want.
func waitLog(t *testing.T, logBuf *syncBuffer, want ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		missing := ""
		for _, w := range want {
			if !bytes.Contains(logBuf.Bytes(), []byte(w)) {
				missing = w
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log has no %q:\n%s", missing, logBuf.Bytes())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitDrops waits until the loop has counted n drops of kind.
func waitDrops(t *testing.T, u *udpLoop, kind string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for u.dropped()[kind] < n {
		if time.Now().After(deadline) {
			t.Fatalf("drops = %v, want %d of %q", u.dropped(), n, kind)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A datagram larger than the old 1500-byte read buffer used to be cut short
// and then reported as a malformed STUN message; now it is read whole and
// dropped for its size.
func TestOversizedDatagramDropped(t *testing.T) {
	u, c, _ := testLoop(t)
	req := stun.NewBindingRequest()
	req.AddFingerprint()
	big := append(req.Marshal(), make([]byte, 3000)...)
	if _, err := c.Write(big); err != nil {
		t.Fatal(err)
	}
	waitDrops(t, u, "oversized datagram", 1)
	if len(u.dropped()) != 1 {
		t.Errorf("drops = %v, want only the oversized one", u.dropped())
	}
}

// The kind of a drop is a fixed reason: junk that differs only in its
// bytes is one kind, logged once (it used to be one kind per first digit).
func TestDropKindIsFixed(t *testing.T) {
	u, c, logBuf := testLoop(t)
	n := 0
	for b := 0x40; b < 0x80; b += 3 { // neither STUN, DTLS nor RTP (RFC 7983)
		c.Write([]byte{byte(b), 1, 2, 3})
		n++
	}
	for b := 0xc0; b < 0x100; b += 3 {
		c.Write([]byte{byte(b), 1, 2, 3})
		n++
	}
	waitDrops(t, u, "none of STUN, DTLS, RTP (RFC 7983)", n)
	if len(u.dropped()) != 1 {
		t.Errorf("drops = %v, want one kind", u.dropped())
	}
	if got := bytes.Count(logBuf.Bytes(), []byte("dropped datagram")); got != 1 {
		t.Errorf("logged %d times, want once", got)
	}
}

// A panic while handling one datagram is caught, logged once with its
// stack and counted: the loop survives. (A loop without an agent panics on
// a STUN datagram, standing in for a bug.)
func TestPanicIsSurvived(t *testing.T) {
	var logBuf bytes.Buffer
	u := &udpLoop{
		log:   logging.Layer(slog.New(logging.New(&logBuf, slog.LevelInfo, false)), "udp"),
		drops: map[string]int{},
	}
	req := stun.NewBindingRequest()
	req.AddFingerprint()
	for range 3 {
		u.handleSafely(time.Now(), netip.MustParseAddrPort("127.0.0.1:5000"), req.Marshal())
	}
	if got := u.dropped()["panic caught (a bug)"]; got != 3 {
		t.Errorf("panics counted = %d, want 3", got)
	}
	if got := bytes.Count(logBuf.Bytes(), []byte("BUG: panic")); got != 1 {
		t.Errorf("panic logged %d times, want once", got)
	}
}

// A panic inside one session's peer ends that session alone: its peer is
// freed and every other session goes on. (A peer without a DTLS server
// panics on its timer, standing in for a bug.)
func TestPanicInPeerEndsOnlyItsSession(t *testing.T) {
	var logBuf bytes.Buffer
	u := &udpLoop{
		log:      logging.Layer(slog.New(logging.New(&logBuf, slog.LevelInfo, false)), "udp"),
		agent:    ice.NewAgent(ice.Config{}),
		sessions: map[string]*signaling.Session{},
		peers:    map[string]*peer{},
		drops:    map[string]int{},
	}
	good := newPeer(&signaling.Session{ID: "good"}, dtls.Config{}, sdp.Fingerprint{}, slog.New(slog.DiscardHandler), slog.New(slog.DiscardHandler), testVideo(), nil)
	u.peers["good"] = good
	buggy := &peer{id: "buggy"} // no conn: its timer panics
	u.peers["buggy"] = buggy
	u.timers.schedule(good, u.peers)
	buggy.timerQueued = true
	heap.Push(&u.timers, timerEntry{at: time.Now(), id: buggy.id}) // due now
	for range 2 {
		u.timeoutSafely(time.Now().Add(2 * time.Second)) // both due
	}
	if _, ok := u.peers["buggy"]; ok {
		t.Error("the session whose peer panicked is still there")
	}
	if u.peers["good"] != good {
		t.Error("another session was ended too")
	}
	if got := u.dropped()["panic caught (a bug)"]; got != 1 {
		t.Errorf("panics counted = %d, want 1", got)
	}
}

// Work from signaling that panics does not kill the loop, and do returns
// instead of waiting forever.
func TestPanicInCallIsSurvived(t *testing.T) {
	u, _, _ := testLoop(t)
	done := make(chan bool, 1)
	go func() { done <- u.do(func() { panic("a bug") }) }()
	select {
	case ok := <-done:
		if !ok {
			t.Fatal("do returned false: the loop stopped")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("do did not return")
	}
	if !u.do(func() {}) {
		t.Fatal("the loop stopped after a panic")
	}
}

// The receive buffer asked for is set (up to what the kernel allows).
func TestReadBuffer(t *testing.T) {
	u, _, _ := testLoop(t)
	if got := u.readBuffer(); got <= 0 {
		t.Errorf("readBuffer = %d", got)
	}
	if got := u.kernelDrops(); got < 0 {
		t.Skipf("kernel drop count not readable here")
	}
}

// -trace logs each datagram in and out with its kind, size, address and
// first bytes; without it, none.
func TestTrace(t *testing.T) {
	for _, on := range []bool{false, true} {
		u, c, logBuf := testLoop(t, func(cfg *config.Config) { cfg.Trace = on })
		req := stun.NewBindingRequest()
		req.AddFingerprint()
		c.Write(req.Marshal())
		c.Write([]byte{0x80, 200, 0, 1}) // looks like RTCP: dropped, but traced
		waitDrops(t, u, "RTP/RTCP from an address without a valid ICE pair", 1)
		got := logBuf.Bytes()
		if !on {
			if bytes.Contains(got, []byte("[trace]")) {
				t.Errorf("traced without -trace:\n%s", got)
			}
			continue
		}
		waitLog(t, logBuf, "[trace] received  kind=STUN bytes=28", "[trace] sent  kind=STUN", "[trace] received  kind=RTCP bytes=4", "00000000  00 01 00 08 21 12 a4 42")
	}
}

func TestTraceKind(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{nil, "empty"}, {[]byte{0}, "STUN"}, {[]byte{3}, "STUN"}, {[]byte{4}, "unknown"},
		{[]byte{19}, "unknown"}, {[]byte{20}, "DTLS"}, {[]byte{63}, "DTLS"}, {[]byte{64}, "unknown"},
		{[]byte{127}, "unknown"}, {[]byte{128}, "RTP"}, {[]byte{128, 96}, "RTP"}, {[]byte{0x80, 200}, "RTCP"},
		{[]byte{0x81, 206}, "RTCP"}, {[]byte{0x80, 191}, "RTP"}, {[]byte{0x80, 224}, "RTP"}, {[]byte{191}, "RTP"}, {[]byte{192}, "unknown"},
	} {
		if got := traceKind(c.b); got != c.want {
			t.Errorf("traceKind(% x) = %s, want %s", c.b, got, c.want)
		}
	}
}

// mediaLoop is a loop with one session whose pair from is valid and whose
// peer has finished its handshake with SRTP keys of the given profile: what
// the loop holds once a browser is sending media. It returns the browser's
// side of the keys, to protect packets as the browser would.
func mediaLoop(t testing.TB, profile srtp.Profile, from netip.AddrPort) (*udpLoop, *srtp.Context) {
	t.Helper()
	discard := slog.New(slog.DiscardHandler)
	u := &udpLoop{
		log: discard, iceLog: discard, stunLog: discard, traceLog: discard,
		agent:      ice.NewAgent(ice.Config{}),
		sessions:   map[string]*signaling.Session{},
		eventLines: map[string]int{},
		peers:      map[string]*peer{},
		drops:      map[string]int{},
	}
	now := time.Now()
	local := ice.Credentials{Ufrag: "serverufrag1", Pwd: "serverpassword0123456789"}
	remote := ice.Credentials{Ufrag: "brow", Pwd: "browserpassword012345678"}
	if err := u.agent.AddSession(now, "s1", local, remote); err != nil {
		t.Fatal(err)
	}
	check := stun.NewBindingRequest()
	check.AddUsername(local.Ufrag + ":" + remote.Ufrag)
	check.AddPriority(1853824767)
	check.AddICEControlling(1)
	check.AddUseCandidate()
	check.AddMessageIntegrity(stun.ShortTermKey(local.Pwd))
	check.AddFingerprint()
	if err := u.agent.Handle(now, from, check.Marshal()); err != nil {
		t.Fatal(err)
	}
	if _, ok := u.agent.Route(from); !ok {
		t.Fatal("the check did not make the pair valid")
	}
	km := make([]byte, profile.KeyingMaterialLen())
	for i := range km {
		km[i] = byte(i)
	}
	client, server, err := srtp.SplitKeyingMaterial(profile, km)
	if err != nil {
		t.Fatal(err)
	}
	p := newPeer(&signaling.Session{ID: "s1"}, dtls.Config{}, sdp.Fingerprint{}, discard, discard, testVideo(), nil)
	p.done = true
	if p.srtpIn, err = srtp.NewContext(profile, client); err != nil {
		t.Fatal(err)
	}
	p.srtpOut, _ = srtp.NewContext(profile, server)
	p.media.shownRTP, p.media.shownRTCP = shownRTP, shownRTCP // the narration has been told already
	p.media.next = time.Now().Add(24 * time.Hour)             // and its summary lines (they tell the page) are not due
	u.peers["s1"] = p
	browser, _ := srtp.NewContext(profile, client)
	return u, browser
}

// rtpPacket is a plain RTP packet: a 12-byte header and n bytes of payload.
func rtpPacket(seq uint16, n int) []byte {
	b := make([]byte, 12+n)
	b[0], b[1] = 0x80, 96
	b[2], b[3] = byte(seq>>8), byte(seq)
	b[8], b[9], b[10], b[11] = 0xde, 0xad, 0xbe, 0xef
	for i := 12; i < len(b); i++ {
		b[i] = byte(i)
	}
	return b
}

// SRTP from a valid pair reaches its peer and is decrypted; a forged,
// replayed or premature packet is dropped with its own reason.
func TestSRTPThroughTheLoop(t *testing.T) {
	from := netip.MustParseAddrPort("127.0.0.1:5000")
	u, browser := mediaLoop(t, srtp.AEAD_AES_128_GCM, from)
	now := time.Now()
	pkt, err := browser.EncryptRTP(nil, rtpPacket(1, 100))
	if err != nil {
		t.Fatal(err)
	}
	if id := u.handle(now, from, slices.Clone(pkt)); id != "s1" {
		t.Fatalf("handle routed the packet to %q", id)
	}
	if st := u.peers["s1"].srtpIn.Stats(); st.RTPDecrypted != 1 {
		t.Fatalf("stats after one packet: %v", st)
	}
	u.handle(now, from, slices.Clone(pkt)) // the same packet again
	forged, _ := browser.EncryptRTP(nil, rtpPacket(2, 100))
	forged[20] ^= 1 // a payload bit: the tag no longer matches
	u.handle(now, from, forged)
	u.handle(now, netip.MustParseAddrPort("127.0.0.1:5001"), slices.Clone(pkt)) // no valid pair
	drops := u.dropped()
	for _, kind := range []string{"srtp: replayed packet", "srtp: authentication failed", "RTP/RTCP from an address without a valid ICE pair"} {
		if drops[kind] != 1 {
			t.Errorf("drops = %v, want one %q", drops, kind)
		}
	}
	u.peers["s1"].srtpIn = nil // as before the handshake completed
	u.handle(now, from, slices.Clone(pkt))
	if n := u.dropped()["SRTP before the DTLS handshake completed"]; n != 1 {
		t.Errorf("media before the keys: drops = %v", u.dropped())
	}
}

// BenchmarkLoopRTP is the loop's whole per-packet path for one SRTP
// datagram of a 1,200-byte payload: classify (RFC 7983), route by the
// sender's address to its session, decrypt in place, count. Beside it, in
// the same run, the bare AES-GCM decryption of the same size.
func BenchmarkLoopRTP(b *testing.B) {
	from := netip.MustParseAddrPort("127.0.0.1:5000")
	u, browser := mediaLoop(b, srtp.AEAD_AES_128_GCM, from)
	// A batch of packets, encrypted by the browser's side outside the
	// timed part, then again with the next sequence numbers: the stream
	// goes on as a camera's would, in buffers small enough to stay in the
	// CPU's cache, as a socket's do.
	const n = 512
	packets := make([][]byte, n)
	seq := uint16(0)
	batch := func() {
		for i := range packets {
			packets[i], _ = browser.EncryptRTP(packets[i][:0], rtpPacket(seq, 1200))
			seq++
		}
	}
	batch()
	buf := make([]byte, 1500)
	start := time.Now()
	b.SetBytes(1200)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%n == 0 && i > 0 {
			b.StopTimer()
			batch()
			b.StartTimer()
		}
		now := start.Add(time.Duration(i) * 100 * time.Microsecond) // 10,000 packets a second
		pkt := packets[i%n]
		d := buf[:len(pkt)]
		copy(d, pkt)
		if u.handle(now, from, d) != "s1" {
			b.Fatal("not routed")
		}
	}
}

// BenchmarkAESGCMOpen is the baseline for BenchmarkLoopRTP: copying the
// packet and opening it with AES-128-GCM, nothing else.
func BenchmarkAESGCMOpen(b *testing.B) {
	block, _ := aes.NewCipher(make([]byte, 16))
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, 12)
	sealed := aead.Seal(nil, nonce, make([]byte, 1200), make([]byte, 12))
	src := append(make([]byte, 12), sealed...)
	buf := make([]byte, 1500)
	b.SetBytes(1200)
	b.ReportAllocs()
	for range b.N {
		d := buf[:len(src)]
		copy(d, src)
		if _, err := aead.Open(d[12:12], nonce, d[12:], d[:12]); err != nil {
			b.Fatal(err)
		}
	}
}

// testVideo is a session's video part that logs nothing.
func testVideo() *video {
	d := slog.New(slog.DiscardHandler)
	return newVideo(1, 96, 0, d, d, d, nil)
}

// A ClientHello that overtakes the browser's answer (its check passed
// first) is kept, one per session, and played when the answer's peer is
// installed; a second early datagram is dropped as before.
func TestEarlyClientHello(t *testing.T) {
	from := netip.MustParseAddrPort("127.0.0.1:5000")
	u, _ := mediaLoop(t, srtp.AEAD_AES_128_GCM, from)
	delete(u.peers, "s1") // as before the answer
	u.early = map[string]*earlyDatagram{}
	u.dtlsLog = slog.New(slog.DiscardHandler)
	hello := []byte{22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0} // a record header: handshake, DTLS 1.2, epoch 0
	if id := u.handle(time.Now(), from, hello); id != "" || u.early["s1"] == nil {
		t.Fatalf("the early datagram was not kept (routed to %q)", id)
	}
	u.handle(time.Now(), from, hello)
	if got := u.dropped()["DTLS before the browser's answer arrived (no fingerprint to check it against)"]; got != 1 {
		t.Errorf("second early datagram: dropped %d, want 1", got)
	}
	d := slog.New(slog.DiscardHandler)
	p := newPeer(&signaling.Session{ID: "s1"}, dtls.Config{}, sdp.Fingerprint{}, d, d, testVideo(), nil)
	u.addPeer("s1", p)
	if !p.started || u.early["s1"] != nil {
		t.Errorf("the kept datagram was not played to the new peer (started %v)", p.started)
	}
}

// The -pcap capture gets a session's packets even when the browser
// nominated its pair before its answer arrived, so that the peer never
// saw the Selected event: the server's address is found from the packet.
func TestCaptureWithoutSelectedPair(t *testing.T) {
	from := netip.MustParseAddrPort("127.0.0.1:5000")
	u, browser := mediaLoop(t, srtp.AEAD_AES_128_GCM, from)
	c, err := pcap.NewRecorder(filepath.Join(t.TempDir(), "s.pcap"), 16, func(string, ...any) {})
	if err != nil {
		t.Fatal(err)
	}
	p := u.peers["s1"]
	p.capture = c
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	u.conn = conn // localFor reads the port from the socket
	pkt, _ := browser.EncryptRTP(nil, rtpPacket(1, 100))
	if id := u.handle(time.Now(), from, pkt); id != "s1" {
		t.Fatalf("routed to %q", id)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if c.Written() != 1 || c.Dropped() != 0 {
		t.Errorf("capture: %d written, %d dropped; want the packet written", c.Written(), c.Dropped())
	}
}

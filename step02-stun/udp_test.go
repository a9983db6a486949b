package main

import (
	"bytes"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"nutsandbolts/step02-stun/config"
	"nutsandbolts/step02-stun/logging"
	"nutsandbolts/step02-stun/stun"
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
	u, err := listenUDP(cfg, log)
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
	if n := u.dropped()["malformed STUN message"]; n != 0 {
		t.Errorf("an oversized datagram was also counted as malformed (%d)", n)
	}
}

// The kind of a drop is a fixed reason: junk that differs only in its bytes
// is one kind, logged once.
func TestDropKindIsFixed(t *testing.T) {
	u, c, logBuf := testLoop(t)
	for b := 0x40; b < 0x100; b += 0x11 {
		c.Write([]byte{byte(b), 1, 2, 3})
	}
	waitDrops(t, u, "not STUN (this step speaks only STUN)", 12)
	if len(u.dropped()) != 1 {
		t.Errorf("drops = %v, want one kind", u.dropped())
	}
	if n := bytes.Count(logBuf.Bytes(), []byte("dropped datagram")); n != 1 {
		t.Errorf("logged %d times, want once", n)
	}
}

// A panic while handling one datagram is caught, logged once with its
// stack and counted: the server stays up. (A nil socket makes the answer
// to a valid request panic, standing in for a bug.)
func TestPanicIsSurvived(t *testing.T) {
	var logBuf bytes.Buffer
	u := &udpLoop{
		log:     logging.Layer(slog.New(logging.New(&logBuf, slog.LevelInfo, false)), "udp"),
		stunLog: slog.New(slog.DiscardHandler),
		drops:   map[string]int{},
	}
	req := stun.NewBindingRequest()
	req.AddFingerprint()
	from := netip.MustParseAddrPort("127.0.0.1:5000")
	for range 3 {
		u.handleSafely(from, req.Marshal())
	}
	if got := u.dropped()["panic caught (a bug)"]; got != 3 {
		t.Errorf("panics counted = %d, want 3", got)
	}
	if n := bytes.Count(logBuf.Bytes(), []byte("BUG: panic")); n != 1 {
		t.Errorf("panic logged %d times, want once", n)
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
		waitDrops(t, u, "not STUN (this step speaks only STUN)", 1)
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

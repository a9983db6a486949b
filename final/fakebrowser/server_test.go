package fakebrowser

// Sessions against the real server, built from this module and run as a
// process by StartServer (testserver.go).

import (
	"context"
	"net/netip"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// startServer runs the server until the test ends, with room for many
// sessions from one address.
func startServer(t *testing.T, extra ...string) *TestServer {
	t.Helper()
	return StartServer(t, append([]string{"-max-sessions-per-address", "100", "-connect-rate", "1000", "-connect-burst", "1000"}, extra...)...)
}

// settled waits for the goroutines to go back to at most n.
func settled(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); runtime.NumGoroutine() > n; {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSessionWithServer(t *testing.T) {
	srv := startServer(t)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	res := Run(ctx, Config{URL: srv.URL, LocalAddr: netip.MustParseAddr("127.0.0.2"), Clip: testClip(t),
		Drain: 3 * time.Second, SnapshotEvery: 1500 * time.Millisecond})
	if !res.OK || res.Reached != PhaseShot {
		t.Fatalf("result: %+v", res)
	}
	for _, ph := range []Phase{PhaseWebSocket, PhaseOffer, PhaseAnswer, PhaseICE, PhaseDTLS, PhaseMedia, PhaseShot} {
		if _, ok := res.Setup[ph.String()]; !ok {
			t.Errorf("no time for phase %v", ph)
		}
	}
	m := res.Media
	// The first frame, the answer to the server's PLI at the stream's
	// start, and the snapshot's keyframe at least; every one saved.
	if m.Keyframes < 3 || m.Asked < 2 || len(res.Shots) != m.Keyframes || res.Verified() != len(res.Shots) {
		t.Errorf("keyframes sent %d, asked %d; %d shots, %d verified: %+v", m.Keyframes, m.Asked, len(res.Shots), res.Verified(), res.Shots)
	}
	snap := 0
	for _, s := range res.Shots {
		if s.Snapshot {
			snap++
		}
		if s.PSNR < MinPSNR || s.Width != 640 || s.Height != 480 {
			t.Errorf("shot %+v", s)
		}
	}
	if res.Snapshots != 1 || snap != 1 {
		t.Errorf("%d snapshots asked, %d shots say snapshot", res.Snapshots, snap)
	}
	if m.Frames < 60 || m.SRs < 2 {
		t.Errorf("%d frames, %d sender reports in 3 s", m.Frames, m.SRs)
	}
	settled(t, before)
}

// TestStopAtEveryPhase ends sessions at each phase, politely and not,
// and by ctx at random times: each must end without an error of its own
// and leave no goroutine behind.
func TestStopAtEveryPhase(t *testing.T) {
	srv := startServer(t)
	clip := testClip(t)
	before := runtime.NumGoroutine()
	for i, ph := range []Phase{PhaseWebSocket, PhaseOffer, PhaseAnswer, PhaseICE, PhaseDTLS, PhaseMedia, PhaseShot} {
		for _, abrupt := range []bool{false, true} {
			local := netip.AddrFrom4([4]byte{127, 0, 1, byte(2*i + 2 + btoi(abrupt))})
			res := Run(t.Context(), Config{URL: srv.URL, LocalAddr: local, Clip: clip, StopAfter: ph, Abrupt: abrupt, SkipVerify: true})
			if !res.OK || res.Reached != ph {
				t.Errorf("stop after %v (abrupt %v): %+v", ph, abrupt, res)
			}
		}
	}
	for i, d := range []time.Duration{0, time.Millisecond, 3 * time.Millisecond, 10 * time.Millisecond, 30 * time.Millisecond, 100 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(t.Context(), d)
		res := Run(ctx, Config{URL: srv.URL, LocalAddr: netip.AddrFrom4([4]byte{127, 0, 2, byte(i + 2)}), Clip: clip, Abrupt: i%2 == 1})
		cancel()
		if res.Err != "" && !res.Stopped {
			t.Errorf("cancelled after %v: %+v", d, res)
		}
	}
	settled(t, before)
	// The server is still fine.
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	if res := Run(ctx, Config{URL: srv.URL, Clip: clip, Drain: 2 * time.Second}); !res.OK || res.Reached != PhaseShot {
		t.Errorf("after the stops: %+v", res)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestServerRefuses(t *testing.T) {
	srv := startServer(t, "-max-sessions", "1")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	first := make(chan *Result)
	go func() { first <- Run(ctx, Config{URL: srv.URL, Clip: testClip(t), SkipVerify: true}) }()
	time.Sleep(300 * time.Millisecond)
	res := Run(ctx, Config{URL: srv.URL, Clip: testClip(t)})
	if res.OK || res.CloseCode != 1013 || res.FailedIn != PhaseWebSocket {
		t.Errorf("second session on a full server: %+v", res)
	}
	if r := <-first; !r.OK {
		t.Errorf("first session: %+v", r)
	}
	// Not a server at all.
	res = Run(t.Context(), Config{URL: "http://127.0.0.1:" + strconv.Itoa(freePort(t, "tcp"))})
	if res.OK || res.FailedIn != PhaseNone || res.Err == "" {
		t.Errorf("no server: %+v", res)
	}
}

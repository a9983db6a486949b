package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"nutsandbolts/final/config"
	"nutsandbolts/final/fakebrowser"
)

// TestChurn: 1,000 sessions open and close, half of them abandoned in
// the middle of the handshake with no goodbye (a tab killed, a phone that
// lost its network), the other half through DTLS and closed cleanly. The
// server must give back everything each one held: afterwards the
// goroutines are as many as before, and the heap as large, give or take
// what the runtime keeps around.
func TestChurn(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 sessions: not in -short")
	}
	// The log is formatted and thrown away: kept, it would be the heap's growth.
	p := startLogging(t, io.Discard, func(c *config.Config) {
		c.Signaling.MaxSessionsPerAddress, c.Signaling.ConnectRate, c.Signaling.ConnectBurst = 100, 10_000, 10_000
	})
	url := "http://" + p.http.Addr().String()
	// One warm-up session, so that lazily made things (pools, the JPEG
	// workers' decoders, TLS tables) are not counted as a leak.
	if r := fakebrowser.Run(context.Background(), fakebrowser.Config{URL: url, StopAfter: fakebrowser.PhaseDTLS, SkipVerify: true}); !r.OK {
		t.Fatalf("warm-up session: %s in %s", r.Err, r.FailedIn)
	}
	p.signaling.Wait(time.Now().Add(5 * time.Second))
	goroutines, heap := settle()

	const cycles, parallel = 1000, 8
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := map[string]int{}
	next := make(chan int)
	for w := range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each worker its own loopback address, as eight machines.
			local := netip.AddrFrom4([4]byte{127, 0, 1, byte(w + 1)})
			for i := range next {
				cfg := fakebrowser.Config{URL: url, LocalAddr: local, StopAfter: fakebrowser.PhaseDTLS, SkipVerify: true, SetupTimeout: 10 * time.Second}
				if i%2 == 1 {
					// Abandoned: gone without a word at a point of the
					// handshake that moves with i.
					cfg.Abrupt = true
					cfg.StopAfter = []fakebrowser.Phase{fakebrowser.PhaseWebSocket, fakebrowser.PhaseOffer, fakebrowser.PhaseAnswer, fakebrowser.PhaseICE}[i/2%4]
				}
				if r := fakebrowser.Run(context.Background(), cfg); !r.OK {
					mu.Lock()
					failed[fmt.Sprintf("%s in %s", r.Err, r.FailedIn)]++
					mu.Unlock()
				}
			}
		}()
	}
	for i := range cycles {
		next <- i
	}
	close(next)
	wg.Wait()
	took := time.Since(start)
	if len(failed) > 0 {
		t.Errorf("failed sessions: %v", failed)
	}
	if n := p.signaling.Wait(time.Now().Add(10 * time.Second)); n != 0 {
		t.Errorf("%d sessions still open", n)
	}
	var peers, sessions int
	p.media.udp.do(func() { peers, sessions = len(p.media.udp.peers), len(p.media.udp.sessions) })
	if peers != 0 || sessions != 0 {
		t.Errorf("the loop still holds %d peers and %d sessions", peers, sessions)
	}
	g, h := settle()
	t.Logf("%d cycles in %v (%.1f a second); goroutines %d → %d, heap %.1f → %.1f MB",
		cycles, took.Round(time.Millisecond), cycles/took.Seconds(), goroutines, g, float64(heap)/1e6, float64(h)/1e6)
	if g > goroutines+2 {
		t.Errorf("goroutines: %d before, %d after", goroutines, g)
		buf := make([]byte, 1<<20)
		os.Stderr.Write(buf[:runtime.Stack(buf, true)])
	}
	if h > heap+4<<20 {
		t.Errorf("live heap: %d bytes before, %d after", heap, h)
	}
}

// settle waits for goroutines that are ending to end, collects garbage,
// and returns the goroutine count and the heap in use.
func settle() (int, uint64) {
	var g int
	for range 50 {
		g = runtime.NumGoroutine()
		time.Sleep(100 * time.Millisecond)
		if runtime.NumGoroutine() == g {
			break
		}
	}
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return runtime.NumGoroutine(), ms.HeapAlloc
}

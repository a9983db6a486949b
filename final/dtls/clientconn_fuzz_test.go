package dtls

import (
	"testing"
	"time"
)

// FuzzClientConn feeds a ClientConn arbitrary datagrams as if from the
// server: fresh (waiting for flight 2), and after flight 4 (waiting for
// flight 6). Nothing may panic, and whatever it sends stays within a
// flight's size.
//
//	go test -run '^$' -fuzz '^FuzzClientConn$' -fuzztime 20s ./dtls/
func FuzzClientConn(f *testing.F) {
	// Seeds: the server's real flights 2, 4 and 6.
	p := newPair(f, nil)
	var seeds [][]byte
	p.drop = func(toServer bool, _ int, d []byte) bool {
		if !toServer {
			seeds = append(seeds, d)
		}
		return false
	}
	p.pump(time.Second)
	for _, s := range seeds {
		f.Add(s, s)
	}
	f.Add([]byte{21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 40}, []byte{})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		// Waiting for the HelloVerifyRequest.
		p := newPair(t, nil)
		p.cl.Handle(t0, a)
		p.cl.Handle(t0, b)
		p.cl.HandleTimeout(t0.Add(time.Minute))
		drainEvents(p.cl.PollEvent)
		for d, ok := p.cl.PollTransmit(); ok; d, ok = p.cl.PollTransmit() {
			if len(d) > 1200 {
				t.Fatalf("datagram of %d bytes", len(d))
			}
		}
		// Waiting for flight 6: stop the pump after flight 4 arrives.
		p = newPair(t, nil)
		p.drop = func(toServer bool, n int, _ []byte) bool { return toServer && n >= 3 }
		p.pump(0)
		p.cl.Handle(t0, a)
		p.cl.Handle(t0, b)
		out := 0
		for d, ok := p.cl.PollTransmit(); ok; d, ok = p.cl.PollTransmit() {
			out += len(d)
		}
		if out > 2400 { // at most flight 5 once more, or an alert
			t.Fatalf("%d bytes sent for %d received", out, len(a)+len(b))
		}
		drainEvents(p.cl.PollEvent)
		_, _ = p.cl.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, 56)
	})
}

package signaling

import "time"

// New WebSockets are limited per address with a token bucket: each address
// has up to ConnectBurst tokens, a connection takes one, and they come back
// at ConnectRate a second. A page that reconnects after a restart takes one
// or two; a script that opens sockets in a loop is refused after the burst,
// before it costs a session, an offer and ICE credentials.

// bucket is one address's tokens.
type bucket struct {
	tokens float64
	at     time.Time // when tokens was computed
}

// maxBuckets bounds the map: when it is reached, full buckets (addresses
// quiet long enough to have all their tokens back) are forgotten, which
// changes nothing for them.
const maxBuckets = 4096

// allow takes a token for addr, or says there is none. s.mu is held.
func (s *Server) allow(addr string, now time.Time) bool {
	rate, burst := s.opt.Config.ConnectRate, float64(s.opt.Config.ConnectBurst)
	b := s.buckets[addr]
	if b == nil {
		if len(s.buckets) >= maxBuckets {
			s.sweep(now)
		}
		b = &bucket{tokens: burst, at: now}
		s.buckets[addr] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// sweep forgets the buckets that are full again. If every address is busy
// (a flood from more than maxBuckets addresses), the map is cleared: the
// limit is then the global max_sessions.
func (s *Server) sweep(now time.Time) {
	rate, burst := s.opt.Config.ConnectRate, float64(s.opt.Config.ConnectBurst)
	for k, b := range s.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*rate >= burst {
			delete(s.buckets, k)
		}
	}
	if len(s.buckets) >= maxBuckets {
		clear(s.buckets)
	}
}

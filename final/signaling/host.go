package signaling

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// checkHost refuses, with 403, every request whose Host header (RFC 9110
// §7.2) does not name this server. This defeats DNS rebinding, which the
// origin check alone does not: a page on evil.example whose DNS answer the
// attacker then switches to 127.0.0.1 is, for the browser, still
// evil.example, so its requests reach this server with "Host:
// evil.example:8080" and "Origin: http://evil.example:8080". Origin and Host
// agree, so checkOrigin would let that page open sessions and read our
// replies. What gives the attack away is the name: this server is not
// evil.example. Both the page and /ws are checked: /ws is what matters, and
// a refused page tells the user at once which setting to change.
func (s *Server) checkHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hostAllowed(r.Host) {
			s.stats.Refused.Add(1)
			s.refusedHost.warn(s.log, "refused request for another host name", "host", truncate(r.Host, 80), "path", truncate(r.URL.Path, 80), "remote", r.RemoteAddr)
			http.Error(w, fmt.Sprintf("403 Forbidden: this server does not answer to the name %q. If the name is yours, add it to signaling.allowed_hosts.", truncate(r.Host, 80)), http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostAllowed reports whether a Host header (any port) names this server:
//
//   - an IP address: rebinding needs a name the attacker's DNS answers for.
//     A browser sends an address only when it connected to that address and
//     the connection reached us, which covers a NAT's public address or a
//     container's published port as well as our own interfaces;
//   - localhost and *.localhost, which always mean loopback (RFC 6761 §6.3);
//   - this machine's host name, and that name in .local (mDNS, RFC 6762);
//   - a name in signaling.allowed_hosts, or anything if it holds "*".
func (s *Server) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]") // [::1] without a port
	host = strings.TrimSuffix(host, ".")                          // a fully qualified "localhost."
	if host == "" {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	lower := strings.ToLower(host)
	if lower == "localhost" || strings.HasSuffix(lower, ".localhost") {
		return true
	}
	if s.hostname != "" && (lower == s.hostname || lower == s.hostname+".local") {
		return true
	}
	for _, h := range s.opt.Config.AllowedHosts {
		if h == "*" || strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// addressKey is what the per-address session limit counts by: the remote IP
// address, or for IPv6 its /64, since one subscriber usually holds a whole /64
// (RFC 6177) and could otherwise take a fresh address per session.
func addressKey(remote string) string {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return remote
	}
	a := ap.Addr().Unmap().WithZone("")
	if a.Is6() {
		return netip.PrefixFrom(a, 64).Masked().String()
	}
	return a.String()
}

// rateLog logs one kind of refusal at most once per refusalLogEvery, and
// says how many it left out, so that a client refused in a loop cannot fill
// the log. Stats counts every refusal.
type rateLog struct {
	mu      sync.Mutex
	next    time.Time // when the next line may be written
	skipped int       // refusals not logged since the last line
}

const refusalLogEvery = 10 * time.Second

func (l *rateLog) warn(log *slog.Logger, msg string, attrs ...any) {
	l.mu.Lock()
	now := time.Now()
	if now.Before(l.next) {
		l.skipped++
		l.mu.Unlock()
		return
	}
	l.next = now.Add(refusalLogEvery)
	if l.skipped > 0 {
		attrs = append(attrs, "also_refused", l.skipped) // since the last line

		l.skipped = 0
	}
	l.mu.Unlock()
	log.Warn(msg, attrs...)
}

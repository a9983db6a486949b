package signaling

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"nutsandbolts/final/config"
)

// TestDNSRebinding is a page on evil.example whose name the attacker has
// rebound to this server's address: its requests name evil.example in Host,
// and its WebSocket has a matching Origin, so the origin check alone let it
// in. The Host check refuses the page and the WebSocket.
func TestDNSRebinding(t *testing.T) {
	h := newHarness(t, nil)
	req, _ := http.NewRequest("GET", h.http.URL+"/", nil)
	req.Host = "evil.example:8080"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET / for evil.example: %s, want 403", resp.Status)
	}

	hdr := http.Header{}
	hdr.Set("Host", "evil.example:8080")
	hdr.Set("Origin", "http://evil.example:8080")
	if c, resp, err := dialWS(h, hdr); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		if c != nil {
			c.Close()
		}
		t.Errorf("WebSocket for evil.example: err %v, response %v, want 403", err, resp)
	}
	if h.srv.Sessions() != 0 || h.srv.Stats().Refused.Load() != 2 {
		t.Errorf("%d sessions, %d refused", h.srv.Sessions(), h.srv.Stats().Refused.Load())
	}
	if strings.Count(h.logText(), "refused request for another host name") != 1 {
		t.Errorf("want one log line for two refusals in a row; log:\n%s", h.logText())
	}

	// A name the user has allowed works, page and WebSocket.
	h2 := newHarness(t, func(c *config.Signaling) { c.AllowedHosts = []string{"WebRTC.example.org"} })
	hdr.Set("Host", "webrtc.example.org")
	hdr.Set("Origin", "https://webrtc.example.org")
	c, _, err := dialWS(h2, hdr)
	if err != nil {
		t.Fatalf("allowed host refused: %v", err)
	}
	c.Close()
}

func TestHostAllowed(t *testing.T) {
	h := newHarness(t, nil)
	allowed := []string{
		"localhost", "localhost:8080", "LocalHost:1", "localhost.:8080", "app.localhost:8080",
		"127.0.0.1:8080", "127.0.0.1", "[::1]:8080", "[::1]", "203.0.113.7:8080", "[fe80::1%25eth0]:80",
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		allowed = append(allowed, name, strings.ToUpper(name)+":8080", name+".local:8080")
	}
	for _, host := range allowed {
		if !h.srv.hostAllowed(host) {
			t.Errorf("Host %q refused", host)
		}
	}
	for _, host := range []string{
		"", ":8080", "evil.example", "evil.example:8080", "localhost.evil.example", "127.0.0.1.nip.io:8080",
		"webrtc.example.org",
	} {
		if h.srv.hostAllowed(host) {
			t.Errorf("Host %q allowed", host)
		}
	}
	h.srv.opt.Config.AllowedHosts = []string{"webrtc.example.org"}
	if !h.srv.hostAllowed("WEBRTC.example.org:443") || h.srv.hostAllowed("evil.example") {
		t.Error("allowed_hosts not applied")
	}
	h.srv.opt.Config.AllowedHosts = []string{"*"}
	if !h.srv.hostAllowed("evil.example") {
		t.Error(`"*" does not allow every host`)
	}
}

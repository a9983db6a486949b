package config

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c, err := Load(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP != ":8080" || c.UDP != 15000 || c.STUN != "" || c.MTU != 1200 || c.Level() != slog.LevelInfo || c.Signaling.MaxMessageBytes != 65536 || c.Signaling.MaxSessions != 50 {
		t.Errorf("defaults = %+v", c)
	}
}

func TestFileThenFlags(t *testing.T) {
	f := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(f, []byte("http: 127.0.0.1:9000\nudp: 16000\nsignaling:\n  max_sessions: 3\n  allowed_origins: [https://example.org]\n"), 0o644)
	c, err := Load([]string{"-config", f, "-udp", "17000", "-stun", "127.0.0.1:3478", "-public-ip", "203.0.113.7"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP != "127.0.0.1:9000" || c.UDP != 17000 || c.STUN != "127.0.0.1:3478" || c.PublicIP != "203.0.113.7" || c.Signaling.MaxSessions != 3 || c.Signaling.MaxMessageBytes != 65536 || len(c.Signaling.AllowedOrigins) != 1 {
		t.Errorf("got %+v", c)
	}
}

func TestBadSettings(t *testing.T) {
	dir := t.TempDir()
	n := 0
	write := func(s string) string {
		n++
		f := filepath.Join(dir, fmt.Sprintf("c%d.yaml", n))
		os.WriteFile(f, []byte(s), 0o644)
		return f
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-udp", "70000"}, "out of range"},
		{[]string{"-log", "loud"}, "log"},
		{[]string{"-config", write("htp: x\n")}, "field htp not found"},
		{[]string{"-config", filepath.Join(dir, "missing.yaml")}, "no such file"},
		{[]string{"-config", write("signaling:\n  max_message_bytes: 10\n")}, "too small"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"-mtu", "100"}, "mtu"},
		{[]string{"-public-ip", "example.org"}, "public_ip"},
	} {
		_, err := Load(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%q) = %v, want error containing %q", tc.args, err, tc.want)
		}
	}
}

// TestSignalingSettings covers the limits that keep one client from taking
// every session slot and the Host names the server answers to.
func TestSignalingSettings(t *testing.T) {
	c := Default().Signaling
	if c.MaxSessionsPerAddress != 10 || c.AnswerTimeout != 15*time.Second || len(c.AllowedHosts) != 0 {
		t.Errorf("signaling defaults = %+v", c)
	}
	f := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(f, []byte("signaling:\n  max_sessions_per_address: 200\n  answer_timeout: 1m30s\n  allowed_hosts: [webrtc.example.org]\n"), 0o644)
	got, err := Load([]string{"-config", f}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Signaling; s.MaxSessionsPerAddress != 200 || s.AnswerTimeout != 90*time.Second || len(s.AllowedHosts) != 1 || s.AllowedHosts[0] != "webrtc.example.org" {
		t.Errorf("got %+v", s)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"max_sessions_per_address: 0", "max_sessions_per_address"},
		{"answer_timeout: 0s", "answer_timeout"},
		{"answer_timeout: -5s", "answer_timeout"},
		{"answer_timeout: 15", "cannot unmarshal"}, // a bare number has no unit
		{"answer_timeout: soon", "cannot unmarshal"},
		{"allowed_hosts: [\"http://example.org\"]", "allowed_hosts"},
		{"allowed_hosts: [\"example.org:8080\"]", "allowed_hosts"},
		{"allowed_hosts: [\"\"]", "allowed_hosts"},
	} {
		os.WriteFile(f, []byte("signaling:\n  "+tc.yaml+"\n"), 0o644)
		if _, err := Load([]string{"-config", f}, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.yaml, err, tc.want)
		}
	}
}

// The SRTP profiles come from YAML or the flag, in order, and must be ones
// the srtp package implements.
func TestSRTPProfiles(t *testing.T) {
	if got := Default().SRTPProfiles; len(got) != 4 || got[0] != "SRTP_AEAD_AES_128_GCM" {
		t.Errorf("default srtp_profiles = %v", got)
	}
	got, err := Load([]string{"-srtp-profiles", "SRTP_AES128_CM_HMAC_SHA1_32,srtp_aead_aes_256_gcm"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.SRTPProfiles) != 2 || got.SRTPProfiles[0] != "SRTP_AES128_CM_HMAC_SHA1_32" {
		t.Errorf("-srtp-profiles: %v", got.SRTPProfiles)
	}
	for _, arg := range []string{"SRTP_NULL_HMAC_SHA1_80", "", "SRTP_AEAD_AES_128_GCM,"} {
		if _, err := Load([]string{"-srtp-profiles", arg}, io.Discard); err == nil || !strings.Contains(err.Error(), "srtp_profiles") {
			t.Errorf("-srtp-profiles %q: %v, want an srtp_profiles error", arg, err)
		}
	}
}

// The output folder and the keyframe interval come from YAML or flags.
func TestOutAndKeyframes(t *testing.T) {
	if c := Default(); c.Out != "output" || c.KeyframeInterval != 10*time.Second {
		t.Errorf("defaults: out=%q keyframe_interval=%v", c.Out, c.KeyframeInterval)
	}
	c, err := Load([]string{"-out", "/tmp/x", "-keyframe-interval", "0"}, io.Discard)
	if err != nil || c.Out != "/tmp/x" || c.KeyframeInterval != 0 {
		t.Errorf("flags: %v %+v", err, c)
	}
	for _, args := range [][]string{{"-out", ""}, {"-keyframe-interval", "-1s"}} {
		if _, err := Load(args, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestFinalSettings covers what final adds: https, the pcap file, the caps
// on disk use and the connection rate, and the signaling limits as flags.
func TestFinalSettings(t *testing.T) {
	c := Default()
	if c.HTTPS || c.Cert != "" || c.PCAP != "" || c.MaxOutputBytes != 10<<30 || c.DiskReserve != 256<<20 ||
		c.Signaling.ConnectRate != 2 || c.Signaling.ConnectBurst != 10 {
		t.Errorf("defaults = %+v", c)
	}
	got, err := Load([]string{"-https", "-cert", "c.pem", "-key", "k.pem", "-pcap", "x.pcap", "-max-output-bytes", "1000",
		"-max-sessions", "300", "-max-sessions-per-address", "200", "-answer-timeout", "3s", "-max-message-bytes", "2048",
		"-allowed-origins", "https://a.example, https://b.example", "-allowed-hosts", "cam.example", "-connect-rate", "50", "-connect-burst", "100"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s := got.Signaling
	if !got.HTTPS || got.Cert != "c.pem" || got.Key != "k.pem" || got.PCAP != "x.pcap" || got.MaxOutputBytes != 1000 ||
		s.MaxSessions != 300 || s.MaxSessionsPerAddress != 200 || s.AnswerTimeout != 3*time.Second || s.MaxMessageBytes != 2048 ||
		strings.Join(s.AllowedOrigins, "|") != "https://a.example|https://b.example" || strings.Join(s.AllowedHosts, "|") != "cam.example" ||
		s.ConnectRate != 50 || s.ConnectBurst != 100 {
		t.Errorf("got %+v", got)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-https", "-cert", "c.pem"}, "both"},
		{[]string{"-cert", "c.pem", "-key", "k.pem"}, "set https"},
		{[]string{"-max-output-bytes", "-1"}, "max_output_bytes"},
		{[]string{"-connect-rate", "0"}, "connect_rate"},
		{[]string{"-connect-burst", "0"}, "connect_burst"},
	} {
		if _, err := Load(tc.args, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}

// TestEverySettingHasAFlag: every key of defaults.yaml can also be set on
// the command line, under the same name with dashes (signaling.max_sessions
// is -max-sessions), and the reverse.
func TestEverySettingHasAFlag(t *testing.T) {
	flags := map[string]bool{}
	fs := Flags()
	fs.VisitAll(func(f *flag.Flag) { flags[f.Name] = true })
	keys := Keys()
	for _, k := range keys {
		name := strings.ReplaceAll(k[strings.LastIndex(k, ".")+1:], "_", "-")
		if !flags[name] {
			t.Errorf("setting %s has no flag -%s", k, name)
		}
		delete(flags, name)
	}
	delete(flags, "config")
	for name := range flags {
		t.Errorf("flag -%s sets nothing in defaults.yaml", name)
	}
	if len(keys) < 25 {
		t.Errorf("only %d settings found: %q", len(keys), keys)
	}
}

// TestConfigTable: the configuration table of docs/08-final.md lists every
// setting and its flag, so that the chapter cannot fall behind the code.
func TestConfigTable(t *testing.T) {
	b, err := os.ReadFile("../../docs/08-final.md")
	if err != nil {
		t.Skip("no docs/08-final.md beside this module")
	}
	text := string(b)
	for _, k := range Keys() {
		if !strings.Contains(text, "`"+k+"`") {
			t.Errorf("docs/08-final.md: the configuration table lacks `%s`", k)
		}
	}
	Flags().VisitAll(func(f *flag.Flag) {
		if f.Name != "config" && !strings.Contains(text, "`-"+f.Name+"`") {
			t.Errorf("docs/08-final.md: the configuration table lacks `-%s`", f.Name)
		}
	})
}

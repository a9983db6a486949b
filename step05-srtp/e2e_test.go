package main

import (
	"flag"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"nutsandbolts/step05-srtp/browsertest"
	"nutsandbolts/step05-srtp/config"
	"nutsandbolts/step05-srtp/logging"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite this step's log transcript in docs/ from the browser test's real log")

// chapter is this step's docs chapter, whose transcript the browser test checks.
const chapter = "../docs/05-srtp.md"

// runServer starts the program with its default configuration, changed by
// change, inside the test's private network namespace, logging into a Log
// the test can wait on.
func runServer(t *testing.T, change ...func(*config.Config)) *browsertest.Log {
	t.Helper()
	logs := &browsertest.Log{}
	log := slog.New(logging.New(logs, slog.LevelInfo, false))
	cfg := config.Default()
	for _, f := range change {
		f(cfg)
	}
	p, err := start(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.close)
	return logs
}

func init() {
	// A camera's stream starts at a random sequence number and timestamp,
	// and how much it sends in a second varies.
	logging.MaskAlso(
		"[srtp] RTP packet decrypted: seq",
		"[srtp] RTP packet decrypted: ts",
		"[srtp] RTP packet decrypted: marker",
		"[srtp] RTP packet decrypted: payload",
		"[srtp] RTCP packet decrypted: types",
		"[srtp] RTCP packet decrypted: bytes",
		"[srtp] media in the last second: rtp",
		"[srtp] media in the last second: rtcp",
		"[srtp] media in the last second: bytes",
		"[srtp] media in the last second: rtp_total",
		"[srtp] media in the last second: rtcp_total",
		"[srtp] session totals: counts",
	)
}

// wantPackets is how many RTP packets each browser test waits to see decrypted.
const wantPackets = 100

// TestChromium is step 5 end to end: after ICE and DTLS, the server derives
// the SRTP keys and decrypts the browser's media, at least 100 RTP packets
// with no authentication failure, and the log names the profile.
func TestChromium(t *testing.T) {
	if !browsertest.InPrivateNetwork(t) {
		return
	}
	logs := runServer(t)
	b := browsertest.StartChromium(t, "http://127.0.0.1:8080/?autostart=1")
	opened := logs.Wait(t, 30*time.Second, "the page to open the WebSocket", browsertest.Is("ws", "session opened"))
	keys := logs.Wait(t, 20*time.Second, "the SRTP keys", browsertest.Is("srtp", "keys exported from DTLS and split (RFC 5764 §4.2)", "profile", "SRTP_AEAD_AES_128_GCM"))
	first := logs.Wait(t, 10*time.Second, "the first RTP packet", browsertest.Is("srtp", "RTP packet decrypted"))
	enough := logs.Wait(t, 30*time.Second, "100 RTP packets", decrypted(wantPackets))
	t.Logf("Chromium: SRTP keys %s, first RTP packet %s and %d packets %s after the page opened its WebSocket (%v after the browser started)",
		since(opened, keys), since(opened, first), wantPackets, since(opened, enough), time.Since(b.Started).Round(time.Millisecond))
	// Every line of the transcript must be in: gathering ends on its own schedule.
	logs.Wait(t, 10*time.Second, "the end of gathering", browsertest.Is("sdp", "browser finished gathering candidates"))
	b.Stop()
	logs.Wait(t, 10*time.Second, "the session to close", browsertest.Is("ws", "session closed"))
	noFailures(t, logs.String())
	checkTranscript(t, logs.String())
}

// TestChromiumAES256GCM and TestChromiumAES128CM80 run Chromium with each
// other profile it offers, forced by making it the server's only choice.
func TestChromiumAES256GCM(t *testing.T)  { chromiumWith(t, "SRTP_AEAD_AES_256_GCM") }
func TestChromiumAES128CM80(t *testing.T) { chromiumWith(t, "SRTP_AES128_CM_HMAC_SHA1_80") }

func chromiumWith(t *testing.T, profile string) {
	if !browsertest.InPrivateNetwork(t) {
		return
	}
	logs := runServer(t, func(c *config.Config) { c.SRTPProfiles = []string{profile} })
	b := browsertest.StartChromium(t, "http://127.0.0.1:8080/?autostart=1")
	logs.Wait(t, 30*time.Second, "the SRTP keys", browsertest.Is("srtp", "keys exported from DTLS and split (RFC 5764 §4.2)", "profile", profile))
	logs.Wait(t, 30*time.Second, "100 RTP packets", decrypted(wantPackets))
	b.Stop()
	logs.Wait(t, 10*time.Second, "the session to close", browsertest.Is("ws", "session closed"))
	noFailures(t, logs.String())
}

// TestFirefox is the same with Firefox, forced to the one profile only
// Firefox offers: SRTP_AES128_CM_HMAC_SHA1_32.
func TestFirefox(t *testing.T) {
	if !browsertest.HaveFirefox() {
		t.Skip("Firefox is not installed")
	}
	if !browsertest.InPrivateNetwork(t) {
		return
	}
	const profile = "SRTP_AES128_CM_HMAC_SHA1_32"
	logs := runServer(t, func(c *config.Config) { c.SRTPProfiles = []string{profile} })
	b := browsertest.StartFirefox(t, "http://127.0.0.1:8080/?autostart=1")
	opened := logs.Wait(t, 60*time.Second, "the page to open the WebSocket", browsertest.Is("ws", "session opened"))
	logs.Wait(t, 20*time.Second, "the SRTP keys", browsertest.Is("srtp", "keys exported from DTLS and split (RFC 5764 §4.2)", "profile", profile))
	enough := logs.Wait(t, 30*time.Second, "100 RTP packets", decrypted(wantPackets))
	t.Logf("Firefox: %d RTP packets decrypted %s after the page opened its WebSocket, %v after the browser started",
		wantPackets, since(opened, enough), time.Since(b.Started).Round(time.Millisecond))
	b.Stop()
	logs.Wait(t, 20*time.Second, "the session to close", browsertest.Is("ws", "session closed"))
	noFailures(t, logs.String())
}

// decrypted matches the once-a-second summary line once at least n RTP
// packets have been decrypted in all.
func decrypted(n uint64) func(logging.Line) bool {
	return func(l logging.Line) bool {
		if l.Layer != "srtp" || l.Message != "media in the last second" {
			return false
		}
		for _, a := range l.Attrs {
			if a.Key == "rtp_total" {
				v, err := strconv.ParseUint(a.Value, 10, 64)
				return err == nil && v >= n
			}
		}
		return false
	}
}

// noFailures checks that no SRTP or SRTCP packet was refused: every packet a
// browser sends must authenticate, none may look replayed.
func noFailures(t *testing.T, log string) {
	t.Helper()
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "reason=\"srtp: ") || (strings.Contains(l, "session totals") && strings.Contains(l, "dropped")) {
			t.Errorf("SRTP refused packets: %s", l)
		}
	}
}

// since is the time between two log lines, from their elapsed-time column.
func since(from, to logging.Line) string {
	a, _ := strconv.ParseFloat(strings.TrimSuffix(from.Elapsed, "s"), 64)
	b, _ := strconv.ParseFloat(strings.TrimSuffix(to.Elapsed, "s"), 64)
	return (time.Duration((b - a) * float64(time.Second))).Round(time.Millisecond).String()
}

// checkTranscript compares the log with the transcript in the docs chapter,
// or rewrites the transcript with -update-docs. Either way it then compares
// the log lines the chapter quotes elsewhere with the log (see docs/README.md):
// only a person can rewrite those.
func checkTranscript(t *testing.T, log string) {
	t.Helper()
	text, err := os.ReadFile(chapter)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	step := stepDir()
	if *updateDocs {
		out, err := logging.Replace(string(text), step, log)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(chapter, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	} else {
		found := false
		for _, tr := range logging.Transcripts(string(text)) {
			if tr.Step != step {
				continue
			}
			found = true
			if err := logging.Matches(tr.Lines, log); err != nil {
				t.Errorf("%s: the transcript of %s no longer matches the program's log (rerun with -update-docs):\n%v", chapter, step, err)
			}
			break
		}
		if !found {
			t.Errorf("%s has no transcript of %s", chapter, step)
		}
	}
	for _, name := range []string{chapter} {
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := logging.CheckQuotes(logging.Quotes(string(text)), log); err != nil {
			t.Errorf("%s: quoted log lines differ from the program's log (fix them by hand, or mark a quote from a run with other settings <!-- other run -->):\n%v", name, err)
		}
	}
}

// stepDir is the name of this step's directory.
func stepDir() string {
	wd, _ := os.Getwd()
	return wd[strings.LastIndex(wd, "/")+1:]
}

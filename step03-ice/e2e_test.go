package main

import (
	"flag"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"nutsandbolts/step03-ice/browsertest"
	"nutsandbolts/step03-ice/config"
	"nutsandbolts/step03-ice/logging"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite this step's log transcript in docs/ from the browser test's real log")

// chapter is this step's docs chapter, whose transcript the browser test checks.
const chapter = "../docs/03-ice.md"

// runServer starts the program with its default configuration, inside the
// test's private network namespace, logging into a Log the test can wait on.
func runServer(t *testing.T) *browsertest.Log {
	t.Helper()
	logs := &browsertest.Log{}
	log := slog.New(logging.New(logs, slog.LevelInfo, false))
	p, err := start(config.Default(), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.close)
	return logs
}

// TestChromium is step 3 end to end: the browser's connectivity checks
// reach the server's ICE agent, are answered, and the browser reports ICE
// "connected"; then it nominates the pair.
func TestChromium(t *testing.T) {
	if !browsertest.InPrivateNetwork(t) {
		return
	}
	logs := runServer(t)
	b := browsertest.StartChromium(t, "http://127.0.0.1:8080/?autostart=1")
	opened := logs.Wait(t, 30*time.Second, "the page to open the WebSocket", browsertest.Is("ws", "session opened"))
	logs.Wait(t, 10*time.Second, "a connectivity check", browsertest.Is("ice", "connectivity check answered: pair valid"))
	connected := logs.Wait(t, 10*time.Second, "ICE connected", browsertest.Is("ws", "browser state", "ice", "connected"))
	t.Logf("Chromium: ICE connected %s after the page opened its WebSocket, %v after the browser started",
		since(opened, connected), time.Since(b.Started).Round(time.Millisecond))
	logs.Wait(t, 10*time.Second, "the nomination", browsertest.Is("ice", "browser nominated the pair: selected"))
	// Every line of the transcript must be in: gathering ends on its own schedule.
	logs.Wait(t, 10*time.Second, "the end of gathering", browsertest.Is("sdp", "browser finished gathering candidates"))
	b.Stop()
	logs.Wait(t, 10*time.Second, "the session to close", browsertest.Is("ws", "session closed"))
	checkTranscript(t, logs.String())
}

// TestFirefox is the same with Firefox, which nominates on its first check.
func TestFirefox(t *testing.T) {
	if !browsertest.HaveFirefox() {
		t.Skip("Firefox is not installed")
	}
	if !browsertest.InPrivateNetwork(t) {
		return
	}
	logs := runServer(t)
	b := browsertest.StartFirefox(t, "http://127.0.0.1:8080/?autostart=1")
	opened := logs.Wait(t, 60*time.Second, "the page to open the WebSocket", browsertest.Is("ws", "session opened"))
	connected := logs.Wait(t, 20*time.Second, "ICE connected", browsertest.Is("ws", "browser state", "ice", "connected"))
	logs.Wait(t, 10*time.Second, "the nomination", browsertest.Is("ice", "browser nominated the pair: selected"))
	t.Logf("Firefox: ICE connected %s after the page opened its WebSocket, %v after the browser started",
		since(opened, connected), time.Since(b.Started).Round(time.Millisecond))
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

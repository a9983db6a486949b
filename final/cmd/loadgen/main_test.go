package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"nutsandbolts/final/fakebrowser"
)

func TestParseFlags(t *testing.T) {
	o, err := parseFlags(nil, io.Discard)
	if err != nil || o.url != "http://127.0.0.1:8080" || o.n != 10 || o.perAddr != 10 || o.json {
		t.Errorf("defaults: %+v %v", o, err)
	}
	for _, args := range [][]string{
		{"-url", "http://localhost:8080"},
		{"-url", "http://[::1]:8080"},
		{"-url", "http://127.0.0.5:80", "-n", "100", "-ramp", "10s", "-snapshots", "2s", "-json"},
		{"-url", "http://example.org:8080", "-allow-remote"},
	} {
		if _, err := parseFlags(args, io.Discard); err != nil {
			t.Errorf("%q: %v", args, err)
		}
	}
	for _, args := range [][]string{
		{"-url", "http://example.org:8080"}, // not loopback
		{"-url", "http://192.168.1.5:8080"}, // not loopback either
		{"-url", "ftp://127.0.0.1/"},        // not http
		{"-n", "0"},                         //
		{"-duration", "0s"},                 //
		{"-snapshots", "100ms"},             // faster than the server allows
		{"-ramp", "-1s"},                    //
		{"extra"},                           //
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

func TestSourceAddr(t *testing.T) {
	for _, tc := range []struct {
		url    string
		i, per int
		want   string
	}{
		{"http://127.0.0.1:8080", 0, 10, "127.0.0.2"},
		{"http://127.0.0.1:8080", 9, 10, "127.0.0.2"},
		{"http://127.0.0.1:8080", 10, 10, "127.0.0.3"},
		{"http://127.0.0.1:8080", 99, 1, "127.0.0.101"},
		{"http://127.0.0.1:8080", 254, 1, "127.0.1.0"}, // on into 127.0.1.0/24
		{"http://localhost:8080", 0, 10, "127.0.0.2"},
		{"http://127.0.0.1:8080", 5, 0, "invalid IP"}, // the system chooses
		{"http://[::1]:8080", 5, 10, "invalid IP"},
	} {
		if got := sourceAddr(tc.url, tc.i, tc.per).String(); got != tc.want {
			t.Errorf("%s session %d, %d per address: %s, want %s", tc.url, tc.i, tc.per, got, tc.want)
		}
	}
}

func TestParseStat(t *testing.T) {
	// proc(5): pid (comm) state ppid … utime (14) stime (15) …; the
	// command name may hold spaces and parentheses.
	line := "4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 1 2 3 4 250 130 0 0 20 0 9 0 100 1000 200"
	got, err := parseStat(line)
	if err != nil || got != 3.8 {
		t.Errorf("parseStat: %v %v, want 3.8 s", got, err)
	}
	if _, err := parseStat("4242 (x) S 1 2"); err == nil {
		t.Error("short line accepted")
	}
	// Our own process, for real.
	if cpu, err := procCPU(os.Getpid()); err != nil || cpu < 0 {
		t.Errorf("procCPU: %v %v", cpu, err)
	}
	if rss, err := procRSS(os.Getpid()); err != nil || rss < 1<<20 {
		t.Errorf("procRSS: %v %v", rss, err)
	}
}

const metricsText = `# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 12.5
process_resident_memory_bytes 3.3554432e+07
process_resident_memory_bytes_other 7
go_goroutines{kind="x"} 12
`

func TestParseMetrics(t *testing.T) {
	got := parseMetrics(strings.NewReader(metricsText), "process_cpu_seconds_total", "process_resident_memory_bytes", "absent")
	if len(got) != 2 || got["process_cpu_seconds_total"] != 12.5 || got["process_resident_memory_bytes"] != 32<<20 {
		t.Errorf("%v", got)
	}
	// The monitor reads them from /metrics; without them it says why.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, metricsText)
	}))
	defer srv.Close()
	if u := newMonitor(srv.URL, 0).sample(); !u.OK || u.CPU != 12.5 || u.RSS != 32<<20 {
		t.Errorf("from /metrics: %+v", u)
	}
	m := newMonitor(srv.URL+"/nothing", 0)
	if u := m.sample(); u.OK || !strings.Contains(m.err, "404") {
		t.Errorf("no /metrics: %+v %q", u, m.err)
	}
}

func FuzzParseMetrics(f *testing.F) {
	f.Add(metricsText)
	f.Add("process_cpu_seconds_total NaN\nprocess_cpu_seconds_total +Inf 123\n")
	f.Fuzz(func(t *testing.T, s string) {
		for name, v := range parseMetrics(strings.NewReader(s), "process_cpu_seconds_total", "x") {
			if name != "process_cpu_seconds_total" && name != "x" {
				t.Fatalf("%q: %v", name, v)
			}
		}
	})
}

func TestPercentiles(t *testing.T) {
	v := make([]float64, 100)
	for i := range v {
		v[99-i] = float64(i + 1) // 1..100, reversed
	}
	p := percentiles(v)
	if p.N != 100 || p.P50 != 50 || p.P90 != 90 || p.P99 != 99 || p.Max != 100 {
		t.Errorf("%+v", p)
	}
	if p := percentiles([]float64{7}); p.P50 != 7 || p.P99 != 7 || p.Max != 7 {
		t.Errorf("one value: %+v", p)
	}
}

// TestRun runs the real server, built from this module, and five
// sessions against it for a few seconds: every one must work, every
// keyframe be saved and verified.
func TestRun(t *testing.T) {
	srv := fakebrowser.StartServer(t)
	url := srv.URL
	o, err := parseFlags([]string{"-url", url, "-n", "5", "-ramp", "1s", "-duration", "3s", "-snapshots", "2s",
		"-server-pid", strconv.Itoa(srv.Pid), "-per-addr", "2"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	rep, err := run(t.Context(), o, &progress)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	rep.writeText(&text)
	t.Logf("report:\n%s", text.String())
	if !rep.Pass || rep.OK != 5 || rep.Failed != 0 {
		t.Errorf("pass %v, %d ok, %d failed: %v %v", rep.Pass, rep.OK, rep.Failed, rep.Problems, rep.Failures)
	}
	k := rep.Keyframes
	if k.Sent < 10 || k.Asked < 5 || k.Saved != k.Sent || k.Verified != k.Saved || k.WorstPSNR < 30 {
		t.Errorf("keyframes %+v", k)
	}
	if rep.Starvation.WithoutShot != 0 || rep.Starvation.MinShots < 2 {
		t.Errorf("starvation %+v", rep.Starvation)
	}
	if rep.Snapshots.Asked < 5 || rep.Snapshots.Saved < 1 {
		t.Errorf("snapshots %+v", rep.Snapshots)
	}
	for _, ph := range []string{"websocket", "offer", "ice", "dtls", "media", "shot"} {
		if p, ok := rep.Setup[ph]; !ok || p.N != 5 || p.Max <= 0 || p.Max > 5000 {
			t.Errorf("setup %s: %+v", ph, p)
		}
	}
	u := rep.Server
	if u.Source != "proc" || u.CPUPercent <= 0 || u.RSS < 1<<20 || u.IdleRSS <= 0 || math.IsNaN(u.CPUPerSession) {
		t.Errorf("server usage %+v", u)
	}
	// The usage from /metrics, where the server serves it.
	m := newMonitor(url, 0)
	if s := m.sample(); !s.OK && !strings.Contains(m.err, "404") {
		t.Errorf("/metrics: %+v %s", s, m.err)
	}
	// Two sessions per source address.
	addrs := map[string]int{}
	for _, r := range rep.Results {
		addrs[r.Local]++
	}
	if len(addrs) != 3 || addrs["127.0.0.2"] != 2 || addrs["127.0.0.4"] != 1 {
		t.Errorf("source addresses %v", addrs)
	}
	// -json is what a script reads.
	var js bytes.Buffer
	if err := rep.writeJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Pass    bool `json:"pass"`
		OK      int  `json:"ok"`
		Results []struct {
			Reached string `json:"reached"`
			Shots   []struct {
				Verified bool `json:"verified"`
			} `json:"shots"`
		} `json:"results"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || !back.Pass || back.OK != 5 || len(back.Results) != 5 ||
		back.Results[0].Reached != "shot" || len(back.Results[0].Shots) == 0 {
		t.Errorf("JSON: %v %+v", err, back)
	}
}

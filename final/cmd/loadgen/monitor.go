package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// The server's CPU and memory, from /proc/<pid> when we know its process
// (it runs on this machine), else from the Prometheus text of its
// /metrics: process_cpu_seconds_total and process_resident_memory_bytes,
// the names of the Prometheus client libraries' process collector.

// usage is one reading.
type usage struct {
	At   time.Time
	CPU  float64 // CPU seconds used since the process started, user and system
	RSS  int64   // resident memory, bytes
	Self float64 // our own CPU seconds: the load generator shares the machine
	OK   bool    // CPU and RSS were read
}

// monitor reads the server's usage.
type monitor struct {
	pid     int
	metrics string // the /metrics URL
	client  *http.Client
	source  string // "proc", "metrics", or "" once neither worked
	err     string // why not
}

func newMonitor(serverURL string, pid int) *monitor {
	m := &monitor{pid: pid, metrics: strings.TrimRight(serverURL, "/") + "/metrics",
		client: &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}
	if pid > 0 {
		m.source = "proc"
	} else {
		m.source = "metrics"
	}
	return m
}

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat:
// 100 on every Linux architecture Go supports (the kernel's internal HZ
// does not show there).
const clockTicks = 100

// sample reads the usage now.
func (m *monitor) sample() usage {
	u := usage{At: time.Now()}
	u.Self, _ = procCPU(os.Getpid())
	var err error
	switch m.source {
	case "proc":
		if u.CPU, err = procCPU(m.pid); err == nil {
			u.RSS, err = procRSS(m.pid)
		}
	case "metrics":
		u.CPU, u.RSS, err = m.scrape()
	default:
		return u
	}
	if err != nil {
		m.err = err.Error()
		return u
	}
	u.OK = true
	return u
}

// procCPU is a process's user and system CPU time (fields 14 and 15 of
// /proc/<pid>/stat, proc(5)), in seconds.
func procCPU(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStat(string(b))
}

// parseStat reads utime and stime from a /proc/<pid>/stat line. The
// command name, field 2, is in parentheses and may hold spaces and
// parentheses itself: the fields are counted from the last ')'.
func parseStat(s string) (float64, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc stat: no command name")
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc stat: %d fields", len(f)+2)
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc stat: utime %q stime %q", f[11], f[12])
	}
	return float64(utime+stime) / clockTicks, nil
}

// procRSS is VmRSS from /proc/<pid>/status, in bytes.
func procRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no VmRSS", pid)
}

// scrape reads the two process metrics from /metrics.
func (m *monitor) scrape() (cpu float64, rss int64, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.metrics, nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := m.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("%s: %s (give -server-pid)", m.metrics, resp.Status)
	}
	vals := parseMetrics(io.LimitReader(resp.Body, 4<<20), "process_cpu_seconds_total", "process_resident_memory_bytes")
	c, ok1 := vals["process_cpu_seconds_total"]
	r, ok2 := vals["process_resident_memory_bytes"]
	if !ok1 || !ok2 {
		return 0, 0, fmt.Errorf("%s has no process_cpu_seconds_total or process_resident_memory_bytes (give -server-pid)", m.metrics)
	}
	return c, int64(r), nil
}

// parseMetrics reads the samples of the named metrics, without labels,
// from the Prometheus text exposition format: one "name value
// [timestamp]" per line, '#' lines are comments.
func parseMetrics(r io.Reader, names ...string) map[string]float64 {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		for _, n := range names {
			if f[0] == n {
				if v, err := strconv.ParseFloat(f[1], 64); err == nil {
					out[n] = v
				}
			}
		}
	}
	return out
}

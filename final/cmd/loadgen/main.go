// Command loadgen plays N browsers against the server, to see how it
// holds up: each session (package fakebrowser) opens the WebSocket,
// answers the offer, runs ICE, DTLS and SRTP, and sends a VP8 clip at its
// frame rate, answering the server's keyframe requests and NACKs; every
// JPEG the server announces is downloaded and compared with the keyframe
// sent. At the end it reports:
//
//   - sessions that worked and, for the others, why not;
//   - setup times per phase (p50, p90, p99, max): WebSocket open → offer,
//     ICE nominated, DTLS done, first "shot";
//   - keyframes asked for, sent, saved as JPEG and verified, and the worst
//     PSNR;
//   - what was sent, and the server's CPU (from /proc/<pid> with
//     -server-pid, else from its /metrics) and memory;
//   - starvation: whether every session got its JPEGs.
//
// It exits with status 1 if a session failed or a keyframe sent was not
// saved or not verified, 2 on bad flags.
//
// Every session comes from a loopback address of its own group, 127.0.0.2
// for the first -per-addr sessions, 127.0.0.3 for the next and so on,
// because the server limits the sessions of one address. Run the server
// with room for the load, e.g.
//
//	go build -o /tmp/final ./final
//	/tmp/final -out /tmp/out -max-sessions 200 -max-jpegs 0 -log warn &
//	go run ./final/cmd/loadgen -n 100 -ramp 10s -duration 30s -server-pid $!
//
// Only loopback URLs are accepted unless -allow-remote: this is a load
// generator, and the server it points at should be yours.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"nutsandbolts/final/fakebrowser"
)

// defaultClip is testdata/clip.ivf (see testdata/gen-clip.sh): 3 s of a
// 640×480 test card at 30 frames per second, one keyframe.
//
//go:embed testdata/clip.ivf
var defaultClip []byte

// options are the command line.
type options struct {
	url         string
	n           int
	ramp        time.Duration
	duration    time.Duration
	drain       time.Duration
	ivf         string
	snapshots   time.Duration
	serverPID   int
	perAddr     int
	allowRemote bool
	json        bool
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, o, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	if o.json {
		err = rep.writeJSON(os.Stdout)
	} else {
		rep.writeText(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	if !rep.Pass {
		os.Exit(1)
	}
}

// parseFlags reads the command line.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "the server's page `URL`")
	fs.IntVar(&o.n, "n", 10, "sessions")
	fs.DurationVar(&o.ramp, "ramp", 0, "start the sessions evenly over this `time`")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long all sessions run after the ramp")
	fs.DurationVar(&o.drain, "drain", 3*time.Second, "at the end, wait at most this long for the JPEGs of the keyframes sent")
	fs.StringVar(&o.ivf, "ivf", "", "VP8 IVF `file` to send (default: the embedded 640×480 clip)")
	fs.DurationVar(&o.snapshots, "snapshots", 0, "ask for a snapshot this often in each session (0: never)")
	fs.IntVar(&o.serverPID, "server-pid", 0, "the server's process `id`, to read its CPU and memory from /proc (default: its /metrics)")
	fs.IntVar(&o.perAddr, "per-addr", 10, "sessions per source address 127.0.0.2, 127.0.0.3, …; 0: the system's choice")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow a server that is not on this machine")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.n < 1:
		return o, errors.New("-n: at least 1")
	case o.ramp < 0 || o.duration <= 0 || o.drain < 0 || o.snapshots < 0 || o.perAddr < 0:
		return o, errors.New("-ramp, -duration, -drain, -snapshots and -per-addr cannot be negative; -duration must be positive")
	case o.snapshots > 0 && o.snapshots < time.Second:
		return o, errors.New("-snapshots: the server allows one a second at most")
	}
	return o, checkURL(o.url, o.allowRemote)
}

// checkURL refuses a server that is not on a loopback address, unless
// allowed.
func checkURL(raw string, allowRemote bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-url %q: want http://host:port", raw)
	}
	if allowRemote {
		return nil
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Unmap().IsLoopback() {
		return nil
	}
	return fmt.Errorf("-url %q is not a loopback address: add -allow-remote if the server is yours", raw)
}

// sourceAddr is the address session i comes from: 127.0.0.2 for the
// first perAddr sessions, then 127.0.0.3, and on (past 127.0.0.255 into
// 127.0.1.0: all of 127/8 is loopback). Zero when the server is not
// reached over IPv4 loopback or perAddr is 0.
func sourceAddr(serverURL string, i, perAddr int) netip.Addr {
	u, _ := url.Parse(serverURL)
	host := u.Hostname()
	if perAddr == 0 || (host != "localhost" && !isIPv4Loopback(host)) {
		return netip.Addr{}
	}
	v := 127<<24 + 2 + uint32(i/perAddr)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func isIPv4Loopback(host string) bool {
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().Is4() && a.Unmap().IsLoopback()
}

// run plays the sessions and measures. Progress goes to log.
func run(ctx context.Context, o options, log io.Writer) (*Report, error) {
	clipBytes := defaultClip
	if o.ivf != "" {
		b, err := os.ReadFile(o.ivf)
		if err != nil {
			return nil, err
		}
		clipBytes = b
	}
	clip, err := fakebrowser.LoadClip(bytes.NewReader(clipBytes))
	if err != nil {
		return nil, err
	}
	target := o.url
	if u, err := url.Parse(target); err == nil && u.Hostname() == "localhost" {
		// The server's candidates are addresses, not names: go to the
		// address whose candidate we will check.
		u.Host = net.JoinHostPort("127.0.0.1", u.Port())
		target = u.String()
	}
	mon := newMonitor(target, o.serverPID)
	idle := mon.sample()

	start := time.Now()
	steady := start.Add(o.ramp)
	end := steady.Add(o.duration)
	runCtx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	results := make([]*fakebrowser.Result, o.n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	running, failed := 0, 0
	for i := range o.n {
		at := start.Add(time.Duration(int64(o.ramp) * int64(i) / int64(o.n)))
		select {
		case <-runCtx.Done():
		case <-time.After(time.Until(at)):
		}
		if runCtx.Err() != nil {
			results[i] = &fakebrowser.Result{Local: sourceAddr(target, i, o.perAddr).String(), Err: "not started: the run ended", Stopped: true}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			running++
			mu.Unlock()
			r := fakebrowser.Run(runCtx, fakebrowser.Config{URL: target, LocalAddr: sourceAddr(target, i, o.perAddr), Clip: clip,
				Drain: o.drain, SnapshotEvery: o.snapshots})
			mu.Lock()
			running--
			if !r.OK {
				failed++
			}
			mu.Unlock()
			results[i] = r
		}()
	}
	fmt.Fprintf(log, "loadgen: %d sessions started against %s; running until %s\n", o.n, target, end.Format(time.TimeOnly))

	// The steady window: all sessions started (and most set up) until
	// the end. The server's CPU is read at both ends, its memory every
	// second.
	var first, last usage
	progress := time.NewTicker(time.Second)
	defer progress.Stop()
	if wait := time.Until(steady); wait > 0 {
		select {
		case <-runCtx.Done():
		case <-time.After(wait):
		}
	}
	first = mon.sample()
	peak := first
	for tick := 1; runCtx.Err() == nil; tick++ {
		select {
		case <-runCtx.Done():
		case <-progress.C:
			s := mon.sample()
			peak.RSS = max(peak.RSS, s.RSS)
			if tick%5 == 0 {
				mu.Lock()
				fmt.Fprintf(log, "loadgen: %s: %d sessions running, %d failed, server RSS %s\n",
					time.Since(start).Round(time.Second), running, failed, mib(s.RSS))
				mu.Unlock()
			}
		}
	}
	last = mon.sample()
	peak.RSS = max(peak.RSS, last.RSS)
	fmt.Fprintf(log, "loadgen: the end: stopping the media, waiting for the last JPEGs\n")
	wg.Wait()
	return newReport(o, target, results, idle, first, last, peak, mon), nil
}

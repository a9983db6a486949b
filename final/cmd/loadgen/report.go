package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"nutsandbolts/final/fakebrowser"
)

// Report is what a run found; -json prints it as is.
type Report struct {
	URL      string  `json:"url"`
	Sessions int     `json:"sessions"`
	OK       int     `json:"ok"`
	Failed   int     `json:"failed"`
	Window   float64 `json:"window_s"` // the steady window the CPU figures cover

	// Failures counts the failed sessions by reason.
	Failures map[string]int `json:"failures,omitempty"`
	// Setup has, per phase, the times from the WebSocket opening to the
	// phase, over the sessions that reached it ("websocket": dialing).
	Setup map[string]Percentiles `json:"setup_ms"`

	Keyframes Keyframes `json:"keyframes"`
	Snapshots struct {
		Asked int `json:"asked"`
		Saved int `json:"saved"`
	} `json:"snapshots"`
	Media struct {
		Frames      int `json:"frames"`
		Packets     int `json:"packets"`
		Bytes       int `json:"bytes"`
		Retransmits int `json:"retransmits"`
		NACKed      int `json:"nacked"`
		PLIs        int `json:"plis"`
		FIRs        int `json:"firs"`
	} `json:"media"`
	Server     Usage      `json:"server"`
	Starvation Starvation `json:"starvation"`

	Pass     bool                  `json:"pass"`
	Problems []string              `json:"problems,omitempty"`
	Results  []*fakebrowser.Result `json:"results"`
}

// Percentiles summarises a set of times, in milliseconds.
type Percentiles struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Keyframes follows the keyframes: asked for by the server (PLI, FIR),
// sent (the first one, and one per request), saved as JPEG, verified.
type Keyframes struct {
	Asked     int      `json:"asked"`
	Late      int      `json:"late"` // asked after the media stopped: not answered
	Sent      int      `json:"sent"`
	Saved     int      `json:"saved"`
	Verified  int      `json:"verified"`
	Skipped   int      `json:"server_skipped"` // the server says it did not save them (busy workers, a cap)
	WorstPSNR float64  `json:"worst_psnr"`
	Bad       []string `json:"bad,omitempty"` // the first few shots that failed their check
}

// Usage is the server's CPU and memory over the window.
type Usage struct {
	Source        string  `json:"source"` // proc or metrics; empty if unknown
	Err           string  `json:"error,omitempty"`
	CPUPercent    float64 `json:"cpu_percent"`             // of one core
	CPUPerSession float64 `json:"cpu_s_per_session_per_s"` // CPU seconds per session per second
	RSS           int64   `json:"rss_bytes"`               // at the end of the window
	PeakRSS       int64   `json:"peak_rss_bytes"`
	IdleRSS       int64   `json:"idle_rss_bytes"` // before the first session
	RSSPerSession int64   `json:"rss_bytes_per_session"`
	SelfPercent   float64 `json:"loadgen_cpu_percent"` // ours, of one core: we share the machine
}

// Starvation says whether every session got its JPEGs.
type Starvation struct {
	WithoutShot int     `json:"without_shot"` // sessions that streamed but got no JPEG
	MinShots    int     `json:"min_shots"`
	MaxShots    int     `json:"max_shots"`
	Ratio       float64 `json:"min_max_ratio"`
}

// maxBad is how many failed checks the report lists.
const maxBad = 5

func newReport(o options, url string, results []*fakebrowser.Result, idle, first, last, peak usage, mon *monitor) *Report {
	r := &Report{URL: url, Sessions: len(results), Failures: map[string]int{}, Setup: map[string]Percentiles{},
		Results: results, Window: last.At.Sub(first.At).Seconds()}
	times := map[string][]float64{}
	r.Keyframes.WorstPSNR = math.Inf(1)
	r.Starvation.MinShots = math.MaxInt
	for _, res := range results {
		if res.OK {
			r.OK++
		} else {
			r.Failed++
			r.Failures[reason(res)]++
		}
		for ph, ms := range res.Setup {
			times[ph] = append(times[ph], ms)
		}
		m := res.Media
		r.Keyframes.Asked += m.Asked
		r.Keyframes.Late += m.Late
		r.Keyframes.Sent += m.Keyframes
		r.Keyframes.Saved += len(res.Shots)
		if res.ServerMedia != nil {
			r.Keyframes.Skipped += int(res.ServerMedia.Skipped)
		}
		r.Snapshots.Asked += res.Snapshots
		for _, s := range res.Shots {
			if s.Snapshot {
				r.Snapshots.Saved++
			}
			if s.Verified {
				r.Keyframes.Verified++
				r.Keyframes.WorstPSNR = min(r.Keyframes.WorstPSNR, s.PSNR)
			} else if len(r.Keyframes.Bad) < maxBad {
				r.Keyframes.Bad = append(r.Keyframes.Bad, fmt.Sprintf("%s (%s): %s", s.Name, res.Session, s.Err))
			}
		}
		r.Media.Frames += m.Frames
		r.Media.Packets += m.Packets
		r.Media.Bytes += m.Bytes
		r.Media.Retransmits += m.Retransmits
		r.Media.NACKed += m.NACKed
		r.Media.PLIs += m.PLIs
		r.Media.FIRs += m.FIRs
		if m.Keyframes > 0 { // it streamed
			n := len(res.Shots)
			if n == 0 {
				r.Starvation.WithoutShot++
			}
			r.Starvation.MinShots = min(r.Starvation.MinShots, n)
			r.Starvation.MaxShots = max(r.Starvation.MaxShots, n)
		}
	}
	for ph, v := range times {
		r.Setup[ph] = percentiles(v)
	}
	if math.IsInf(r.Keyframes.WorstPSNR, 1) {
		r.Keyframes.WorstPSNR = 0
	}
	if r.Starvation.MinShots == math.MaxInt {
		r.Starvation.MinShots = 0
	}
	if r.Starvation.MaxShots > 0 {
		r.Starvation.Ratio = round(float64(r.Starvation.MinShots)/float64(r.Starvation.MaxShots), 100)
	}

	u := &r.Server
	u.Source, u.Err = mon.source, mon.err
	if w := r.Window; w > 0 {
		u.SelfPercent = round(100*(last.Self-first.Self)/w, 10)
		if first.OK && last.OK {
			cpu := last.CPU - first.CPU
			u.CPUPercent = round(100*cpu/w, 10)
			u.CPUPerSession = round(cpu/w/float64(max(r.OK, 1)), 10000)
		}
	}
	if last.OK {
		u.RSS, u.PeakRSS = last.RSS, peak.RSS
	}
	if idle.OK && last.OK {
		u.IdleRSS = idle.RSS
		u.RSSPerSession = (last.RSS - idle.RSS) / int64(max(r.OK, 1))
	}
	if !first.OK || !last.OK {
		u.Source = ""
	}

	if r.Failed > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("%d of %d sessions failed", r.Failed, r.Sessions))
	}
	if k := r.Keyframes; k.Saved < k.Sent {
		r.Problems = append(r.Problems, fmt.Sprintf("%d keyframes sent, only %d saved as JPEG", k.Sent, k.Saved))
	}
	if k := r.Keyframes; k.Verified < k.Saved {
		r.Problems = append(r.Problems, fmt.Sprintf("%d JPEGs saved, only %d verified", k.Saved, k.Verified))
	}
	r.Pass = len(r.Problems) == 0
	return r
}

// reason is a failure's reason for grouping: the error without the
// details that differ from session to session (addresses, numbers).
func reason(res *fakebrowser.Result) string {
	msg := res.Err
	if len(msg) > 100 {
		msg = msg[:100] + "…"
	}
	if res.Stopped {
		return "stopped during " + res.Reached.String() + ": " + msg
	}
	return res.FailedIn.String() + ": " + msg
}

// percentiles are nearest-rank percentiles (the smallest value with at
// least p % of the values at or below it).
func percentiles(v []float64) Percentiles {
	slices.Sort(v)
	at := func(p float64) float64 {
		i := int(math.Ceil(p/100*float64(len(v)))) - 1
		return round(v[max(i, 0)], 10)
	}
	return Percentiles{N: len(v), P50: at(50), P90: at(90), P99: at(99), Max: round(v[len(v)-1], 10)}
}

func round(x, unit float64) float64 { return math.Round(x*unit) / unit }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func (r *Report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeText prints the report for a person.
func (r *Report) writeText(w io.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("loadgen report: %d sessions against %s, steady window %.1f s", r.Sessions, r.URL, r.Window)
	p("")
	p("sessions      %d ok, %d failed", r.OK, r.Failed)
	reasons := make([]string, 0, len(r.Failures))
	for k := range r.Failures {
		reasons = append(reasons, k)
	}
	sort.Slice(reasons, func(i, j int) bool { return r.Failures[reasons[i]] > r.Failures[reasons[j]] })
	for _, k := range reasons {
		p("  %4d × %s", r.Failures[k], k)
	}
	p("")
	p("setup, ms since the WebSocket opened   n     p50     p90     p99     max")
	for _, ph := range []fakebrowser.Phase{fakebrowser.PhaseWebSocket, fakebrowser.PhaseOffer, fakebrowser.PhaseICE,
		fakebrowser.PhaseDTLS, fakebrowser.PhaseMedia, fakebrowser.PhaseShot} {
		s, ok := r.Setup[ph.String()]
		if !ok {
			continue
		}
		name := ph.String()
		if ph == fakebrowser.PhaseWebSocket {
			name = "websocket (dialing)"
		}
		p("  %-34s %5d %7.1f %7.1f %7.1f %7.1f", name, s.N, s.P50, s.P90, s.P99, s.Max)
	}
	p("")
	k := r.Keyframes
	p("keyframes     asked %d, sent %d, saved %d, verified %d (worst PSNR %.1f dB); %d asked after the end",
		k.Asked, k.Sent, k.Saved, k.Verified, k.WorstPSNR, k.Late)
	if k.Skipped > 0 {
		p("              the server skipped %d (its \"media\" messages: JPEG workers busy, or a cap reached)", k.Skipped)
	}
	for _, b := range k.Bad {
		p("  not verified: %s", b)
	}
	if r.Snapshots.Asked > 0 {
		p("snapshots     asked %d, saved %d", r.Snapshots.Asked, r.Snapshots.Saved)
	}
	m := r.Media
	p("sent          %d frames, %d RTP packets, %.1f MB, %d retransmitted (of %d NACKed); received %d PLIs, %d FIRs",
		m.Frames, m.Packets, float64(m.Bytes)/1e6, m.Retransmits, m.NACKed, m.PLIs, m.FIRs)
	u := r.Server
	if u.Source == "" {
		p("server        CPU and memory unknown: %s", u.Err)
	} else {
		p("server        CPU %.1f %% of one core, %.4f CPU-s per session per second (from %s)", u.CPUPercent, u.CPUPerSession, u.Source)
		p("              RSS %s (peak %s, idle %s, %s per session)", mib(u.RSS), mib(u.PeakRSS), mib(u.IdleRSS), mib(u.RSSPerSession))
	}
	p("loadgen       CPU %.1f %% of one core (it shares the machine)", u.SelfPercent)
	s := r.Starvation
	p("starvation    %d streaming sessions without a JPEG; JPEGs per session min %d, max %d (ratio %.2f)",
		s.WithoutShot, s.MinShots, s.MaxShots, s.Ratio)
	p("")
	if r.Pass {
		p("PASS")
		return
	}
	p("FAIL: %s", strings.Join(r.Problems, "; "))
}

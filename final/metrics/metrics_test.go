package metrics

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// smallRegistry has one of each kind, with known values. Every value of
// the histogram is a power of two, so the sum is exact.
func smallRegistry() *Registry {
	r := NewRegistry()
	r.NewCounter("test_packets_received_total", "Packets received.").Add(1027)
	drops := r.NewCounterVec("test_packets_dropped_total", "Packets dropped, by reason.", "reason", 0)
	drops.With("stun").Inc()
	drops.With("srtp_auth").Add(3)
	r.NewCounterVec("test_unused_total", "A vector with no value yet: left out.", "reason", 0)
	g := r.NewGauge("test_sessions", "Sessions in progress.")
	g.Inc()
	g.Inc()
	g.Inc()
	g.Dec()
	r.NewGauge("test_ratio", "A fraction.").Set(0.25)
	r.NewGaugeFunc("test_temperature_celsius", "Read at scrape time.", func() float64 { return -1.5 })
	r.NewCounterFunc("test_bytes_written_total", "Kept elsewhere.", func() float64 { return 1.5e6 })
	h := r.NewHistogram("test_decode_seconds", "Time to decode a keyframe.", []float64{0.005, 0.01, 0.025, 0.05, 0.1})
	for _, v := range []float64{1.0 / 256, 1.0 / 128, 1.0 / 128, 1.0 / 64, 0.25} {
		h.Observe(v)
	}
	return r
}

const golden = `# HELP test_packets_received_total Packets received.
# TYPE test_packets_received_total counter
test_packets_received_total 1027
# HELP test_packets_dropped_total Packets dropped, by reason.
# TYPE test_packets_dropped_total counter
test_packets_dropped_total{reason="srtp_auth"} 3
test_packets_dropped_total{reason="stun"} 1
# HELP test_sessions Sessions in progress.
# TYPE test_sessions gauge
test_sessions 2
# HELP test_ratio A fraction.
# TYPE test_ratio gauge
test_ratio 0.25
# HELP test_temperature_celsius Read at scrape time.
# TYPE test_temperature_celsius gauge
test_temperature_celsius -1.5
# HELP test_bytes_written_total Kept elsewhere.
# TYPE test_bytes_written_total counter
test_bytes_written_total 1500000
# HELP test_decode_seconds Time to decode a keyframe.
# TYPE test_decode_seconds histogram
test_decode_seconds_bucket{le="0.005"} 1
test_decode_seconds_bucket{le="0.01"} 3
test_decode_seconds_bucket{le="0.025"} 4
test_decode_seconds_bucket{le="0.05"} 4
test_decode_seconds_bucket{le="0.1"} 4
test_decode_seconds_bucket{le="+Inf"} 5
test_decode_seconds_sum 0.28515625
test_decode_seconds_count 5
`

func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	n, err := smallRegistry().WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteTo returned %d, wrote %d", n, buf.Len())
	}
	if got := buf.String(); got != golden {
		t.Errorf("got:\n%s\nwant:\n%s", got, golden)
	}
	if _, err := checkExposition(buf.String()); err != nil {
		t.Error(err)
	}
}

func TestEscaping(t *testing.T) {
	r := NewRegistry()
	r.NewGauge("test_escapes", "A \"quoted\" C:\\DIR and\na second line.").Set(1)
	v := r.NewCounterVec("test_errors_total", "Errors.", "error", 0)
	v.With("Cannot find file:\n\"FILE.TXT\"").Inc()
	v.With(`C:\DIR\FILE.TXT`).Inc()
	got := string(r.AppendText(nil))
	want := `# HELP test_escapes A "quoted" C:\\DIR and\na second line.
# TYPE test_escapes gauge
test_escapes 1
# HELP test_errors_total Errors.
# TYPE test_errors_total counter
test_errors_total{error="C:\\DIR\\FILE.TXT"} 1
test_errors_total{error="Cannot find file:\n\"FILE.TXT\""} 1
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	x, err := checkExposition(got)
	if err != nil {
		t.Fatal(err)
	}
	if h := x.helps["test_escapes"]; h != "A \"quoted\" C:\\DIR and\na second line." {
		t.Errorf("help reads back as %q", h)
	}
}

func TestAppendFloat(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {1, "1"}, {-1, "-1"}, {1027, "1027"},
		{1.5e6, "1500000"}, {1 << 53, "9007199254740992"}, {1<<53 + 2, "9.007199254740994e+15"},
		{0.25, "0.25"}, {0.1, "0.1"}, {1e-5, "1e-05"}, {-1.5, "-1.5"}, {1e300, "1e+300"},
		{math.Inf(1), "+Inf"}, {math.Inf(-1), "-Inf"}, {math.NaN(), "NaN"},
	} {
		got := string(appendFloat(nil, tc.v))
		if got != tc.want {
			t.Errorf("appendFloat(%v) = %q, want %q", tc.v, got, tc.want)
		}
		back, err := strconv.ParseFloat(got, 64)
		if err != nil || back != tc.v && !(math.IsNaN(back) && math.IsNaN(tc.v)) {
			t.Errorf("%q reads back as %v, %v", got, back, err)
		}
	}
}

// TestHistogramBuckets compares the buckets with a count done the slow
// way: for each bound, the observations ≤ it.
func TestHistogramBuckets(t *testing.T) {
	r := NewRegistry()
	bounds := ExponentialBuckets(0.001, 2, 12)
	h := r.NewHistogram("test_seconds", "h", bounds)
	rng := rand.New(rand.NewPCG(1, 2))
	var obs []float64
	for i := 0; i < 5000; i++ {
		v := rng.ExpFloat64() / 20
		if i%50 == 0 {
			v = bounds[rng.IntN(len(bounds))] // exactly on a bound: counted in it ("le")
		}
		obs = append(obs, v)
	}
	obs = append(obs, math.Inf(1), math.Inf(-1), -3, 0)
	sum := 0.0
	for _, v := range obs {
		h.Observe(v)
		sum += v
	}
	h.Observe(math.NaN()) // ignored
	h.ObserveDuration(1500 * time.Millisecond)
	obs = append(obs, 1.5)

	x, err := checkExposition(string(r.AppendText(nil)))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range append(bounds, math.Inf(1)) {
		le := string(appendFloat(nil, b))
		want := 0
		for _, v := range obs {
			if v <= b {
				want++
			}
		}
		if got := x.samples[`test_seconds_bucket{le="`+le+`"}`]; got != float64(want) {
			t.Errorf("bucket le=%s: %v, want %d", le, got, want)
		}
	}
	if got := x.samples["test_seconds_count"]; got != float64(len(obs)) {
		t.Errorf("count %v, want %d", got, len(obs))
	}
	// +Inf and -Inf make the sum NaN: +Inf - Inf.
	if got := x.samples["test_seconds_sum"]; !math.IsNaN(got) {
		t.Errorf("sum %v, want NaN after +Inf and -Inf", got)
	}
	// The bounds of ExponentialBuckets print as the decimals they are.
	want := []string{"0.001", "0.002", "0.004", "0.008", "0.016", "0.032", "0.064", "0.128", "0.256", "0.512", "1.024", "2.048", "+Inf"}
	var got []string
	for _, k := range x.order {
		if le, ok := x.labels[k]["le"]; ok {
			got = append(got, le)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("le labels %q, want %q", got, want)
	}
}

func TestHistogramSum(t *testing.T) {
	r := NewRegistry()
	h := r.NewHistogram("test_bytes", "h", []float64{10, 100, 1000, math.Inf(1)})
	for i := 1; i <= 100; i++ {
		h.Observe(float64(i))
	}
	x, _ := checkExposition(string(r.AppendText(nil)))
	if x.samples["test_bytes_sum"] != 5050 || x.samples[`test_bytes_bucket{le="10"}`] != 10 || x.samples[`test_bytes_bucket{le="+Inf"}`] != 100 {
		t.Errorf("samples %v", x.samples)
	}
	if len(x.samples) != 6 { // 3 bounds, +Inf once, sum, count
		t.Errorf("%d samples, want 6 (a given +Inf is not doubled)", len(x.samples))
	}
}

func TestLabelCap(t *testing.T) {
	r := NewRegistry()
	v := r.NewCounterVec("test_drops_total", "d", "reason", 4)
	for i := 0; i < 10; i++ {
		v.With(fmt.Sprintf("reason%d", i)).Inc()
	}
	v.With("reason0").Inc() // kept before the cap: its own counter
	v.With(Other).Inc()     // asked for by name
	if v.Len() != 4 {
		t.Errorf("Len() = %d, want 4", v.Len())
	}
	got := string(r.AppendText(nil))
	want := `# HELP test_drops_total d
# TYPE test_drops_total counter
test_drops_total{reason="reason0"} 2
test_drops_total{reason="reason1"} 1
test_drops_total{reason="reason2"} 1
test_drops_total{reason="reason3"} 1
test_drops_total{reason="other"} 7
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}

	// Values that are not kept even with room to spare.
	v1 := r.NewCounterVec("test_odd_total", "o", "reason", 0)
	for _, s := range []string{"", "\xff\xfe", strings.Repeat("x", 101), strings.Repeat("é", 51)} {
		if v1.With(s) != v1.With(Other) {
			t.Errorf("%q is kept", s)
		}
	}
	if c := v1.With(strings.Repeat("é", 50)); c == v1.With(Other) || v1.Len() != 1 {
		t.Error("a value of 100 bytes is not kept")
	}

	// A flood of new values from a hostile peer: the map stays at the cap.
	v2 := r.NewCounterVec("test_flood_total", "f", "reason", 0)
	for i := 0; i < 100000; i++ {
		v2.With(strconv.Itoa(i)).Inc()
	}
	if v2.Len() != DefaultMaxValues || v2.With(Other).Value() != 100000-DefaultMaxValues {
		t.Errorf("Len %d, other %d", v2.Len(), v2.With(Other).Value())
	}
	if _, err := checkExposition(string(r.AppendText(nil))); err != nil {
		t.Error(err)
	}
}

// TestConcurrent updates every kind of metric from several goroutines
// while others scrape; every scrape must be well formed and the final
// totals exact. Run with -race.
func TestConcurrent(t *testing.T) {
	r := NewRegistry()
	c := r.NewCounter("test_events_total", "c")
	g := r.NewGauge("test_level", "g")
	v := r.NewCounterVec("test_reasons_total", "v", "reason", 8)
	h := r.NewHistogram("test_seconds", "h", []float64{0.25, 0.5, 0.75})
	RegisterProcessMetrics(r)

	const workers, each = 4, 2000
	var wg sync.WaitGroup
	var stop atomic.Bool
	var scrapes atomic.Int64
	errs := make(chan error, 2)
	for s := 0; s < 2; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				if _, err := checkExposition(string(r.AppendText(nil))); err != nil {
					errs <- err
					return
				}
				scrapes.Add(1)
			}
		}()
	}
	var work sync.WaitGroup
	for w := 0; w < workers; w++ {
		work.Add(1)
		go func() {
			defer work.Done()
			for i := 0; i < each; i++ {
				c.Inc()
				g.Add(1)
				v.With("r" + strconv.Itoa(i%16)).Inc()
				h.Observe(float64(i%4) / 4)
			}
		}()
	}
	work.Wait()
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	x, err := checkExposition(string(r.AppendText(nil)))
	if err != nil {
		t.Fatal(err)
	}
	const n = workers * each
	total := 0.0
	for k, val := range x.samples {
		if strings.HasPrefix(k, "test_reasons_total{") {
			total += val
		}
	}
	for name, got := range map[string]float64{
		"test_events_total": x.samples["test_events_total"], "test_level": x.samples["test_level"],
		"test_reasons_total": total, "test_seconds_count": x.samples["test_seconds_count"],
		`test_reasons_total{reason="other"}`: x.samples[`test_reasons_total{reason="other"}`] * 2,
		"test_seconds_sum":                   x.samples["test_seconds_sum"] / 1.5 * 4,
	} {
		if got != n {
			t.Errorf("%s: %v, want %d", name, got, n)
		}
	}
	t.Logf("%d scrapes during the updates", scrapes.Load())
}

func TestHTTP(t *testing.T) {
	r := smallRegistry()
	srv := httptest.NewServer(r)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if resp.StatusCode != 200 || body.String() != golden {
		t.Errorf("%s:\n%s", resp.Status, body.String())
	}
	resp, err = http.Post(srv.URL, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %s", resp.Status)
	}
}

func TestProcessMetrics(t *testing.T) {
	r := NewRegistry()
	RegisterProcessMetrics(r)
	// Burn a little CPU so that the CPU time is not 0.
	for s, i := 0.0, 0; i < 1e6; i++ {
		s += math.Sqrt(float64(i))
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	x, err := checkExposition(string(r.AppendText(nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", r.AppendText(nil))
	now := float64(time.Now().Unix())
	if v, ok := x.samples["process_cpu_seconds_total"]; runtime.GOOS != "windows" && (!ok || v <= 0 || v > 1e6) {
		t.Errorf("process_cpu_seconds_total %v %v", v, ok)
	}
	if v := x.samples["process_start_time_seconds"]; v > now+1 || v < now-3600 {
		t.Errorf("process_start_time_seconds %v, now %v", v, now)
	}
	if v := x.samples["go_goroutines"]; v < 1 {
		t.Errorf("go_goroutines %v", v)
	}
	// The two ways of reading HeapInuse agree, give or take what was
	// allocated in between.
	if v := x.samples["go_memstats_heap_inuse_bytes"]; math.Abs(v-float64(ms.HeapInuse)) > 0.2*float64(ms.HeapInuse) {
		t.Errorf("go_memstats_heap_inuse_bytes %v, MemStats.HeapInuse %d", v, ms.HeapInuse)
	}
	_, err = os.Stat("/proc/self/statm")
	v, ok := x.samples["process_resident_memory_bytes"]
	switch {
	case err == nil && (!ok || v < 1<<20):
		t.Errorf("process_resident_memory_bytes %v %v", v, ok)
	case err != nil && ok:
		t.Errorf("process_resident_memory_bytes %v without /proc", v)
	}
	if _, ok := x.helps["process_resident_memory_bytes"]; ok != (err == nil) {
		t.Errorf("HELP of process_resident_memory_bytes present: %v, /proc: %v", ok, err)
	}
}

// TestAbsentGroup: a metric with no value this scrape is left out whole.
func TestAbsentGroup(t *testing.T) {
	r := NewRegistry()
	r.newGaugeFunc("test_absent", "h", func() (float64, bool) { return 0, false })
	r.NewGauge("test_present", "h")
	want := "# HELP test_present h\n# TYPE test_present gauge\ntest_present 0\n"
	if got := string(r.AppendText(nil)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRegistrationPanics(t *testing.T) {
	for name, f := range map[string]func(r *Registry){
		"bad name":           func(r *Registry) { r.NewGauge("1abc", "") },
		"dash":               func(r *Registry) { r.NewGauge("a-b", "") },
		"twice":              func(r *Registry) { r.NewGauge("test_x", ""); r.NewGauge("test_x", "") },
		"counter sans total": func(r *Registry) { r.NewCounter("test_events", "") },
		"histogram's sum":    func(r *Registry) { r.NewHistogram("test_h", "", []float64{1}); r.NewGauge("test_h_sum", "") },
		"before histogram":   func(r *Registry) { r.NewGauge("test_h_count", ""); r.NewHistogram("test_h", "", []float64{1}) },
		"histogram on name":  func(r *Registry) { r.NewGauge("test_h", ""); r.NewHistogram("test_h", "", []float64{1}) },
		"buckets":            func(r *Registry) { r.NewHistogram("test_h", "", []float64{1, 1}) },
		"NaN bucket":         func(r *Registry) { r.NewHistogram("test_h", "", []float64{math.NaN()}) },
		"label":              func(r *Registry) { r.NewCounterVec("test_total", "", "__name", 0) },
		"le label":           func(r *Registry) { r.NewCounterVec("test_total", "", "le", 0) },
		"exponential":        func(r *Registry) { ExponentialBuckets(0, 2, 3) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f(NewRegistry())
		})
	}
}

// TestChecker: the test's reader of the format rejects what it should,
// or the tests above would prove nothing.
func TestChecker(t *testing.T) {
	ok := "# HELP a_total h\n# TYPE a_total counter\na_total 1\n"
	if _, err := checkExposition(ok); err != nil {
		t.Fatalf("rejects a good exposition: %v", err)
	}
	for name, bad := range map[string]string{
		"no final line feed":  strings.TrimSuffix(ok, "\n"),
		"no TYPE":             "a 1\n",
		"TYPE after sample":   "# TYPE a gauge\na 1\n# TYPE a gauge\n",
		"two HELP":            "# HELP a x\n# HELP a y\n# TYPE a gauge\na 1\n",
		"bad escape in HELP":  "# HELP a x\\t\n# TYPE a gauge\na 1\n",
		"raw quote in label":  "# TYPE a gauge\na{l=\"x\"y\"} 1\n",
		"bad escape in label": "# TYPE a gauge\na{l=\"\\x\"} 1\n",
		"bad value":           "# TYPE a gauge\na one\n",
		"timestamp":           "# TYPE a gauge\na 1 1700000000000\n",
		"duplicate":           "# TYPE a gauge\na{l=\"x\"} 1\na{l=\"x\"} 2\n",
		"interleaved":         "# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{l=\"x\"} 1\n",
		"counter not _total":  "# TYPE a counter\na 1\n",
		"negative counter":    "# TYPE a_total counter\na_total -1\n",
		"not cumulative":      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
		"no +Inf":             "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
		"+Inf ≠ count":        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",
		"le decreasing":       "# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
		"bad label name":      "# TYPE a gauge\na{__x=\"1\"} 1\n",
		"blank line":          "# TYPE a gauge\n\na 1\n",
	} {
		if _, err := checkExposition(bad); err == nil {
			t.Errorf("%s: accepted %q", name, bad)
		}
	}
}

func BenchmarkCounterInc(b *testing.B) {
	var c Counter
	b.ReportAllocs()
	for b.Loop() {
		c.Inc()
	}
}

// BenchmarkAtomicInt64Add is the floor: what Counter.Inc wraps.
func BenchmarkAtomicInt64Add(b *testing.B) {
	var n atomic.Int64
	b.ReportAllocs()
	for b.Loop() {
		n.Add(1)
	}
}

func BenchmarkCounterIncParallel(b *testing.B) {
	var c Counter
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Inc()
		}
	})
}

func BenchmarkCounterVecWith(b *testing.B) {
	v := NewRegistry().NewCounterVec("test_total", "", "reason", 0)
	v.With("srtp_auth")
	b.ReportAllocs()
	for b.Loop() {
		v.With("srtp_auth").Inc()
	}
}

func BenchmarkCounterVecOverflow(b *testing.B) {
	v := NewRegistry().NewCounterVec("test_total", "", "reason", 1)
	v.With("a")
	b.ReportAllocs()
	for b.Loop() {
		v.With("unknown").Inc()
	}
}

func BenchmarkGaugeAdd(b *testing.B) {
	var g Gauge
	b.ReportAllocs()
	for b.Loop() {
		g.Add(1)
	}
}

func BenchmarkHistogramObserve(b *testing.B) {
	h := NewRegistry().NewHistogram("test_seconds", "", ExponentialBuckets(0.001, 2, 12))
	b.ReportAllocs()
	for b.Loop() {
		h.Observe(0.0123)
	}
}

func BenchmarkScrape(b *testing.B) {
	r := smallRegistry()
	RegisterProcessMetrics(r)
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = r.AppendText(buf[:0])
	}
}

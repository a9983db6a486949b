package metrics

// A histogram counts observations (how long each keyframe took to
// decode) in buckets fixed in advance, so that Prometheus can estimate
// quantiles over any time range and any number of servers
// (histogram_quantile(0.99, rate(x_bucket[5m]))), which per-process
// averages or percentiles cannot be combined into.

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"sync/atomic"
	"time"
)

// Histogram counts observations in buckets with fixed upper bounds.
// Observe is a few atomic operations and never waits.
type Histogram struct {
	upper []float64 // the finite upper bounds, increasing
	// counts[i] counts the observations in (upper[i-1], upper[i]]; the
	// last one, past the finite bounds, those above upper[len-1]. They
	// are not cumulative here, so that Observe adds to one of them only;
	// the scrape adds them up.
	counts []atomic.Uint64
	sum    atomic.Uint64 // float64 bits
}

// NewHistogram registers a histogram with the given upper bounds, which
// must be increasing and not NaN; a last +Inf is implied (and dropped if
// given).
func (r *Registry) NewHistogram(name, help string, buckets []float64) *Histogram {
	upper := slices.Clone(buckets)
	if n := len(upper); n > 0 && math.IsInf(upper[n-1], +1) {
		upper = upper[:n-1]
	}
	for i, u := range upper {
		if math.IsNaN(u) || math.IsInf(u, 0) || i > 0 && u <= upper[i-1] {
			// invariant: names, labels and buckets are constants of the program, registered at start; nothing from the network reaches here
			panic(fmt.Sprintf("metrics: histogram %s: buckets %v are not increasing finite numbers", name, buckets))
		}
	}
	h := &Histogram{upper: upper, counts: make([]atomic.Uint64, len(upper)+1)}
	r.register(&family{name: name, help: help, typ: "histogram", samples: h.appendSamples}, "_bucket", "_sum", "_count")
	return h
}

// Observe counts v. NaN is ignored: it would make the sum NaN forever.
func (h *Histogram) Observe(v float64) {
	if math.IsNaN(v) {
		return
	}
	// The first bound ≥ v: v ≤ upper[i] is the bucket's rule ("le").
	i := sort.SearchFloat64s(h.upper, v)
	h.counts[i].Add(1)
	for {
		old := h.sum.Load()
		if h.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// ObserveDuration observes d in seconds, Prometheus's unit of time.
func (h *Histogram) ObserveDuration(d time.Duration) { h.Observe(d.Seconds()) }

// appendSamples writes the cumulative buckets, the sum and the count.
// Each bucket is read once, and the count is the total of those reads,
// so that the +Inf bucket and x_count are equal, as the format requires,
// even while observations go on. The sum is read separately and may
// include an observation the buckets do not yet show, or miss one they
// do: a scrape is a sample of a moving process, and Prometheus's rate()
// does not mind.
func (h *Histogram) appendSamples(b []byte, name string) []byte {
	var cum uint64
	var le []byte
	for i := range h.counts {
		cum += h.counts[i].Load()
		bound := "+Inf"
		if i < len(h.upper) {
			le = appendFloat(le[:0], h.upper[i])
			bound = string(le)
		}
		b = appendSampleName(b, name, "_bucket", "le", bound)
		b = appendUintLine(b, cum)
	}
	b = appendSampleName(b, name, "_sum", "", "")
	b = appendFloatLine(b, math.Float64frombits(h.sum.Load()))
	b = appendSampleName(b, name, "_count", "", "")
	return appendUintLine(b, cum)
}

// ExponentialBuckets returns n upper bounds: start, start·factor,
// start·factor², … For decode times in seconds,
// ExponentialBuckets(0.001, 2, 12) spans 1 ms to 2.048 s.
func ExponentialBuckets(start, factor float64, n int) []float64 {
	if start <= 0 || factor <= 1 || n < 1 {
		// invariant: names, labels and buckets are constants of the program, registered at start; nothing from the network reaches here
		panic(fmt.Sprintf("metrics: ExponentialBuckets(%v, %v, %d): want start > 0, factor > 1, n ≥ 1", start, factor, n))
	}
	b := make([]float64, n)
	for i := range b {
		b[i] = start
		start *= factor
	}
	return b
}

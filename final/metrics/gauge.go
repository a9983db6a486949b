package metrics

import (
	"math"
	"sync/atomic"
)

// Gauge is a value that goes up and down: sessions in progress, bytes
// queued. It holds a float64 as its bits in an atomic integer: Set is
// one atomic store, Add a compare-and-swap loop (there is no atomic
// floating-point add). The zero value is a gauge at 0.
type Gauge struct {
	bits atomic.Uint64
}

// Set sets the value.
func (g *Gauge) Set(v float64) { g.bits.Store(math.Float64bits(v)) }

// Add adds d, which may be negative. Two goroutines adding at once both
// count: the one whose swap fails reads the new value and tries again.
func (g *Gauge) Add(d float64) {
	for {
		old := g.bits.Load()
		if g.bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}

// Inc adds 1.
func (g *Gauge) Inc() { g.Add(1) }

// Dec subtracts 1.
func (g *Gauge) Dec() { g.Add(-1) }

// Value is the value.
func (g *Gauge) Value() float64 { return math.Float64frombits(g.bits.Load()) }

// NewGauge registers a gauge.
func (r *Registry) NewGauge(name, help string) *Gauge {
	g := new(Gauge)
	r.register(&family{name: name, help: help, typ: "gauge", samples: func(b []byte, name string) []byte {
		b = appendSampleName(b, name, "", "", "")
		return appendFloatLine(b, g.Value())
	}})
	return g
}

// NewGaugeFunc registers a gauge whose value f returns at each scrape.
// f runs on the scrape's goroutine: it must be safe to call from there.
func (r *Registry) NewGaugeFunc(name, help string, f func() float64) {
	r.newGaugeFunc(name, help, func() (float64, bool) { return f(), true })
}

// newGaugeFunc registers a gauge that may have no value: when f reports
// false, the metric is left out of that scrape.
func (r *Registry) newGaugeFunc(name, help string, f func() (float64, bool)) {
	r.register(&family{name: name, help: help, typ: "gauge", samples: func(b []byte, name string) []byte {
		v, ok := f()
		if !ok {
			return b
		}
		b = appendSampleName(b, name, "", "", "")
		return appendFloatLine(b, v)
	}})
}

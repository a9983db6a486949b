package metrics

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// Counter counts events: it only goes up (Prometheus reads a decrease as
// a restart of the process). It is one atomic integer, so Inc costs what
// an atomic add costs and never waits. The zero value is a counter at 0,
// usable unregistered.
type Counter struct {
	v atomic.Uint64
}

// Inc adds 1.
func (c *Counter) Inc() { c.v.Add(1) }

// Add adds n.
func (c *Counter) Add(n uint64) { c.v.Add(n) }

// Value is the count.
func (c *Counter) Value() uint64 { return c.v.Load() }

// checkCounterName panics unless name ends in _total, the convention
// every Prometheus user expects of a counter.
func checkCounterName(name string) {
	if !strings.HasSuffix(name, "_total") {
		// invariant: names, labels and buckets are constants of the program, registered at start; nothing from the network reaches here
		panic(fmt.Sprintf("metrics: counter %q does not end in _total", name))
	}
}

// NewCounter registers a counter. Its name must end in _total.
func (r *Registry) NewCounter(name, help string) *Counter {
	checkCounterName(name)
	c := new(Counter)
	r.register(&family{name: name, help: help, typ: "counter", samples: func(b []byte, name string) []byte {
		b = appendSampleName(b, name, "", "", "")
		return appendUintLine(b, c.Value())
	}})
	return c
}

// NewCounterFunc registers a counter whose value f returns at each
// scrape: a count kept elsewhere (pcap.Recorder.Dropped), or CPU seconds.
// f runs on the scrape's goroutine and must never decrease.
func (r *Registry) NewCounterFunc(name, help string, f func() float64) {
	checkCounterName(name)
	r.register(&family{name: name, help: help, typ: "counter", samples: func(b []byte, name string) []byte {
		b = appendSampleName(b, name, "", "", "")
		return appendFloatLine(b, f())
	}})
}

package metrics

// A CounterVec is a counter per value of one label:
//
//	webrtc_packets_dropped_total{reason="srtp_auth"} 3
//	webrtc_packets_dropped_total{reason="stun_unknown_user"} 12
//
// Each label value is a separate time series in Prometheus, and a
// separate counter here, made the first time the value is seen. If the
// values came from the network unchecked (an attribute type, an error
// text), a hostile peer could send a new one in every packet and make the
// server, and Prometheus, remember millions of them. So a CounterVec
// keeps at most a fixed number of values; any further value, and any
// value that is empty, not UTF-8 or too long, is counted under
// reason="other".

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// Other is the label value under which a CounterVec counts the values it
// does not keep.
const Other = "other"

// DefaultMaxValues is a CounterVec's number of label values when
// NewCounterVec is given 0.
const DefaultMaxValues = 64

// CounterVec is a counter per value of one label. With is safe for
// concurrent use and takes no lock once a value has its counter.
type CounterVec struct {
	label string
	max   int

	// children is a map that is never modified once published: With
	// reads it with one atomic load and no lock. A new value copies it
	// under mu and publishes the copy (copy-on-write). The copies cost
	// O(max²) in all, paid once per value, for a map of at most max.
	children atomic.Pointer[map[string]*Counter]
	mu       sync.Mutex

	other  Counter     // the values not kept
	folded atomic.Bool // other has been handed out: it is written from then on
}

// NewCounterVec registers a counter per value of the label named label.
// It keeps at most max values (DefaultMaxValues if max ≤ 0), besides
// "other". The name must end in _total.
func (r *Registry) NewCounterVec(name, help, label string, max int) *CounterVec {
	checkCounterName(name)
	if !validLabelName(label) || label == "le" || label == "quantile" {
		// invariant: names, labels and buckets are constants of the program, registered at start; nothing from the network reaches here
		panic(fmt.Sprintf("metrics: %q is not a valid label name", label))
	}
	if max <= 0 {
		max = DefaultMaxValues
	}
	v := &CounterVec{label: label, max: max}
	v.children.Store(&map[string]*Counter{})
	r.register(&family{name: name, help: help, typ: "counter", samples: v.appendSamples})
	return v
}

// With returns the counter of a label value, making it the first time.
// Keep the result for the values known in advance; calling With for each
// event is also fine (one map lookup).
func (v *CounterVec) With(value string) *Counter {
	m := *v.children.Load()
	if c, ok := m[value]; ok {
		return c
	}
	if value == Other || len(m) >= v.max || !validLabelValue(value) {
		return v.fold()
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	m = *v.children.Load() // another goroutine may have added values since
	if c, ok := m[value]; ok {
		return c
	}
	if len(m) >= v.max {
		return v.fold()
	}
	next := make(map[string]*Counter, len(m)+1)
	for k, c := range m {
		next[k] = c
	}
	c := new(Counter)
	next[value] = c
	v.children.Store(&next)
	return c
}

// fold returns the "other" counter.
func (v *CounterVec) fold() *Counter {
	if !v.folded.Load() {
		v.folded.Store(true)
	}
	return &v.other
}

// Len is the number of label values kept, "other" aside.
func (v *CounterVec) Len() int { return len(*v.children.Load()) }

// appendSamples writes one line per value, sorted so that scrapes are
// reproducible, then "other" once it has been used.
func (v *CounterVec) appendSamples(b []byte, name string) []byte {
	m := *v.children.Load()
	values := make([]string, 0, len(m))
	for k := range m {
		values = append(values, k)
	}
	slices.Sort(values)
	for _, k := range values {
		b = appendSampleName(b, name, "", v.label, k)
		b = appendUintLine(b, m[k].Value())
	}
	if v.folded.Load() {
		b = appendSampleName(b, name, "", v.label, Other)
		b = appendUintLine(b, v.other.Value())
	}
	return b
}

// Package metrics exposes counters, gauges and histograms to Prometheus,
// written by hand in its text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// Prometheus scrapes: every few seconds it fetches /metrics over HTTP and
// reads lines like these (all of this package's output has this shape):
//
//	# HELP webrtc_packets_dropped_total Packets dropped by the UDP loop, by reason.
//	# TYPE webrtc_packets_dropped_total counter
//	webrtc_packets_dropped_total{reason="srtp_auth"} 3
//	webrtc_packets_dropped_total{reason="stun_unknown_user"} 12
//	# HELP webrtc_sessions Sessions in progress.
//	# TYPE webrtc_sessions gauge
//	webrtc_sessions 2
//	# HELP vp8_decode_seconds Time to decode a keyframe.
//	# TYPE vp8_decode_seconds histogram
//	vp8_decode_seconds_bucket{le="0.005"} 1
//	vp8_decode_seconds_bucket{le="0.01"} 7
//	vp8_decode_seconds_bucket{le="+Inf"} 9
//	vp8_decode_seconds_sum 0.0817
//	vp8_decode_seconds_count 9
//
// The rules of the format that shape this package:
//
//   - Lines end in \n, the last one too. A line starting with "# HELP"
//     gives a metric's docstring, in which a backslash is written \\ and
//     a line feed \n. "# TYPE" gives its type (counter, gauge,
//     histogram, summary or untyped), once, before its first sample.
//   - A sample is a name, optional labels in braces, and a value. A label
//     value is any UTF-8 text between double quotes, with \\, \" and \n
//     for a backslash, a double quote and a line feed. The value is a
//     float as Go's strconv.ParseFloat reads it: 3, 0.0817, 1e-05, +Inf,
//     -Inf, NaN.
//   - All the lines of one metric form one uninterrupted group, HELP and
//     TYPE first; each name and label set appears once.
//   - A histogram named x is several samples: x_bucket{le="b"} for each
//     upper bound b in increasing order, counting the observations ≤ b
//     (so the counts are cumulative), a last bucket le="+Inf" that counts
//     them all and equals x_count, and x_sum, their total.
//   - Names follow conventions the format does not enforce but every
//     Prometheus user expects: base units (seconds, bytes), and counters
//     ending in _total. In 0.0.4 the TYPE line names the counter as its
//     samples do, _total included ("# TYPE x_total counter"); the
//     OpenMetrics format, which drops the suffix from its TYPE line, is a
//     different format.
//
// # Using it from the server
//
// The UDP loop owns its protocol state and must never wait; the HTTP
// handler that serves a scrape runs on its own goroutine. So every metric
// the loop updates is an atomic: Counter.Inc is one atomic add, with no
// lock and no allocation, and a scrape reads the atomics while the loop
// goes on. A CounterVec (one counter per value of a label, such as the
// reason a packet was dropped) finds its child without a lock; the loop
// should still keep the *Counter of each reason it knows
// (drops.With("srtp_auth")) rather than look it up per packet. A value
// it did not know in advance, taken from the network, is safe too: past a
// fixed number of values, further ones are counted under "other", so a
// peer cannot make the server remember an unbounded set of names.
//
// GaugeFunc and CounterFunc read a value when Prometheus asks for it: the
// number of goroutines, a queue's length, a count another package keeps
// (pcap.Recorder.Dropped). Their functions run on the scrape's goroutine,
// so they must only read what is safe to read from there (atomics, or
// state behind a mutex), never the loop's own fields.
//
// Registration happens at start-up. A name that is not a valid metric
// name, or is registered twice, is a mistake in the program, not in its
// input: the New methods panic, as regexp.MustCompile does.
package metrics

//go:build !unix

package metrics

// cpuSeconds is nil where getrusage(2) does not exist (Windows, WASM):
// process_cpu_seconds_total is then not exported.
var cpuSeconds func() float64

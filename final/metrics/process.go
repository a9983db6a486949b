package metrics

// The process and Go runtime metrics every Prometheus client library
// exports, under the same names, so that the usual dashboards and alerts
// work on this server too. Each is read when Prometheus scrapes.

import (
	"bytes"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"time"
)

// processStart is when this package was initialized: within milliseconds
// of the process's start, and known on every system (Linux's own
// start time, /proc/self/stat's 22nd field, is in clock ticks since boot
// and needs /proc/stat's btime besides).
var processStart = time.Now()

// RegisterProcessMetrics registers, in r:
//
//	process_cpu_seconds_total      user and system CPU time (getrusage(2); absent where it does not exist)
//	process_resident_memory_bytes  resident set size (/proc/self/statm × page size; absent without /proc)
//	process_start_time_seconds     start time, seconds since 1970
//	go_goroutines                  goroutines that exist now
//	go_memstats_heap_inuse_bytes   bytes in in-use heap spans (runtime/metrics)
func RegisterProcessMetrics(r *Registry) {
	if cpuSeconds != nil {
		r.NewCounterFunc("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", cpuSeconds)
	}
	r.newGaugeFunc("process_resident_memory_bytes", "Resident memory size in bytes.", residentBytes)
	start := float64(processStart.UnixMicro()) / 1e6
	r.NewGaugeFunc("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", func() float64 { return start })
	r.NewGaugeFunc("go_goroutines", "Number of goroutines that currently exist.", func() float64 { return float64(runtime.NumGoroutine()) })
	r.NewGaugeFunc("go_memstats_heap_inuse_bytes", "Number of heap bytes that are in use.", heapInuse)
}

// residentBytes reads the resident set size from /proc/self/statm, whose
// fields are sizes in pages: total program size, then resident, then
// shared, … (proc(5)).
func residentBytes() (float64, bool) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	fields := bytes.Fields(b)
	if len(fields) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseUint(string(fields[1]), 10, 64)
	if err != nil {
		return 0, false
	}
	return float64(pages) * float64(os.Getpagesize()), true
}

// heapInuse is what runtime.MemStats calls HeapInuse: the bytes of the
// heap's spans that hold at least one object, i.e. the objects plus the
// free room inside those spans. runtime/metrics gives the two parts
// without stopping the world, which ReadMemStats does (briefly, but the
// UDP loop would stop with it).
func heapInuse() float64 {
	s := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
	}
	metrics.Read(s)
	var total float64
	for _, x := range s {
		if x.Value.Kind() == metrics.KindUint64 {
			total += float64(x.Value.Uint64())
		}
	}
	return total
}

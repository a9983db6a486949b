//go:build unix

package metrics

import "syscall"

// cpuSeconds is the CPU time of the process, user and system, from
// getrusage(2): it needs no /proc, and the kernel keeps it in
// microseconds rather than /proc/self/stat's clock ticks (1/100 s).
var cpuSeconds = func() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return seconds(ru.Utime) + seconds(ru.Stime)
}

func seconds(tv syscall.Timeval) float64 {
	return float64(tv.Sec) + float64(tv.Usec)/1e6
}

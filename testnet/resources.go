package testnet

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// maxRSS is the process's peak resident set size in bytes (Linux reports
// kilobytes).
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss) * 1024
}

// liveHeap collects garbage and returns the bytes of the heap still in
// use, and the number of goroutines.
func liveHeap() (int64, int) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0, runtime.NumGoroutine()
	}
	return int64(s[0].Value.Uint64()), runtime.NumGoroutine()
}

// TuneGC sets the garbage collector for a large run, unless the user set
// it: GOGC 400 instead of 100, and a soft memory limit of three quarters
// of the machine's memory (GOMEMLIMIT). It returns the limit in force (0
// if none). A run holds thousands of nodes whose live heap is gigabytes
// and stays; collecting each time it grows by its own size again would
// spend about 8% of the run's CPU re-marking it. The limit is what keeps
// the largest runs within the machine: near it the collector works
// harder instead of letting the heap grow. It changes process-wide
// settings, so the command and the scale test call it, not Run.
func TuneGC() int64 {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	total := physicalMemory()
	if total <= 0 {
		return 0
	}
	limit := total / 4 * 3
	debug.SetMemoryLimit(limit)
	return limit
}

// physicalMemory reads MemTotal from /proc/meminfo (Linux); 0 elsewhere.
func physicalMemory() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return kb * 1024
				}
			}
		}
	}
	return 0
}

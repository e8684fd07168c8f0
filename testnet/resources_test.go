package testnet

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestTuneGC checks that TuneGC leaves what the user set alone, and
// otherwise sets GOGC 400 and a limit of 3/4 of the machine's memory.
func TestTuneGC(t *testing.T) {
	gogc := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(gogc); debug.SetMemoryLimit(limit) })

	t.Setenv("GOGC", "100")
	t.Setenv("GOMEMLIMIT", "1GiB") // the runtime read it at start; TuneGC must not override
	if got := TuneGC(); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set: TuneGC = %d, want the limit in force (%d)", got, int64(math.MaxInt64))
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set: GC percent = %d, want 100 (untouched)", got)
	}

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	total := physicalMemory()
	got := TuneGC()
	if total > 0 && got != total/4*3 {
		t.Errorf("TuneGC = %d, want 3/4 of %d", got, total)
	}
	if total > 0 && debug.SetMemoryLimit(-1) != got {
		t.Errorf("limit in force %d, want %d", debug.SetMemoryLimit(-1), got)
	}
	if p := debug.SetGCPercent(100); p != 400 {
		t.Errorf("GC percent = %d, want 400", p)
	}
}

package testnet

import (
	"context"
	"os"
	"runtime"
	"testing"
	"testing/synctest"
	"time"
)

// simTest runs f in a synctest bubble (virtual time). Under -race,
// synctest needs GOMAXPROCS(1) (golang/go#78156).
func simTest(t *testing.T, f func(t *testing.T)) {
	if raceEnabled {
		prev := runtime.GOMAXPROCS(1)
		t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	}
	synctest.Test(t, f)
}

func small() Scenario {
	s := DefaultScenario()
	s.Peers = 24
	s.Degree = 6
	s.Objects = 3
	s.Duration = 5 * time.Second
	s.Warmup = 2 * time.Second
	return s
}

func runOrFail(t *testing.T, s Scenario, o Options) *Result {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	if testing.Verbose() {
		o.Progress = os.Stderr
	}
	res, err := Run(context.Background(), s, o)
	if err != nil {
		t.Fatal(err)
	}
	rep := &Report{Scenario: s}
	if o.Baseline {
		rep.Baseline = res
	} else {
		rep.Peerd = res
	}
	if testing.Verbose() {
		rep.WriteText(os.Stderr)
	}
	return res
}

func TestBaselineDelivers(t *testing.T) {
	simTest(t, func(t *testing.T) {
		res := runOrFail(t, small(), Options{Baseline: true})
		if res.Share != 1 {
			t.Errorf("delivered share = %v, want 1", res.Share)
		}
		if !res.Converged {
			t.Errorf("not converged: %d pairs differ", res.Differ)
		}
		if res.Latency.N == 0 || res.Latency.P50 < small().Latency {
			t.Errorf("latency = %+v, want samples at least one link latency", res.Latency)
		}
	})
}

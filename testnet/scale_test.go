package testnet

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// TestScale runs a large scenario in virtual time, where the simulated
// network's latencies are not distorted by the host's CPU being busy. It
// runs only when PEERD_TESTNET_SCALE names a scenario file or a number of
// peers (degree 16, 8 objects), for example:
//
//	PEERD_TESTNET_SCALE=1000 go test ./testnet -run TestScale -v -timeout 1h
//
// and prints the report of the baseline and peerd on the same seed
// (PEERD_TESTNET_JSON=FILE also writes it as JSON, PEERD_TESTNET_SVG=FILE
// the figure).
func TestScale(t *testing.T) {
	arg := os.Getenv("PEERD_TESTNET_SCALE")
	if arg == "" {
		t.Skip("set PEERD_TESTNET_SCALE to a number of peers or a scenario file")
	}
	s := DefaultScenario()
	if n, err := strconv.Atoi(arg); err == nil {
		s.Peers, s.Degree, s.Objects = n, 16, 8
	} else if s, err = LoadScenario(arg, s); err != nil {
		t.Fatal(err)
	}
	if v := os.Getenv("PEERD_TESTNET_ADVERSARIES"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatal(err)
		}
		s.Adversaries = f
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	t.Logf("soft memory limit: %d MiB", TuneGC()>>20)
	rep := &Report{Scenario: s}
	only := os.Getenv("PEERD_TESTNET_ONLY")
	for _, baseline := range []bool{true, false} {
		if (only == "peerd" && baseline) || (only == "baseline" && !baseline) {
			continue
		}
		start := time.Now() // real time: outside the bubble
		simTest(t, func(t *testing.T) {
			res, err := Run(t.Context(), s, Options{Baseline: baseline, Dir: t.TempDir(), Progress: os.Stderr})
			if err != nil {
				t.Fatal(err)
			}
			if baseline {
				rep.Baseline = res
			} else {
				rep.Peerd = res
			}
		})
		t.Logf("baseline=%v: %v of real (wall-clock) time", baseline, time.Since(start).Round(time.Second))
	}
	rep.Compare()
	rep.WriteText(os.Stdout)
	if f := os.Getenv("PEERD_TESTNET_JSON"); f != "" {
		w, err := os.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		rep.WriteJSON(w)
		w.Close()
	}
	if f := os.Getenv("PEERD_TESTNET_SVG"); f != "" {
		w, err := os.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		rep.WriteSVG(w)
		w.Close()
	}
	if !rep.OK() {
		t.Error("the report says FAIL")
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/peerd/peerd/testnet"
)

const testnetSummary = `simulate a network of peers in this process and report delivery, latency,
convergence, safety and cost (docs/testnet.md). By default the scenario runs
twice with the same seed, on plain gossipsub (the baseline) and on peerd
nodes, and the report gives peerd's figures as ratios to the baseline.
Scenario flags override the --scenario file, which overrides the defaults.
Exit status 1 when an update was not delivered, a view did not converge or a
safety counter is not zero.`

// runTestnet is `peerd testnet`: it needs no daemon and no data directory.
func runTestnet(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "testnet", "[flags] [--scenario FILE] [--baseline] [--json] [--svg FILE]", testnetSummary, true)
	var fl testnet.Flags
	fl.Register(c.fs, testnet.DefaultScenario())
	file := c.fs.String("scenario", "", "scenario file (key = value lines; docs/testnet.md)")
	baselineOnly := c.fs.Bool("baseline", false, "run the baseline (plain gossipsub) only")
	peerdOnly := c.fs.Bool("no-baseline", false, "run peerd only (no ratios)")
	svg := c.fs.String("svg", "", "write a figure (latency distribution, delivery over time) to this SVG file")
	quiet := c.fs.Bool("quiet", false, "no progress line on stderr")
	if _, err := c.parse(args, 0, 0); err != nil {
		return err
	}
	if *baselineOnly && *peerdOnly {
		return usagef("testnet: --baseline and --no-baseline exclude each other")
	}
	s := testnet.DefaultScenario()
	if *file != "" {
		var err error
		if s, err = testnet.LoadScenario(*file, s); err != nil {
			return usagef("testnet: %v", err)
		}
	}
	if err := fl.Apply(&s); err != nil {
		return usagef("testnet: %v", err)
	}
	if err := s.Validate(); err != nil {
		return usagef("testnet: %v", err)
	}
	testnet.TuneGC()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	dir, err := os.MkdirTemp(testnet.TempRoot(), "peerd-testnet-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	o := testnet.Options{Dir: dir}
	if !*quiet {
		o.Progress = e.stderr
	}
	rep := &testnet.Report{Scenario: s}
	if !*peerdOnly {
		o.Baseline = true
		if rep.Baseline, err = testnet.Run(ctx, s, o); err != nil {
			return fmt.Errorf("testnet baseline: %w", err)
		}
	}
	if !*baselineOnly {
		o.Baseline = false
		if rep.Peerd, err = testnet.Run(ctx, s, o); err != nil {
			return fmt.Errorf("testnet peerd: %w", err)
		}
	}
	rep.Compare()
	if c.json {
		err = rep.WriteJSON(e.stdout)
	} else {
		err = rep.WriteText(e.stdout)
	}
	if err != nil {
		return err
	}
	if *svg != "" {
		f, err := os.Create(*svg)
		if err != nil {
			return err
		}
		if err := rep.WriteSVG(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if !rep.OK() {
		return errors.New("testnet: FAIL: see the report")
	}
	return nil
}

package testnet

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A scenario file is flat text, one "key = value" per line; blank lines
// and lines starting with # are ignored; keys are the field names in lower
// case (the flags of the command); durations use Go syntax (1m30s). Keys
// not in the file keep their defaults. See docs/testnet.md.

// field is one settable scenario key.
type field struct {
	name, usage string
	ptr         func(*Scenario) any // *int, *float64, *string, *time.Duration or *uint64
}

var fields = []field{
	{"peers", "number of peers, adversaries included", func(s *Scenario) any { return &s.Peers }},
	{"graph", "trust graph: regular or smallworld", func(s *Scenario) any { return &s.Graph }},
	{"degree", "trust contacts per peer", func(s *Scenario) any { return &s.Degree }},
	{"rewire", "smallworld: probability of rewiring an edge", func(s *Scenario) any { return &s.Rewire }},
	{"oneway", "share of trust edges watched one way only", func(s *Scenario) any { return &s.OneWay }},
	{"blocked", "share of trust edges where the publisher blocks the watcher", func(s *Scenario) any { return &s.Blocked }},
	{"network", "simulated network: simnet or mocknet", func(s *Scenario) any { return &s.Network }},
	{"latency", "one-way link latency", func(s *Scenario) any { return &s.Latency }},
	{"jitter", "uniform random extra latency per packet", func(s *Scenario) any { return &s.Jitter }},
	{"tick", "resolution of the simulated clock: packets arrive on its multiples (0: continuous)", func(s *Scenario) any { return &s.Tick }},
	{"bandwidth", "per-peer uplink and downlink, bits per second", func(s *Scenario) any { return &s.Bandwidth }},
	{"loss", "share of packets lost (simnet)", func(s *Scenario) any { return &s.Loss }},
	{"objects", "objects per honest peer", func(s *Scenario) any { return &s.Objects }},
	{"size", "object size in bytes", func(s *Scenario) any { return &s.Size }},
	{"updaterate", "object updates per honest peer per second", func(s *Scenario) any { return &s.UpdateRate }},
	{"deletes", "share of updates that delete the object", func(s *Scenario) any { return &s.Deletes }},
	{"nearme", "share of honest peers on shared subnets", func(s *Scenario) any { return &s.NearMe }},
	{"subnet", "peers per shared subnet", func(s *Scenario) any { return &s.Subnet }},
	{"sessionkills", "application sessions killed during the run", func(s *Scenario) any { return &s.SessionKills }},
	{"restarts", "daemons stopped and started again during the run", func(s *Scenario) any { return &s.Restarts }},
	{"downtime", "how long a killed session or stopped daemon stays away", func(s *Scenario) any { return &s.Downtime }},
	{"partitions", "times the network is cut in two halves", func(s *Scenario) any { return &s.Partitions }},
	{"partitiontime", "how long a partition lasts", func(s *Scenario) any { return &s.PartitionTime }},
	{"revocations", "publishers that block one of their watchers during the run", func(s *Scenario) any { return &s.Revocations }},
	{"adversaries", "share of peers that attack", func(s *Scenario) any { return &s.Adversaries }},
	{"attacks", "attack kinds: forge,replay,flood,oversize,eavesdrop", func(s *Scenario) any { return &s.AttackKinds }},
	{"targets", "honest peers each adversary connects to", func(s *Scenario) any { return &s.Targets }},
	{"warmup", "time for connections before the first object", func(s *Scenario) any { return &s.Warmup }},
	{"ramp", "time over which initial objects are published", func(s *Scenario) any { return &s.Ramp }},
	{"duration", "length of the scheduled activity after warmup", func(s *Scenario) any { return &s.Duration }},
	{"settle", "longest wait for convergence after the last change", func(s *Scenario) any { return &s.Settle }},
	{"seed", "random seed: same seed, same scenario", func(s *Scenario) any { return &s.Seed }},
}

// Set sets the field named key from its text form.
func (s *Scenario) Set(key, value string) error {
	key = strings.ToLower(strings.TrimSpace(key))
	value = strings.TrimSpace(value)
	for _, f := range fields {
		if f.name != key {
			continue
		}
		var err error
		switch p := f.ptr(s).(type) {
		case *int:
			*p, err = strconv.Atoi(value)
		case *float64:
			*p, err = strconv.ParseFloat(value, 64)
		case *string:
			*p = value
		case *time.Duration:
			*p, err = time.ParseDuration(value)
		case *uint64:
			*p, err = strconv.ParseUint(value, 10, 64)
		}
		if err != nil {
			return fmt.Errorf("%s = %q: %v", key, value, err)
		}
		return nil
	}
	return fmt.Errorf("unknown scenario key %q", key)
}

// ParseScenario reads a scenario file over base: keys it does not name
// keep base's values. It does not validate the result.
func ParseScenario(r io.Reader, base Scenario) (Scenario, error) {
	s := base
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		key, value, ok := strings.Cut(text, "=")
		if !ok {
			return s, fmt.Errorf("line %d: want key = value, got %q", line, text)
		}
		if err := s.Set(key, value); err != nil {
			return s, fmt.Errorf("line %d: %v", line, err)
		}
	}
	return s, sc.Err()
}

// LoadScenario reads a scenario file from disk over base.
func LoadScenario(path string, base Scenario) (Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return base, err
	}
	defer f.Close()
	s, err := ParseScenario(f, base)
	if err != nil {
		return s, fmt.Errorf("%s: %v", path, err)
	}
	return s, nil
}

// Format writes s as a scenario file that ParseScenario reads back.
func (s Scenario) Format(w io.Writer) error {
	for _, f := range fields {
		if _, err := fmt.Fprintf(w, "%s = %s\n", f.name, formatField(&s, f)); err != nil {
			return err
		}
	}
	return nil
}

func formatField(s *Scenario, f field) string {
	switch p := f.ptr(s).(type) {
	case *int:
		return strconv.Itoa(*p)
	case *float64:
		return strconv.FormatFloat(*p, 'g', -1, 64)
	case *string:
		return *p
	case *time.Duration:
		return p.String()
	case *uint64:
		return strconv.FormatUint(*p, 10)
	}
	return ""
}

// Flags records the scenario flags given on a command line, so that they
// can be applied over a scenario file (flags win over the file).
type Flags struct {
	set [][2]string
}

// Register adds one flag per scenario key to fs; usage shows def's values.
func (fl *Flags) Register(fs *flag.FlagSet, def Scenario) {
	for _, f := range fields {
		name := f.name
		fs.Func(name, fmt.Sprintf("%s (default %s)", f.usage, formatField(&def, f)), func(v string) error {
			var probe Scenario
			if err := probe.Set(name, v); err != nil {
				return err
			}
			fl.set = append(fl.set, [2]string{name, v})
			return nil
		})
	}
}

// Apply sets every recorded flag on s, in the order given.
func (fl *Flags) Apply(s *Scenario) error {
	for _, kv := range fl.set {
		if err := s.Set(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// Keys lists the scenario keys, sorted.
func Keys() []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.name
	}
	sort.Strings(out)
	return out
}

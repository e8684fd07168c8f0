package testnet

import (
	"fmt"
	"time"
)

// Scenario describes a run. The zero value is not useful; start from
// DefaultScenario and change fields, or load a file with ParseScenario.
// Every field has a key of the same name in the scenario file and a flag
// of the command (see fields in scenario_file.go).
type Scenario struct {
	// Peers is the number of peers, adversaries included.
	Peers int
	// Graph is the trust graph: "regular" (random regular graph of
	// Degree) or "smallworld" (Watts–Strogatz ring of Degree neighbours,
	// each edge rewired with probability Rewire).
	Graph  string
	Degree int
	Rewire float64
	// OneWay is the share of trust edges on which only one side watches
	// the other; Blocked the share on which one side watches but the
	// other blocks it (the watcher must see nothing of the publisher's
	// internet-scope objects).
	OneWay, Blocked float64

	// Network is the Fabric: "simnet" (QUIC over a simulated network) or
	// "mocknet" (in-memory streams).
	Network string
	// Latency is the one-way delay of a packet, plus a uniform random
	// Jitter in [0, Jitter). Bandwidth is each peer's uplink and downlink
	// in bits per second. Loss is the share of packets dropped (simnet
	// only; mocknet streams are reliable).
	Latency, Jitter time.Duration
	Bandwidth       int
	Loss            float64
	// Tick is the resolution of the simulated network's clock (simnet):
	// a packet arrives at the first multiple of Tick at or after its
	// latency, so up to one Tick late. Packets due in the same tick are
	// handled in parallel; with a continuous clock (Tick 0) nearly every
	// packet has an instant of its own, and in virtual time the run is
	// processed one packet at a time: 1 ms made a 200-peer run 1.9x
	// faster in wall time and 1.4x cheaper in CPU.
	Tick time.Duration

	// Objects is the number of objects each honest peer publishes, of
	// Size bytes each (at least 16: the first bytes identify the update).
	Objects, Size int
	// UpdateRate is how many object updates each honest peer makes per
	// second after its initial publication.
	UpdateRate float64
	// Deletes is the share of those updates that delete the object
	// instead (the next update sets it again).
	Deletes float64
	// NearMe is the share of honest peers placed on shared subnets of
	// Subnet peers; their objects are published with scope all, and
	// every peer of the subnet is an expected watcher (peerd driver).
	NearMe float64
	Subnet int

	// SessionKills is how many application sessions are killed during
	// the run (their objects deleted; the application comes back after
	// Downtime and publishes again). Restarts is how many daemons stop
	// and start again after Downtime (peerd driver; the baseline kills
	// the session instead).
	SessionKills, Restarts int
	Downtime               time.Duration
	// Partitions is how many times the honest peers are cut in two
	// halves for PartitionTime before the network heals.
	Partitions    int
	PartitionTime time.Duration
	// Revocations is how many publishers block one of their watchers
	// during the run (peerd driver): the revoked watcher must see nothing
	// published afterwards.
	Revocations int

	// Adversaries is the share of Peers that attack (peerd driver), split
	// evenly over AttackKinds, a comma-separated list of forge, replay,
	// flood, oversize, eavesdrop. Each adversary connects to Targets
	// honest peers.
	Adversaries float64
	AttackKinds string
	Targets     int

	// Warmup is the time given to connections and subscriptions before
	// the first object is set; Ramp spreads the initial publications.
	// Duration is the length of the scheduled activity after Warmup;
	// Settle bounds the wait for convergence after the last change.
	Warmup, Ramp, Duration, Settle time.Duration

	// Seed makes the world and the plan: same seed, same scenario.
	Seed uint64
}

// DefaultScenario is a small run that finishes in seconds.
func DefaultScenario() Scenario {
	return Scenario{
		Peers:         50,
		Graph:         "regular",
		Degree:        8,
		Rewire:        0.1,
		OneWay:        0.1,
		Blocked:       0.05,
		Network:       "simnet",
		Latency:       20 * time.Millisecond,
		Jitter:        5 * time.Millisecond,
		Tick:          time.Millisecond,
		Bandwidth:     50_000_000,
		Objects:       4,
		Size:          1024,
		UpdateRate:    0.2,
		Subnet:        8,
		Downtime:      3 * time.Second,
		PartitionTime: 5 * time.Second,
		AttackKinds:   "forge,replay,flood,oversize,eavesdrop",
		Targets:       4,
		Warmup:        3 * time.Second,
		Ramp:          2 * time.Second,
		Duration:      10 * time.Second,
		Settle:        30 * time.Second,
		Seed:          1,
	}
}

// Validate reports the first field that is out of range.
func (s Scenario) Validate() error {
	switch {
	case s.Peers < 2:
		return fmt.Errorf("peers = %d, want at least 2", s.Peers)
	case s.Graph != "regular" && s.Graph != "smallworld":
		return fmt.Errorf("graph = %q, want regular or smallworld", s.Graph)
	case s.Degree < 1 || s.Degree >= s.honest():
		return fmt.Errorf("degree = %d, want 1..%d", s.Degree, s.honest()-1)
	case s.Graph == "regular" && s.Degree*s.honest()%2 != 0:
		return fmt.Errorf("a regular graph of %d peers cannot have odd degree %d", s.honest(), s.Degree)
	case s.Network != "simnet" && s.Network != "mocknet":
		return fmt.Errorf("network = %q, want simnet or mocknet", s.Network)
	case !share(s.Rewire) || !share(s.OneWay) || !share(s.Blocked) || s.OneWay+s.Blocked > 1:
		return fmt.Errorf("rewire, oneway and blocked are shares in [0, 1] (oneway+blocked <= 1)")
	case !share(s.Loss) || s.Loss >= 0.5:
		return fmt.Errorf("loss = %v, want [0, 0.5)", s.Loss)
	case s.Latency < 0 || s.Jitter < 0 || s.Tick < 0:
		return fmt.Errorf("latency, jitter and tick must not be negative")
	case s.Bandwidth < 8000:
		return fmt.Errorf("bandwidth = %d bit/s, want at least 8000", s.Bandwidth)
	case s.Objects < 1 || s.Objects > 128:
		return fmt.Errorf("objects = %d, want 1..128", s.Objects)
	case s.Size < payloadHeader || s.Size > 16383:
		return fmt.Errorf("size = %d, want %d..16383", s.Size, payloadHeader)
	case s.UpdateRate < 0 || !share(s.Deletes) || !share(s.NearMe) || !share(s.Adversaries):
		return fmt.Errorf("updaterate must not be negative; deletes, nearme and adversaries are shares in [0, 1]")
	case s.NearMe > 0 && s.Subnet < 2:
		return fmt.Errorf("subnet = %d, want at least 2", s.Subnet)
	case s.SessionKills < 0 || s.Restarts < 0 || s.Partitions < 0 || s.Revocations < 0:
		return fmt.Errorf("sessionkills, restarts, partitions and revocations must not be negative")
	case s.Warmup < 0 || s.Ramp < 0 || s.Duration < 0 || s.Settle <= 0 || s.Downtime < 0 || s.PartitionTime < 0:
		return fmt.Errorf("durations must not be negative (settle > 0)")
	case s.Adversaries > 0 && s.Targets < 1:
		return fmt.Errorf("targets = %d, want at least 1", s.Targets)
	}
	if _, err := parseKinds(s.AttackKinds); err != nil {
		return err
	}
	return nil
}

func share(f float64) bool { return f >= 0 && f <= 1 }

// honest is the number of honest peers; the adversaries are the rest.
func (s Scenario) honest() int { return s.Peers - s.adversaries() }

// adversaries is the number of adversarial peers.
func (s Scenario) adversaries() int { return int(float64(s.Peers)*s.Adversaries + 0.5) }

package testnet

import (
	"time"

	"github.com/peerd/peerd/p2pcollab"
)

// Result is what one run of one driver measured. Durations are in
// nanoseconds in JSON.
type Result struct {
	Driver      string   `json:"driver"`
	Scenario    Scenario `json:"scenario"`
	Peers       int      `json:"peers"`
	Honest      int      `json:"honest"`
	Adversaries int      `json:"adversaries"`
	TrustEdges  int      `json:"trust_edges"`
	// Audience is the mean number of expected watchers per publisher.
	Audience float64 `json:"audience"`

	// Wall, Setup, Run and Settle are on the run's clock: real time
	// under the command, virtual time under testing/synctest (where CPU
	// and CPU time are the real cost).
	Wall   time.Duration `json:"wall"`
	Setup  time.Duration `json:"setup"`
	Run    time.Duration `json:"run"`
	Settle time.Duration `json:"settle"`

	// Updates counts sets and deletions; Expected the (update, watcher)
	// deliveries that should happen; Delivered those that did
	// (Superseded of them by a later version, Consistent of them only
	// because the watcher's view matched at the end: an object deleted
	// before the watcher saw it).
	Updates    int64   `json:"updates"`
	Expected   int64   `json:"expected"`
	Delivered  int64   `json:"delivered"`
	Superseded int64   `json:"superseded"`
	Consistent int64   `json:"consistent"`
	Share      float64 `json:"delivered_share"`

	// Latency: from SetObject to the watcher's event, for updates not
	// cut off by a partition; LatencyCut for those that were.
	Latency    LatencyStats `json:"latency"`
	LatencyCut LatencyStats `json:"latency_partitioned"`

	// Convergence: Pairs (watcher, object) compared at the end, Differ
	// of them not equal to the publisher's state. ConvergeTime is from
	// the last change to the last delivery; HealConverge per partition,
	// from its heal to the last delivery of an update it had cut off.
	Pairs int64 `json:"pairs"`
	// Differences describes up to ten pairs that differ.
	Differences []string `json:"differences,omitempty"`
	// Overflows counts events lost by watchers' full event queues.
	Overflows    int64           `json:"event_overflows"`
	Differ       int64           `json:"differ"`
	Converged    bool            `json:"converged"`
	ConvergeTime time.Duration   `json:"converge_time"`
	HealConverge []time.Duration `json:"heal_converge"`

	Safety Safety `json:"safety"`
	// SafetyMeaningful is false for the baseline, which has no access
	// control to violate.
	SafetyMeaningful bool `json:"safety_meaningful"`
	// Rejected counts messages the validators rejected (attacks caught).
	Rejected int64 `json:"rejected"`

	// Cost. WireBytes: bytes of datagrams on the simulated links from the
	// first update to the end (simnet only, WireCounted); RPCBytes: what
	// gossipsub handed to its streams; Messages: published messages in
	// those RPCs (including digests and relays). Ratios are per
	// delivered update and, for bytes, over the object size.
	WireBytes     int64   `json:"wire_bytes"`
	WireCounted   bool    `json:"wire_counted"`
	RPCBytes      int64   `json:"rpc_bytes"`
	Messages      int64   `json:"messages"`
	WireRatio     float64 `json:"wire_bytes_per_delivered_over_size"`
	RPCRatio      float64 `json:"rpc_bytes_per_delivered_over_size"`
	MsgsPerUpdate float64 `json:"messages_per_update"`
	Drops         int64   `json:"queue_drops"`
	Failures      int64   `json:"call_failures"`

	CPU               time.Duration `json:"cpu"`
	PeakRSS           int64         `json:"peak_rss_bytes"`
	HeapPerPeer       int64         `json:"heap_per_peer_bytes"`
	GoroutinesPerPeer float64       `json:"goroutines_per_peer"`
	// Network sums the peerd nodes' network counters at the end of the
	// run (nil for the baseline): snapshots pulled, retries, refusals.
	Network *p2pcollab.NetStats `json:"network,omitempty"`
	// ConnsPerLink is the connections open between honest peers after
	// the warmup, per linked pair.
	ConnsPerLink float64 `json:"connections_per_link"`

	// Timeline: per second since the first update, updates sent and
	// deliveries made.
	Timeline []TimelinePoint `json:"timeline"`

	latencies []time.Duration // sorted, for the figure
}

// LatencyStats summarises a latency sample.
type LatencyStats struct {
	N   int           `json:"n"`
	P50 time.Duration `json:"p50"`
	P90 time.Duration `json:"p90"`
	P99 time.Duration `json:"p99"`
	Max time.Duration `json:"max"`
}

// TimelinePoint is one second of a run.
type TimelinePoint struct {
	Second    int   `json:"second"`
	Sent      int64 `json:"sent"`
	Delivered int64 `json:"delivered"`
}

func latencyStats(sorted []time.Duration) LatencyStats {
	if len(sorted) == 0 {
		return LatencyStats{}
	}
	q := func(f float64) time.Duration { return sorted[min(len(sorted)-1, int(f*float64(len(sorted))))] }
	return LatencyStats{N: len(sorted), P50: q(0.50), P90: q(0.90), P99: q(0.99), Max: sorted[len(sorted)-1]}
}

// result collects the tracker's figures.
func (r *runner) result(driver string) *Result {
	t := r.t
	t.mu.Lock()
	defer t.mu.Unlock()
	res := &Result{
		Driver: driver, Scenario: r.s, Peers: len(r.w.IDs), Honest: r.w.Honest,
		Adversaries: len(r.w.IDs) - r.w.Honest, TrustEdges: len(r.w.Edges),
		Updates: t.sent, Expected: t.expected, Delivered: t.delivered,
		Superseded: t.superseded, Consistent: t.consistent,
		Safety: t.Safety, SafetyMeaningful: driver != "baseline",
	}
	aud := 0
	for p := range r.w.Honest {
		aud += len(t.member[p])
	}
	res.Audience = float64(aud) / float64(max(1, r.w.Honest))
	res.latencies = sortedCopy(t.lat)
	res.Latency = latencyStats(res.latencies)
	res.LatencyCut = latencyStats(sortedCopy(t.latCut))
	if t.lastReach > t.lastChange {
		res.ConvergeTime = t.lastReach - t.lastChange
	}
	for _, c := range t.cuts {
		res.HealConverge = append(res.HealConverge, c.converge)
	}
	for i, b := range t.bins {
		res.Timeline = append(res.Timeline, TimelinePoint{Second: i, Sent: b.sent, Delivered: b.delivered})
	}
	res.Differences = t.differs
	res.Overflows = t.overflows
	res.Drops = r.wire.drops.Load() + r.wire.undeliverable.Load()
	res.Rejected = r.wire.rejected.Load()
	res.Failures = r.prog.failures.Load()
	return res
}

// finish computes the shares and ratios.
func (res *Result) finish(s Scenario) {
	if res.Expected > 0 {
		res.Share = float64(res.Delivered) / float64(res.Expected)
	} else {
		res.Share = 1
	}
	if res.Delivered > 0 {
		per := float64(res.Delivered) * float64(s.Size)
		res.WireRatio = float64(res.WireBytes) / per
		res.RPCRatio = float64(res.RPCBytes) / per
	}
	if res.Updates > 0 {
		res.MsgsPerUpdate = float64(res.Messages) / float64(res.Updates)
	}
}

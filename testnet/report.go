package testnet

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is the outcome of a command run: one result per driver, and the
// ratios of peerd to the baseline when both ran.
type Report struct {
	Scenario Scenario `json:"scenario"`
	Baseline *Result  `json:"baseline,omitempty"`
	Peerd    *Result  `json:"peerd,omitempty"`
	Ratios   *Ratios  `json:"ratios,omitempty"`
}

// Ratios compare peerd with the baseline of the same scenario and seed.
type Ratios struct {
	LatencyP50 float64 `json:"latency_p50"`
	LatencyP99 float64 `json:"latency_p99"`
	// Bytes compares wire bytes per delivered update (RPC bytes when the
	// fabric does not count wire bytes).
	Bytes    float64 `json:"bytes_per_delivered"`
	Messages float64 `json:"messages_per_update"`
	CPU      float64 `json:"cpu"`
}

// Compare fills Ratios from the two results.
func (rep *Report) Compare() {
	b, p := rep.Baseline, rep.Peerd
	if b == nil || p == nil {
		return
	}
	div := func(x, y float64) float64 {
		if y == 0 {
			return 0
		}
		return x / y
	}
	bb, pb := b.WireRatio, p.WireRatio
	if !b.WireCounted || !p.WireCounted {
		bb, pb = b.RPCRatio, p.RPCRatio
	}
	rep.Ratios = &Ratios{
		LatencyP50: div(float64(p.Latency.P50), float64(b.Latency.P50)),
		LatencyP99: div(float64(p.Latency.P99), float64(b.Latency.P99)),
		Bytes:      div(pb, bb),
		Messages:   div(p.MsgsPerUpdate, b.MsgsPerUpdate),
		CPU:        div(float64(p.CPU), float64(b.CPU)),
	}
}

// OK reports whether the system under test delivered everything,
// converged and violated nothing: peerd when it ran, else the baseline.
// The baseline is the yardstick, not a contender: plain gossipsub has no
// state sync, so with restarts, churn or partitions it misses updates
// by design, and that must not fail a run that peerd passed.
func (rep *Report) OK() bool {
	r := rep.Peerd
	if r == nil {
		r = rep.Baseline
	}
	return r != nil && r.ok()
}

func (r *Result) ok() bool {
	return r.Share >= 1 && r.Converged && !(r.SafetyMeaningful && r.Safety.Violations() > 0)
}

// WriteJSON writes the report as indented JSON.
func (rep *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// WriteText writes the report for people.
func (rep *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	s := rep.Scenario
	fmt.Fprintf(&b, "testnet: %d peers (%d adversarial), %s graph of degree %d, %d objects of %d B each, %s network, %v ±%v latency (%v tick), %d Mbit/s, %.1f%% loss, seed %d\n",
		s.Peers, s.adversaries(), s.Graph, s.Degree, s.Objects, s.Size, s.Network, s.Latency, s.Jitter, s.Tick, s.Bandwidth/1_000_000, 100*s.Loss, s.Seed)
	for _, r := range []*Result{rep.Baseline, rep.Peerd} {
		if r != nil {
			r.writeText(&b)
		}
	}
	if q := rep.Ratios; q != nil {
		fmt.Fprintf(&b, "\npeerd / baseline (same scenario, same seed): latency p50 %.2fx, p99 %.2fx; bytes per delivered update %.2fx; messages per update %.2fx; CPU %.2fx\n",
			q.LatencyP50, q.LatencyP99, q.Bytes, q.Messages, q.CPU)
	}
	if rep.OK() {
		b.WriteString("\nRESULT: PASS (every update delivered, every view converged, no safety violation)\n")
		if rep.Peerd != nil && rep.Baseline != nil && !rep.Baseline.ok() {
			b.WriteString("(the baseline did not deliver everything: plain gossipsub has no state sync to recover what restarts, churn or partitions cost it)\n")
		}
	} else {
		b.WriteString("\nRESULT: FAIL (see above)\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Result) writeText(b *strings.Builder) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
	fmt.Fprintf(b, "\n== %s ==\n", r.Driver)
	fmt.Fprintf(b, "  wall          %v (setup %v, run %v, settle %v)\n", r.Wall.Round(time.Millisecond), r.Setup.Round(time.Millisecond), r.Run.Round(time.Millisecond), r.Settle.Round(time.Millisecond))
	fmt.Fprintf(b, "  trust         %d edges, %.1f expected watchers per publisher\n", r.TrustEdges, r.Audience)
	fmt.Fprintf(b, "  delivery      %d updates, %d of %d expected deliveries (%.4f%%; %d superseded by a later version, %d implied by a consistent view)\n",
		r.Updates, r.Delivered, r.Expected, 100*r.Share, r.Superseded, r.Consistent)
	fmt.Fprintf(b, "  latency       p50 %s, p90 %s, p99 %s, max %s (n=%d)\n", ms(r.Latency.P50), ms(r.Latency.P90), ms(r.Latency.P99), ms(r.Latency.Max), r.Latency.N)
	if r.LatencyCut.N > 0 {
		fmt.Fprintf(b, "  partitioned   p50 %s, p99 %s, max %s (n=%d deliveries of updates sent while a partition was in force)\n", ms(r.LatencyCut.P50), ms(r.LatencyCut.P99), ms(r.LatencyCut.Max), r.LatencyCut.N)
	}
	conv := "CONVERGED"
	if !r.Converged {
		conv = fmt.Sprintf("NOT CONVERGED (%d pairs differ)", r.Differ)
	}
	fmt.Fprintf(b, "  convergence   %s: %d (watcher, object) pairs equal the publisher's state; %v from the last change to the last delivery\n", conv, r.Pairs-r.Differ, r.ConvergeTime.Round(time.Millisecond))
	for _, d := range r.Differences {
		fmt.Fprintf(b, "                differs: %s\n", d)
	}
	for i, h := range r.HealConverge {
		fmt.Fprintf(b, "                partition %d: converged %v after the heal\n", i+1, h.Round(time.Millisecond))
	}
	if r.SafetyMeaningful {
		v := r.Safety.Violations()
		verdict := "ZERO safety violations"
		if v > 0 {
			verdict = fmt.Sprintf("%d SAFETY VIOLATIONS", v)
		}
		fmt.Fprintf(b, "  safety        %s: %d forged, %d replayed, %d resurrected, %d from an untrusted scope accepted; %d plaintext internet-scope objects obtained by peers not allowed (%d attack messages rejected)\n",
			verdict, r.Safety.Forged, r.Safety.Replayed, r.Safety.Resurrected, r.Safety.Untrusted, r.Safety.Plaintext, r.Rejected)
	} else {
		fmt.Fprintf(b, "  safety        not applicable: plain gossipsub has no access control\n")
	}
	wire := "not counted (mocknet)"
	if r.WireCounted {
		wire = fmt.Sprintf("%.2f", r.WireRatio)
	}
	fmt.Fprintf(b, "  cost          bytes on the wire per delivered update / size: %s; gossipsub RPC bytes: %.2f; %.1f messages per update; %d queue drops; %d event overflows; %d failed calls\n",
		wire, r.RPCRatio, r.MsgsPerUpdate, r.Drops, r.Overflows, r.Failures)
	if n := r.Network; n != nil {
		fmt.Fprintf(b, "  network       %d snapshots pulled, %d pull failures, %d keys pushed, %d grant failures, %d dial failures, %d stale connections closed, %d internal errors\n",
			n.Snapshots, n.PullFailures, n.KeyGrants, n.GrantFailures, n.DialFailures, n.StaleConns, n.InternalErrors)
	}
	fmt.Fprintf(b, "  resources     CPU %.1f s, peak RSS %.0f MiB, %.0f KiB heap and %.1f goroutines per peer, %.2f connections per linked pair\n",
		r.CPU.Seconds(), float64(r.PeakRSS)/(1<<20), float64(r.HeapPerPeer)/1024, r.GoroutinesPerPeer, r.ConnsPerLink)
}

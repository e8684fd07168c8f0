package testnet

import (
	"math/rand/v2"
	"sort"
	"time"
)

// ActionKind is one kind of scheduled event.
type ActionKind uint8

const (
	ActSet       ActionKind = iota + 1 // Peer sets object Obj (creates or updates it)
	ActDelete                          // Peer deletes object Obj
	ActKill                            // Peer's application session is killed
	ActResume                          // Peer's application comes back and sets its objects again
	ActStop                            // Peer's daemon stops
	ActStart                           // Peer's daemon starts again and sets its objects again
	ActPartition                       // the honest peers are cut in two (Side)
	ActHeal                            // the partition heals
	ActRevoke                          // Peer blocks its watcher Other
)

var actionNames = [...]string{"", "set", "delete", "kill", "resume", "stop", "start", "partition", "heal", "revoke"}

func (k ActionKind) String() string { return actionNames[k] }

// Action is one scheduled event, At after the end of the warmup.
type Action struct {
	At    time.Duration
	Kind  ActionKind
	Peer  int
	Obj   int
	Other int
	// Side[i] is peer i's half during a partition (ActPartition only).
	Side []bool
}

// Plan is the timeline of a run, sorted by time (stable in generation
// order for equal times).
type Plan struct {
	Actions []Action
	// End is the time of the last scheduled action.
	End time.Duration
}

// NewPlan derives the timeline from the world and its seed.
func NewPlan(w *World) *Plan {
	s := w.S
	rng := rand.New(rand.NewPCG(s.Seed, 0x706c616e)) // "plan"
	var acts []Action
	at := func(lo, hi time.Duration) time.Duration {
		if hi <= lo {
			return lo
		}
		return lo + time.Duration(rng.Int64N(int64(hi-lo)))
	}
	// Initial publication, spread over the ramp.
	for p := range w.Honest {
		for o := range s.Objects {
			acts = append(acts, Action{At: at(0, s.Ramp), Kind: ActSet, Peer: p, Obj: o})
		}
	}
	end := s.Ramp + s.Duration
	// Updates: UpdateRate per peer per second over the duration.
	if s.UpdateRate > 0 && s.Duration > 0 {
		per := s.UpdateRate * s.Duration.Seconds()
		for p := range w.Honest {
			n := int(per)
			if rng.Float64() < per-float64(n) {
				n++
			}
			for range n {
				kind := ActSet
				if rng.Float64() < s.Deletes {
					kind = ActDelete
				}
				acts = append(acts, Action{At: at(s.Ramp, end), Kind: kind, Peer: p, Obj: rng.IntN(s.Objects)})
			}
		}
	}
	// Churn: distinct peers, so that one peer's events never overlap.
	order := rng.Perm(w.Honest)
	next := 0
	pick := func() (int, bool) {
		if next >= len(order) {
			return 0, false
		}
		next++
		return order[next-1], true
	}
	churnEnd := max(s.Ramp, end-s.Downtime)
	for range s.SessionKills {
		if p, ok := pick(); ok {
			t := at(s.Ramp, churnEnd)
			acts = append(acts, Action{At: t, Kind: ActKill, Peer: p}, Action{At: t + s.Downtime, Kind: ActResume, Peer: p})
		}
	}
	for range s.Restarts {
		if p, ok := pick(); ok {
			t := at(s.Ramp, churnEnd)
			acts = append(acts, Action{At: t, Kind: ActStop, Peer: p}, Action{At: t + s.Downtime, Kind: ActStart, Peer: p})
		}
	}
	// Partitions: evenly spaced, never overlapping.
	if s.Partitions > 0 {
		slot := max(s.Duration/time.Duration(s.Partitions), s.PartitionTime)
		for i := range s.Partitions {
			side := make([]bool, len(w.IDs))
			for _, p := range rng.Perm(len(w.IDs))[:len(w.IDs)/2] {
				side[p] = true
			}
			t := s.Ramp + time.Duration(i)*slot + (slot-s.PartitionTime)/2
			acts = append(acts, Action{At: t, Kind: ActPartition, Side: side}, Action{At: t + s.PartitionTime, Kind: ActHeal})
		}
	}
	// Revocations: a random publisher blocks a random watcher.
	for range s.Revocations {
		for try := 0; try < 100; try++ {
			p := rng.IntN(w.Honest)
			if len(w.Watchers[p]) == 0 {
				continue
			}
			acts = append(acts, Action{At: at(s.Ramp, end), Kind: ActRevoke, Peer: p, Other: w.Watchers[p][rng.IntN(len(w.Watchers[p]))]})
			break
		}
	}
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].At < acts[j].At })
	pl := &Plan{Actions: acts}
	for _, a := range acts {
		pl.End = max(pl.End, a.At)
	}
	return pl
}

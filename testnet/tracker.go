package testnet

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// Tracker is the ground truth of a run: every update sent and every object
// event a watcher raised. All methods may be called from any goroutine.
//
// Versions count per object from 1. A watcher "reaches" version v of an
// object when its view first holds v or a later version (a later version
// supersedes the ones it skipped); the latency of v at that watcher is
// the time from the publisher's SetObject (or DeleteObject) to then.
type Tracker struct {
	mu    sync.Mutex
	w     *World
	start time.Time
	index map[peer.ID]int
	// member[p] holds p's audience (watchers and subnet), for lookups.
	member []map[int]bool

	pubs    [][]objTrack       // [publisher][object]
	views   []map[int]*viewEnt // [watcher][publisher*Objects+object]
	down    [][]interval       // [peer]: daemon down
	revoked map[[2]int]time.Duration
	cuts    []cut

	sent, expected, delivered, superseded, consistent int64
	lat                                               []time.Duration // latencies outside partitions
	latCut                                            []time.Duration // latencies of updates cut off by a partition
	bins                                              []bin           // per second since start
	lastChange                                        time.Duration
	lastReach                                         time.Duration
	overflows                                         int64
	differs                                           []string

	Safety Safety
}

// Safety counts what must never happen.
type Safety struct {
	// Forged: objects accepted whose bytes the publisher never set.
	Forged int64 `json:"forged"`
	// Replayed: an older version accepted after a newer one.
	Replayed int64 `json:"replayed"`
	// Resurrected: a deleted object brought back by an old version.
	Resurrected int64 `json:"resurrected"`
	// Untrusted: objects accepted from a publisher the watcher may not
	// watch (not allowed, blocked, revoked before the update, stranger).
	Untrusted int64 `json:"untrusted"`
	// Plaintext: internet-scope plaintexts obtained by peers not allowed
	// to watch (eavesdroppers scanning what they receive).
	Plaintext int64 `json:"plaintext"`
}

// Violations is the total of the safety counters.
func (s Safety) Violations() int64 {
	return s.Forged + s.Replayed + s.Resurrected + s.Untrusted + s.Plaintext
}

type objTrack struct {
	vers []verRec // vers[v-1] is version v
	live bool
}

type verRec struct {
	at      time.Duration
	deleted bool
	cut     bool // sent while a partition was in force
}

type viewEnt struct {
	reached  uint32 // version the view holds (or deleted at)
	credited uint32 // highest version credited; survives a restart
	live     bool
	at       time.Duration // when reached last changed
}

type interval struct{ from, to time.Duration }

type cut struct {
	from, to time.Duration // to = 0 while in force
	side     []bool
	converge time.Duration // latest credit after the heal of an update sent during the cut
}

type bin struct{ sent, delivered int64 }

// NewTracker starts tracking at start (the end of the warmup).
func NewTracker(w *World, start time.Time) *Tracker {
	t := &Tracker{w: w, start: start, index: make(map[peer.ID]int, len(w.IDs)), revoked: map[[2]int]time.Duration{}}
	for i, id := range w.IDs {
		t.index[id] = i
	}
	t.member = make([]map[int]bool, len(w.IDs))
	for p := range w.Honest {
		t.member[p] = map[int]bool{}
		for _, x := range w.Audience(p) {
			t.member[p][x] = true
		}
	}
	t.pubs = make([][]objTrack, w.Honest)
	for p := range t.pubs {
		t.pubs[p] = make([]objTrack, w.S.Objects)
	}
	t.views = make([]map[int]*viewEnt, len(w.IDs))
	for i := range t.views {
		t.views[i] = map[int]*viewEnt{}
	}
	t.down = make([][]interval, len(w.IDs))
	return t
}

func (t *Tracker) now() time.Duration { return time.Since(t.start) }

// Sent records that publisher p set (or deleted) object o and returns its
// version and data. Call it just before the SetObject, so the latency
// includes the call.
func (t *Tracker) Sent(p, o int, deleted bool) (uint32, []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	ot := &t.pubs[p][o]
	v := uint32(len(ot.vers) + 1)
	rec := verRec{at: now, deleted: deleted, cut: t.inCut()}
	ot.vers = append(ot.vers, rec)
	ot.live = !deleted
	t.sent++
	t.lastChange = now
	exp := int64(0)
	for x := range t.member[p] {
		if t.expects(x, p, rec.at) {
			exp++
		}
	}
	t.expected += exp
	t.bin(now).sent++
	if deleted {
		return v, payloadFor(p, o, v, payloadHeader)
	}
	return v, payloadFor(p, o, v, t.w.S.Size)
}

// Live reports whether p's object o is currently set.
func (t *Tracker) Live(p, o int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pubs[p][o].live
}

// expects reports whether watcher x should see an update p sent at at.
func (t *Tracker) expects(x, p int, at time.Duration) bool {
	if !t.member[p][x] || t.isDown(x, at) || t.isDown(p, at) {
		return false
	}
	if r, ok := t.revoked[[2]int{p, x}]; ok && at >= r {
		return false
	}
	return true
}

func (t *Tracker) isDown(x int, at time.Duration) bool {
	for _, iv := range t.down[x] {
		if at >= iv.from && (iv.to == 0 || at < iv.to) {
			return true
		}
	}
	return false
}

func (t *Tracker) inCut() bool { return len(t.cuts) > 0 && t.cuts[len(t.cuts)-1].to == 0 }

func (t *Tracker) bin(at time.Duration) *bin {
	i := max(int(at/time.Second), 0)
	for len(t.bins) <= i {
		t.bins = append(t.bins, bin{})
	}
	return &t.bins[i]
}

// Down records that peer x's daemon stopped: its view is gone.
func (t *Tracker) Down(x int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.down[x] = append(t.down[x], interval{from: t.now()})
	for _, ve := range t.views[x] {
		ve.reached, ve.live = 0, false
	}
}

// Up records that peer x's daemon runs again.
func (t *Tracker) Up(x int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := len(t.down[x]); n > 0 && t.down[x][n-1].to == 0 {
		t.down[x][n-1].to = max(t.now(), t.down[x][n-1].from+1)
	}
}

// Revoked records that publisher p blocked watcher x.
func (t *Tracker) Revoked(p, x int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.revoked[[2]int{p, x}] = t.now()
}

// Partition and Heal record a cut of the network.
func (t *Tracker) Partition(side []bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cuts = append(t.cuts, cut{from: t.now(), side: side})
}

// Heal records that the current partition healed.
func (t *Tracker) Heal() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.inCut() {
		t.cuts[len(t.cuts)-1].to = t.now()
		t.lastChange = t.now()
	}
}

// Observed records an object event at watcher x about publisher pub:
// data is the object (for a deletion, the object as it was). ver is the
// deletion's version when the driver knows it (baseline), else 0.
func (t *Tracker) Observed(x int, pub peer.ID, data []byte, deleted bool, delVer uint32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	p, known := t.index[pub]
	hp, ho, hv, ok := parsePayload(data)
	if !known || p >= t.w.Honest || !ok || hp != p || ho >= t.w.S.Objects || hv == 0 || int(hv) > len(t.pubs[p][ho].vers) {
		if !deleted {
			t.Safety.Forged++
		}
		return
	}
	ot := &t.pubs[p][ho]
	rec := ot.vers[hv-1]
	want := payloadFor(p, ho, hv, t.w.S.Size)
	if rec.deleted {
		want = want[:payloadHeader]
	}
	if !deleted && (rec.deleted || !bytes.Equal(data, want)) {
		t.Safety.Forged++
		return
	}
	if !t.member[p][x] {
		if !deleted {
			t.Safety.Untrusted++
		}
		return
	}
	if r, ok := t.revoked[[2]int{p, x}]; ok && rec.at >= r && !deleted {
		t.Safety.Untrusted++
		return
	}
	v := hv
	if deleted {
		v = delVer
		if v == 0 { // the first deletion after the version it had
			for u := hv + 1; int(u) <= len(ot.vers); u++ {
				if ot.vers[u-1].deleted {
					v = u
					break
				}
			}
		}
		if v == 0 || int(v) > len(ot.vers) || !ot.vers[v-1].deleted {
			return // a deletion we cannot place (liveness, sign-out): no credit
		}
	}
	key := p*t.w.S.Objects + ho
	ve := t.views[x][key]
	if ve == nil {
		ve = &viewEnt{}
		t.views[x][key] = ve
	}
	if v < ve.reached || (v == ve.reached && !deleted && !ve.live) {
		if !deleted {
			if !ve.live {
				t.Safety.Resurrected++
			} else {
				t.Safety.Replayed++
			}
		}
		return
	}
	if v == ve.reached {
		return // duplicate
	}
	if v > ve.credited {
		t.credit(x, p, ho, ve.credited, v, now)
		ve.credited = v
	}
	ve.reached, ve.live, ve.at = v, !deleted, now
}

// credit marks versions (from, to] of p's object o as reached by x.
func (t *Tracker) credit(x, p, o int, from, to uint32, now time.Duration) {
	ot := &t.pubs[p][o]
	for u := from + 1; u <= to; u++ {
		rec := ot.vers[u-1]
		if !t.expects(x, p, rec.at) {
			continue
		}
		t.delivered++
		if u != to {
			t.superseded++
		}
		t.bin(now).delivered++
		t.lastReach = max(t.lastReach, now)
		d := now - rec.at
		if rec.cut {
			t.latCut = append(t.latCut, d)
			for i := range t.cuts {
				c := &t.cuts[i]
				if c.to != 0 && rec.at >= c.from && rec.at < c.to && now > c.to {
					c.converge = max(c.converge, now-c.to)
				}
			}
		} else {
			t.lat = append(t.lat, d)
		}
	}
}

// Pending is the number of expected deliveries not yet credited.
func (t *Tracker) Pending() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.expected - t.delivered
}

// Counts returns updates sent, deliveries expected and delivered so far.
func (t *Tracker) Counts() (sent, expected, delivered int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sent, t.expected, t.delivered
}

// overflow records events a watcher's registration lost.
func (t *Tracker) overflow(n uint64) {
	t.mu.Lock()
	t.overflows += int64(n)
	t.mu.Unlock()
}

// PlaintextSeen records that an adversary obtained a plaintext.
func (t *Tracker) PlaintextSeen() {
	t.mu.Lock()
	t.Safety.Plaintext++
	t.mu.Unlock()
}

// Convergence compares every up watcher's view with its up publishers'
// state. It credits the deliveries that a consistent view implies without
// an event (a watcher that never saw an object that is deleted now), and
// returns the number of (watcher, object) pairs that differ.
func (t *Tracker) Convergence() (pairs, differ int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for p := range t.w.Honest {
		if t.isDown(p, now) {
			continue
		}
		for x := range t.member[p] {
			if t.isDown(x, now) {
				continue
			}
			if _, ok := t.revoked[[2]int{p, x}]; ok {
				continue
			}
			for o := range t.w.S.Objects {
				ot := &t.pubs[p][o]
				if len(ot.vers) == 0 {
					continue
				}
				pairs++
				ve := t.views[x][p*t.w.S.Objects+o]
				final := uint32(len(ot.vers))
				switch {
				case ve != nil && ve.reached == final:
				case !ot.live && (ve == nil || !ve.live):
					from := uint32(0)
					if ve != nil {
						from = ve.credited
						ve.credited = final
					}
					for u := from + 1; u <= final; u++ {
						if t.expects(x, p, ot.vers[u-1].at) {
							t.delivered++
							t.consistent++
						}
					}
				default:
					differ++
					if len(t.differs) < 10 {
						var held string
						if ve == nil {
							held = "nothing"
						} else {
							held = fmt.Sprintf("version %d (live %v) since %v", ve.reached, ve.live, ve.at.Round(time.Millisecond))
						}
						t.differs = append(t.differs, fmt.Sprintf("watcher %d holds %s of publisher %d's object %d; the publisher has version %d (live %v, set at %v)",
							x, held, p, o, final, ot.live, ot.vers[final-1].at.Round(time.Millisecond)))
					}
				}
			}
		}
	}
	return pairs, differ
}

// sortedCopy returns a sorted copy of d.
func sortedCopy(d []time.Duration) []time.Duration {
	out := slices.Clone(d)
	slices.Sort(out)
	return out
}

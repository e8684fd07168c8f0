package testnet

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Options are how a run is executed (not what it simulates).
type Options struct {
	// Baseline runs plain gossipsub instead of peerd nodes.
	Baseline bool
	// Progress receives a progress line at most once a second (nil:
	// none).
	Progress io.Writer
	// Dir holds the peerd nodes' files (contact stores, epochs); it must
	// exist. Unused by the baseline.
	Dir string
	// Parallel bounds concurrent host creations and dials; 0 means 64.
	Parallel int
}

// runner holds one run's state.
type runner struct {
	s     Scenario
	o     Options
	w     *World
	plan  *Plan
	fab   Fabric
	t     *Tracker
	drv   Driver
	wire  *wireTracer
	prog  *progress
	mu    sync.Mutex
	hosts []host.Host
	advs  []*adversary
	app   []bool // application running (not killed, daemon up)
	up    []bool // daemon running
}

// Run runs the scenario once with one driver and returns its result.
func Run(ctx context.Context, s Scenario, o Options) (*Result, error) {
	wall0, cpu0 := time.Now(), cpuTime()
	w, err := NewWorld(s)
	if err != nil {
		return nil, err
	}
	if o.Parallel <= 0 {
		o.Parallel = 64
	}
	r := &runner{s: s, o: o, w: w, plan: NewPlan(w), wire: &wireTracer{}}
	r.hosts = make([]host.Host, len(w.IDs))
	r.app = make([]bool, len(w.IDs))
	r.up = make([]bool, len(w.IDs))
	if r.fab, err = NewFabric(s, len(w.IDs)); err != nil {
		return nil, err
	}
	defer r.fab.Close()
	r.t = NewTracker(w, time.Now())
	name := "baseline"
	if o.Baseline {
		r.drv = newBaseline(w, r.t, r.wire)
	} else {
		name = "peerd"
		if r.drv, err = newPeerdDriver(w, r.t, r.wire, o.Dir, r.fab.AddrInfo); err != nil {
			return nil, err
		}
	}
	r.prog = newProgress(o.Progress, name, r, wall0)
	defer r.prog.stop()
	heap0, gor0 := liveHeap()

	// Setup: hosts and applications, then links and connections.
	r.prog.phase("starting peers")
	if err := r.parallel(w.Honest, func(i int) error { return r.startPeer(i) }); err != nil {
		r.shutdown()
		return nil, err
	}
	if err := r.startAdversaries(); err != nil {
		r.shutdown()
		return nil, err
	}
	links := w.Links()
	for _, l := range links {
		if err := r.fab.Link(l[0], l[1]); err != nil {
			r.shutdown()
			return nil, err
		}
	}
	r.prog.phase("connecting")
	r.parallel(len(links), func(k int) error { r.connect(ctx, links[k][0], links[k][1]); return nil })
	heap1, gor1 := liveHeap()
	r.prog.phase("warmup")
	if err := sleepCtx(ctx, s.Warmup); err != nil {
		r.shutdown()
		return nil, err
	}
	setup := time.Since(wall0)
	connsPerLink := r.connsPerLink(links)

	// The plan.
	r.t.begin()
	wire0, _ := r.fab.WireBytes()
	rpc0, msgs0 := r.wire.bytes.Load(), r.wire.msgs.Load()
	r.prog.phase("running")
	if err := r.execute(ctx); err != nil {
		r.shutdown()
		return nil, err
	}
	runEnd := time.Since(wall0)

	// Settle: until every expected delivery arrived, or nothing arrives
	// for a while, or the settle time is over.
	r.prog.phase("settling")
	r.settle(ctx)
	pairs, differ := r.t.Convergence()
	wire1, counted := r.fab.WireBytes()
	rpc1, msgs1 := r.wire.bytes.Load(), r.wire.msgs.Load()
	res := r.result(name)
	res.Setup, res.Run = setup, runEnd-setup
	res.Settle = time.Since(wall0) - runEnd
	res.Pairs, res.Differ, res.Converged = pairs, differ, differ == 0
	res.WireBytes, res.WireCounted = wire1-wire0, counted
	res.RPCBytes, res.Messages = rpc1-rpc0, msgs1-msgs0
	res.HeapPerPeer = (heap1 - heap0) / int64(len(w.IDs))
	res.GoroutinesPerPeer = float64(gor1-gor0) / float64(len(w.IDs))
	res.ConnsPerLink = connsPerLink
	if d, ok := r.drv.(*peerdDriver); ok {
		ns := d.netStats()
		res.Network = &ns
	}
	res.finish(s)
	r.prog.stop()
	r.shutdown()
	res.Wall = time.Since(wall0)
	res.CPU = cpuTime() - cpu0
	res.PeakRSS = maxRSS()
	return res, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// parallel runs f(0..n-1) on a bounded pool; it returns the first error.
func (r *runner) parallel(n int, f func(int) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	next := make(chan int)
	for range min(r.o.Parallel, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

func (r *runner) startPeer(i int) error {
	h, err := r.fab.Host(i, r.w.Keys[i])
	if err != nil {
		return fmt.Errorf("peer %d: host: %w", i, err)
	}
	if err := r.drv.Start(i, h); err != nil {
		h.Close()
		return fmt.Errorf("peer %d: %w", i, err)
	}
	r.mu.Lock()
	r.hosts[i], r.up[i], r.app[i] = h, true, true
	r.mu.Unlock()
	r.prog.peersUp(1)
	return nil
}

func (r *runner) host(i int) host.Host {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hosts[i]
}

// connect connects a and b (both must be up); failures are left to the
// peers' own reconnection (peerd) or show as missing deliveries. The
// peer with the lower ID dials, as peerd's own dialer does, so that the
// two dials merge into one connection instead of crossing.
func (r *runner) connect(ctx context.Context, a, b int) {
	if r.w.IDs[b] < r.w.IDs[a] {
		a, b = b, a
	}
	ha, hb := r.host(a), r.host(b)
	if ha == nil || hb == nil {
		return
	}
	ai := r.fab.AddrInfo(b)
	ai.ID = r.w.IDs[b]
	for try := 0; try < 3; try++ {
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := ha.Connect(cctx, ai)
		cancel()
		if err == nil {
			return
		}
		if try == 2 {
			r.prog.failed(fmt.Errorf("dial %d -> %d: %w", a, b, err))
		}
		sleepCtx(ctx, time.Duration(try+1)*200*time.Millisecond)
	}
}

// connsPerLink counts the open connections between honest peers after
// the warmup, per link between honest peers: one is what a pair needs,
// and a second costs a QUIC handshake, identify and keepalives.
// Adversaries' links are left out on both sides of the ratio.
func (r *runner) connsPerLink(links [][2]int) float64 {
	honestLinks := 0
	for _, l := range links {
		if l[0] < r.w.Honest && l[1] < r.w.Honest {
			honestLinks++
		}
	}
	index := make(map[peer.ID]int, r.w.Honest)
	for i := range r.w.Honest {
		index[r.w.IDs[i]] = i
	}
	n := 0
	for i := range r.w.Honest {
		h := r.host(i)
		if h == nil {
			continue
		}
		for _, c := range h.Network().Conns() {
			if j, ok := index[c.RemotePeer()]; ok && j > i {
				n++
			}
		}
	}
	return float64(n) / float64(max(1, honestLinks))
}

// reconnect dials every link of peer i (or all links when i < 0).
func (r *runner) reconnect(ctx context.Context, i int) {
	var mine [][2]int
	for _, l := range r.w.Links() {
		if i < 0 || l[0] == i || l[1] == i {
			mine = append(mine, l)
		}
	}
	r.parallel(len(mine), func(k int) error { r.connect(ctx, mine[k][0], mine[k][1]); return nil })
}

// shutdown tears the run down once its figures are taken. Hosts go first,
// all at once, like a power cut: a graceful stop would have every node
// publish the deletion of its objects to watchers that are stopping too,
// which cost as much CPU as a tenth of the run and measures nothing.
func (r *runner) shutdown() {
	r.mu.Lock()
	hosts := r.hosts
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, h := range hosts {
		if h != nil {
			wg.Go(func() { h.Close() })
		}
	}
	wg.Wait()
	r.drv.Close()
	r.stopAdversaries()
}

// elapsed is the time since begin.
func (t *Tracker) elapsed() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.now()
}

// begin starts the tracker's clock.
func (t *Tracker) begin() {
	t.mu.Lock()
	t.start = time.Now()
	t.mu.Unlock()
}

var _ = peer.ID("")

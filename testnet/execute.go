package testnet

import (
	"context"
	"sync"
	"time"
)

// execute runs the plan: one goroutine per honest peer applies that
// peer's actions in order; partitions are applied by the scheduler.
func (r *runner) execute(ctx context.Context) error {
	queues := make([]chan Action, r.w.Honest)
	var wg sync.WaitGroup
	for p := range queues {
		queues[p] = make(chan Action, 64)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range queues[p] {
				r.apply(ctx, a)
			}
		}()
	}
	defer func() {
		for _, q := range queues {
			close(q)
		}
		wg.Wait()
	}()
	start := time.Now()
	for _, a := range r.plan.Actions {
		if err := sleepCtx(ctx, a.At-time.Since(start)); err != nil {
			return err
		}
		switch a.Kind {
		case ActPartition:
			r.t.Partition(a.Side)
			r.fab.Cut(a.Side)
		case ActHeal:
			r.fab.Cut(nil)
			r.t.Heal()
			go r.reconnect(ctx, -1)
		default:
			queues[a.Peer] <- a
		}
	}
	return nil
}

// apply performs one action of peer a.Peer. Errors of a single call are
// not fatal: they show as missing deliveries in the report.
func (r *runner) apply(ctx context.Context, a Action) {
	p := a.Peer
	r.mu.Lock()
	app, up := r.app[p], r.up[p]
	r.mu.Unlock()
	switch a.Kind {
	case ActSet:
		if app {
			_, data := r.t.Sent(p, a.Obj, false)
			r.count(r.drv.Set(p, a.Obj, data))
		}
	case ActDelete:
		if app && r.t.Live(p, a.Obj) {
			v, _ := r.t.Sent(p, a.Obj, true)
			r.count(r.drv.Delete(p, a.Obj, v))
		}
	case ActKill:
		if app {
			r.setApp(p, false, up)
			r.count(r.drv.Kill(p, r.deleteAll(p)))
		}
	case ActResume:
		if up && !app {
			r.count(r.drv.Resume(p))
			r.setApp(p, true, up)
			r.publishAll(p)
		}
	case ActStop:
		if up {
			r.setApp(p, false, false)
			r.count(r.drv.Stop(p, r.deleteAll(p)))
			r.t.Down(p)
			r.mu.Lock()
			h := r.hosts[p]
			r.hosts[p] = nil
			r.mu.Unlock()
			if h != nil {
				h.Close()
			}
			r.prog.peersUp(-1)
		}
	case ActStart:
		if !up {
			if err := r.startPeer(p); err != nil {
				r.count(err)
				return
			}
			r.t.Up(p)
			r.reconnect(ctx, p)
			r.publishAll(p)
		}
	case ActRevoke:
		if up {
			r.t.Revoked(p, a.Other)
			r.count(r.drv.Revoke(p, a.Other))
		}
	}
}

func (r *runner) setApp(p int, app, up bool) {
	r.mu.Lock()
	r.app[p], r.up[p] = app, up
	r.mu.Unlock()
}

// deleteAll records the deletion of every live object of p (a session
// ending or a daemon stopping takes them all) and returns their versions.
func (r *runner) deleteAll(p int) map[int]uint32 {
	out := map[int]uint32{}
	for o := range r.s.Objects {
		if r.t.Live(p, o) {
			v, _ := r.t.Sent(p, o, true)
			out[o] = v
		}
	}
	return out
}

// publishAll sets every object of p again (an application that comes
// back publishes what it had).
func (r *runner) publishAll(p int) {
	for o := range r.s.Objects {
		_, data := r.t.Sent(p, o, false)
		r.count(r.drv.Set(p, o, data))
	}
}

func (r *runner) count(err error) {
	if err != nil {
		r.prog.failed(err)
	}
}

// settle waits until every expected delivery arrived, or until Settle is
// over. The baseline, which has no way to repair a loss (no sync, no
// digests), also stops when nothing new was delivered for a while.
func (r *runner) settle(ctx context.Context) {
	const tick = 100 * time.Millisecond
	quiet := max(5*time.Second, 20*(r.s.Latency+r.s.Jitter))
	deadline := time.Now().Add(r.s.Settle)
	_, _, last := r.t.Counts()
	lastAt := time.Now()
	for time.Now().Before(deadline) {
		if r.t.Pending() <= 0 {
			return
		}
		if sleepCtx(ctx, tick) != nil {
			return
		}
		if _, _, d := r.t.Counts(); d != last {
			last, lastAt = d, time.Now()
		} else if r.o.Baseline && time.Since(lastAt) >= quiet {
			return
		}
	}
}

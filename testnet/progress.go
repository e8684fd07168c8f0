package testnet

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// progress writes one status line at most once a second:
//
//	testnet peerd: running · 1000/1000 peers up · 8000 updates, 120313/128000 delivered (94.0%) · 41s elapsed, ~35s left
type progress struct {
	w        io.Writer
	name     string
	r        *runner
	start    time.Time
	up       atomic.Int64
	failures atomic.Int64
	mu       sync.Mutex
	ph       string
	lastErr  error
	done     chan struct{}
	once     sync.Once
}

func newProgress(w io.Writer, name string, r *runner, start time.Time) *progress {
	p := &progress{w: w, name: name, r: r, start: start, done: make(chan struct{})}
	if w != nil {
		go p.loop()
	}
	return p
}

func (p *progress) peersUp(d int64) { p.up.Add(d) }

func (p *progress) phase(s string) {
	p.mu.Lock()
	p.ph = s
	p.mu.Unlock()
}

func (p *progress) failed(err error) {
	p.failures.Add(1)
	p.mu.Lock()
	p.lastErr = err
	p.mu.Unlock()
}

func (p *progress) stop() {
	p.once.Do(func() {
		close(p.done)
		if p.w != nil {
			fmt.Fprintln(p.w, p.line())
		}
	})
}

func (p *progress) loop() {
	tk := time.NewTicker(time.Second)
	defer tk.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-tk.C:
			fmt.Fprintln(p.w, p.line())
		}
	}
}

func (p *progress) line() string {
	p.mu.Lock()
	ph, lastErr := p.ph, p.lastErr
	p.mu.Unlock()
	sent, exp, del := p.r.t.Counts()
	share := 100.0
	if exp > 0 {
		share = 100 * float64(del) / float64(exp)
	}
	el := time.Since(p.start).Truncate(time.Second)
	s := p.r.s
	// Estimate: setup scales with the peers up so far; the run and the
	// settle are scheduled.
	left := time.Duration(0)
	switch ph {
	case "starting peers", "connecting":
		frac := float64(p.up.Load()) / float64(max(1, p.r.w.Honest))
		if frac > 0 {
			left = time.Duration(float64(el)/frac) - el
		}
		left += s.Warmup + p.r.plan.End + 5*time.Second
	case "warmup":
		left = s.Warmup + p.r.plan.End + 5*time.Second
	case "running":
		left = max(0, p.r.plan.End-p.r.t.elapsed()) + 5*time.Second
	case "settling":
		left = 5 * time.Second
	}
	line := fmt.Sprintf("testnet %s: %s · %d/%d peers up · %d updates, %d/%d delivered (%.1f%%) · %v elapsed, ~%v left",
		p.name, ph, p.up.Load(), p.r.w.Honest, sent, del, exp, share, el, left.Truncate(time.Second))
	if n := p.failures.Load(); n > 0 {
		line += fmt.Sprintf(" · %d failed calls (last: %v)", n, lastErr)
	}
	return line
}

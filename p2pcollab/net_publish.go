package p2pcollab

import (
	"time"

	"github.com/google/uuid"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// The publisher side. The registry's events drive it: every change to one
// of the user's objects becomes an update on each channel that carries the
// object's scope, stamped by that channel's Log, sealed on the internet
// channel, and queued in the outbox, all under n.mu so that the updates
// leave in the order of their sequence numbers. The sender goroutine
// publishes the outbox in order.

// maxOutbox bounds the messages waiting for the sender. Beyond it the
// oldest are dropped: watchers see the gap in the sequence, or the next
// digest shows them behind, and pull a snapshot.
const maxOutbox = 4096

// observe turns one of the node's events into publications. n.mu held.
func (nw *netLayer) observe(e Event) {
	switch e.Type {
	case EventMyObjectChanged:
		for _, ch := range channels {
			nw.publishObject(ch, e.Change, *e.Object)
		}
	case EventMyPresenceChanged:
		nw.presenceChanged(*e.Presence)
	case EventWatchlistChanged:
		nw.trustChanged()
	}
}

// publishObject brings channel ch in line with one object change.
func (nw *netLayer) publishObject(ch wire.Channel, change Change, o Object) {
	log := nw.logs[ch]
	carried := change != ChangeDeleted && nw.live[ch] && ch.Carries(wire.Scope(o.Scope))
	if !carried {
		if u, ok := log.Delete(o.ID); ok {
			nw.queueUpdate(ch, u)
		}
		return
	}
	u, err := log.Set(o.ID, wire.Scope(o.Scope), o.Data)
	if err != nil {
		nw.stats.internalErrors.Add(1) // the registry enforces the same limits
		return
	}
	nw.queueUpdate(ch, u)
}

// signedInChanged starts or stops each channel after the signed-in scopes
// changed: a channel that comes up publishes every object it carries, one
// that goes down deletes them all (watchers see the deletions) and stops
// its digests. n.mu held.
func (nw *netLayer) signedInChanged(signedIn Scope) {
	changed := false
	for _, ch := range channels {
		want := signedIn.Has(channelScope(ch))
		if want == nw.live[ch] {
			continue
		}
		changed = true
		nw.live[ch] = want
		if want {
			objs, _ := nw.n.reg.Objects(uuid.Nil)
			for _, o := range objs {
				nw.publishObject(ch, ChangeAdded, o)
			}
			nw.queueDigest(ch) // watchers learn the position at once
			nw.queuePresence(ch)
		} else {
			for _, o := range nw.logs[ch].Objects() {
				if u, ok := nw.logs[ch].Delete(o.ID); ok {
					nw.queueUpdate(ch, u)
				}
			}
			nw.queueDigest(ch) // a last digest: watchers are in sync at the empty state
		}
	}
	if changed {
		nw.updateFollows() // a watcher follows only in its signed-in scopes
	}
}

func (nw *netLayer) queueUpdate(ch wire.Channel, u wire.Update) {
	if ch.Sealed() {
		var err error
		if u, err = nw.keys.SealUpdate(u); err != nil {
			nw.stats.internalErrors.Add(1)
			return
		}
	}
	b, err := wire.EncodeUpdate(ch, u)
	if err != nil {
		nw.stats.internalErrors.Add(1)
		return
	}
	nw.enqueue(ch, b)
	nw.lastSent[ch] = time.Now()
}

func (nw *netLayer) queueDigest(ch wire.Channel) {
	d := nw.logs[ch].Heartbeat()
	if d.Epoch == nw.epoch {
		d.Presence = nw.presenceVer
	}
	b, err := wire.EncodeDigest(d)
	if err != nil {
		nw.stats.internalErrors.Add(1)
		return
	}
	nw.enqueue(ch, b)
	nw.lastSent[ch] = time.Now()
}

func (nw *netLayer) enqueue(ch wire.Channel, b []byte) {
	if len(nw.outbox) >= maxOutbox {
		nw.outbox = nw.outbox[1:]
		nw.queued--
		nw.stats.outboxDrops.Add(1)
	}
	nw.outbox = append(nw.outbox, outMsg{ch: ch, data: b})
	nw.queued++
	select {
	case nw.sendC <- struct{}{}:
	default:
	}
}

// heartbeat sends a digest (which carries the presence version, see
// net_presence.go) on every live channel that has been quiet for DigestBeats heartbeats (less half a beat,
// for the phase of the update that last reset it). A channel that sent an
// update since needs no digest: the update proves the publisher alive and
// carries its position, and a watcher that missed it sees the gap in the
// next update or in the digest that follows the last one. n.mu held.
func (nw *netLayer) heartbeat(now time.Time) {
	quiet := time.Duration(nw.cfg.DigestBeats)*nw.cfg.Heartbeat - nw.cfg.Heartbeat/2
	for _, ch := range channels {
		if nw.live[ch] && now.Sub(nw.lastSent[ch]) >= quiet {
			nw.queueDigest(ch)
		}
	}
}

// sendLoop publishes the outbox in order until the network stops.
func (nw *netLayer) sendLoop() {
	defer nw.wg.Done()
	for {
		select {
		case <-nw.sendC:
		case <-nw.ctx.Done():
			return
		}
		nw.sendPending()
	}
}

// sendPending publishes everything queued so far.
func (nw *netLayer) sendPending() {
	for {
		nw.n.mu.Lock()
		batch := nw.outbox
		nw.outbox = nil
		nw.n.mu.Unlock()
		if len(batch) == 0 {
			return
		}
		for _, m := range batch {
			if err := nw.own[m.ch].Publish(nw.ctx, m.data); err != nil {
				if nw.ctx.Err() != nil {
					return
				}
				nw.stats.publishErrors.Add(1)
			}
		}
		nw.n.mu.Lock()
		nw.sent += uint64(len(batch))
		nw.n.mu.Unlock()
	}
}

// flush waits until the outbox is empty, or for at most d. Called without
// n.mu, before the network stops.
func (nw *netLayer) flush(d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		nw.n.mu.Lock()
		done := nw.sent == nw.queued
		nw.n.mu.Unlock()
		if done {
			// Give the last publish a moment to leave the pubsub queues.
			time.Sleep(50 * time.Millisecond)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

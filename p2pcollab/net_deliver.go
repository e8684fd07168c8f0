package p2pcollab

import (
	"errors"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/peerd/peerd/p2pcollab/internal/seal"
	"github.com/peerd/peerd/p2pcollab/internal/view"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// topicSub is one followed publisher topic and the goroutine reading it.
type topicSub struct {
	topic *pubsub.Topic
	sub   *pubsub.Subscription
}

func (s *topicSub) close() {
	s.sub.Cancel()
	s.topic.Close()
}

// readLoop delivers the messages of one subscription until it is
// cancelled or the network stops.
func (nw *netLayer) readLoop(sub *pubsub.Subscription) {
	defer nw.wg.Done()
	for {
		msg, err := sub.Next(nw.ctx)
		if err != nil {
			return
		}
		nw.deliver(msg)
	}
}

// deliver applies a validated gossip message to the publisher's view and
// raises the events it causes.
func (nw *netLayer) deliver(msg *pubsub.Message) {
	g, ok := msg.ValidatorData.(*wire.Gossip) // decoded by validate
	if !ok || g.Publisher == nw.self {
		return
	}
	nw.n.mu.Lock()
	defer nw.n.mu.Unlock()
	r := nw.remotes[g.Publisher]
	if r == nil || !r.ch[g.Channel].follow {
		return
	}
	rc := &r.ch[g.Channel]
	now := time.Now()
	switch g.Type {
	case wire.TypeUpdate:
		nw.applyUpdate(r, g.Channel, g.Update, now)
	case wire.TypeDigest:
		switch rc.view.ApplyDigest(g.Digest) {
		case view.Stale:
			return
		case view.NeedSnapshot:
			nw.syncNow(rc)
		default:
			if rc.presence.behind(g.Digest) {
				nw.syncNow(rc)
			}
		}
		rc.lastFresh = now
	case wire.TypePresence:
		nw.applyPresence(r, g.Channel, g.Presence)
	}
}

// applyUpdate applies one update: checked first, so that stale ones cost
// no decryption, then opened on the internet channel, then applied. An
// update the node cannot follow (a gap, a new epoch, a key it was not
// granted yet) calls for a snapshot. n.mu held.
func (nw *netLayer) applyUpdate(r *remote, ch wire.Channel, u wire.Update, now time.Time) {
	rc := &r.ch[ch]
	switch verdict, _ := rc.view.Check(u); verdict {
	case view.Stale, view.Invalid:
		return
	}
	if ch.Sealed() {
		opened, err := nw.grants.OpenUpdate(r.id, u)
		if err != nil {
			if !errors.Is(err, seal.ErrUnknownKey) {
				nw.stats.undecryptable.Add(1)
			}
			nw.needSync(rc)
			return
		}
		u = opened
	}
	verdict, changes, _ := rc.view.Apply(u)
	switch verdict {
	case view.NeedSnapshot:
		nw.needSync(rc)
		return
	case view.Applied, view.Buffered:
		rc.lastFresh = now
	}
	if len(changes) > 0 {
		nw.n.emit(nw.reconcileShown(r))
	}
}

// needSync asks the control loop for a snapshot pull. n.mu held.
func (nw *netLayer) needSync(rc *remoteChannel) {
	if !rc.needSync {
		rc.needSync = true
		nw.kick()
	}
}

// syncNow asks for a pull without waiting out the backoff of earlier
// failures: a fresh digest from the publisher that we are behind shows it
// alive and reachable again (a healed partition, a restart). At most one
// pull per fresh digest, so a publisher that gossip reaches but a direct
// stream does not is asked once per digest interval. n.mu held.
//
// A pull that has been running for more than a heartbeat when such a
// digest arrives is likely stuck on a path that was cut (its stream waits
// out StreamTimeout): it is cancelled and started again at once.
func (nw *netLayer) syncNow(rc *remoteChannel) {
	switch {
	case rc.inFlight && time.Since(rc.pullStarted) > nw.cfg.Heartbeat && rc.cancelPull != nil:
		rc.retryNow = true
		rc.cancelPull()
	case rc.needSync && !rc.inFlight && !rc.nextTry.IsZero():
		rc.nextTry = time.Time{}
		nw.kick()
	}
	nw.needSync(rc)
}

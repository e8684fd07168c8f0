package p2pcollab

import (
	"context"
	"errors"
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/peerstore"
	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// controlLoop is the network's one housekeeping goroutine. On every
// heartbeat it sends digests and sweeps silent publishers; on every kick
// (and heartbeat) it brings libp2p in line with the state decided under
// n.mu: topics subscribed, snapshot pulls started, keys pushed,
// connections reset, contacts dialed and protected.
func (nw *netLayer) controlLoop() {
	defer nw.wg.Done()
	tick := time.NewTicker(nw.cfg.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-nw.ctx.Done():
			return
		case <-tick.C:
			nw.n.mu.Lock()
			now := time.Now()
			nw.heartbeat(now)
			nw.sweep(now)
			nw.n.mu.Unlock()
		case <-nw.kickC:
		}
		nw.reconcile(time.Now())
	}
}

type pullReq struct {
	p  peer.ID
	ch wire.Channel
}

// pullJob is one background pull: id tells its booking from that of a
// later pull of the same channel.
type pullJob struct {
	pullReq
	id     uint64
	ctx    context.Context
	cancel context.CancelFunc
}

// reconcile does the libp2p work the state asks for. Only the control loop
// calls it.
func (nw *netLayer) reconcile(now time.Time) {
	// Dial first: it starts the dial grace of new contacts, which the
	// pulls below must respect, or the higher peer's first pull would
	// dial while the lower peer dials it (two connections, not one).
	nw.dialContacts(now)
	want := make(map[string]topicRef)
	var pulls []pullJob
	nw.n.mu.Lock()
	for id, r := range nw.remotes {
		for _, ch := range channels {
			rc := &r.ch[ch]
			if !rc.follow {
				continue
			}
			if rc.topic == "" {
				rc.topic = wire.Topic(ch, id)
			}
			want[rc.topic] = topicRef{ch, id}
			if rc.needSync && !rc.inFlight && !now.Before(rc.nextTry) {
				if nw.inDialGrace(id, now) {
					// The contact dials us (see dialContacts), and
					// connected() kicks this loop then. A pull now could
					// only fail, and back off, for want of a connection.
					continue
				}
				nw.pullSeq++
				ctx, cancel := context.WithCancel(nw.ctx)
				rc.inFlight, rc.retryNow, rc.pullStarted = true, false, now
				rc.pullID, rc.cancelPull = nw.pullSeq, cancel
				pulls = append(pulls, pullJob{pullReq{id, ch}, nw.pullSeq, ctx, cancel})
			}
		}
	}
	var grants []grantReq
	for p, g := range nw.grantTo {
		if !g.busy && !now.Before(g.next) {
			g.busy = true
			grants = append(grants, grantReq{p, g})
		}
	}
	resetTo := nw.resetTo
	nw.resetTo = make(map[peer.ID]bool)
	nw.n.mu.Unlock()

	for topic, s := range nw.subs {
		if _, ok := want[topic]; !ok {
			s.close()
			delete(nw.subs, topic)
			nw.topics.Delete(topic)
		}
	}
	for topic, ref := range want {
		if nw.subs[topic] == nil {
			nw.topics.Store(topic, ref)
			nw.subscribe(topic)
		}
	}
	for p := range resetTo {
		nw.h.Network().ClosePeer(p)
	}
	for _, job := range pulls {
		nw.wg.Add(1)
		go nw.syncPull(job)
	}
	for _, gr := range grants {
		nw.wg.Add(1)
		go nw.pushGrant(gr)
	}
}

func (nw *netLayer) subscribe(topic string) {
	t, err := nw.ps.Join(topic)
	if err != nil {
		nw.stats.internalErrors.Add(1)
		return
	}
	sub, err := t.Subscribe(pubsub.WithBufferSize(nw.cfg.SubscriptionBuffer))
	if err != nil {
		t.Close()
		nw.stats.internalErrors.Add(1)
		return
	}
	nw.subs[topic] = &topicSub{topic: t, sub: sub}
	nw.wg.Add(1)
	go nw.readLoop(sub)
}

// syncPull runs one background snapshot pull and books its outcome: a
// failure is retried after an exponential backoff (capped at maxPullBackoff),
// sooner if the publisher connects.
func (nw *netLayer) syncPull(job pullJob) {
	defer nw.wg.Done()
	err := nw.pull(job.ctx, job.p, job.ch)
	job.cancel()
	nw.n.mu.Lock()
	defer nw.n.mu.Unlock()
	r := nw.remotes[job.p]
	if r == nil || r.ch[job.ch].pullID != job.id || !r.ch[job.ch].inFlight {
		return // the channel was dropped, or a later pull owns it
	}
	rc := &r.ch[job.ch]
	rc.inFlight, rc.cancelPull = false, nil
	if err == nil && !rc.retryNow {
		rc.needSync, rc.failures = false, 0
		return
	}
	if err != nil {
		nw.stats.pullFailures.Add(1)
		rc.failures++
	}
	if rc.retryNow {
		// The publisher connected again while this pull ran (perhaps on
		// the connection that just went stale): pull again at once.
		rc.retryNow, rc.nextTry = false, time.Time{}
		nw.kick()
		return
	}
	rc.nextTry = time.Now().Add(backoff(nw.cfg.Heartbeat, maxPullBackoff, rc.failures))
}

// grantState is the push of the current key owed to one allowed watcher:
// retried with backoff until it succeeds or the watcher stops being
// allowed (trustChanged drops it); a watcher that is not connected is
// checked again with the same backoff, and at once when it connects (a
// watcher that connects also pulls, and gets the key with the snapshot,
// but the push does not count on it).
type grantState struct {
	busy     bool
	next     time.Time
	failures int
}

type grantReq struct {
	p peer.ID
	g *grantState
}

// pushGrant runs one key push and books its outcome.
func (nw *netLayer) pushGrant(gr grantReq) {
	defer nw.wg.Done()
	err := nw.sendGrant(gr.p)
	nw.n.mu.Lock()
	defer nw.n.mu.Unlock()
	g := gr.g
	g.busy = false
	if nw.grantTo[gr.p] != g {
		return // superseded by a rotation, or no longer owed
	}
	if err == nil {
		delete(nw.grantTo, gr.p)
		return
	}
	if !errors.Is(err, errNotConnected) {
		nw.stats.grantFailures.Add(1)
	}
	g.failures++
	g.next = time.Now().Add(backoff(nw.cfg.Heartbeat, maxPullBackoff, g.failures))
}

const maxPullBackoff = time.Minute

// backoff returns base * 2^(failures-1), capped at limit.
func backoff(base, limit time.Duration, failures int) time.Duration {
	d := base
	for i := 1; i < failures && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// connected is the host's notification of a new connection. A new
// connection to a peer the node follows may be a publisher that restarted
// or a partition that healed, so each followed channel pulls a snapshot
// at once (a pull under way is repeated when it ends: it may be stuck on
// the old connection); a key push owed to the peer is tried at once.
// Older connections to the peer are closed (see dropStaleConns).
func (nw *netLayer) connected(c network.Conn) {
	p := c.RemotePeer()
	nw.n.mu.Lock()
	r := nw.remotes[p]
	if r != nil {
		for _, ch := range channels {
			rc := &r.ch[ch]
			if !rc.follow {
				continue
			}
			rc.needSync, rc.nextTry = true, time.Time{}
			if rc.inFlight {
				rc.retryNow = true
			}
		}
	}
	g := nw.grantTo[p]
	if g != nil {
		g.next = time.Time{}
	}
	keep := r != nil || nw.allowed[p]
	nw.n.mu.Unlock()
	if !keep {
		if ct, err := nw.n.cfg.Contacts.Get(p); err == nil && (ct.Watch || ct.Permission == contacts.PermissionAllowed) {
			keep = true
		}
	}
	if keep {
		nw.wg.Add(1)
		go nw.dropStaleConns(c)
	}
	if r != nil || g != nil {
		nw.kick()
	}
}

// staleConnAge is how much older than a new connection to the same peer
// another connection must be to be closed as stale. Two connections
// opened by a simultaneous dial are milliseconds apart and both kept.
const staleConnAge = time.Second

// dropStaleConns closes the connections to c's peer that are older than c
// by more than staleConnAge. A peer dials us while we hold a connection
// to it only when its side of that connection is gone: it restarted (new
// host, same peer ID), or it gave the connection up during a partition,
// whose loss also ate the close. Our side then looks connected until
// QUIC's idle timeout, and gossipsub keeps writing our subscriptions and
// messages into the dead connection, so the peer would never hear from us
// again; closing it makes gossipsub reopen its stream on c, announcing our
// subscriptions afresh.
func (nw *netLayer) dropStaleConns(c network.Conn) {
	defer nw.wg.Done()
	cutoff := c.Stat().Opened.Add(-staleConnAge)
	for _, o := range nw.h.Network().ConnsToPeer(c.RemotePeer()) {
		if o != c && o.Stat().Opened.Before(cutoff) {
			nw.stats.staleConns.Add(1)
			o.Close()
		}
	}
}

// found is the near-me discovery callback.
func (nw *netLayer) found(ai peer.AddrInfo) {
	if ai.ID == nw.self || ai.ID == "" {
		return
	}
	nw.h.Peerstore().AddAddrs(ai.ID, ai.Addrs, peerstore.RecentlyConnectedAddrTTL)
	nw.n.mu.Lock()
	defer nw.n.mu.Unlock()
	if nw.n.reg.closed {
		return
	}
	if r := nw.remote(ai.ID); !r.nearMe {
		r.nearMe = true
		nw.updateFollows()
	}
}

// dialState is the backoff of one contact the node keeps connected to.
// unconnectedSince is when the control loop first saw the contact
// unconnected (zero while connected); only the control loop touches it.
type dialState struct {
	mu               sync.Mutex
	busy             bool
	next             time.Time
	backoff          time.Duration
	unconnectedSince time.Time
}

// dialGraceBeats is how many heartbeats the peer with the higher ID waits
// for the lower one to dial before dialing itself.
const dialGraceBeats = 2

// inDialGrace says whether p is a contact the dialer keeps connected that
// we leave to dial us for now: one connection per pair, not two. Only the
// control loop calls it.
func (nw *netLayer) inDialGrace(p peer.ID, now time.Time) bool {
	ds := nw.dials[p]
	if ds == nil || nw.self < p || ds.unconnectedSince.IsZero() {
		return false
	}
	return now.Before(ds.unconnectedSince.Add(dialGraceBeats * nw.cfg.Heartbeat))
}

// dialContacts keeps the node connected to the contacts it watches or
// lets watch it: each unconnected one is dialed at the addresses on its
// card, with exponential backoff between failures, and the connections
// are protected from the connection manager's trimming. So that a pair
// opens one connection, not two, the peer with the lower ID dials at once
// and the higher one only after dialGraceBeats heartbeats without a
// connection (so a pair where only one side is reachable still connects).
func (nw *netLayer) dialContacts(now time.Time) {
	keep := nw.keptContacts()
	cm := nw.h.ConnManager()
	for p := range nw.protected {
		if _, ok := keep[p]; !ok {
			cm.Unprotect(p, contactTag)
			delete(nw.protected, p)
			delete(nw.dials, p)
		}
	}
	for p, c := range keep {
		if !nw.protected[p] {
			cm.Protect(p, contactTag)
			nw.protected[p] = true
		}
		ds := nw.dials[p]
		if ds == nil {
			ds = &dialState{}
			nw.dials[p] = ds
		}
		if nw.h.Network().Connectedness(p) == network.Connected {
			ds.unconnectedSince = time.Time{}
			ds.mu.Lock()
			ds.backoff = 0
			ds.mu.Unlock()
			continue
		}
		if ds.unconnectedSince.IsZero() {
			ds.unconnectedSince = now
		}
		if nw.inDialGrace(p, now) {
			continue
		}
		ds.mu.Lock()
		start := !ds.busy && !now.Before(ds.next) && len(c.Addrs) > 0
		if start {
			ds.busy = true
		}
		ds.mu.Unlock()
		if start {
			nw.wg.Add(1)
			go nw.dial(ds, peer.AddrInfo{ID: p, Addrs: c.Addrs})
		}
	}
}

// keptContacts is the contacts to keep connected: those the user watches
// or allows. It runs on every heartbeat and kick, so the set is rebuilt
// only when the contact store has changed. Only the control loop calls it.
func (nw *netLayer) keptContacts() map[peer.ID]contacts.Contact {
	store := nw.n.cfg.Contacts
	// Read the generation first: a change racing with List is then seen
	// again on the next call rather than missed.
	if gen := store.Generation(); nw.keep == nil || gen != nw.keepGen {
		keep := make(map[peer.ID]contacts.Contact)
		for _, c := range store.List() {
			if c.PeerID != nw.self && (c.Watch || c.Permission == contacts.PermissionAllowed) {
				keep[c.PeerID] = c
			}
		}
		nw.keep, nw.keepGen = keep, gen
	}
	return nw.keep
}

func (nw *netLayer) dial(ds *dialState, ai peer.AddrInfo) {
	defer nw.wg.Done()
	ctx, cancel := context.WithTimeout(nw.ctx, nw.cfg.StreamTimeout)
	err := nw.h.Connect(ctx, ai)
	cancel()
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.busy = false
	if err == nil {
		ds.backoff = 0
		return
	}
	nw.stats.dialFailures.Add(1)
	if ds.backoff == 0 {
		ds.backoff = nw.cfg.DialBackoffMin
	} else {
		ds.backoff = min(2*ds.backoff, nw.cfg.DialBackoffMax)
	}
	ds.next = time.Now().Add(ds.backoff)
}

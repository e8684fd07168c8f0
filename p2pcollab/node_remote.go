package p2pcollab

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

// These methods reach other peers (see API). Each checks the context, then
// its arguments, then that the node is running and has a network, in that
// order, so that the in-process node and the local API's client fail the
// same way on the same call.

// errNoNetwork answers the network calls of a node without a Host.
var errNoNetwork = status.Errorf(status.ErrServiceNotAvailable, "the node has no network (it runs without a libp2p host)")

// onNetwork runs f under the lock on a running node with a network.
func (n *Node) onNetwork(ctx context.Context, f func(r *Registry, nw *netLayer) error) error {
	return n.onNetworkAs(ctx, noSession, f)
}

// noSession is no session's ID (sessions are numbered from 1).
const noSession SessionID = 0

// onNetworkAs is onNetwork for a call made by session sess (unless
// noSession): an ended session is refused before the network is looked
// at, as the local API refuses an ended session's token before it calls
// the node.
func (n *Node) onNetworkAs(ctx context.Context, sess SessionID, f func(r *Registry, nw *netLayer) error) error {
	return n.do(ctx, func(r *Registry) ([]Event, error) {
		if err := r.check(); err != nil {
			return nil, err
		}
		if sess != noSession && !r.HasSession(sess) {
			return nil, errSessionEnded
		}
		if n.net == nil {
			return nil, errNoNetwork
		}
		return nil, f(r, n.net)
	})
}

// checkPeer refuses a call whose context has ended, and a peer ID that
// cannot name another peer: empty, not a multihash, or the user's own.
func (n *Node) checkPeer(ctx context.Context, p peer.ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p == "" {
		return status.Errorf(status.ErrInvalidArg, "empty peer ID")
	}
	if _, err := peer.IDFromBytes([]byte(p)); err != nil {
		return status.Errorf(status.ErrInvalidArg, "malformed peer ID: %v", err)
	}
	if p == n.cfg.Identity.ID {
		return status.Errorf(status.ErrInvalidArg, "%s is this node's own peer ID", p)
	}
	return nil
}

// NetStats implements API.
func (n *Node) NetStats(ctx context.Context) (NetStats, error) {
	var st NetStats
	err := n.onNetwork(ctx, func(_ *Registry, nw *netLayer) error {
		st = nw.stats.snapshot()
		return nil
	})
	return st, err
}

// subscribeEndpoint implements Session.SubscribeEndpoint for session
// sess: it follows p's near-me objects, and its internet objects if p
// allows the user to watch it, until the session has called
// UnsubscribeEndpoint as many times or ended. The request_status_changed
// event reports the first pull: nil, or an error wrapping
// ErrConnectionFailed (unreachable), ErrAccessDenied (not allowed),
// ErrNotSignedIn (p publishes nothing the user may pull) or ErrTimeout (no
// answer within RequestTimeout). Watched contacts are followed without
// it. It needs a sign-in.
func (n *Node) subscribeEndpoint(ctx context.Context, sess SessionID, p peer.ID) error {
	// The Registry records the subscription; afterChange makes the
	// network follow p (see followSubscriptions).
	return n.request(ctx, sess, p, func(r *Registry, _ *netLayer) error { return r.Subscribe(sess, p) })
}

// unsubscribeEndpoint implements Session.UnsubscribeEndpoint.
func (n *Node) unsubscribeEndpoint(ctx context.Context, sess SessionID, p peer.ID) error {
	if err := n.checkPeer(ctx, p); err != nil {
		return err
	}
	return n.onNetworkAs(ctx, sess, func(r *Registry, _ *netLayer) error { return r.Unsubscribe(sess, p) })
}

// RefreshEndpoint implements API: it pulls p's current data once;
// afterwards Objects with Peer p returns it, until the next refresh. The
// outcome arrives as for Session.SubscribeEndpoint.
func (n *Node) RefreshEndpoint(ctx context.Context, p peer.ID) error {
	return n.request(ctx, noSession, p, func(r *Registry, nw *netLayer) error {
		if r.SignedIn() == ScopeNone {
			return status.Errorf(status.ErrNotSignedIn, "sign in before reaching other peers")
		}
		nw.remote(p).refresh = true
		nw.updateFollows()
		return nil
	})
}

// request runs mark, which records what the request is for, and starts
// pulling p once; mark fails the call when the node may not reach p.
func (n *Node) request(ctx context.Context, sess SessionID, p peer.ID, mark func(*Registry, *netLayer) error) error {
	if err := n.checkPeer(ctx, p); err != nil {
		return err
	}
	var chans []wire.Channel
	var nw *netLayer
	err := n.onNetworkAs(ctx, sess, func(r *Registry, l *netLayer) error {
		if err := mark(r, l); err != nil {
			return err
		}
		nw = l
		for _, ch := range channels {
			if r.SignedIn().Has(channelScope(ch)) {
				chans = append(chans, ch)
			}
		}
		// Added under the lock, so that close, which takes it first,
		// waits for the request.
		nw.wg.Add(1)
		return nil
	})
	if err != nil {
		return err
	}
	go nw.runRequest(p, chans)
	return nil
}

// runRequest pulls each channel once and raises request_status_changed.
func (nw *netLayer) runRequest(p peer.ID, chans []wire.Channel) {
	defer nw.wg.Done()
	ctx, cancel := context.WithTimeout(nw.ctx, nw.cfg.RequestTimeout)
	defer cancel()
	errs := make(chan error, len(chans))
	for _, ch := range chans {
		go func() { errs <- nw.pullUntil(ctx, p, ch) }()
	}
	var result error
	ok := false
	for range chans {
		if err := <-errs; err == nil {
			ok = true
		} else if result == nil || rank(err) > rank(result) {
			result = err
		}
	}
	if ok {
		result = nil
	}
	if result != nil && ctx.Err() != nil && nw.ctx.Err() == nil {
		result = status.Errorf(status.ErrTimeout, "%s did not answer within %v", p, nw.cfg.RequestTimeout)
	}
	nw.n.mu.Lock()
	defer nw.n.mu.Unlock()
	if nw.n.reg.closed {
		return
	}
	nw.n.emit([]Event{{Type: EventRequestStatusChanged, Peer: p, Result: result}})

}

// rank orders failures by how much they tell the user: a refusal says
// more than a silence.
func rank(err error) int {
	switch {
	case errors.Is(err, status.ErrAccessDenied):
		return 4
	case errors.Is(err, status.ErrNotSignedIn):
		return 3
	case errors.Is(err, status.ErrTimeout):
		return 2
	}
	return 1
}

// PeopleNearMe implements API.
func (n *Node) PeopleNearMe(ctx context.Context) ([]Person, error) {
	var out []Person
	var h host.Host
	err := n.onNetwork(ctx, func(_ *Registry, nw *netLayer) error {
		h = nw.h
		for id, rem := range nw.remotes {
			if !rem.inPeople {
				continue
			}
			p := Person{Peer: id}
			if c, err := n.cfg.Contacts.Get(id); err == nil {
				p.Nickname = c.Nickname
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The peerstore has its own lock: read it outside n.mu (see netLayer).
	for i := range out {
		out[i].Addrs = h.Peerstore().Addrs(out[i].Peer)
	}
	slices.SortFunc(out, func(a, b Person) int { return strings.Compare(string(a.Peer), string(b.Peer)) })
	if out == nil {
		out = []Person{}
	}
	return out, nil
}

// pullUntil pulls once, trying again while the publisher does not answer
// (a dial or stream that times out) until ctx expires: a request waits
// out its whole timeout, as the original's did, before it reports one.
func (nw *netLayer) pullUntil(ctx context.Context, p peer.ID, ch wire.Channel) error {
	var last error
	for {
		err := nw.pull(ctx, p, ch)
		switch {
		case err == errDialBackoff:
			if last == nil {
				last = err
			}
		case err == nil || !errors.Is(err, status.ErrTimeout):
			return err
		default:
			last = err
		}
		select {
		case <-ctx.Done():
			return last
		case <-time.After(nw.cfg.Heartbeat):
		}
	}
}

package p2pcollab

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

// These methods reach other peers. They are on *Node only (the API
// interface is unchanged); each needs a node with a Host.

func (n *Node) network() (*netLayer, error) {
	if n.net == nil {
		return nil, status.Errorf(status.ErrServiceNotAvailable, "the node has no network")
	}
	return n.net, nil
}

// NetStats returns the network layer's counters (zero without a host).
func (n *Node) NetStats() NetStats {
	if n.net == nil {
		return NetStats{}
	}
	return n.net.stats.snapshot()
}

// SubscribeEndpoint follows peer p's data (PeerCollabSubscribeEndpointData)
// until as many UnsubscribeEndpoint calls: its near-me objects, and its
// internet objects if p allows the user to watch it. It returns at once;
// a request_status_changed event for p reports the first pull: nil, or an
// error wrapping ErrConnectionFailed (unreachable), ErrAccessDenied (not
// allowed), ErrNotSignedIn (p publishes nothing the user may pull) or
// ErrTimeout (no answer within RequestTimeout). Watched contacts are
// followed without it.
func (n *Node) SubscribeEndpoint(ctx context.Context, p peer.ID) error {
	return n.request(ctx, p, func(r *remote) { r.subs++ })
}

// UnsubscribeEndpoint releases one SubscribeEndpoint.
func (n *Node) UnsubscribeEndpoint(ctx context.Context, p peer.ID) error {
	nw, err := n.network()
	if err != nil {
		return err
	}
	return n.do(ctx, func(r *Registry) ([]Event, error) {
		if err := r.check(); err != nil {
			return nil, err
		}
		rem := nw.remotes[p]
		if rem == nil || rem.subs == 0 {
			return nil, status.Errorf(status.ErrNotFound, "not subscribed to %s", p)
		}
		rem.subs--
		nw.updateFollows()
		return nil, nil
	})
}

// RefreshEndpoint pulls p's current data once (PeerCollabRefreshEndpointData):
// afterwards Objects with Peer p returns it, until the next refresh. The
// outcome arrives as for SubscribeEndpoint.
func (n *Node) RefreshEndpoint(ctx context.Context, p peer.ID) error {
	return n.request(ctx, p, func(r *remote) { r.refresh = true })
}

func (n *Node) request(ctx context.Context, p peer.ID, mark func(*remote)) error {
	nw, err := n.network()
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil || p == n.cfg.Identity.ID {
		return status.Errorf(status.ErrInvalidArg, "cannot subscribe to peer %q", p)
	}
	var chans []wire.Channel
	err = n.do(ctx, func(r *Registry) ([]Event, error) {
		if err := r.check(); err != nil {
			return nil, err
		}
		if r.SignedIn() == ScopeNone {
			return nil, status.Errorf(status.ErrNotSignedIn, "sign in before reaching other peers")
		}
		mark(nw.remote(p))
		nw.updateFollows()
		for _, ch := range channels {
			if r.SignedIn().Has(channelScope(ch)) {
				chans = append(chans, ch)
			}
		}
		return nil, nil
	})
	if err != nil {
		return err
	}
	nw.wg.Add(1)
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

// PeopleNearMe lists the peers found on the local network that are signed
// in to near-me (PeerCollabEnumPeopleNearMe).
func (n *Node) PeopleNearMe(ctx context.Context) ([]peer.ID, error) {
	nw, err := n.network()
	if err != nil {
		return nil, err
	}
	var out []peer.ID
	err = n.do(ctx, func(r *Registry) ([]Event, error) {
		if err := r.check(); err != nil {
			return nil, err
		}
		for id, rem := range nw.remotes {
			if rem.inPeople {
				out = append(out, id)
			}
		}
		return nil, nil
	})
	slicesSortPeers(out)
	return out, err
}

func slicesSortPeers(ids []peer.ID) {
	slices.Sort(ids)
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

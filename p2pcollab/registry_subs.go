package p2pcollab

import (
	"iter"
	"maps"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Subscriptions (PeerCollabSubscribeEndpointData) are owned by the session
// that made them, as objects are: the original releases them when the
// application exits, so a crashed application must not leave the node
// following a peer forever. The Registry keeps the count per session and
// per peer; the network layer follows a peer while Subscribed says some
// live session holds it, so its follow state is the sum over live
// sessions by construction, never a second counter to keep in step.

// Subscribe records one more subscription of session sess to peer p. A
// session may subscribe to the same peer several times; each needs its
// own Unsubscribe. It needs a sign-in. The Registry does not reach p:
// the Node starts the request.
func (r *Registry) Subscribe(sess SessionID, p peer.ID) error {
	if err := r.subscriptionCheck(sess, p); err != nil {
		return err
	}
	if r.signedIn == ScopeNone {
		return status.Errorf(status.ErrNotSignedIn, "sign in before reaching other peers")
	}
	held := r.subs[sess]
	if held == nil {
		held = make(map[peer.ID]int)
		r.subs[sess] = held
	}
	held[p]++
	r.subTotal[p]++
	r.subSeq++
	return nil
}

// Unsubscribe releases one subscription of session sess to peer p:
// ErrNotFound when the session holds none (another session's do not
// count).
func (r *Registry) Unsubscribe(sess SessionID, p peer.ID) error {
	if err := r.subscriptionCheck(sess, p); err != nil {
		return err
	}
	if r.subs[sess][p] == 0 {
		return status.Errorf(status.ErrNotFound, "this session is not subscribed to %s", p)
	}
	r.release(sess, p, 1)
	return nil
}

func (r *Registry) subscriptionCheck(sess SessionID, p peer.ID) error {
	if err := r.check(); err != nil {
		return err
	}
	if _, ok := r.sessions[sess]; !ok {
		return status.Errorf(status.ErrInvalidArg, "unknown or ended session")
	}
	if p == "" || p == r.self {
		return status.Errorf(status.ErrInvalidArg, "a subscription needs another peer's ID")
	}
	return nil
}

// releaseSession drops every subscription session sess holds; it runs
// whenever a session ends.
func (r *Registry) releaseSession(sess SessionID) {
	for p, n := range r.subs[sess] {
		r.release(sess, p, n)
	}
	delete(r.subs, sess)
}

func (r *Registry) release(sess SessionID, p peer.ID, n int) {
	if r.subs[sess][p] -= n; r.subs[sess][p] == 0 {
		delete(r.subs[sess], p)
	}
	if r.subTotal[p] -= n; r.subTotal[p] == 0 {
		delete(r.subTotal, p)
	}
	r.subSeq++
}

// Subscribed returns how many subscriptions to p the live sessions hold
// together: the node follows p while it is positive.
func (r *Registry) Subscribed(p peer.ID) int { return r.subTotal[p] }

// SubscribedPeers yields every peer some live session subscribes to, in
// no particular order.
func (r *Registry) SubscribedPeers() iter.Seq[peer.ID] { return maps.Keys(r.subTotal) }

// SessionSubscribed returns how many subscriptions to p session sess holds.
func (r *Registry) SessionSubscribed(sess SessionID, p peer.ID) int { return r.subs[sess][p] }

// SubscriptionSeq counts changes to the subscriptions; it increases with
// every subscribe and release and never goes back, so that the Node
// notices any change, whatever path (a call, a session's end, shutdown)
// made it.
func (r *Registry) SubscriptionSeq() uint64 { return r.subSeq }

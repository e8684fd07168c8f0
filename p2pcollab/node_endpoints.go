package p2pcollab

import (
	"cmp"
	"context"
	"slices"

	"github.com/libp2p/go-libp2p/core/peer"
)

// Endpoints implements API. It reads what the network layer has already
// shown the user (the remote's presence and objects as last raised in
// events) rather than its channels' raw state, so that the list and the
// event stream never disagree: a reader that re-reads after an overflow
// finds exactly what the lost events would have told it.
func (n *Node) Endpoints(ctx context.Context) ([]Endpoint, error) {
	var out []Endpoint
	err := n.onNetwork(ctx, func(_ *Registry, nw *netLayer) error {
		out = nw.endpoints()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// endpoints lists the watched contacts, the peers subscribed to and the
// people near me, sorted by peer ID. Watched contacts come from the trust
// list, not from remotes: a contact has no remote while the user is signed
// out, and is still one the user watches (offline, no objects). n.mu held.
func (nw *netLayer) endpoints() []Endpoint {
	byID := make(map[peer.ID]*Endpoint)
	entry := func(id peer.ID) *Endpoint {
		e := byID[id]
		if e == nil {
			e = &Endpoint{Peer: id, Presence: Presence{Status: PresenceOffline}}
			byID[id] = e
		}
		return e
	}
	for _, id := range nw.n.cfg.Contacts.Watched() {
		if id != nw.self {
			entry(id).Watched = true
		}
	}
	for id, r := range nw.remotes {
		// NearMe is inPeople, not nearMe (merely discovered): the list
		// agrees with PeopleNearMe and people_near_me_changed.
		if sub := nw.subscribed(r); sub || r.inPeople {
			e := entry(id)
			e.Subscribed, e.NearMe = sub, r.inPeople
		}
	}
	out := make([]Endpoint, 0, len(byID))
	for id, e := range byID {
		if r := nw.remotes[id]; r != nil {
			e.Presence, e.Objects = r.presence, len(r.shown)
		}
		if c, err := nw.n.cfg.Contacts.Get(id); err == nil {
			e.Nickname = c.Nickname
		}
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b Endpoint) int { return cmp.Compare(a.Peer, b.Peer) })
	return out
}

package p2pcollab

import "github.com/libp2p/go-libp2p/core/peer"

// trustChanged reacts to a change of the trust list. As a publisher: a
// watcher that lost its permission (blocked or deleted) is revoked: the
// key rotates before anything else is sealed, the remaining watchers are
// granted the new key, and the revoked peer's connection is reset so that
// its subscription to our internet topic goes back through the filter
// (which now drops it). A newly allowed watcher's connection is reset too,
// so that the subscription the filter dropped earlier is announced again.
// As a watcher: the set of followed publishers follows the watch flags.
// n.mu held.
func (nw *netLayer) trustChanged() {
	now := make(map[peer.ID]bool)
	for _, id := range nw.n.cfg.Contacts.Watchers() {
		if id != nw.self {
			now[id] = true
		}
	}
	revoked := false
	for p := range nw.allowed {
		if !now[p] {
			revoked = true
			nw.resetTo[p] = true
		}
	}
	for p := range now {
		if !nw.allowed[p] {
			nw.resetTo[p] = true
			nw.grantTo[p] = &grantState{}
		}
	}
	for p := range nw.grantTo {
		if !now[p] {
			delete(nw.grantTo, p) // the trust relation ended: owed nothing
		}
	}
	nw.allowed = now
	if revoked {
		if _, err := nw.keys.Rotate(); err != nil {
			nw.stats.internalErrors.Add(1)
		}
		nw.stats.rotations.Add(1)
		for p := range now {
			nw.grantTo[p] = &grantState{}
		}
	}
	nw.updateFollows()
}

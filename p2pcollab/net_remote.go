package p2pcollab

import (
	"bytes"
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab/internal/view"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// remote is what the node knows of another peer as a watcher: a View of
// each of its channels, whether it follows them (subscribed to the topic),
// the snapshot pulls they need, and what it has shown the user through
// events. Memory per remote is its live objects plus View's bounded
// buffer; a remote nobody follows any more is dropped.
type remote struct {
	id       peer.ID
	ch       [3]remoteChannel // indexed by wire.Channel
	refresh  bool             // a RefreshEndpoint result is on show
	nearMe   bool             // found on the local network
	shown    map[uuid.UUID]Object
	presence Presence // presence last raised (offline at first)
	inPeople bool     // listed in people near me
}

type remoteChannel struct {
	topic     string // the topic's name, once computed
	view      view.View
	follow    bool      // subscribed to the publisher's topic
	lastFresh time.Time // last message that proved the publisher alive
	needSync  bool      // a snapshot must be pulled
	inFlight  bool      // a pull is running
	retryNow  bool      // the publisher connected again during the pull
	// The running pull's id, start and cancel function (inFlight only).
	pullID      uint64
	pullStarted time.Time
	cancelPull  context.CancelFunc
	nextTry     time.Time // earliest next pull after a failure
	failures    int
	presence    remotePresence
}

// remote returns the state kept for p, creating it. n.mu held.
func (nw *netLayer) remote(p peer.ID) *remote {
	r := nw.remotes[p]
	if r == nil {
		r = &remote{id: p}
		nw.remotes[p] = r
	}
	return r
}

// wantsChannel reports whether the node should follow channel ch of r:
// internet for watched contacts and explicit subscriptions, near-me for
// peers found nearby and explicit subscriptions, each only while the user
// is signed in to that scope.
func (nw *netLayer) wantsChannel(r *remote, c contacts.Contact, isContact bool, ch wire.Channel) bool {
	if !nw.n.reg.SignedIn().Has(channelScope(ch)) {
		return false
	}
	if ch == wire.Internet {
		return isContact && c.Watch || nw.subscribed(r)
	}
	return r.nearMe || nw.subscribed(r)
}

// visible reports whether r's objects and presence are shown to the user.
// Near-me peers are followed for people near me, but their objects are
// shown only after Session.SubscribeEndpoint (or RefreshEndpoint).
func (nw *netLayer) visible(r *remote) bool {
	if nw.subscribed(r) || r.refresh {
		return true
	}
	c, err := nw.n.cfg.Contacts.Get(r.id)
	return err == nil && c.Watch && r.id != nw.self
}

// subscribed reports whether some live session subscribes to r: the
// Registry owns the subscriptions (registry_subs.go), so when the last
// session holding r ends, the node stops following it. n.mu held.
func (nw *netLayer) subscribed(r *remote) bool { return nw.n.reg.Subscribed(r.id) > 0 }

// followSubscriptions follows the subscriptions as they are now, when
// they changed since it last ran. n.mu held.
func (nw *netLayer) followSubscriptions() {
	if seq := nw.n.reg.SubscriptionSeq(); seq != nw.subSeq {
		nw.subSeq = seq
		nw.updateFollows()
	}
}

// updateFollows recomputes which channels of which peers the node follows
// after the trust list, the signed-in scopes or a subscription changed.
// Channels no longer followed are cleared (their objects deleted for the
// user); remotes left with nothing are dropped. n.mu held.
func (nw *netLayer) updateFollows() {
	for _, id := range nw.n.cfg.Contacts.Watched() {
		if id != nw.self {
			nw.remote(id)
		}
	}
	for id := range nw.n.reg.SubscribedPeers() {
		nw.remote(id)
	}
	var events []Event
	for id, r := range nw.remotes {
		c, err := nw.n.cfg.Contacts.Get(id)
		isContact := err == nil
		for _, ch := range channels {
			rc := &r.ch[ch]
			want := nw.wantsChannel(r, c, isContact, ch)
			switch {
			case want && !rc.follow:
				rc.follow = true
				rc.lastFresh = time.Now()
				if !rc.view.Known() {
					rc.needSync, rc.nextTry, rc.failures = true, time.Time{}, 0
				}
			case !want && rc.follow:
				rc.follow, rc.needSync = false, false
				if rc.cancelPull != nil {
					rc.cancelPull()
				}
				if !r.refresh {
					rc.view.Clear()
				}
			}
		}
		if ch := &r.ch[wire.Internet]; !ch.follow && !r.refresh {
			nw.grants.Forget(id)
		}
		events = append(events, nw.reconcileShown(r)...)
		if !r.ch[wire.Internet].follow && !r.ch[wire.NearMe].follow && !r.refresh && !nw.subscribed(r) && !r.nearMe {
			delete(nw.remotes, id)
		}
	}
	nw.n.emit(events)
	nw.kick()
}

// exposed returns the objects of r the user may see: the union of its
// channels, the internet copy winning when an object is on both.
func (nw *netLayer) exposed(r *remote) map[uuid.UUID]Object {
	out := make(map[uuid.UUID]Object)
	if !nw.visible(r) {
		return out
	}
	for _, ch := range channels {
		for _, o := range r.ch[ch].view.Objects() {
			out[o.ID] = Object{ID: o.ID, Data: o.Data, Scope: Scope(o.Scope), Peer: r.id}
		}
	}
	return out
}

// reconcileShown compares what the user has been shown of r with what it
// may see now and returns the events that close the gap: object changes,
// presence and people near me. Diffing whole sets (at most 2 x 128
// objects) keeps the events right whatever path the change came by:
// update, snapshot, liveness timeout, trust-list change.
func (nw *netLayer) reconcileShown(r *remote) []Event {
	var events []Event
	now := nw.exposed(r)
	for _, id := range sortedKeys(r.shown) {
		if _, ok := now[id]; !ok {
			o := r.shown[id].Clone()
			events = append(events, Event{Type: EventEndpointObjectChanged, Change: ChangeDeleted, Peer: r.id, ObjectID: id, Object: &o})
		}
	}
	for _, id := range sortedKeys(now) {
		o := now[id]
		prev, ok := r.shown[id]
		change := ChangeAdded
		if ok {
			if prev.Scope == o.Scope && bytes.Equal(prev.Data, o.Data) {
				continue
			}
			change = ChangeUpdated
		}
		c := o.Clone()
		events = append(events, Event{Type: EventEndpointObjectChanged, Change: change, Peer: r.id, ObjectID: id, Object: &c})
	}
	r.shown = now

	if p := nw.shownPresence(r); p != r.presence {
		r.presence = p
		events = append(events, Event{Type: EventEndpointPresenceChanged, Change: ChangeUpdated, Peer: r.id, Presence: &p})
	}
	inPeople := r.nearMe && r.ch[wire.NearMe].view.Known()
	if inPeople != r.inPeople {
		r.inPeople = inPeople
		change := ChangeDeleted
		if inPeople {
			change = ChangeAdded
		}
		events = append(events, Event{Type: EventPeopleNearMeChanged, Change: change, Peer: r.id})
	}
	return events
}

// sweep clears every followed channel whose publisher has been silent for
// longer than the liveness timeout: its objects are deleted for the user
// and it shows offline until it is heard from again. n.mu held.
//
// A peer found nearby that the user neither watches nor subscribed to is
// forgotten once its near-me channel is gone (timed out, or never pulled
// after several tries): the node keeps no state for every peer that ever
// passed through the network, and discovery finds it again if it returns.
func (nw *netLayer) sweep(now time.Time) {
	var events []Event
	timeout := nw.cfg.livenessTimeout()
	forget := false
	for _, r := range nw.remotes {
		changed := false
		for _, ch := range channels {
			rc := &r.ch[ch]
			if rc.follow && rc.view.Known() && now.Sub(rc.lastFresh) > timeout {
				rc.view.Clear()
				changed = true
				// Keep following, and keep pulling (with backoff): a
				// publisher that is back but whose gossip does not reach
				// us yet is found by the pull.
				nw.needSync(rc)
			}
		}
		if changed {
			events = append(events, nw.reconcileShown(r)...)
		}
		if nm := &r.ch[wire.NearMe]; r.nearMe && !nw.visible(r) && !r.ch[wire.Internet].follow &&
			!nm.view.Known() && (changed || nm.failures >= maxNearMeFailures) {
			r.nearMe, forget = false, true
		}
	}
	nw.n.emit(events)
	if forget {
		nw.updateFollows()
	}
}

// maxNearMeFailures is how many failed pulls a peer found nearby gets
// before the node forgets it.
const maxNearMeFailures = 5

// remoteObjects returns what publisher p publishes that the user may see,
// narrowed to one object when q.ID is set. n.mu held.
func (nw *netLayer) remoteObjects(q ObjectQuery) ([]Object, bool) {
	r := nw.remotes[q.Peer]
	if r == nil {
		return nil, false
	}
	var out []Object
	for _, id := range sortedKeys(r.shown) {
		if q.ID == uuid.Nil || q.ID == id {
			out = append(out, r.shown[id].Clone())
		}
	}
	return out, true
}

func sortedKeys(m map[uuid.UUID]Object) []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

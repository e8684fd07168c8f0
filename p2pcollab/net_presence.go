package p2pcollab

import (
	"time"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// Presence travels on the same channels as objects: a wire.Presence
// message (sealed on the internet channel), numbered by a version that
// grows with every change in the epoch, and repeated with each digest so
// that watchers who join late learn it within a digest interval (at most
// DigestBeats + 1/2 heartbeats on an idle channel). Watchers keep
// the newest version per channel and ignore the rest.

// presenceChanged publishes the user's new presence. n.mu held.
func (nw *netLayer) presenceChanged(p Presence) {
	nw.presence = p
	nw.presenceVer++
	for _, ch := range channels {
		if nw.live[ch] {
			nw.queuePresence(ch)
		}
	}
}

// queuePresence queues the current presence on ch. n.mu held.
func (nw *netLayer) queuePresence(ch wire.Channel) {
	if nw.presenceVer == 0 {
		return
	}
	p := wire.Presence{Epoch: nw.epoch, Version: nw.presenceVer, Data: encodePresence(nw.presence)}
	if ch.Sealed() {
		var err error
		if p, err = nw.keys.SealPresence(p); err != nil {
			nw.stats.internalErrors.Add(1)
			return
		}
	}
	b, err := wire.EncodePresence(ch, p)
	if err != nil {
		nw.stats.internalErrors.Add(1)
		return
	}
	nw.enqueue(ch, b)
}

func encodePresence(p Presence) []byte { return append([]byte{byte(p.Status)}, p.Text...) }

// decodePresence parses and checks a presence payload from the network.
func decodePresence(b []byte) (Presence, bool) {
	if len(b) < 1 {
		return Presence{}, false
	}
	p := Presence{Status: PresenceStatus(b[0]), Text: string(b[1:])}
	return p, p.Validate() == nil
}

// remotePresence is the newest presence a publisher sent on one channel.
type remotePresence struct {
	epoch, version uint64
	value          Presence
	set            bool
}

func (rp *remotePresence) fresh(p wire.Presence) bool {
	return !rp.set || p.Epoch > rp.epoch || p.Epoch == rp.epoch && p.Version > rp.version
}

// applyPresence records a publisher's presence and raises the event it
// causes. n.mu held.
func (nw *netLayer) applyPresence(r *remote, ch wire.Channel, p wire.Presence, now time.Time) {
	rp := &r.ch[ch].presence
	if !rp.fresh(p) {
		return
	}
	if ch.Sealed() {
		opened, err := nw.grants.OpenPresence(r.id, p)
		if err != nil {
			nw.stats.undecryptable.Add(1)
			return
		}
		p = opened
	}
	value, ok := decodePresence(p.Data)
	if !ok {
		nw.stats.rejected.Add(1)
		return
	}
	*rp = remotePresence{epoch: p.Epoch, version: p.Version, value: value, set: true}
	nw.n.emit(nw.reconcileShown(r))
}

// shownPresence is what the user should see of r: offline unless one of
// its followed channels is live, else the presence it sent (internet
// first), or plain online until it says more.
func (nw *netLayer) shownPresence(r *remote) Presence {
	if !nw.visible(r) {
		return Presence{Status: PresenceOffline}
	}
	for _, ch := range [...]wire.Channel{wire.Internet, wire.NearMe} {
		if rc := &r.ch[ch]; rc.view.Known() && rc.presence.set {
			return rc.presence.value
		}
	}
	if r.ch[wire.Internet].view.Known() || r.ch[wire.NearMe].view.Known() {
		return Presence{Status: PresenceOnline}
	}
	return Presence{Status: PresenceOffline}
}

package p2pcollab

import (
	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// Presence travels on the same channels as objects: a wire.Presence
// message (sealed on the internet channel), numbered by a version that
// grows with every change in the epoch. It is published when it changes
// and not repeated: a watcher that joins later finds it in the snapshot
// it pulls, and one that missed the change sees a newer presence version
// in the next digest and pulls the snapshot too. Watchers keep the newest
// version per channel and ignore the rest.

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

// currentPresence is the presence message for ch, sealed with the current
// key on the internet channel; false before the first presence of the
// epoch or if sealing failed. n.mu held.
func (nw *netLayer) currentPresence(ch wire.Channel) (wire.Presence, bool) {
	if nw.presenceVer == 0 {
		return wire.Presence{}, false
	}
	p := wire.Presence{Epoch: nw.epoch, Version: nw.presenceVer, Data: encodePresence(nw.presence)}
	if ch.Sealed() {
		var err error
		if p, err = nw.keys.SealPresence(p); err != nil {
			nw.stats.internalErrors.Add(1)
			return wire.Presence{}, false
		}
	}
	return p, true
}

// queuePresence queues the current presence on ch. n.mu held.
func (nw *netLayer) queuePresence(ch wire.Channel) {
	p, ok := nw.currentPresence(ch)
	if !ok {
		return
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

// behind reports whether a digest announces a presence newer than
// the one held for ch: the change was missed, and the snapshot has it.
func (rp *remotePresence) behind(d wire.Digest) bool {
	if d.Presence == 0 {
		return false
	}
	return !rp.set || rp.epoch < d.Epoch || rp.epoch == d.Epoch && rp.version < d.Presence
}

// applyPresence records a publisher's presence and raises the event it
// causes. n.mu held.
func (nw *netLayer) applyPresence(r *remote, ch wire.Channel, p wire.Presence) {
	if nw.recordPresence(r, ch, p) {
		nw.n.emit(nw.reconcileShown(r))
	}
}

// recordPresence keeps p as r's presence on ch if it is newer than the
// one held and opens and checks; it reports whether it did. n.mu held.
func (nw *netLayer) recordPresence(r *remote, ch wire.Channel, p wire.Presence) bool {
	rp := &r.ch[ch].presence
	if !rp.fresh(p) {
		return false
	}
	if ch.Sealed() {
		opened, err := nw.grants.OpenPresence(r.id, p)
		if err != nil {
			nw.stats.undecryptable.Add(1)
			return false
		}
		p = opened
	}
	value, ok := decodePresence(p.Data)
	if !ok {
		nw.stats.rejected.Add(1)
		return false
	}
	*rp = remotePresence{epoch: p.Epoch, version: p.Version, value: value, set: true}
	return true
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

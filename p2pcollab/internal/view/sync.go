package view

import (
	"github.com/google/uuid"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

// ApplySnapshot replaces the state with s, the publisher's complete state,
// unless s is older than the view's position: older snapshots are Stale.
// A snapshot at the current position is applied too, because a digest that
// disagrees at the same position asks for exactly that. Held updates that
// follow s are applied after it. The view keeps the entries' data.
func (v *View) ApplySnapshot(s wire.Snapshot) (Verdict, []Change, error) {
	if s.Epoch < v.epoch || s.Epoch == v.epoch && s.Seq < v.seq {
		return Stale, nil, nil
	}
	live, err := snapshotObjects(s)
	if err != nil {
		return Invalid, nil, err
	}
	changes := diff(v.live, live)
	if s.Epoch != v.epoch || s.Beat > v.beat {
		v.beat = s.Beat
	}
	v.epoch, v.seq, v.known, v.live = s.Epoch, s.Seq, true, live
	v.prunePending()
	return Applied, v.drain(changes), nil
}

// snapshotObjects checks what the wire decoder checks about a snapshot's
// objects, for snapshots built in-process, and indexes them.
func snapshotObjects(s wire.Snapshot) (map[uuid.UUID]Object, error) {
	if s.Epoch == 0 || len(s.Objects) > wire.MaxLiveObjects {
		return nil, status.Errorf(status.ErrInvalidArg, "view: snapshot of epoch %d with %d objects", s.Epoch, len(s.Objects))
	}
	live := make(map[uuid.UUID]Object, len(s.Objects))
	versions := make(map[uint64]bool, len(s.Objects))
	for _, e := range s.Objects {
		_, dupID := live[e.ID]
		if e.ID == uuid.Nil || dupID || e.Version == 0 || e.Version > s.Seq || versions[e.Version] || len(e.Data) == 0 {
			return nil, status.Errorf(status.ErrInvalidArg, "view: snapshot object %s version %d at seq %d", e.ID, e.Version, s.Seq)
		}
		versions[e.Version] = true
		live[e.ID] = Object{ID: e.ID, Version: e.Version, Scope: e.Scope, Data: e.Data}
	}
	return live, nil
}

// prunePending drops held updates the new position has made useless:
// those of an older epoch, at or before the position, or beyond the
// window. Updates of a newer epoch stay for that epoch's snapshot.
func (v *View) prunePending() {
	if v.pendingEpoch < v.epoch {
		v.pending = nil
	}
	if v.pendingEpoch != v.epoch {
		return
	}
	for seq := range v.pending {
		if seq <= v.seq || seq-v.seq-1 > MaxPending {
			delete(v.pending, seq)
		}
	}
}

// ApplyDigest compares a publisher's heartbeat with the view. Only a digest
// with a beat newer than any seen in the epoch is fresh, which is what a
// liveness timer should count: a replayed digest is Stale. A fresh digest
// is InSync when it matches the view (or describes a position the view has
// already passed), and NeedSnapshot when the view is behind, has diverged
// at the same position, or is in unknown state.
func (v *View) ApplyDigest(d wire.Digest) Verdict {
	switch {
	case d.Epoch < v.epoch:
		return Stale
	case d.Epoch > v.epoch:
		return NeedSnapshot // the snapshot brings the new epoch's beat
	case d.Beat <= v.beat:
		return Stale
	}
	v.beat = d.Beat
	switch {
	case !v.known || d.Seq > v.seq:
		return NeedSnapshot
	case d.Seq < v.seq:
		return InSync // the digest left before updates the view already has
	case d.Count != len(v.live) || d.Hash != stateHash(v.live):
		return NeedSnapshot
	}
	return InSync
}

// Clear forgets the publisher's objects, returning their deletions: for
// when it is gone (missed heartbeats), signed out, or no longer watched.
// The position stays as a floor, so replays remain stale; the state is
// unknown until the next snapshot.
func (v *View) Clear() []Change {
	var changes []Change
	for _, o := range sorted(v.live) {
		changes = append(changes, Change{Kind: Deleted, Object: o})
	}
	v.live, v.known, v.pending, v.pendingEpoch = nil, false, nil, 0
	return changes
}

// Known reports whether the view holds the publisher's state (a snapshot
// was applied since the view was created or cleared).
func (v *View) Known() bool { return v.known }

// Position returns the epoch and seq the view has reached.
func (v *View) Position() (epoch, seq uint64) { return v.epoch, v.seq }

// Len returns the number of live objects.
func (v *View) Len() int { return len(v.live) }

// Get returns the live object id.
func (v *View) Get(id uuid.UUID) (Object, bool) {
	o, ok := v.live[id]
	return o, ok
}

// Objects returns the live objects in ascending id order.
func (v *View) Objects() []Object { return sorted(v.live) }

// FreshDigest reports whether d would count as fresh in ApplyDigest (a
// newer epoch, or a beat not yet seen in this one) without changing the
// view: what a pubsub validator needs to ignore replayed digests before
// they are forwarded.
func (v *View) FreshDigest(d wire.Digest) bool {
	return d.Epoch > v.epoch || d.Epoch == v.epoch && d.Beat > v.beat
}

package view

import (
	"github.com/google/uuid"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

// MaxPending is how many early updates a View holds while waiting for the
// ones before them: enough to ride out reordering in the mesh without a
// snapshot, small enough that a publisher costs a watcher at most
// MaxPending updates (about 0.5 MiB) on top of its live objects.
const MaxPending = 32

// Verdict is what a View made of a message. For a pubsub validator:
// Applied, Buffered, InSync and NeedSnapshot accept (the message is fresh;
// other watchers may need it), Stale ignores, Invalid rejects.
type Verdict uint8

const (
	// Applied: the message changed the state; see the returned changes.
	Applied Verdict = iota + 1
	// Buffered: an update ahead of a gap, held until the gap fills.
	Buffered
	// Stale: at or before the current position: a duplicate or a replay.
	Stale
	// NeedSnapshot: the view cannot follow from here (a gap beyond the
	// buffer, a newer epoch, unknown state, or a digest that disagrees);
	// the caller should pull a snapshot from the publisher.
	NeedSnapshot
	// InSync: a fresh digest that agrees with the view.
	InSync
	// Invalid: the message breaks a rule (such as the live-object limit);
	// it comes with an error wrapping status.ErrInvalidArg.
	Invalid
)

func (v Verdict) String() string {
	switch v {
	case Applied:
		return "applied"
	case Buffered:
		return "buffered"
	case Stale:
		return "stale"
	case NeedSnapshot:
		return "need-snapshot"
	case InSync:
		return "in-sync"
	case Invalid:
		return "invalid"
	}
	return "verdict(?)"
}

// View is a watcher's copy of one publisher's channel. Its zero value is
// an empty view in unknown state: every update calls for a snapshot until
// one is applied.
type View struct {
	// (epoch, seq) is the position reached, and a floor below which every
	// message is stale even while the state is unknown. beat is the last
	// digest beat seen in epoch.
	epoch, seq, beat uint64
	// known says live is the publisher's state at (epoch, seq).
	known bool
	live  map[uuid.UUID]Object
	// pending holds early updates of pendingEpoch, by seq: at most
	// MaxPending of them.
	pending      map[uint64]wire.Update
	pendingEpoch uint64
}

// Check classifies u as Apply would, without changing the view.
func (v *View) Check(u wire.Update) (Verdict, error) {
	if err := checkUpdate(u); err != nil {
		return Invalid, err
	}
	switch {
	case u.Epoch < v.epoch || u.Epoch == v.epoch && u.Seq <= v.seq:
		return Stale, nil
	case !v.known || u.Epoch > v.epoch:
		return NeedSnapshot, nil
	case u.Seq == v.seq+1:
		if err := v.checkLimit(u); err != nil {
			return Invalid, err
		}
		return Applied, nil
	case u.Seq-v.seq-1 <= MaxPending:
		if _, dup := v.pending[u.Seq]; dup && v.pendingEpoch == u.Epoch {
			return Stale, nil
		}
		return Buffered, nil
	}
	return NeedSnapshot, nil
}

// Apply processes an update from the publisher's topic. The view keeps
// u.Data (see Object). It returns the changes made: u's own, when it was
// next in line, and those of any held updates it unblocked.
//
// An update that calls for a snapshot is also held, room permitting, so
// that updates arriving while the snapshot is on its way are not lost.
func (v *View) Apply(u wire.Update) (Verdict, []Change, error) {
	verdict, err := v.Check(u)
	switch verdict {
	case Applied:
		changes := v.apply(nil, u)
		return Applied, v.drain(changes), nil
	case Buffered, NeedSnapshot:
		v.hold(u)
	}
	return verdict, nil, err
}

// checkUpdate repeats the wire decoder's structural rules, for updates
// built in-process rather than decoded.
func checkUpdate(u wire.Update) error {
	if u.Epoch == 0 || u.Seq == 0 || u.Object == uuid.Nil {
		return status.Errorf(status.ErrInvalidArg, "view: update at %d/%d of object %s", u.Epoch, u.Seq, u.Object)
	}
	switch u.Kind {
	case wire.KindUpsert:
		if len(u.Data) == 0 {
			return status.Errorf(status.ErrInvalidArg, "view: upsert of %s without data", u.Object)
		}
	case wire.KindDelete:
	default:
		return status.Errorf(status.ErrInvalidArg, "view: unknown kind %d", u.Kind)
	}
	return nil
}

// checkLimit fails if applying u would make one object too many.
func (v *View) checkLimit(u wire.Update) error {
	if u.Kind != wire.KindUpsert || len(v.live) < wire.MaxLiveObjects {
		return nil
	}
	if _, ok := v.live[u.Object]; ok {
		return nil
	}
	return status.Errorf(status.ErrInvalidArg, "view: object %s would be live object %d (limit %d)", u.Object, len(v.live)+1, wire.MaxLiveObjects)
}

// apply makes u, the next update in line, part of the state and appends
// its change. A delete of an object that is not live still moves the
// position (the seq is the publisher's) but changes nothing.
func (v *View) apply(changes []Change, u wire.Update) []Change {
	v.seq = u.Seq
	old, live := v.live[u.Object]
	if u.Kind == wire.KindDelete {
		if !live {
			return changes
		}
		delete(v.live, u.Object)
		return append(changes, Change{Kind: Deleted, Object: old})
	}
	o := Object{ID: u.Object, Version: u.Seq, Scope: u.Scope, Data: u.Data}
	kind := Updated
	if !live {
		kind = Added
	}
	if v.live == nil {
		v.live = make(map[uuid.UUID]Object)
	}
	v.live[u.Object] = o
	return append(changes, Change{Kind: kind, Object: o})
}

// hold keeps u for later. Updates of a newer epoch than those held replace
// them (the older ones can no longer apply). When MaxPending are held, the
// highest seq gives way to a lower one, since lower seqs apply sooner; what
// is dropped, the snapshot or the next digest recovers.
func (v *View) hold(u wire.Update) {
	if u.Epoch < v.pendingEpoch {
		return
	}
	if u.Epoch > v.pendingEpoch {
		v.pending, v.pendingEpoch = nil, u.Epoch
	}
	if _, dup := v.pending[u.Seq]; dup {
		return
	}
	if len(v.pending) >= MaxPending {
		highest := u.Seq
		for seq := range v.pending {
			highest = max(highest, seq)
		}
		if highest == u.Seq {
			return
		}
		delete(v.pending, highest)
	}
	if v.pending == nil {
		v.pending = make(map[uint64]wire.Update)
	}
	v.pending[u.Seq] = u
}

// drain applies held updates that have become next in line. One that
// breaks the object limit ends the run and empties the buffer: the
// position stays before it, so the next digest shows the view behind and
// a snapshot settles the matter.
func (v *View) drain(changes []Change) []Change {
	for v.known && v.pendingEpoch == v.epoch {
		u, ok := v.pending[v.seq+1]
		if !ok {
			break
		}
		delete(v.pending, u.Seq)
		if v.checkLimit(u) != nil {
			v.pending = nil
			break
		}
		changes = v.apply(changes, u)
	}
	return changes
}

package view

import (
	"bytes"

	"github.com/google/uuid"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Log is a publisher's side of one channel in one epoch: its live objects
// in plaintext, the seq of its last change and the beat of its last digest.
// Every Set and Delete returns the update to publish, stamped with the next
// seq. A Log starts empty: a new epoch is a fresh start, and objects the
// publisher still wants published are set again.
type Log struct {
	ch               wire.Channel
	epoch, seq, beat uint64
	live             map[uuid.UUID]Object
}

// NewLog returns an empty log of channel ch in epoch (see NextEpoch).
func NewLog(ch wire.Channel, epoch uint64) (*Log, error) {
	if !ch.Valid() || epoch == 0 {
		return nil, status.Errorf(status.ErrInvalidArg, "view: log of channel %d in epoch %d", ch, epoch)
	}
	return &Log{ch: ch, epoch: epoch, live: make(map[uuid.UUID]Object)}, nil
}

// Set creates or replaces object id and returns the plaintext update that
// announces it (key id 0; seal it for the internet channel). The log keeps
// its own copy of data, shared with the returned update. Setting an object
// again makes a new version even if nothing changed, as PeerCollabSetObject
// raises UPDATED for every call.
func (l *Log) Set(id uuid.UUID, scope wire.Scope, data []byte) (wire.Update, error) {
	switch {
	case id == uuid.Nil:
		return wire.Update{}, status.Errorf(status.ErrInvalidArg, "view: nil object id")
	case !l.ch.Carries(scope):
		return wire.Update{}, status.Errorf(status.ErrInvalidArg, "view: scope %d is not published on %s", scope, l.ch)
	case len(data) < 1 || len(data) > wire.MaxObjectData:
		return wire.Update{}, status.Errorf(status.ErrInvalidArg, "view: object data is %d bytes (want 1..%d)", len(data), wire.MaxObjectData)
	}
	if _, ok := l.live[id]; !ok && len(l.live) >= wire.MaxLiveObjects {
		return wire.Update{}, status.Errorf(status.ErrOutOfMemory, "view: %d live objects on %s already", len(l.live), l.ch)
	}
	l.seq++
	o := Object{ID: id, Version: l.seq, Scope: scope, Data: bytes.Clone(data)}
	l.live[id] = o
	return wire.Update{Epoch: l.epoch, Seq: l.seq, Kind: wire.KindUpsert, Object: id, Scope: scope, Data: o.Data}, nil
}

// Delete removes object id and returns the update that announces it, or
// false if id is not live (nothing to announce, no seq used).
func (l *Log) Delete(id uuid.UUID) (wire.Update, bool) {
	if _, ok := l.live[id]; !ok {
		return wire.Update{}, false
	}
	delete(l.live, id)
	l.seq++
	return wire.Update{Epoch: l.epoch, Seq: l.seq, Kind: wire.KindDelete, Object: id}, true
}

// Heartbeat returns the next digest to publish: the current position and
// live-set hash under a beat one higher than the last.
func (l *Log) Heartbeat() wire.Digest {
	l.beat++
	return wire.Digest{Epoch: l.epoch, Beat: l.beat, Seq: l.seq, Count: len(l.live), Hash: stateHash(l.live)}
}

// Snapshot returns the complete plaintext state (key id 0; seal it for the
// internet channel). Entry data is shared with the log.
func (l *Log) Snapshot() wire.Snapshot {
	s := wire.Snapshot{Epoch: l.epoch, Seq: l.seq, Beat: l.beat}
	for _, o := range sorted(l.live) {
		s.Objects = append(s.Objects, wire.Entry{ID: o.ID, Version: o.Version, Scope: o.Scope, Data: o.Data})
	}
	return s
}

// Channel returns the log's channel.
func (l *Log) Channel() wire.Channel { return l.ch }

// Position returns the epoch and the seq of the last change.
func (l *Log) Position() (epoch, seq uint64) { return l.epoch, l.seq }

// Len returns the number of live objects.
func (l *Log) Len() int { return len(l.live) }

// Get returns the live object id.
func (l *Log) Get(id uuid.UUID) (Object, bool) {
	o, ok := l.live[id]
	return o, ok
}

// Objects returns the live objects in ascending id order.
func (l *Log) Objects() []Object { return sorted(l.live) }

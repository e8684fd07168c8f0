package view

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"maps"
	"slices"

	"github.com/google/uuid"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// Object is a live object of a publisher's channel. Data is shared, not
// copied, between the view, the updates it came from and the changes it
// reports: nobody may modify it.
type Object struct {
	ID      uuid.UUID
	Version uint64 // seq of the update that last set the object
	Scope   wire.Scope
	Data    []byte
}

// ChangeKind has the values of the original PEER_CHANGE_TYPE.
type ChangeKind uint8

const (
	Added   ChangeKind = 0
	Deleted ChangeKind = 1
	Updated ChangeKind = 2
)

func (k ChangeKind) String() string {
	switch k {
	case Added:
		return "added"
	case Deleted:
		return "deleted"
	case Updated:
		return "updated"
	}
	return "change(?)"
}

// Change is what applying a message did to one object, for the node to
// raise as an event. A Deleted change carries the object as it was.
type Change struct {
	Kind   ChangeKind
	Object Object
}

// sorted returns the objects of live in ascending id order.
func sorted(live map[uuid.UUID]Object) []Object {
	out := slices.Collect(maps.Values(live))
	slices.SortFunc(out, func(a, b Object) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return out
}

// hashLabel separates the digest hash from any other use of SHA-256.
const hashLabel = "p2pcollab/1/digest\x00"

// stateHash is the digest hash of a live set: SHA-256 over the label and,
// in ascending id order, each object's 16-byte id and 8-byte big-endian
// version. Versions stand for data and scope: every change to either makes
// a new version, and the update behind it is signed by the publisher.
func stateHash(live map[uuid.UUID]Object) [wire.HashSize]byte {
	h := sha256.New()
	h.Write([]byte(hashLabel))
	var buf [24]byte
	for _, o := range sorted(live) {
		copy(buf[:16], o.ID[:])
		binary.BigEndian.PutUint64(buf[16:], o.Version)
		h.Write(buf[:])
	}
	return [wire.HashSize]byte(h.Sum(nil))
}

// diff returns the changes that turn old into new, in ascending id order.
// An object counts as updated when its version, scope or data differ.
func diff(old, new map[uuid.UUID]Object) []Change {
	var changes []Change
	for _, o := range sorted(old) {
		if _, ok := new[o.ID]; !ok {
			changes = append(changes, Change{Kind: Deleted, Object: o})
		}
	}
	for _, o := range sorted(new) {
		prev, ok := old[o.ID]
		switch {
		case !ok:
			changes = append(changes, Change{Kind: Added, Object: o})
		case prev.Version != o.Version || prev.Scope != o.Scope || !bytes.Equal(prev.Data, o.Data):
			changes = append(changes, Change{Kind: Updated, Object: o})
		}
	}
	slices.SortStableFunc(changes, func(a, b Change) int { return bytes.Compare(a.Object.ID[:], b.Object.ID[:]) })
	return changes
}

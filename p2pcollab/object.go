package p2pcollab

import (
	"bytes"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Limits of PeerCollabSetObject. The seed page says an object "must be
// smaller than 16K in size and cannot be 0", and that at most 128 objects
// can be published. They are defined once, by the wire protocol that
// every node's validator enforces, so the registry and the wire can never
// disagree.
const (
	MaxObjectSize = wire.MaxObjectData
	MaxObjects    = wire.MaxLiveObjects
)

// Object is a peer data object (PEER_OBJECT): a GUID, its data and its
// publication scope. Peer names the publisher; it is the local peer for the
// user's own objects.
type Object struct {
	ID    uuid.UUID `json:"id"`
	Data  []byte    `json:"data"`
	Scope Scope     `json:"scope"`
	Peer  peer.ID   `json:"peer"`
}

// Clone returns a deep copy, so callers never share the registry's bytes.
func (o Object) Clone() Object {
	o.Data = bytes.Clone(o.Data)
	return o
}

// Equal reports whether two objects carry the same id, data, scope and peer.
func (o Object) Equal(p Object) bool {
	return o.ID == p.ID && o.Scope == p.Scope && o.Peer == p.Peer && bytes.Equal(o.Data, p.Data)
}

// ValidateObject checks the limits that apply wherever an object enters:
// the local API, the SDK and the wire.
func ValidateObject(id uuid.UUID, data []byte, scope Scope) error {
	if id == uuid.Nil {
		return status.Errorf(status.ErrInvalidArg, "object id is the nil GUID")
	}
	if len(data) == 0 {
		return status.Errorf(status.ErrInvalidArg, "object data is empty (want 1..%d bytes)", MaxObjectSize)
	}
	if len(data) > MaxObjectSize {
		return status.Errorf(status.ErrInvalidArg, "object data is %d bytes (want 1..%d)", len(data), MaxObjectSize)
	}
	if !scope.Valid() {
		return status.Errorf(status.ErrInvalidArg, "invalid scope %d", uint8(scope))
	}
	return nil
}

package seal

import (
	"fmt"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Grants holds the keys publishers granted this node as a watcher: for
// each publisher, the current key and the one before it, of one epoch.
// Two keys per publisher are enough to open updates that were in flight
// during a rotation and keep memory bounded by the number of publishers,
// which the caller bounds by accepting grants only from contacts it
// watches. The zero value is ready to use.
type Grants struct {
	keys map[peer.ID]*keyPair
}

type keyPair struct {
	cur     Key
	prev    Key
	hasPrev bool
}

// Add stores a key granted by publisher (the authenticated remote peer of
// the stream it came on). It reports whether the key was new. Grants for
// an older epoch, or older than the two keys kept, are ignored; a grant for
// a newer epoch drops every key of the older one. A different secret under
// a key id already held is an error: ids are never reused in an epoch.
func (g *Grants) Add(publisher peer.ID, kg wire.KeyGrant) (bool, error) {
	if kg.Epoch == 0 || kg.KeyID == 0 || kg.Key == [wire.KeySize]byte{} {
		return false, status.Errorf(status.ErrInvalidArg, "seal: grant of key %d in epoch %d is not a key", kg.KeyID, kg.Epoch)
	}
	k := Key{Epoch: kg.Epoch, ID: kg.KeyID, Secret: kg.Key}
	p := g.keys[publisher]
	switch {
	case p == nil || k.Epoch > p.cur.Epoch:
		if g.keys == nil {
			g.keys = make(map[peer.ID]*keyPair)
		}
		g.keys[publisher] = &keyPair{cur: k}
		return true, nil
	case k.Epoch < p.cur.Epoch:
		return false, nil
	case k.ID > p.cur.ID:
		p.prev, p.hasPrev, p.cur = p.cur, true, k
		return true, nil
	case k.ID == p.cur.ID:
		return false, sameKey(p.cur, k)
	case p.hasPrev && k.ID == p.prev.ID:
		return false, sameKey(p.prev, k)
	}
	return false, nil
}

func sameKey(held, got Key) error {
	if held.Secret != got.Secret {
		return status.Errorf(status.ErrInvalidArg, "seal: a different secret for key %d of epoch %d", got.ID, got.Epoch)
	}
	return nil
}

// Key returns publisher's key id of epoch, if it is held.
func (g *Grants) Key(publisher peer.ID, epoch uint64, id uint32) (Key, bool) {
	p := g.keys[publisher]
	switch {
	case p == nil || p.cur.Epoch != epoch:
		return Key{}, false
	case p.cur.ID == id:
		return p.cur, true
	case p.hasPrev && p.prev.ID == id:
		return p.prev, true
	}
	return Key{}, false
}

// Forget drops every key of publisher, for when this node stops watching
// it or it revokes this node.
func (g *Grants) Forget(publisher peer.ID) { delete(g.keys, publisher) }

// Len returns the number of publishers whose keys are held.
func (g *Grants) Len() int { return len(g.keys) }

func (g *Grants) key(publisher peer.ID, epoch uint64, id uint32) (Key, error) {
	k, ok := g.Key(publisher, epoch, id)
	if !ok {
		return Key{}, fmt.Errorf("%w: publisher %s, epoch %d, key %d", ErrUnknownKey, publisher, epoch, id)
	}
	return k, nil
}

// OpenUpdate returns u, an update received on publisher's internet
// channel, with its data decrypted. A delete carries no data and is
// returned as is. An update under a key not held fails with ErrUnknownKey;
// one that does not open (tampered, or moved from another slot) with
// status.ErrInvalidArg.
func (g *Grants) OpenUpdate(publisher peer.ID, u wire.Update) (wire.Update, error) {
	if u.Kind != wire.KindUpsert {
		return u, nil
	}
	k, err := g.key(publisher, u.Epoch, u.KeyID)
	if err != nil {
		return wire.Update{}, err
	}
	plain, err := Open(k, updateSlot(publisher, u), u.Data)
	if err != nil {
		return wire.Update{}, err
	}
	u.Data = plain
	return u, nil
}

// OpenSnapshot returns s, a snapshot of publisher's internet channel, with
// every object decrypted. It fails as OpenUpdate does.
func (g *Grants) OpenSnapshot(publisher peer.ID, s wire.Snapshot) (wire.Snapshot, error) {
	k, err := g.key(publisher, s.Epoch, s.KeyID)
	if err != nil {
		return wire.Snapshot{}, err
	}
	objects := make([]wire.Entry, len(s.Objects))
	for i, e := range s.Objects {
		plain, err := Open(k, entrySlot(publisher, s, e), e.Data)
		if err != nil {
			return wire.Snapshot{}, err
		}
		e.Data = plain
		objects[i] = e
	}
	if s.Objects != nil {
		s.Objects = objects
	}
	return s, nil
}

// OpenPresence returns p, a presence received on publisher's internet
// channel, with its data decrypted. It fails as OpenUpdate does.
func (g *Grants) OpenPresence(publisher peer.ID, p wire.Presence) (wire.Presence, error) {
	k, err := g.key(publisher, p.Epoch, p.KeyID)
	if err != nil {
		return wire.Presence{}, err
	}
	plain, err := Open(k, presenceSlot(publisher, p), p.Data)
	if err != nil {
		return wire.Presence{}, err
	}
	p.Data = plain
	return p, nil
}

package seal

import (
	"io"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Keyring is a publisher's key for its internet channel in one epoch. It
// only ever seals under its current key.
type Keyring struct {
	publisher peer.ID
	rand      io.Reader
	cur       Key
}

// NewKeyring returns a keyring for publisher in epoch with a fresh random
// key of id 1. A nil rand means crypto/rand.
func NewKeyring(publisher peer.ID, epoch uint64, rand io.Reader) (*Keyring, error) {
	if epoch == 0 {
		return nil, status.Errorf(status.ErrInvalidArg, "seal: epoch 0")
	}
	r := &Keyring{publisher: publisher, rand: rand}
	if err := r.newKey(epoch, 1); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Keyring) newKey(epoch uint64, id uint32) error {
	k := Key{Epoch: epoch, ID: id}
	if err := readRandom(r.rand, k.Secret[:]); err != nil {
		return err
	}
	r.cur = k
	return nil
}

// Current returns the key everything is sealed under now.
func (r *Keyring) Current() Key { return r.cur }

// Grant returns the message that hands the current key to a watcher.
func (r *Keyring) Grant() wire.KeyGrant { return r.cur.Grant() }

// Rotate replaces the current key with a fresh random one whose id is one
// more. Call it when a watcher is revoked, before sealing anything else,
// then grant the new key to the remaining watchers: the revoked one cannot
// open anything sealed from now on.
func (r *Keyring) Rotate() (Key, error) {
	if r.cur.ID == wire.MaxKeyID {
		return Key{}, status.Errorf(status.ErrOutOfMemory, "seal: %d rotations in one epoch", r.cur.ID)
	}
	if err := r.newKey(r.cur.Epoch, r.cur.ID+1); err != nil {
		return Key{}, err
	}
	return r.cur, nil
}

// SealUpdate returns u, a plaintext update of this keyring's epoch (key id
// 0), sealed for the internet channel: the data of an upsert encrypted
// under the current key and KeyID set. A delete has no data and only gets
// the key id.
func (r *Keyring) SealUpdate(u wire.Update) (wire.Update, error) {
	if u.KeyID != 0 {
		return wire.Update{}, status.Errorf(status.ErrInvalidArg, "seal: update already sealed under key %d", u.KeyID)
	}
	if u.Epoch != r.cur.Epoch {
		return wire.Update{}, status.Errorf(status.ErrInvalidArg, "seal: update of epoch %d, keyring of epoch %d", u.Epoch, r.cur.Epoch)
	}
	u.KeyID = r.cur.ID
	if u.Kind != wire.KindUpsert {
		return u, nil
	}
	sealed, err := Seal(r.cur, updateSlot(r.publisher, u), u.Data, r.rand)
	if err != nil {
		return wire.Update{}, err
	}
	u.Data = sealed
	return u, nil
}

// SealSnapshot returns s, a plaintext snapshot of this keyring's epoch,
// with every object sealed under the current key. Objects set before a
// rotation are sealed again under the new key, which is what keeps a
// revoked watcher from reading them in later snapshots.
func (r *Keyring) SealSnapshot(s wire.Snapshot) (wire.Snapshot, error) {
	if s.KeyID != 0 {
		return wire.Snapshot{}, status.Errorf(status.ErrInvalidArg, "seal: snapshot already sealed under key %d", s.KeyID)
	}
	if s.Epoch != r.cur.Epoch {
		return wire.Snapshot{}, status.Errorf(status.ErrInvalidArg, "seal: snapshot of epoch %d, keyring of epoch %d", s.Epoch, r.cur.Epoch)
	}
	s.KeyID = r.cur.ID
	objects := make([]wire.Entry, len(s.Objects))
	for i, e := range s.Objects {
		sealed, err := Seal(r.cur, entrySlot(r.publisher, s, e), e.Data, r.rand)
		if err != nil {
			return wire.Snapshot{}, err
		}
		e.Data = sealed
		objects[i] = e
	}
	if s.Objects != nil {
		s.Objects = objects
	}
	return s, nil
}

func updateSlot(publisher peer.ID, u wire.Update) Slot {
	return Slot{Publisher: publisher, Epoch: u.Epoch, Seq: u.Seq, Object: u.Object, Kind: u.Kind, Scope: u.Scope}
}

// entrySlot is the slot of the update that set e: a snapshot entry is
// sealed exactly as that update was, so the same ciphertext may serve both.
func entrySlot(publisher peer.ID, s wire.Snapshot, e wire.Entry) Slot {
	return Slot{Publisher: publisher, Epoch: s.Epoch, Seq: e.Version, Object: e.ID, Kind: wire.KindUpsert, Scope: e.Scope}
}

// SealPresence returns p, a plaintext presence of this keyring's epoch
// (key id 0), sealed for the internet channel under the current key. Its
// slot is the nil object id with kind wire.KindPresence at seq = the
// presence version, which no object update ever uses.
func (r *Keyring) SealPresence(p wire.Presence) (wire.Presence, error) {
	if p.KeyID != 0 {
		return wire.Presence{}, status.Errorf(status.ErrInvalidArg, "seal: presence already sealed under key %d", p.KeyID)
	}
	if p.Epoch != r.cur.Epoch {
		return wire.Presence{}, status.Errorf(status.ErrInvalidArg, "seal: presence of epoch %d, keyring of epoch %d", p.Epoch, r.cur.Epoch)
	}
	sealed, err := Seal(r.cur, presenceSlot(r.publisher, p), p.Data, r.rand)
	if err != nil {
		return wire.Presence{}, err
	}
	p.KeyID, p.Data = r.cur.ID, sealed
	return p, nil
}

func presenceSlot(publisher peer.ID, p wire.Presence) Slot {
	return Slot{Publisher: publisher, Epoch: p.Epoch, Seq: p.Version, Kind: wire.KindPresence}
}

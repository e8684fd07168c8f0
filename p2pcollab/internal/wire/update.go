package wire

import (
	"encoding/binary"

	"github.com/google/uuid"
)

// Update is one change to one object on a publisher's channel: the
// publisher's gossip message. (Epoch, Seq) orders all updates of a channel:
// Seq starts at 1 in each epoch and grows by exactly one per change, which
// is what lets a watcher spot a gap, and a replay, without tombstones.
//
// Layout after the header: epoch, seq and key id as varints, kind (1 byte),
// object id (16 bytes); upserts then carry scope (1 byte) and data
// (varint length + bytes). Deletes end after the object id.
type Update struct {
	Epoch  uint64    // publisher epoch, >= 1, grows across restarts
	Seq    uint64    // position in the epoch, >= 1
	KeyID  uint32    // key the data is sealed with; 0 on NearMe
	Kind   Kind      // upsert or delete
	Object uuid.UUID // the object's GUID, never Nil
	Scope  Scope     // upsert: a scope the channel carries; delete: ScopeNone
	Data   []byte    // upsert: plaintext (NearMe) or sealed (Internet); delete: nil
}

// check enforces every rule the decoder enforces, so the encoder can only
// produce what the decoder accepts.
func (u Update) check(ch Channel) error {
	if err := ch.checkKeyID(uint64(u.KeyID)); err != nil {
		return err
	}
	if u.Epoch == 0 || u.Seq == 0 {
		return invalid("update: epoch %d, seq %d (want both >= 1)", u.Epoch, u.Seq)
	}
	if u.Object == uuid.Nil {
		return invalid("update: nil object id")
	}
	switch u.Kind {
	case KindUpsert:
		if !ch.Carries(u.Scope) {
			return invalid("update: scope %d not carried on %s", u.Scope, ch)
		}
		lo, hi := ch.dataBounds()
		return checkData("update data", u.Data, lo, hi)
	case KindDelete:
		if u.Scope != ScopeNone || u.Data != nil {
			return invalid("update: delete with scope %d and %d data bytes (want none)", u.Scope, len(u.Data))
		}
		return nil
	}
	return invalid("update: unknown kind %d", uint8(u.Kind))
}

// EncodeUpdate encodes u for channel ch, or fails if u breaks a rule.
func EncodeUpdate(ch Channel, u Update) ([]byte, error) {
	if err := u.check(ch); err != nil {
		return nil, err
	}
	b := make([]byte, 0, 2+3*maxVarint+18+3+len(u.Data))
	b = append(b, header(TypeUpdate)...)
	b = binary.AppendUvarint(b, u.Epoch)
	b = binary.AppendUvarint(b, u.Seq)
	b = binary.AppendUvarint(b, uint64(u.KeyID))
	b = append(b, byte(u.Kind))
	b = append(b, u.Object[:]...)
	if u.Kind == KindUpsert {
		b = append(b, byte(u.Scope))
		b = appendData(b, u.Data)
	}
	return b, nil
}

// DecodeUpdate decodes an update received on channel ch.
func DecodeUpdate(ch Channel, b []byte) (Update, error) {
	r := reader{b: b}
	r.header(TypeUpdate)
	var u Update
	u.Epoch = r.uvarint("update epoch")
	u.Seq = r.uvarint("update seq")
	keyID := r.uvarint("update key id")
	if r.err == nil {
		r.err = ch.checkKeyID(keyID)
	}
	u.KeyID = uint32(keyID)
	u.Kind = Kind(r.byte("update kind"))
	u.Object = r.objectID("update object id")
	if r.err == nil && u.Kind == KindUpsert {
		u.Scope = Scope(r.byte("update scope"))
		lo, hi := ch.dataBounds()
		u.Data = r.data(lo, hi, "update data")
	}
	if err := r.end(TypeUpdate); err != nil {
		return Update{}, err
	}
	if err := u.check(ch); err != nil {
		return Update{}, err
	}
	return u, nil
}

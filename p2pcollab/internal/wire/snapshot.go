package wire

import (
	"bytes"
	"encoding/binary"
	"slices"

	"github.com/google/uuid"
)

// Snapshot is a publisher's complete state on one channel at (Epoch, Seq),
// sent over a direct authenticated stream to a watcher that is new, has
// fallen behind or disagrees with a digest. Beat is the last digest beat
// sent in the epoch, so that a watcher which adopts the snapshot still
// recognises older digests as replays. Presence is the publisher's current
// presence on the channel, if it has set one in the epoch: presence is
// published when it changes, not repeated, so a new watcher learns it here.
//
// Layout after the header: epoch, seq, beat, key id and object count as
// varints, then the objects in ascending id order, each as id (16 bytes),
// version (varint), scope (1 byte) and data (varint length + bytes); then
// one byte, 0 without a presence, or 1 followed by the presence's version
// and key id (varints) and data (varint length + bytes); its epoch is the
// snapshot's.
type Snapshot struct {
	Epoch    uint64    // >= 1
	Seq      uint64    // last sequence number used in the epoch
	Beat     uint64    // last digest beat of the epoch, 0 if none yet
	KeyID    uint32    // key every entry is sealed with; 0 on NearMe
	Objects  []Entry   // live objects, sorted by ID, at most MaxLiveObjects
	Presence *Presence // nil if none; its Epoch is the snapshot's
}

// Entry is one live object in a snapshot.
type Entry struct {
	ID      uuid.UUID // never Nil, unique in the snapshot
	Version uint64    // seq of the update that last set it: 1..Seq, unique
	Scope   Scope     // a scope the channel carries
	Data    []byte    // plaintext (NearMe) or sealed (Internet)
}

// minEntryLen is the smallest encoded entry: id, one-byte version, scope,
// one-byte length and one byte of data. The decoder uses it to refuse a
// count that the remaining input cannot hold before allocating for it.
const minEntryLen = 16 + 1 + 1 + 1 + 1

func (s Snapshot) check(ch Channel) error {
	if err := ch.checkKeyID(uint64(s.KeyID)); err != nil {
		return err
	}
	if s.Epoch == 0 {
		return invalid("snapshot: epoch 0 (want >= 1)")
	}
	n := len(s.Objects)
	if n > MaxLiveObjects || uint64(n) > s.Seq {
		return invalid("snapshot: %d objects at seq %d (want at most min(seq, %d))", n, s.Seq, MaxLiveObjects)
	}
	lo, hi := ch.dataBounds()
	versions := make([]uint64, 0, n)
	for i, e := range s.Objects {
		if e.ID == uuid.Nil {
			return invalid("snapshot: object %d has the nil id", i)
		}
		// Strictly ascending ids: no duplicates, and one canonical order.
		if i > 0 && bytes.Compare(s.Objects[i-1].ID[:], e.ID[:]) >= 0 {
			return invalid("snapshot: object %d (%s) out of order", i, e.ID)
		}
		if e.Version == 0 || e.Version > s.Seq {
			return invalid("snapshot: object %s version %d (want 1..%d)", e.ID, e.Version, s.Seq)
		}
		if !ch.Carries(e.Scope) {
			return invalid("snapshot: object %s scope %d not carried on %s", e.ID, e.Scope, ch)
		}
		if err := checkData("snapshot data", e.Data, lo, hi); err != nil {
			return err
		}
		versions = append(versions, e.Version)
	}
	// Each seq changes exactly one object, so live versions are distinct.
	slices.Sort(versions)
	for i := 1; i < len(versions); i++ {
		if versions[i] == versions[i-1] {
			return invalid("snapshot: two objects with version %d", versions[i])
		}
	}
	if p := s.Presence; p != nil {
		if p.Epoch != s.Epoch {
			return invalid("snapshot: presence of epoch %d in a snapshot of epoch %d", p.Epoch, s.Epoch)
		}
		return p.check(ch)
	}
	return nil
}

// EncodeSnapshot encodes s for channel ch, or fails if s breaks a rule.
func EncodeSnapshot(ch Channel, s Snapshot) ([]byte, error) {
	if err := s.check(ch); err != nil {
		return nil, err
	}
	size := 2 + 5*maxVarint + 1 + maxPresenceBody
	for _, e := range s.Objects {
		size += 16 + 2*maxVarint + 1 + len(e.Data)
	}
	b := make([]byte, 0, size)
	b = append(b, header(TypeSnapshot)...)
	b = binary.AppendUvarint(b, s.Epoch)
	b = binary.AppendUvarint(b, s.Seq)
	b = binary.AppendUvarint(b, s.Beat)
	b = binary.AppendUvarint(b, uint64(s.KeyID))
	b = binary.AppendUvarint(b, uint64(len(s.Objects)))
	for _, e := range s.Objects {
		b = append(b, e.ID[:]...)
		b = binary.AppendUvarint(b, e.Version)
		b = append(b, byte(e.Scope))
		b = appendData(b, e.Data)
	}
	if p := s.Presence; p == nil {
		b = append(b, 0)
	} else {
		b = appendPresenceBody(append(b, 1), *p)
	}
	return b, nil
}

// DecodeSnapshot decodes a snapshot received for channel ch. An empty
// snapshot decodes with a nil Objects slice.
func DecodeSnapshot(ch Channel, b []byte) (Snapshot, error) {
	r := reader{b: b}
	r.header(TypeSnapshot)
	var s Snapshot
	s.Epoch = r.uvarint("snapshot epoch")
	s.Seq = r.uvarint("snapshot seq")
	s.Beat = r.uvarint("snapshot beat")
	keyID := r.uvarint("snapshot key id")
	if r.err == nil {
		r.err = ch.checkKeyID(keyID)
	}
	s.KeyID = uint32(keyID)
	n := r.uvarint("snapshot count")
	if r.err == nil && (n > MaxLiveObjects || n > uint64(len(r.b)/minEntryLen)) {
		r.fail("snapshot: %d objects in %d bytes (want at most %d)", n, len(r.b), MaxLiveObjects)
	}
	if r.err == nil && n > 0 {
		s.Objects = make([]Entry, 0, n)
	}
	lo, hi := ch.dataBounds()
	for i := uint64(0); i < n && r.err == nil; i++ {
		var e Entry
		e.ID = r.objectID("snapshot object id")
		e.Version = r.uvarint("snapshot object version")
		e.Scope = Scope(r.byte("snapshot object scope"))
		e.Data = r.data(lo, hi, "snapshot object data")
		s.Objects = append(s.Objects, e)
	}
	switch flag := r.byte("snapshot presence flag"); {
	case r.err != nil || flag == 0:
	case flag == 1:
		s.Presence = &Presence{Epoch: s.Epoch}
		r.presenceBody(ch, s.Presence)
	default:
		r.fail("snapshot: presence flag %d (want 0 or 1)", flag)
	}
	if err := r.end(TypeSnapshot); err != nil {
		return Snapshot{}, err
	}
	if err := s.check(ch); err != nil {
		return Snapshot{}, err
	}
	return s, nil
}

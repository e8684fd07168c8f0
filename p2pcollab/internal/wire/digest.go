package wire

import "encoding/binary"

// Digest is the publisher's periodic heartbeat on a channel: where its
// sequence stands and a hash of its live set. A watcher whose own state
// differs at the same (Epoch, Seq), or that is behind, pulls a snapshot;
// that is how it converges after a partition without waiting for the next
// change. Beat grows by one per digest within an epoch so that a replayed
// digest can be told from a fresh one: only fresh beats prove the
// publisher is alive. Presence is the version of the publisher's presence
// in the epoch (0 before the first): a watcher that holds an older one
// missed a change and pulls the snapshot, which carries the presence.
//
// Layout after the header: epoch, beat, seq, count and presence as
// varints, then the 32-byte hash.
type Digest struct {
	Epoch    uint64         // >= 1
	Beat     uint64         // >= 1, one more than the previous digest's
	Seq      uint64         // last sequence number used in the epoch
	Count    int            // live objects, 0..MaxLiveObjects and <= Seq
	Presence uint64         // presence version in the epoch, 0 if none yet
	Hash     [HashSize]byte // hash of the sorted (id, version) list, see package view
}

func (d Digest) check() error {
	if d.Epoch == 0 || d.Beat == 0 {
		return invalid("digest: epoch %d, beat %d (want both >= 1)", d.Epoch, d.Beat)
	}
	// Each live object was set by a distinct update, hence Count <= Seq.
	if d.Count < 0 || d.Count > MaxLiveObjects || uint64(d.Count) > d.Seq {
		return invalid("digest: %d live objects at seq %d (want 0..min(seq, %d))", d.Count, d.Seq, MaxLiveObjects)
	}
	return nil
}

// EncodeDigest encodes d, or fails if d breaks a rule.
func EncodeDigest(d Digest) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	b := make([]byte, 0, MaxDigestLen)
	b = append(b, header(TypeDigest)...)
	b = binary.AppendUvarint(b, d.Epoch)
	b = binary.AppendUvarint(b, d.Beat)
	b = binary.AppendUvarint(b, d.Seq)
	b = binary.AppendUvarint(b, uint64(d.Count))
	b = binary.AppendUvarint(b, d.Presence)
	return append(b, d.Hash[:]...), nil
}

// DecodeDigest decodes a digest.
func DecodeDigest(b []byte) (Digest, error) {
	r := reader{b: b}
	r.header(TypeDigest)
	var d Digest
	d.Epoch = r.uvarint("digest epoch")
	d.Beat = r.uvarint("digest beat")
	d.Seq = r.uvarint("digest seq")
	count := r.uvarint("digest count")
	if r.err == nil && count > MaxLiveObjects {
		r.fail("digest: %d live objects (want at most %d)", count, MaxLiveObjects)
	}
	d.Count = int(count)
	d.Presence = r.uvarint("digest presence")
	r.fixed(d.Hash[:], "digest hash")
	if err := r.end(TypeDigest); err != nil {
		return Digest{}, err
	}
	if err := d.check(); err != nil {
		return Digest{}, err
	}
	return d, nil
}

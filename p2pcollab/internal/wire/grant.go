package wire

import "encoding/binary"

// KeyGrant hands a watcher the publisher's group key for its internet
// channel, over a direct authenticated stream and only to allowed watchers.
// A key belongs to one publisher epoch; within it, ids start at 1 and grow
// by one at each rotation.
//
// Layout after the header: epoch and key id as varints, then the 32-byte
// key.
type KeyGrant struct {
	Epoch uint64        // epoch the key belongs to, >= 1
	KeyID uint32        // >= 1
	Key   [KeySize]byte // XChaCha20-Poly1305 key
}

func (g KeyGrant) check() error {
	if g.Epoch == 0 || g.KeyID == 0 {
		return invalid("key grant: epoch %d, key id %d (want both >= 1)", g.Epoch, g.KeyID)
	}
	// An all-zero key is what an uninitialised array looks like, never
	// what a random generator hands out in practice.
	if g.Key == [KeySize]byte{} {
		return invalid("key grant: all-zero key")
	}
	return nil
}

// EncodeKeyGrant encodes g, or fails if g breaks a rule.
func EncodeKeyGrant(g KeyGrant) ([]byte, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	b := make([]byte, 0, MaxKeyGrantLen)
	b = append(b, header(TypeKeyGrant)...)
	b = binary.AppendUvarint(b, g.Epoch)
	b = binary.AppendUvarint(b, uint64(g.KeyID))
	return append(b, g.Key[:]...), nil
}

// DecodeKeyGrant decodes a key grant.
func DecodeKeyGrant(b []byte) (KeyGrant, error) {
	r := reader{b: b}
	r.header(TypeKeyGrant)
	var g KeyGrant
	g.Epoch = r.uvarint("key grant epoch")
	id := r.uvarint("key grant key id")
	if r.err == nil && id > MaxKeyID {
		r.fail("key grant: key id %d (want at most %d)", id, uint64(MaxKeyID))
	}
	g.KeyID = uint32(id)
	r.fixed(g.Key[:], "key grant key")
	if err := r.end(TypeKeyGrant); err != nil {
		return KeyGrant{}, err
	}
	if err := g.check(); err != nil {
		return KeyGrant{}, err
	}
	return g, nil
}

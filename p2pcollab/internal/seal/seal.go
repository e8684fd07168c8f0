package seal

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
	"golang.org/x/crypto/chacha20poly1305"
)

// Overhead is what Seal adds to a plaintext: the nonce and the tag.
const Overhead = chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead

// ErrUnknownKey is returned when a payload is sealed under a key that was
// never granted (or was already dropped). It wraps status.ErrNotFound; the
// caller should pull a snapshot, which comes with the current key.
var ErrUnknownKey = status.Errorf(status.ErrNotFound, "seal: key not granted")

// Key is one group key of a publisher's internet channel.
type Key struct {
	Epoch  uint64 // the publisher epoch the key belongs to
	ID     uint32 // 1 for the epoch's first key, +1 at each rotation
	Secret [wire.KeySize]byte
}

// Grant returns the message that hands k to a watcher.
func (k Key) Grant() wire.KeyGrant {
	return wire.KeyGrant{Epoch: k.Epoch, KeyID: k.ID, Key: k.Secret}
}

// Slot is everything a ciphertext is bound to besides its key.
type Slot struct {
	Publisher peer.ID
	Epoch     uint64
	Seq       uint64 // the update's seq, or a snapshot entry's version
	Object    uuid.UUID
	Kind      wire.Kind
	Scope     wire.Scope
}

// adLabel separates this use of the key from any other the protocol may
// add later.
const adLabel = "p2pcollab/1/seal\x00"

// associatedData encodes the slot and key id unambiguously: variable-length
// fields carry their length, the rest have fixed widths.
func associatedData(k Key, s Slot) []byte {
	topic := wire.Topic(wire.Internet, s.Publisher)
	ad := make([]byte, 0, len(adLabel)+2*binary.MaxVarintLen64+len(s.Publisher)+len(topic)+8+8+4+16+2)
	ad = append(ad, adLabel...)
	ad = binary.AppendUvarint(ad, uint64(len(s.Publisher)))
	ad = append(ad, s.Publisher...)
	ad = binary.AppendUvarint(ad, uint64(len(topic)))
	ad = append(ad, topic...)
	ad = binary.BigEndian.AppendUint64(ad, s.Epoch)
	ad = binary.BigEndian.AppendUint64(ad, s.Seq)
	ad = binary.BigEndian.AppendUint32(ad, k.ID)
	ad = append(ad, s.Object[:]...)
	return append(ad, byte(s.Kind), byte(s.Scope))
}

// Seal encrypts plaintext (1..wire.MaxObjectData bytes) under k for slot s
// and returns nonce || ciphertext || tag. A nil rand means crypto/rand.
func Seal(k Key, s Slot, plaintext []byte, rand io.Reader) ([]byte, error) {
	if s.Epoch != k.Epoch {
		return nil, status.Errorf(status.ErrInvalidArg, "seal: key of epoch %d used in epoch %d", k.Epoch, s.Epoch)
	}
	if len(plaintext) < 1 || len(plaintext) > wire.MaxObjectData {
		return nil, status.Errorf(status.ErrInvalidArg, "seal: plaintext of %d bytes (want 1..%d)", len(plaintext), wire.MaxObjectData)
	}
	aead, err := chacha20poly1305.NewX(k.Secret[:])
	if err != nil {
		return nil, err // impossible: the key has the right size
	}
	out := make([]byte, chacha20poly1305.NonceSizeX, Overhead+len(plaintext))
	if err := readRandom(rand, out); err != nil {
		return nil, err
	}
	return aead.Seal(out, out, plaintext, associatedData(k, s)), nil
}

// Open decrypts sealed, which must have been sealed under k for slot s.
// Any other key, slot or a changed byte fails with status.ErrInvalidArg.
func Open(k Key, s Slot, sealed []byte) ([]byte, error) {
	if s.Epoch != k.Epoch {
		return nil, status.Errorf(status.ErrInvalidArg, "seal: key of epoch %d used in epoch %d", k.Epoch, s.Epoch)
	}
	if len(sealed) < Overhead+1 {
		return nil, status.Errorf(status.ErrInvalidArg, "seal: %d bytes, shorter than a sealed payload", len(sealed))
	}
	aead, err := chacha20poly1305.NewX(k.Secret[:])
	if err != nil {
		return nil, err
	}
	nonce, body := sealed[:chacha20poly1305.NonceSizeX], sealed[chacha20poly1305.NonceSizeX:]
	plain, err := aead.Open(nil, nonce, body, associatedData(k, s))
	if err != nil {
		return nil, status.Errorf(status.ErrInvalidArg, "seal: object %s at %d/%d does not open under key %d", s.Object, s.Epoch, s.Seq, k.ID)
	}
	return plain, nil
}

func readRandom(r io.Reader, b []byte) error {
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, b); err != nil {
		return fmt.Errorf("seal: reading randomness: %w", err)
	}
	return nil
}

// wire sizes its bounds on sealed data with its own copy of Overhead; this
// line stops the build if the two ever differ.
var _ = [1]struct{}{}[Overhead-wire.SealOverhead]

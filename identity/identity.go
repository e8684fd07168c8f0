package identity

import (
	"crypto/rand"
	"fmt"

	"github.com/libp2p/go-libp2p/core/crypto"
	pb "github.com/libp2p/go-libp2p/core/crypto/pb"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/peerd/peerd/p2pcollab/status"
)

// Identity is a user's key pair and the peer ID derived from it. ID always
// matches PrivKey when the Identity comes from this package.
type Identity struct {
	PrivKey crypto.PrivKey
	ID      peer.ID
}

// Generate returns a new in-memory identity that is never written to disk;
// tests and simulated networks use it. Use Create for a user's identity.
func Generate() (*Identity, error) {
	priv, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("identity: generate key: %w", err)
	}
	return FromPrivKey(priv)
}

// FromPrivKey returns the identity of an Ed25519 private key. Other key
// types fail with status.ErrInvalidArg: peerd relies on the public key being
// recoverable from the peer ID (to check contact cards without a key
// exchange), which libp2p guarantees only for Ed25519 among its key types.
func FromPrivKey(priv crypto.PrivKey) (*Identity, error) {
	if priv == nil {
		return nil, status.Errorf(status.ErrInvalidArg, "identity: nil private key")
	}
	if priv.Type() != pb.KeyType_Ed25519 {
		return nil, status.Errorf(status.ErrInvalidArg, "identity: %v key, want Ed25519", priv.Type())
	}
	id, err := peer.IDFromPrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("identity: derive peer ID: %w", err)
	}
	return &Identity{PrivKey: priv, ID: id}, nil
}

// PubKey returns the public half of the key pair.
func (id *Identity) PubKey() crypto.PubKey { return id.PrivKey.GetPublic() }

// String returns the peer ID, so that logging an Identity never prints key
// material.
func (id *Identity) String() string { return id.ID.String() }

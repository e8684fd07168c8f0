package contacts

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"

	"github.com/peerd/peerd/identity"
)

// fixedKey returns a deterministic Ed25519 key, so that fuzz seeds and
// golden values do not change between runs.
func fixedKey(t testing.TB, seed byte) crypto.PrivKey {
	t.Helper()
	priv, err := crypto.UnmarshalEd25519PrivateKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize)))
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

func fixedIdentity(t testing.TB, seed byte) *identity.Identity {
	t.Helper()
	id, err := identity.FromPrivKey(fixedKey(t, seed))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func newIdentity(t testing.TB) *identity.Identity {
	t.Helper()
	id, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func newPeerID(t testing.TB) peer.ID { return newIdentity(t).ID }

func addr(t testing.TB, s string) multiaddr.Multiaddr {
	t.Helper()
	a, err := multiaddr.NewMultiaddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func addrsEqual(a, b []multiaddr.Multiaddr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

func contactsEqual(a, b Contact) bool {
	return a.PeerID == b.PeerID && a.Nickname == b.Nickname && a.DisplayName == b.DisplayName &&
		a.Email == b.Email && a.Watch == b.Watch && a.Permission == b.Permission && addrsEqual(a.Addrs, b.Addrs)
}

func cardsEqual(a, b Card) bool {
	return a.PeerID == b.PeerID && a.Nickname == b.Nickname && a.DisplayName == b.DisplayName && addrsEqual(a.Addrs, b.Addrs)
}

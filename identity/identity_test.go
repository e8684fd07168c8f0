package identity

import (
	"crypto/rand"
	"errors"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/peerd/peerd/p2pcollab/status"
)

func TestGenerate(t *testing.T) {
	a, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == b.ID {
		t.Fatal("two generated identities have the same ID")
	}
	if !a.ID.MatchesPrivateKey(a.PrivKey) {
		t.Error("ID does not match the private key")
	}
	if !a.PubKey().Equals(a.PrivKey.GetPublic()) {
		t.Error("PubKey is not the public half of PrivKey")
	}
	if got, want := a.String(), a.ID.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	// The public key must be recoverable from the ID: contact cards rely
	// on it.
	pub, err := a.ID.ExtractPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equals(a.PubKey()) {
		t.Error("public key extracted from the ID differs")
	}
}

func TestFromPrivKey(t *testing.T) {
	priv, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, err := FromPrivKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := peer.IDFromPrivateKey(priv)
	if id.ID != want {
		t.Errorf("ID = %s, want %s", id.ID, want)
	}

	secp, _, err := crypto.GenerateSecp256k1Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, k := range map[string]crypto.PrivKey{"nil": nil, "secp256k1": secp} {
		if _, err := FromPrivKey(k); !errors.Is(err, status.ErrInvalidArg) {
			t.Errorf("FromPrivKey(%s): got %v, want status.ErrInvalidArg", name, err)
		}
	}
}

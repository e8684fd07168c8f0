package seal

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/status"
)

// detRand is a deterministic randomness source for tests.
func detRand(seed byte) *rand.ChaCha8 { return rand.NewChaCha8([32]byte{seed, 0x5e}) }

func testPeer(t testing.TB, seed byte) peer.ID {
	t.Helper()
	_, pub, err := crypto.GenerateEd25519Key(detRand(seed))
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func testID(n byte) uuid.UUID { return uuid.UUID{0x20, n, 15: n} }

func wantIs(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got error %v, want one wrapping %v", err, target)
	}
}

func wantInvalid(t *testing.T, err error) {
	t.Helper()
	wantIs(t, err, status.ErrInvalidArg)
}

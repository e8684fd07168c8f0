package wire

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/status"
)

// testPeer returns a deterministic Ed25519 peer ID for seed.
func testPeer(t testing.TB, seed uint64) peer.ID {
	t.Helper()
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 1})
	_, pub, err := crypto.GenerateEd25519Key(r)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func testID(n byte) uuid.UUID {
	return uuid.UUID{0x10, n, 2, 3, 4, 5, 0x46, 7, 0x88, 9, 10, 11, 12, 13, 14, n}
}

func fill(n int, c byte) []byte { return bytes.Repeat([]byte{c}, n) }

// wantInvalid fails unless err wraps status.ErrInvalidArg.
func wantInvalid(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, status.ErrInvalidArg) {
		t.Fatalf("got error %v, want one wrapping ErrInvalidArg", err)
	}
}

// mustPrefixesFail checks that every strict prefix of a valid encoding and
// the encoding with one extra byte are rejected.
func mustPrefixesFail(t *testing.T, b []byte, decode func([]byte) error) {
	t.Helper()
	for i := range len(b) {
		if err := decode(b[:i]); err == nil {
			t.Fatalf("prefix of %d/%d bytes decoded", i, len(b))
		}
	}
	wantInvalid(t, decode(append(bytes.Clone(b), 0)))
}

package seal

import (
	"errors"
	"testing"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

func grant(epoch uint64, id uint32, b byte) wire.KeyGrant { return testKey(epoch, id, b).Grant() }

func TestGrantsKeepsTwoKeys(t *testing.T) {
	pub := testPeer(t, 1)
	var g Grants
	for id := uint32(1); id <= 3; id++ {
		if ok, err := g.Add(pub, grant(4, id, byte(id))); !ok || err != nil {
			t.Fatalf("Add key %d: %v, %v", id, ok, err)
		}
	}
	for id, want := range map[uint32]bool{1: false, 2: true, 3: true} {
		if _, ok := g.Key(pub, 4, id); ok != want {
			t.Errorf("key %d held: got %v, want %v", id, ok, want)
		}
	}
	// Late or repeated grants change nothing.
	for _, kg := range []wire.KeyGrant{grant(4, 1, 1), grant(4, 2, 2), grant(4, 3, 3), grant(3, 9, 9)} {
		if ok, err := g.Add(pub, kg); ok || err != nil {
			t.Errorf("Add(%d/%d): %v, %v; want false, nil", kg.Epoch, kg.KeyID, ok, err)
		}
	}
	if _, ok := g.Key(pub, 3, 9); ok {
		t.Error("kept a key of an older epoch")
	}
}

func TestGrantsNewEpochReplaces(t *testing.T) {
	pub := testPeer(t, 1)
	var g Grants
	g.Add(pub, grant(4, 1, 1))
	g.Add(pub, grant(4, 2, 2))
	if ok, _ := g.Add(pub, grant(5, 1, 3)); !ok {
		t.Fatal("grant of a newer epoch ignored")
	}
	if _, ok := g.Key(pub, 4, 2); ok {
		t.Error("kept a key of the previous epoch")
	}
	if k, ok := g.Key(pub, 5, 1); !ok || k.Secret[0] != 3 {
		t.Errorf("Key(5, 1) = %+v, %v", k, ok)
	}
}

func TestGrantsRejects(t *testing.T) {
	pub := testPeer(t, 1)
	var g Grants
	g.Add(pub, grant(4, 1, 1))
	g.Add(pub, grant(4, 2, 2))
	for _, kg := range []wire.KeyGrant{grant(4, 2, 7), grant(4, 1, 7), {Epoch: 4, KeyID: 3}, grant(0, 3, 1), grant(4, 0, 1)} {
		_, err := g.Add(pub, kg)
		wantInvalid(t, err)
	}
	if k, _ := g.Key(pub, 4, 2); k.Secret[0] != 2 {
		t.Error("a conflicting grant replaced a key")
	}
}

func TestGrantsPerPublisher(t *testing.T) {
	a, b := testPeer(t, 1), testPeer(t, 2)
	ring, _ := NewKeyring(a, 1, detRand(3))
	var g Grants
	g.Add(b, ring.Grant()) // the right key, filed under the wrong publisher
	sealed, _ := ring.SealUpdate(upsert(1, 1, 1, "x"))
	if _, err := g.OpenUpdate(a, sealed); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("got %v, want ErrUnknownKey", err)
	}
	_, err := g.OpenUpdate(b, sealed) // the publisher is in the associated data
	wantInvalid(t, err)
	if g.Len() != 1 {
		t.Fatalf("Len = %d, want 1", g.Len())
	}
	g.Forget(b)
	if g.Len() != 0 {
		t.Fatalf("Len after Forget = %d, want 0", g.Len())
	}
}

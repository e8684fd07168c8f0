package seal

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

func upsert(epoch, seq uint64, id byte, data string) wire.Update {
	return wire.Update{Epoch: epoch, Seq: seq, Kind: wire.KindUpsert, Object: testID(id), Scope: wire.ScopeInternet, Data: []byte(data)}
}

func TestKeyringRoundTrip(t *testing.T) {
	pub := testPeer(t, 1)
	ring, err := NewKeyring(pub, 5, detRand(1))
	if err != nil {
		t.Fatal(err)
	}
	if k := ring.Current(); k.Epoch != 5 || k.ID != 1 || k.Secret == ([wire.KeySize]byte{}) {
		t.Fatalf("first key %+v", k)
	}
	var w Grants
	if ok, err := w.Add(pub, ring.Grant()); !ok || err != nil {
		t.Fatalf("Add: %v, %v", ok, err)
	}
	u := upsert(5, 1, 1, "hello")
	sealed, err := ring.SealUpdate(u)
	if err != nil {
		t.Fatal(err)
	}
	if sealed.KeyID != 1 || bytes.Contains(sealed.Data, u.Data) {
		t.Fatalf("sealed %+v", sealed)
	}
	if _, err := wire.EncodeUpdate(wire.Internet, sealed); err != nil {
		t.Fatalf("sealed update does not encode: %v", err)
	}
	got, err := w.OpenUpdate(pub, sealed)
	if err != nil || !bytes.Equal(got.Data, u.Data) {
		t.Fatalf("OpenUpdate: %q, %v", got.Data, err)
	}

	del := wire.Update{Epoch: 5, Seq: 2, Kind: wire.KindDelete, Object: testID(1)}
	sd, err := ring.SealUpdate(del)
	if err != nil || sd.KeyID != 1 || sd.Data != nil {
		t.Fatalf("sealed delete %+v, %v", sd, err)
	}
	if got, err := w.OpenUpdate(pub, sd); err != nil || !reflect.DeepEqual(got, sd) {
		t.Fatalf("OpenUpdate(delete): %+v, %v", got, err)
	}

	if _, err := ring.SealUpdate(sealed); err == nil {
		t.Error("sealed an update twice")
	}
	if _, err := ring.SealUpdate(upsert(6, 1, 1, "x")); err == nil {
		t.Error("sealed an update of another epoch")
	}
}

func TestKeyringSnapshot(t *testing.T) {
	pub := testPeer(t, 1)
	ring, _ := NewKeyring(pub, 5, detRand(1))
	snap := wire.Snapshot{Epoch: 5, Seq: 9, Objects: []wire.Entry{
		{ID: testID(1), Version: 3, Scope: wire.ScopeInternet, Data: []byte("one")},
		{ID: testID(2), Version: 9, Scope: wire.ScopeAll, Data: []byte("two")},
	}}
	sealed, err := ring.SealSnapshot(snap)
	if err != nil {
		t.Fatal(err)
	}
	if string(snap.Objects[0].Data) != "one" {
		t.Fatal("SealSnapshot changed its argument")
	}
	if _, err := wire.EncodeSnapshot(wire.Internet, sealed); err != nil {
		t.Fatalf("sealed snapshot does not encode: %v", err)
	}
	var w Grants
	w.Add(pub, ring.Grant())
	got, err := w.OpenSnapshot(pub, sealed)
	if err != nil || string(got.Objects[0].Data) != "one" || string(got.Objects[1].Data) != "two" {
		t.Fatalf("OpenSnapshot: %+v, %v", got, err)
	}

	// An entry is sealed as the update that set it, so that update's
	// ciphertext opens as the entry and vice versa.
	u := wire.Update{Epoch: 5, Seq: 3, KeyID: 1, Kind: wire.KindUpsert, Object: testID(1), Scope: wire.ScopeInternet, Data: sealed.Objects[0].Data}
	if got, err := w.OpenUpdate(pub, u); err != nil || string(got.Data) != "one" {
		t.Fatalf("entry as update: %q, %v", got.Data, err)
	}
	// Swapping two entries' ciphertexts breaks both.
	swapped := sealed
	swapped.Objects = []wire.Entry{sealed.Objects[0], sealed.Objects[1]}
	swapped.Objects[0].Data, swapped.Objects[1].Data = sealed.Objects[1].Data, sealed.Objects[0].Data
	_, err = w.OpenSnapshot(pub, swapped)
	wantInvalid(t, err)

	empty, err := ring.SealSnapshot(wire.Snapshot{Epoch: 5})
	if err != nil || empty.KeyID != 1 || empty.Objects != nil {
		t.Fatalf("empty snapshot: %+v, %v", empty, err)
	}
}

// TestRevokedWatcher is the point of rotation: after it, a watcher that
// holds only the old keys opens nothing new, updates or snapshots.
func TestRevokedWatcher(t *testing.T) {
	pub := testPeer(t, 1)
	ring, _ := NewKeyring(pub, 5, detRand(1))
	var kept, revoked Grants
	kept.Add(pub, ring.Grant())
	revoked.Add(pub, ring.Grant())
	before, _ := ring.SealUpdate(upsert(5, 1, 1, "before"))

	k2, err := ring.Rotate()
	if err != nil || k2.ID != 2 || k2.Epoch != 5 {
		t.Fatalf("Rotate: %+v, %v", k2, err)
	}
	kept.Add(pub, ring.Grant())

	after, _ := ring.SealUpdate(upsert(5, 2, 1, "after"))
	snap, _ := ring.SealSnapshot(wire.Snapshot{Epoch: 5, Seq: 2, Objects: []wire.Entry{{ID: testID(1), Version: 2, Scope: wire.ScopeInternet, Data: []byte("after")}}})

	if _, err := revoked.OpenUpdate(pub, after); !errors.Is(err, ErrUnknownKey) || !errors.Is(err, status.ErrNotFound) {
		t.Fatalf("revoked watcher opened an update sealed after rotation: %v", err)
	}
	if _, err := revoked.OpenSnapshot(pub, snap); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("revoked watcher opened a snapshot sealed after rotation: %v", err)
	}
	// Even guessing the id does not help: the secret is new.
	forged := after
	forged.KeyID = 1
	_, err = revoked.OpenUpdate(pub, forged)
	wantInvalid(t, err)

	// The remaining watcher reads the new and, in flight, the old.
	if got, err := kept.OpenUpdate(pub, after); err != nil || string(got.Data) != "after" {
		t.Fatalf("kept watcher: %q, %v", got.Data, err)
	}
	if got, err := kept.OpenUpdate(pub, before); err != nil || string(got.Data) != "before" {
		t.Fatalf("kept watcher, in-flight update: %q, %v", got.Data, err)
	}
	if _, err := kept.OpenSnapshot(pub, snap); err != nil {
		t.Fatal(err)
	}
}

func TestKeyringRejects(t *testing.T) {
	if _, err := NewKeyring(testPeer(t, 1), 0, nil); err == nil {
		t.Error("keyring of epoch 0")
	}
	if _, err := NewKeyring(testPeer(t, 1), 1, bytes.NewReader(nil)); err == nil {
		t.Error("keyring without randomness")
	}
	ring, _ := NewKeyring(testPeer(t, 1), 1, nil)
	ring.cur.ID = wire.MaxKeyID
	if _, err := ring.Rotate(); !errors.Is(err, status.ErrOutOfMemory) {
		t.Errorf("rotating past MaxKeyID: %v", err)
	}
}

package seal

import (
	"bytes"
	"testing"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

func TestPresenceRoundTrip(t *testing.T) {
	pub := testPeer(t, 1)
	ring, err := NewKeyring(pub, 5, detRand(1))
	if err != nil {
		t.Fatal(err)
	}
	var w Grants
	w.Add(pub, ring.Grant())
	p := wire.Presence{Epoch: 5, Version: 3, Data: append([]byte{2}, "away"...)}
	sealed, err := ring.SealPresence(p)
	if err != nil {
		t.Fatal(err)
	}
	if sealed.KeyID != 1 || bytes.Contains(sealed.Data, []byte("away")) {
		t.Fatalf("sealed %+v", sealed)
	}
	if _, err := wire.EncodePresence(wire.Internet, sealed); err != nil {
		t.Fatalf("sealed presence does not encode: %v", err)
	}
	got, err := w.OpenPresence(pub, sealed)
	if err != nil || !bytes.Equal(got.Data, p.Data) {
		t.Fatalf("open: %q, %v", got.Data, err)
	}

	// Moved to another version, or read as an object update, it fails.
	moved := sealed
	moved.Version++
	_, err = w.OpenPresence(pub, moved)
	wantIs(t, err, status.ErrInvalidArg)
	asUpdate := wire.Update{Epoch: 5, Seq: 3, KeyID: 1, Kind: wire.KindUpsert, Object: testID(1), Scope: wire.ScopeInternet, Data: sealed.Data}
	_, err = w.OpenUpdate(pub, asUpdate)
	wantIs(t, err, status.ErrInvalidArg)

	// After a rotation the old key does not open it.
	ring.Rotate()
	sealed2, _ := ring.SealPresence(wire.Presence{Epoch: 5, Version: 4, Data: []byte{7}})
	_, err = w.OpenPresence(pub, sealed2)
	wantIs(t, err, ErrUnknownKey)

	_, err = ring.SealPresence(sealed)
	wantIs(t, err, status.ErrInvalidArg)
}

package view

import (
	"testing"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

func TestOlderSnapshotIgnored(t *testing.T) {
	v := known(t, 5, 10, obj(1, 10, "new"))
	for _, s := range []wire.Snapshot{snapshot(5, 9, obj(1, 9, "old")), snapshot(4, 99, obj(2, 50, "older epoch"))} {
		got, changes, err := v.ApplySnapshot(s)
		if got != Stale || changes != nil || err != nil {
			t.Fatalf("ApplySnapshot(%d/%d): %v, %v, %v; want stale", s.Epoch, s.Seq, got, changes, err)
		}
	}
	wantObjects(t, v, "1@10")
}

// TestSnapshotAtSamePosition: a digest that disagrees at the view's own
// position asks for a snapshot at that position, which must then apply.
func TestSnapshotAtSamePosition(t *testing.T) {
	v := known(t, 5, 10, obj(1, 10, "mine"))
	got, changes, _ := v.ApplySnapshot(snapshot(5, 10, obj(1, 10, "theirs"), obj(2, 4, "b")))
	if got != Applied {
		t.Fatalf("got %v, want applied", got)
	}
	wantChanges(t, changes, "updated 1@10, added 2@4")
	got, changes, _ = v.ApplySnapshot(snapshot(5, 10, obj(1, 10, "theirs"), obj(2, 4, "b")))
	if got != Applied || changes != nil {
		t.Fatalf("same snapshot again: %v, %q", got, describe(changes))
	}
}

func TestSnapshotRejectsMalformed(t *testing.T) {
	v := known(t, 5, 10, obj(1, 10, "a"))
	var fresh View
	if got, _, err := fresh.ApplySnapshot(wire.Snapshot{}); got != Invalid || err == nil {
		t.Errorf("snapshot of epoch 0: %v, %v", got, err)
	}
	bad := []wire.Snapshot{
		snapshot(5, 10, obj(1, 11, "version after seq")),
		snapshot(5, 10, obj(1, 0, "version 0")),
		snapshot(5, 10, obj(1, 3, "a"), obj(2, 3, "same version")),
		{Epoch: 5, Seq: 10, Objects: []wire.Entry{{ID: oid(1), Version: 1, Data: []byte("a")}, {ID: oid(1), Version: 2, Data: []byte("a")}}},
		{Epoch: 5, Seq: 10, Objects: []wire.Entry{{ID: oid(1), Version: 1}}},
	}
	var tooMany []Object
	for i := range wire.MaxLiveObjects + 1 {
		tooMany = append(tooMany, obj(i, uint64(i+1), "x"))
	}
	bad = append(bad, snapshot(5, 200, tooMany...))
	for i, s := range bad {
		got, _, err := v.ApplySnapshot(s)
		if got != Invalid || err == nil {
			t.Errorf("snapshot %d: %v, %v; want invalid", i, got, err)
		}
	}
	wantObjects(t, v, "1@10")
}

func digestOf(t *testing.T, epoch, beat, seq uint64, objs ...Object) wire.Digest {
	t.Helper()
	live := index(objs)
	return wire.Digest{Epoch: epoch, Beat: beat, Seq: seq, Count: len(live), Hash: stateHash(live)}
}

func TestDigest(t *testing.T) {
	a := obj(1, 3, "a")
	for _, c := range []struct {
		name string
		d    wire.Digest
		want Verdict
	}{
		{"match", digestOf(t, 5, 2, 4, a), InSync},
		{"replayed beat", digestOf(t, 5, 1, 4, a), Stale},
		{"older epoch", digestOf(t, 4, 9, 9), Stale},
		{"newer epoch", digestOf(t, 6, 1, 0), NeedSnapshot},
		{"behind", digestOf(t, 5, 2, 5, a), NeedSnapshot},
		{"ahead", digestOf(t, 5, 2, 3, a), InSync},
		{"other hash", digestOf(t, 5, 2, 4, obj(1, 2, "a")), NeedSnapshot},
		{"other count", wire.Digest{Epoch: 5, Beat: 2, Seq: 4, Count: 2, Hash: stateHash(index([]Object{a}))}, NeedSnapshot},
	} {
		v := known(t, 5, 4, a)
		v.beat = 1
		if got := v.ApplyDigest(c.d); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

// TestDigestReplayIsNotLiveness: each beat counts once, and a snapshot
// carries the beat so that a view that adopts it still spots old digests.
func TestDigestReplayIsNotLiveness(t *testing.T) {
	v := known(t, 5, 0)
	d := digestOf(t, 5, 1, 0)
	if got := v.ApplyDigest(d); got != InSync {
		t.Fatalf("first: %v", got)
	}
	if got := v.ApplyDigest(d); got != Stale {
		t.Fatalf("replay: %v", got)
	}
	var w View
	s := snapshot(6, 0)
	s.Beat = 7
	w.ApplySnapshot(s)
	for beat := uint64(1); beat <= 7; beat++ {
		if got := w.ApplyDigest(digestOf(t, 6, beat, 0)); got != Stale {
			t.Fatalf("beat %d before the snapshot's: %v", beat, got)
		}
	}
	if got := w.ApplyDigest(digestOf(t, 6, 8, 0)); got != InSync {
		t.Fatalf("beat 8: %v", got)
	}
	// An older snapshot of the same epoch never lowers the beat.
	s.Beat = 2
	w.ApplySnapshot(s)
	if got := w.ApplyDigest(digestOf(t, 6, 8, 0)); got != Stale {
		t.Fatalf("beat 8 again: %v", got)
	}
}

func TestDigestWhileUnknown(t *testing.T) {
	var v View
	if got := v.ApplyDigest(digestOf(t, 5, 1, 0)); got != NeedSnapshot {
		t.Fatalf("got %v", got)
	}
	v = *known(t, 5, 3, obj(1, 2, "a"))
	v.Clear()
	if got := v.ApplyDigest(digestOf(t, 5, 1, 3, obj(1, 2, "a"))); got != NeedSnapshot {
		t.Fatalf("after Clear: %v", got)
	}
}

func TestClear(t *testing.T) {
	v := known(t, 5, 3, obj(1, 2, "a"), obj(2, 3, "b"))
	wantChanges(t, v.Clear(), "deleted 1@2, deleted 2@3")
	if v.Known() || v.Len() != 0 {
		t.Fatal("state kept after Clear")
	}
	apply(t, v, set(5, 4, 3, "c"), NeedSnapshot)
	apply(t, v, set(5, 3, 3, "c"), Stale)
	if got, _, _ := v.ApplySnapshot(snapshot(5, 2)); got != Stale {
		t.Fatalf("snapshot below the floor: %v", got)
	}
	_, changes, _ := v.ApplySnapshot(snapshot(5, 3, obj(1, 2, "a")))
	wantChanges(t, changes, "added 1@2, added 3@4")
}

// FreshDigest agrees with ApplyDigest about freshness and changes nothing.
func TestFreshDigest(t *testing.T) {
	v := known(t, 5, 0)
	d := digestOf(t, 5, 1, 0)
	first := v.FreshDigest(d)
	if again := v.FreshDigest(d); !first || !again {
		t.Fatalf("a new beat: fresh %v, then %v; want true twice (checking changes nothing)", first, again)
	}
	v.ApplyDigest(d)
	if v.FreshDigest(d) {
		t.Fatal("a beat already applied is fresh")
	}
	if !v.FreshDigest(digestOf(t, 6, 1, 0)) || v.FreshDigest(digestOf(t, 4, 9, 0)) {
		t.Fatal("epochs: newer must be fresh, older must not")
	}
}

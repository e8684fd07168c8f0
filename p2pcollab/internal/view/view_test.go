package view

import (
	"testing"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

func TestUnknownViewNeedsSnapshot(t *testing.T) {
	var v View
	apply(t, &v, set(1, 1, 1, "a"), NeedSnapshot)
	if v.Known() || v.Len() != 0 {
		t.Fatal("an update was applied to a view in unknown state")
	}
	_, changes, _ := v.ApplySnapshot(snapshot(1, 0))
	// The held update follows the empty snapshot at seq 0: it applies.
	wantChanges(t, changes, "added 1@1")
}

func TestApplyInOrder(t *testing.T) {
	v := known(t, 5, 10)
	wantChanges(t, apply(t, v, set(5, 11, 1, "a"), Applied), "added 1@11")
	wantChanges(t, apply(t, v, set(5, 12, 1, "b"), Applied), "updated 1@12")
	wantChanges(t, apply(t, v, set(5, 13, 2, "c"), Applied), "added 2@13")
	wantChanges(t, apply(t, v, del(5, 14, 1), Applied), "deleted 1@12")
	wantChanges(t, apply(t, v, del(5, 15, 9), Applied), "") // not live: seq moves, nothing changes
	wantObjects(t, v, "2@13")
	if e, s := v.Position(); e != 5 || s != 15 {
		t.Fatalf("position %d/%d, want 5/15", e, s)
	}
	if o, ok := v.Get(oid(2)); !ok || string(o.Data) != "c" {
		t.Fatalf("Get: %+v, %v", o, ok)
	}
}

func TestDuplicateIsStale(t *testing.T) {
	v := known(t, 5, 0)
	apply(t, v, set(5, 1, 1, "a"), Applied)
	apply(t, v, set(5, 1, 1, "a"), Stale)
	apply(t, v, set(5, 1, 1, "forged but signed"), Stale)
	wantObjects(t, v, "1@1")
}

// TestReplayAfterDeleteStaysDeleted is the reason for (epoch, seq): no
// tombstone is kept, yet the old upsert cannot bring the object back.
func TestReplayAfterDeleteStaysDeleted(t *testing.T) {
	v := known(t, 5, 0)
	old := set(5, 1, 1, "a")
	apply(t, v, old, Applied)
	apply(t, v, del(5, 2, 1), Applied)
	for range 3 { // any number of times, long after a seen-cache expired
		apply(t, v, old, Stale)
	}
	wantObjects(t, v, "")
	// Clearing the view (the publisher went quiet) keeps the floor.
	v.Clear()
	apply(t, v, old, Stale)
	wantObjects(t, v, "")
}

func TestReplayFromOlderEpoch(t *testing.T) {
	v := known(t, 5, 0)
	apply(t, v, set(5, 1, 1, "a"), Applied)
	// The publisher restarts: epoch 6, fresh state without object 1.
	apply(t, v, set(6, 1, 2, "b"), NeedSnapshot)
	_, changes, _ := v.ApplySnapshot(snapshot(6, 0))
	wantChanges(t, changes, "deleted 1@1, added 2@1")
	// Everything of epoch 5 is now stale, whatever its seq.
	apply(t, v, set(5, 1, 1, "a"), Stale)
	apply(t, v, set(5, 99, 1, "a"), Stale)
	wantObjects(t, v, "2@1")
}

func TestReorderWithinBuffer(t *testing.T) {
	v := known(t, 5, 0)
	apply(t, v, set(5, 3, 3, "c"), Buffered)
	apply(t, v, set(5, 3, 3, "c"), Stale) // already held
	apply(t, v, del(5, 4, 1), Buffered)
	apply(t, v, set(5, 2, 2, "b"), Buffered)
	wantObjects(t, v, "")
	wantChanges(t, apply(t, v, set(5, 1, 1, "a"), Applied), "added 1@1, added 2@2, added 3@3, deleted 1@1")
	wantObjects(t, v, "2@2 3@3")
}

func TestReorderFullWindow(t *testing.T) {
	v := known(t, 5, 0)
	// Seqs 2..MaxPending+1 arrive before 1, in reverse.
	for seq := uint64(MaxPending + 1); seq >= 2; seq-- {
		apply(t, v, set(5, seq, int(seq), "x"), Buffered)
	}
	changes := apply(t, v, set(5, 1, 1, "x"), Applied)
	if len(changes) != MaxPending+1 || v.Len() != MaxPending+1 {
		t.Fatalf("%d changes, %d live; want %d", len(changes), v.Len(), MaxPending+1)
	}
}

func TestGapBeyondBuffer(t *testing.T) {
	v := known(t, 5, 10)
	apply(t, v, set(5, 10+MaxPending+2, 1, "far"), NeedSnapshot)
	apply(t, v, set(5, 10+MaxPending+1, 1, "edge"), Buffered)
	wantObjects(t, v, "")
	// The snapshot covers the gap; the updates held since (including the
	// one that called for it) apply after it.
	_, changes, _ := v.ApplySnapshot(snapshot(5, 10+MaxPending, obj(7, 20, "s")))
	wantChanges(t, changes, "added 7@20, added 1@43, updated 1@44")
	wantObjects(t, v, "1@44 7@20")
}

func TestNewerEpochNeedsSnapshot(t *testing.T) {
	v := known(t, 5, 3, obj(1, 3, "a"))
	apply(t, v, set(6, 1, 2, "b"), NeedSnapshot)
	apply(t, v, set(6, 2, 3, "c"), NeedSnapshot)
	wantObjects(t, v, "1@3")
	// The snapshot of epoch 6 at seq 1 is followed by the held seq 2.
	_, changes, _ := v.ApplySnapshot(snapshot(6, 1, obj(2, 1, "b")))
	wantChanges(t, changes, "deleted 1@3, added 2@1, added 3@2")
}

func TestLiveObjectLimit(t *testing.T) {
	v := known(t, 5, 0)
	for i := 1; i <= wire.MaxLiveObjects; i++ {
		apply(t, v, set(5, uint64(i), i, "x"), Applied)
	}
	next := uint64(wire.MaxLiveObjects + 1)
	if got, _ := v.Check(set(5, next, 1000, "x")); got != Invalid {
		t.Fatalf("Check of the 129th object: %v", got)
	}
	apply(t, v, set(5, next, 1000, "x"), Invalid)
	if _, seq := v.Position(); seq != next-1 || v.Len() != wire.MaxLiveObjects {
		t.Fatalf("an invalid update moved the view to seq %d with %d objects", seq, v.Len())
	}
	// Updating a live object or deleting one first is fine.
	apply(t, v, set(5, next, 1, "y"), Applied)
	apply(t, v, del(5, next+1, 2), Applied)
	apply(t, v, set(5, next+2, 1000, "x"), Applied)
}

func TestLiveObjectLimitWhileDraining(t *testing.T) {
	v := known(t, 5, 0)
	for i := 1; i < wire.MaxLiveObjects; i++ {
		apply(t, v, set(5, uint64(i), i, "x"), Applied)
	}
	n := uint64(wire.MaxLiveObjects)
	apply(t, v, set(5, n+1, 2000, "129th"), Buffered)
	apply(t, v, set(5, n+2, 1, "after"), Buffered)
	wantChanges(t, apply(t, v, set(5, n, 1000, "128th"), Applied), "added 1000@128")
	if _, seq := v.Position(); seq != n || v.Len() != wire.MaxLiveObjects {
		t.Fatalf("drained past the invalid update: seq %d, %d objects", seq, v.Len())
	}
	apply(t, v, set(5, n+2, 1, "after"), Buffered) // the buffer was emptied
}

func TestCheckDoesNotChangeTheView(t *testing.T) {
	v := known(t, 5, 0)
	for _, u := range []wire.Update{set(5, 1, 1, "a"), set(5, 3, 1, "a"), set(6, 1, 1, "a")} {
		v.Check(u)
	}
	apply(t, v, set(5, 3, 1, "a"), Buffered) // not held by Check
	wantObjects(t, v, "")
}

func TestApplyRejectsMalformed(t *testing.T) {
	v := known(t, 5, 0)
	for _, u := range []wire.Update{
		{Epoch: 5, Seq: 1, Kind: wire.KindUpsert, Object: oid(1)},
		{Epoch: 5, Seq: 1, Kind: 7, Object: oid(1)},
		{Epoch: 5, Seq: 0, Kind: wire.KindDelete, Object: oid(1)},
		{Epoch: 0, Seq: 1, Kind: wire.KindDelete, Object: oid(1)},
		{Epoch: 5, Seq: 1, Kind: wire.KindDelete},
	} {
		apply(t, v, u, Invalid)
	}
}

func TestHeldUpdatesBounded(t *testing.T) {
	var v View
	// Descending, so every later update displaces a higher one: the
	// buffer ends up with the lowest seqs, which apply first.
	for seq := uint64(3 * MaxPending); seq >= 1; seq-- {
		apply(t, &v, set(5, seq, int(seq), "x"), NeedSnapshot)
	}
	if len(v.pending) != MaxPending {
		t.Fatalf("holding %d updates, want %d", len(v.pending), MaxPending)
	}
	for seq := range v.pending {
		if seq > MaxPending {
			t.Fatalf("holding seq %d, not among the %d lowest", seq, MaxPending)
		}
	}
	_, changes, _ := v.ApplySnapshot(snapshot(5, 0))
	if len(changes) != MaxPending {
		t.Fatalf("%d changes after the snapshot, want %d", len(changes), MaxPending)
	}
	// A newer epoch's updates replace the older epoch's.
	apply(t, &v, set(6, 9, 1, "x"), NeedSnapshot)
	apply(t, &v, set(5, MaxPending+2, 1, "x"), Buffered)
	if len(v.pending) != 1 || v.pendingEpoch != 6 {
		t.Fatalf("holding %d updates of epoch %d", len(v.pending), v.pendingEpoch)
	}
}

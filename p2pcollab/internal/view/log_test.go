package view

import (
	"errors"
	"math"
	"testing"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

func TestLog(t *testing.T) {
	l, err := NewLog(wire.Internet, 9)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("a")
	u, err := l.Set(oid(1), wire.ScopeInternet, data)
	if err != nil || u.Epoch != 9 || u.Seq != 1 || u.Kind != wire.KindUpsert || u.KeyID != 0 {
		t.Fatalf("Set: %+v, %v", u, err)
	}
	data[0] = 'z'
	if o, _ := l.Get(oid(1)); string(o.Data) != "a" {
		t.Fatal("the log shares the caller's data")
	}
	u, _ = l.Set(oid(1), wire.ScopeAll, []byte("b"))
	if u.Seq != 2 {
		t.Fatalf("second Set at seq %d", u.Seq)
	}
	if _, ok := l.Delete(oid(7)); ok {
		t.Fatal("deleted an object that is not live")
	}
	u, ok := l.Delete(oid(1))
	if !ok || u.Seq != 3 || u.Kind != wire.KindDelete || u.Data != nil {
		t.Fatalf("Delete: %+v, %v", u, ok)
	}
	if e, s := l.Position(); e != 9 || s != 3 || l.Len() != 0 || l.Channel() != wire.Internet {
		t.Fatalf("position %d/%d, %d objects", e, s, l.Len())
	}
	d1, d2 := l.Heartbeat(), l.Heartbeat()
	if d1.Beat != 1 || d2.Beat != 2 || d2.Seq != 3 || d2.Count != 0 {
		t.Fatalf("heartbeats %+v, %+v", d1, d2)
	}
	if s := l.Snapshot(); s.Epoch != 9 || s.Seq != 3 || s.Beat != 2 || s.Objects != nil {
		t.Fatalf("snapshot %+v", s)
	}
}

func TestLogRejects(t *testing.T) {
	if _, err := NewLog(wire.NearMe, 0); err == nil {
		t.Error("log of epoch 0")
	}
	if _, err := NewLog(0, 1); err == nil {
		t.Error("log of channel 0")
	}
	l, _ := NewLog(wire.NearMe, 1)
	for name, err := range map[string]error{
		"nil id":         second(l.Set([16]byte{}, wire.ScopeNearMe, []byte("x"))),
		"internet scope": second(l.Set(oid(1), wire.ScopeInternet, []byte("x"))),
		"none scope":     second(l.Set(oid(1), wire.ScopeNone, []byte("x"))),
		"empty":          second(l.Set(oid(1), wire.ScopeNearMe, nil)),
		"too big":        second(l.Set(oid(1), wire.ScopeNearMe, make([]byte, wire.MaxObjectData+1))),
	} {
		if !errors.Is(err, status.ErrInvalidArg) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for i := range wire.MaxLiveObjects {
		if _, err := l.Set(oid(i), wire.ScopeNearMe, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Set(oid(1000), wire.ScopeNearMe, []byte("x")); !errors.Is(err, status.ErrOutOfMemory) {
		t.Fatalf("129th object: %v", err)
	}
	if _, err := l.Set(oid(0), wire.ScopeNearMe, []byte("y")); err != nil {
		t.Fatalf("updating at the limit: %v", err)
	}
	if _, s := l.Position(); s != wire.MaxLiveObjects+1 {
		t.Fatalf("rejected Sets used seqs: at %d", s)
	}
}

func second[T any](_ T, err error) error { return err }

// TestLogFeedsView: what a log emits, encoded and decoded, a view follows,
// and the log's digest then agrees with the view.
func TestLogFeedsView(t *testing.T) {
	l, _ := NewLog(wire.NearMe, 3)
	var v View
	v.ApplySnapshot(l.Snapshot())
	send := func(u wire.Update) {
		b, err := wire.EncodeUpdate(wire.NearMe, u)
		if err != nil {
			t.Fatal(err)
		}
		u, err = wire.DecodeUpdate(wire.NearMe, b)
		if err != nil {
			t.Fatal(err)
		}
		apply(t, &v, u, Applied)
	}
	for i := range 5 {
		u, _ := l.Set(oid(i), wire.ScopeNearMe, []byte{byte(i) + 1})
		send(u)
	}
	u, _ := l.Delete(oid(2))
	send(u)
	if got := v.ApplyDigest(l.Heartbeat()); got != InSync {
		t.Fatalf("digest: %v", got)
	}
	b, err := wire.EncodeSnapshot(wire.NearMe, l.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wire.DecodeSnapshot(wire.NearMe, b); err != nil {
		t.Fatal(err)
	}
}

func TestNextEpoch(t *testing.T) {
	for _, c := range []struct {
		last uint64
		now  int64
		want uint64
	}{
		{0, 1000, 1000},
		{0, 0, 1},
		{0, -5, 1},
		{1000, 999, 1001},  // the clock went back
		{1000, 1000, 1001}, // the same nanosecond
		{1000, 5000, 5000}, // normal restart
		{math.MaxUint64, 1, math.MaxUint64},
	} {
		if got := NextEpoch(c.last, c.now); got != c.want {
			t.Errorf("NextEpoch(%d, %d) = %d, want %d", c.last, c.now, got, c.want)
		}
	}
}

package view

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

func oid(n int) uuid.UUID { return uuid.UUID{0x30, byte(n >> 8), byte(n), 15: 1} }

func set(epoch, seq uint64, id int, data string) wire.Update {
	return wire.Update{Epoch: epoch, Seq: seq, Kind: wire.KindUpsert, Object: oid(id), Scope: wire.ScopeAll, Data: []byte(data)}
}

func del(epoch, seq uint64, id int) wire.Update {
	return wire.Update{Epoch: epoch, Seq: seq, Kind: wire.KindDelete, Object: oid(id)}
}

func snapshot(epoch, seq uint64, objs ...Object) wire.Snapshot {
	s := wire.Snapshot{Epoch: epoch, Seq: seq}
	for _, o := range sorted(index(objs)) {
		s.Objects = append(s.Objects, wire.Entry{ID: o.ID, Version: o.Version, Scope: o.Scope, Data: o.Data})
	}
	return s
}

func obj(id int, version uint64, data string) Object {
	return Object{ID: oid(id), Version: version, Scope: wire.ScopeAll, Data: []byte(data)}
}

func index(objs []Object) map[uuid.UUID]Object {
	m := make(map[uuid.UUID]Object)
	for _, o := range objs {
		m[o.ID] = o
	}
	return m
}

// known returns a view that has applied snapshot(epoch, seq, objs...).
func known(t *testing.T, epoch, seq uint64, objs ...Object) *View {
	t.Helper()
	var v View
	if got, _, err := v.ApplySnapshot(snapshot(epoch, seq, objs...)); got != Applied || err != nil {
		t.Fatalf("ApplySnapshot: %v, %v", got, err)
	}
	return &v
}

// apply applies u and checks the verdict.
func apply(t *testing.T, v *View, u wire.Update, want Verdict) []Change {
	t.Helper()
	got, changes, err := v.Apply(u)
	if got != want {
		t.Fatalf("Apply(%d/%d %s %v): got %v (%v), want %v", u.Epoch, u.Seq, u.Kind, u.Object, got, err, want)
	}
	if (err != nil) != (got == Invalid) {
		t.Fatalf("Apply: verdict %v with error %v", got, err)
	}
	if got == Invalid && !errors.Is(err, status.ErrInvalidArg) {
		t.Fatalf("Apply: error %v does not wrap ErrInvalidArg", err)
	}
	return changes
}

func num(id uuid.UUID) int { return int(id[1])<<8 | int(id[2]) }

// describe renders changes compactly, such as "added 1@3, updated 2@4".
func describe(changes []Change) string {
	var parts []string
	for _, c := range changes {
		parts = append(parts, fmt.Sprintf("%s %d@%d", c.Kind, num(c.Object.ID), c.Object.Version))
	}
	return strings.Join(parts, ", ")
}

func wantChanges(t *testing.T, changes []Change, want string) {
	t.Helper()
	if got := describe(changes); got != want {
		t.Fatalf("changes: got %q, want %q", got, want)
	}
}

// wantObjects checks the live set, rendered as "id@version" in id order.
func wantObjects(t *testing.T, v *View, want string) {
	t.Helper()
	var parts []string
	for _, o := range v.Objects() {
		parts = append(parts, fmt.Sprintf("%d@%d", num(o.ID), o.Version))
	}
	if got := strings.Join(parts, " "); got != want {
		t.Fatalf("objects: got %q, want %q", got, want)
	}
}

package collabtest

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

var objectTests = []test{
	{"ObjectDataSizes", testObjectDataSizes},
	{"InvalidObjectChangesNothing", testInvalidObjectChangesNothing},
	{"EveryScopeIsPublishable", testEveryScope},
	{"NotSignedIn", testNotSignedIn},
	{"Limit128", testLimit128},
	{"SetCreatesThenUpdates", testSetCreatesThenUpdates},
	{"DeleteObject", testDeleteObject},
	{"ObjectsByID", testObjectsByID},
	{"ObjectsOfOtherPeers", testObjectsOfOtherPeers},
}

// Data is 1..16383 bytes: 0 and 16384 are refused.
func testObjectDataSizes(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	s := openSession(t, api, "sizes")
	wantErr(t, "0 bytes", s.SetObject(ctx, oid(0), nil, p2pcollab.ScopeAll), status.ErrInvalidArg)
	wantErr(t, "0 bytes (empty slice)", s.SetObject(ctx, oid(0), []byte{}, p2pcollab.ScopeAll), status.ErrInvalidArg)
	one := []byte{0}
	must(t, "1 byte", s.SetObject(ctx, oid(1), one, p2pcollab.ScopeAll))
	max := bytes.Repeat([]byte{0xff, 0x00, '\n'}, p2pcollab.MaxObjectSize/3)
	if len(max) != 16383 {
		t.Fatalf("test bug: %d bytes", len(max))
	}
	must(t, "16383 bytes", s.SetObject(ctx, oid(2), max, p2pcollab.ScopeAll))
	wantErr(t, "16384 bytes", s.SetObject(ctx, oid(3), append(max, 1), p2pcollab.ScopeAll), status.ErrInvalidArg)
	wantObjects(t, api, oid(1), oid(2))
	for _, want := range []p2pcollab.Object{{ID: oid(1), Data: one}, {ID: oid(2), Data: max}} {
		got, err := api.Objects(ctx, p2pcollab.ObjectQuery{ID: want.ID})
		must(t, "Objects by id", err)
		if len(got) != 1 || !bytes.Equal(got[0].Data, want.Data) || got[0].Scope != p2pcollab.ScopeAll || got[0].Peer != me(t, api) {
			t.Fatalf("object %v: got %d objects, want one with %d bytes of data, scope all, my peer ID", want.ID, len(got), len(want.Data))
		}
	}
}

// Invalid input is refused with InvalidArg and changes nothing, even when
// it targets an existing object.
func testInvalidObjectChangesNothing(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	s := openSession(t, api, "invalid")
	must(t, "set", s.SetObject(ctx, oid(1), []byte("keep"), p2pcollab.ScopeNearMe))
	wantErr(t, "nil GUID", s.SetObject(ctx, uuid.Nil, []byte("x"), p2pcollab.ScopeAll), status.ErrInvalidArg)
	wantErr(t, "scope 4", s.SetObject(ctx, oid(1), []byte("x"), p2pcollab.Scope(4)), status.ErrInvalidArg)
	wantErr(t, "scope 255", s.SetObject(ctx, oid(2), []byte("x"), p2pcollab.Scope(255)), status.ErrInvalidArg)
	wantErr(t, "empty update", s.SetObject(ctx, oid(1), nil, p2pcollab.ScopeAll), status.ErrInvalidArg)
	wantErr(t, "oversized update", s.SetObject(ctx, oid(1), make([]byte, 16384), p2pcollab.ScopeAll), status.ErrInvalidArg)
	objs := myObjects(t, api)
	if len(objs) != 1 || string(objs[0].Data) != "keep" || objs[0].Scope != p2pcollab.ScopeNearMe {
		t.Fatalf("after invalid calls: got %+v, want only the first object unchanged", objs)
	}
}

func testEveryScope(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	s := openSession(t, api, "scopes")
	scopes := []p2pcollab.Scope{p2pcollab.ScopeNone, p2pcollab.ScopeNearMe, p2pcollab.ScopeInternet, p2pcollab.ScopeAll}
	for i, sc := range scopes {
		must(t, "set "+sc.String(), s.SetObject(ctx, oid(i), []byte(sc.String()), sc))
	}
	for i, sc := range scopes {
		got, err := api.Objects(ctx, p2pcollab.ObjectQuery{ID: oid(i)})
		must(t, "Objects", err)
		if len(got) != 1 || got[0].Scope != sc {
			t.Fatalf("object with scope %v: got %+v", sc, got)
		}
	}
}

func testNotSignedIn(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	s := openSession(t, api, "early")
	wantErr(t, "SetObject before sign-in", s.SetObject(ctx, oid(1), []byte("x"), p2pcollab.ScopeAll), status.ErrNotSignedIn)
	wantObjects(t, api)
	st, err := api.Status(ctx)
	must(t, "Status", err)
	if st.SignedIn != p2pcollab.ScopeNone {
		t.Fatalf("fresh node: signed in %v, want none", st.SignedIn)
	}
}

// At most 128 distinct GUIDs; the 129th is refused with OutOfMemory, an
// update at 128 is not, and deleting one makes room again.
func testLimit128(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	a := openSession(t, api, "a")
	b := openSession(t, api, "b")
	for i := range p2pcollab.MaxObjects {
		s := a
		if i%2 == 1 {
			s = b // the limit is per user, not per session
		}
		must(t, fmt.Sprintf("object %d", i), s.SetObject(ctx, oid(i), []byte{byte(i)}, p2pcollab.ScopeAll))
	}
	wantErr(t, "129th from a", a.SetObject(ctx, oid(128), []byte{1}, p2pcollab.ScopeAll), status.ErrOutOfMemory)
	wantErr(t, "129th from b", b.SetObject(ctx, oid(129), []byte{1}, p2pcollab.ScopeAll), status.ErrOutOfMemory)
	must(t, "update at 128", a.SetObject(ctx, oid(127), []byte("updated"), p2pcollab.ScopeNearMe))
	objs := myObjects(t, api)
	if len(objs) != 128 {
		t.Fatalf("got %d objects, want 128", len(objs))
	}
	got, err := api.Objects(ctx, p2pcollab.ObjectQuery{ID: oid(127)})
	must(t, "Objects", err)
	if string(got[0].Data) != "updated" || got[0].Scope != p2pcollab.ScopeNearMe {
		t.Fatalf("update at 128: got %q %v, want \"updated\" near-me", got[0].Data, got[0].Scope)
	}
	must(t, "delete one", b.DeleteObject(ctx, oid(0)))
	must(t, "128th again", b.SetObject(ctx, oid(128), []byte{1}, p2pcollab.ScopeAll))
	wantErr(t, "129th again", a.SetObject(ctx, oid(129), []byte{1}, p2pcollab.ScopeAll), status.ErrOutOfMemory)
}

// The first set of a GUID adds it, the next ones update it, and each
// stores exactly the bytes given.
func testSetCreatesThenUpdates(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	ev := events(t, api, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventMyObjectChanged}})
	s := openSession(t, api, "app")
	data := []byte("v1")
	must(t, "set", s.SetObject(ctx, oid(1), data, p2pcollab.ScopeAll))
	data[0] = 'X' // the caller's buffer is not shared with the node
	e := nextObjectEvent(t, ev, p2pcollab.ChangeAdded, oid(1))
	if string(e.Object.Data) != "v1" || e.Peer != me(t, api) || e.Object.Peer != e.Peer {
		t.Fatalf("added event: data %q peer %v object peer %v, want \"v1\" and my peer ID", e.Object.Data, e.Peer, e.Object.Peer)
	}
	must(t, "update", s.SetObject(ctx, oid(1), []byte("v2"), p2pcollab.ScopeInternet))
	e = nextObjectEvent(t, ev, p2pcollab.ChangeUpdated, oid(1))
	if string(e.Object.Data) != "v2" || e.Object.Scope != p2pcollab.ScopeInternet {
		t.Fatalf("updated event: %q %v, want \"v2\" internet", e.Object.Data, e.Object.Scope)
	}
	objs := myObjects(t, api)
	if len(objs) != 1 || string(objs[0].Data) != "v2" {
		t.Fatalf("objects: got %+v, want one object \"v2\"", objs)
	}
	objs[0].Data[0] = 'Z' // nor is the result of Objects
	if got := myObjects(t, api); string(got[0].Data) != "v2" {
		t.Fatalf("objects after mutating a result: got %q, want \"v2\"", got[0].Data)
	}
}

func testDeleteObject(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	ev := events(t, api, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventMyObjectChanged}})
	a := openSession(t, api, "a")
	b := openSession(t, api, "b")
	must(t, "set", a.SetObject(ctx, oid(1), []byte("a"), p2pcollab.ScopeAll))
	nextObjectEvent(t, ev, p2pcollab.ChangeAdded, oid(1))
	wantErr(t, "delete unknown", a.DeleteObject(ctx, oid(2)), status.ErrNotFound)
	wantErr(t, "delete nil GUID", a.DeleteObject(ctx, uuid.Nil), status.ErrInvalidArg)
	must(t, "delete by another session", b.DeleteObject(ctx, oid(1)))
	e := nextObjectEvent(t, ev, p2pcollab.ChangeDeleted, oid(1))
	if string(e.Object.Data) != "a" {
		t.Fatalf("deleted event: data %q, want the object as it was", e.Object.Data)
	}
	wantObjects(t, api)
	wantErr(t, "delete twice", a.DeleteObject(ctx, oid(1)), status.ErrNotFound)
}

func testObjectsByID(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	s := openSession(t, api, "app")
	must(t, "set", s.SetObject(ctx, oid(1), []byte("1"), p2pcollab.ScopeAll))
	must(t, "set", s.SetObject(ctx, oid(2), []byte("2"), p2pcollab.ScopeAll))
	got, err := api.Objects(ctx, p2pcollab.ObjectQuery{ID: oid(2)})
	must(t, "Objects", err)
	if len(got) != 1 || got[0].ID != oid(2) || string(got[0].Data) != "2" {
		t.Fatalf("by id: got %+v, want object 2", got)
	}
	_, err = api.Objects(ctx, p2pcollab.ObjectQuery{ID: oid(3)})
	wantErr(t, "unknown id", err, status.ErrNotFound)
	mine, err := api.Objects(ctx, p2pcollab.ObjectQuery{Peer: me(t, api)})
	must(t, "Objects of my own peer ID", err)
	if len(mine) != 2 {
		t.Fatalf("my peer ID: got %d objects, want 2", len(mine))
	}
}

// Another peer's objects are asked for by peer ID; only contacts have any.
func testObjectsOfOtherPeers(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	bob := newSomeone(t, "bob")
	_, err := api.Objects(ctx, p2pcollab.ObjectQuery{Peer: bob.id.ID})
	wantErr(t, "objects of a stranger", err, status.ErrContactNotFound)
	_, err = api.AddContact(ctx, bob.card, true, true)
	must(t, "AddContact", err)
	if _, err := api.Objects(ctx, p2pcollab.ObjectQuery{Peer: bob.id.ID}); err != nil {
		t.Fatalf("objects of a contact: %v", err)
	}
	_, err = api.Objects(ctx, p2pcollab.ObjectQuery{Peer: bob.id.ID, ID: oid(1)})
	wantErr(t, "unknown object of a contact", err, status.ErrNotFound)
}

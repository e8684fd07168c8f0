package p2pcollab

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/status"
)

const testPeer = peer.ID("self")

func nthID(n int) uuid.UUID {
	var id uuid.UUID
	id[0], id[1], id[15] = byte(n>>8), byte(n), 1
	return id
}

func signedIn(t *testing.T) (*Registry, SessionID) {
	t.Helper()
	r := NewRegistry(testPeer)
	if _, err := r.SignIn(ScopeAll); err != nil {
		t.Fatal(err)
	}
	s, err := r.OpenSession("app")
	if err != nil {
		t.Fatal(err)
	}
	return r, s
}

func mustSet(t *testing.T, r *Registry, s SessionID, id uuid.UUID, data string) []Event {
	t.Helper()
	ev, err := r.SetObject(s, id, []byte(data), ScopeInternet)
	if err != nil {
		t.Fatalf("SetObject(%s): %v", id, err)
	}
	return ev
}

func wantErr(t *testing.T, err error, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got error %v, want %v", err, want)
	}
}

func TestSetObjectDataSizeEdges(t *testing.T) {
	for _, tc := range []struct {
		size int
		want error
	}{
		{0, status.ErrInvalidArg},
		{1, nil},
		{MaxObjectSize, nil},
		{MaxObjectSize + 1, status.ErrInvalidArg},
	} {
		r, s := signedIn(t)
		_, err := r.SetObject(s, nthID(1), bytes.Repeat([]byte{7}, tc.size), ScopeAll)
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("size %d: got %v, want %v", tc.size, err, tc.want)
		}
		if wantLen := map[bool]int{true: 1, false: 0}[tc.want == nil]; r.Len() != wantLen {
			t.Errorf("size %d: %d objects after SetObject, want %d", tc.size, r.Len(), wantLen)
		}
	}
}

func TestSetObjectInvalidArgsChangeNothing(t *testing.T) {
	r, s := signedIn(t)
	mustSet(t, r, s, nthID(1), "v1")
	seq := r.Seq()
	cases := map[string]func() error{
		"nil id":        func() error { _, err := r.SetObject(s, uuid.Nil, []byte("x"), ScopeAll); return err },
		"bad scope":     func() error { _, err := r.SetObject(s, nthID(1), []byte("x"), Scope(4)); return err },
		"empty update":  func() error { _, err := r.SetObject(s, nthID(1), nil, ScopeAll); return err },
		"no session":    func() error { _, err := r.SetObject(99, nthID(1), []byte("x"), ScopeAll); return err },
		"delete nil id": func() error { _, err := r.DeleteObject(uuid.Nil); return err },
	}
	for name, f := range cases {
		wantErr(t, f(), status.ErrInvalidArg)
		objs, _ := r.Objects(uuid.Nil)
		if len(objs) != 1 || string(objs[0].Data) != "v1" || r.Seq() != seq {
			t.Errorf("%s changed the registry: %+v", name, objs)
		}
	}
}

func TestObjectLimit(t *testing.T) {
	r, s := signedIn(t)
	for i := 1; i <= MaxObjects; i++ {
		mustSet(t, r, s, nthID(i), "x") // the 128th succeeds
	}
	_, err := r.SetObject(s, nthID(MaxObjects+1), []byte("x"), ScopeAll)
	wantErr(t, err, status.ErrOutOfMemory)
	if r.Len() != MaxObjects {
		t.Fatalf("got %d objects, want %d", r.Len(), MaxObjects)
	}
	ev := mustSet(t, r, s, nthID(MaxObjects), "updated at the limit")
	if ev[0].Change != ChangeUpdated {
		t.Fatalf("got change %v, want updated", ev[0].Change)
	}
	if _, err := r.DeleteObject(nthID(1)); err != nil {
		t.Fatal(err)
	}
	mustSet(t, r, s, nthID(MaxObjects+1), "room again")
}

func TestAddedThenUpdatedThenDeletedEvents(t *testing.T) {
	r, s := signedIn(t)
	ev := mustSet(t, r, s, nthID(1), "a")
	ev = append(ev, mustSet(t, r, s, nthID(1), "b")...)
	del, err := r.DeleteObject(nthID(1))
	if err != nil {
		t.Fatal(err)
	}
	ev = append(ev, del...)
	want := []Change{ChangeAdded, ChangeUpdated, ChangeDeleted}
	for i, e := range ev {
		if e.Type != EventMyObjectChanged || e.Change != want[i] || e.ObjectID != nthID(1) || e.Peer != testPeer {
			t.Errorf("event %d: got %+v, want my_object_changed %v", i, e, want[i])
		}
	}
	if string(ev[2].Object.Data) != "b" {
		t.Errorf("deletion carries %q, want the last data %q", ev[2].Object.Data, "b")
	}
	_, err = r.DeleteObject(nthID(1))
	wantErr(t, err, status.ErrNotFound)
}

func TestOwnershipTakeoverAndSessionEnd(t *testing.T) {
	r, a := signedIn(t)
	b, _ := r.OpenSession("other app")
	mustSet(t, r, a, nthID(1), "a owns")
	mustSet(t, r, a, nthID(2), "a then b")
	mustSet(t, r, b, nthID(2), "b took over")
	mustSet(t, r, b, nthID(3), "b owns")
	if owner, _ := r.Owner(nthID(2)); owner != b {
		t.Fatalf("owner of 2 is %d, want session b (%d)", owner, b)
	}
	ev := r.CloseSession(a)
	if len(ev) != 1 || ev[0].ObjectID != nthID(1) || ev[0].Change != ChangeDeleted {
		t.Fatalf("closing a: got %+v, want only object 1 deleted", ev)
	}
	objs, _ := r.Objects(uuid.Nil)
	if len(objs) != 2 || objs[0].ID != nthID(2) || objs[1].ID != nthID(3) {
		t.Fatalf("after a ended: got %v, want objects 2 and 3", objs)
	}
	if ev := r.CloseSession(a); ev != nil {
		t.Fatalf("closing twice: got %v, want nothing", ev)
	}
	_, err := r.SetObject(a, nthID(4), []byte("x"), ScopeAll)
	wantErr(t, err, status.ErrInvalidArg)
	r.CloseSession(b)
	if r.Len() != 0 {
		t.Fatalf("got %d objects after every session ended, want 0", r.Len())
	}
}

func TestSignInRules(t *testing.T) {
	r := NewRegistry(testPeer)
	s, _ := r.OpenSession("app")
	_, err := r.SetObject(s, nthID(1), []byte("x"), ScopeAll)
	wantErr(t, err, status.ErrNotSignedIn)
	for _, bad := range []Scope{ScopeNone, Scope(4)} {
		_, err := r.SignIn(bad)
		wantErr(t, err, status.ErrInvalidArg)
		_, err = r.SignOut(bad)
		wantErr(t, err, status.ErrInvalidArg)
	}
	ev, err := r.SignIn(ScopeNearMe)
	if err != nil || len(ev) != 1 || ev[0].Type != EventMyPresenceChanged || ev[0].Presence.Status != PresenceOnline {
		t.Fatalf("first sign-in: got %v %v, want presence online", ev, err)
	}
	r.SignIn(ScopeInternet)
	if r.SignedIn() != ScopeAll {
		t.Fatalf("got %v, want all", r.SignedIn())
	}
}

func TestSignOutOfOneScopeKeepsObjects(t *testing.T) {
	r, s := signedIn(t)
	mustSet(t, r, s, nthID(1), "x")
	ev, err := r.SignOut(ScopeInternet)
	if err != nil || len(ev) != 0 {
		t.Fatalf("partial sign-out: got %v %v, want no events", ev, err)
	}
	if r.Len() != 1 || r.SignedIn() != ScopeNearMe {
		t.Fatalf("partial sign-out: %d objects, scopes %v; want 1, near-me", r.Len(), r.SignedIn())
	}
	mustSet(t, r, s, nthID(2), "still signed in near me")
}

func TestFullSignOutDropsEveryObject(t *testing.T) {
	r, s := signedIn(t)
	mustSet(t, r, s, nthID(1), "x")
	mustSet(t, r, s, nthID(2), "y")
	ev, err := r.SignOut(ScopeAll)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 3 || ev[0].Change != ChangeDeleted || ev[1].Change != ChangeDeleted || ev[2].Type != EventMyPresenceChanged {
		t.Fatalf("got %+v, want two deletions then presence offline", ev)
	}
	if r.Len() != 0 {
		t.Fatalf("%d objects after sign-out, want 0", r.Len())
	}
	_, err = r.SetObject(s, nthID(1), []byte("x"), ScopeAll)
	wantErr(t, err, status.ErrNotSignedIn)
	r.SignIn(ScopeInternet)
	mustSet(t, r, s, nthID(1), "published again after sign-in")
}

func TestPresenceRules(t *testing.T) {
	r := NewRegistry(testPeer)
	_, err := r.SetPresence(Presence{Status: PresenceBusy})
	wantErr(t, err, status.ErrNotSignedIn)
	r.SignIn(ScopeAll)
	_, err = r.SetPresence(Presence{Status: PresenceOffline})
	wantErr(t, err, status.ErrInvalidArg)
	_, err = r.SetPresence(Presence{Status: PresenceBusy, Text: string(bytes.Repeat([]byte("é"), MaxPresenceText+1))})
	wantErr(t, err, status.ErrInvalidArg)
	ev, err := r.SetPresence(Presence{Status: PresenceBusy, Text: string(bytes.Repeat([]byte("é"), MaxPresenceText))})
	if err != nil || len(ev) != 1 {
		t.Fatalf("got %v %v, want one presence event", ev, err)
	}
}

func TestShutdownThenNotInitialized(t *testing.T) {
	r, s := signedIn(t)
	mustSet(t, r, s, nthID(1), "x")
	ev := r.Shutdown()
	if len(ev) != 2 || ev[0].Change != ChangeDeleted {
		t.Fatalf("shutdown: got %v, want deletion and presence", ev)
	}
	_, err := r.SetObject(s, nthID(1), []byte("x"), ScopeAll)
	wantErr(t, err, status.ErrNotInitialized)
	_, err = r.SignIn(ScopeAll)
	wantErr(t, err, status.ErrNotInitialized)
	_, err = r.OpenSession("late")
	wantErr(t, err, status.ErrNotInitialized)
	_, err = r.Objects(uuid.Nil)
	wantErr(t, err, status.ErrNotInitialized)
}

func TestObjectsAreCopies(t *testing.T) {
	r, s := signedIn(t)
	data := []byte("abc")
	r.SetObject(s, nthID(1), data, ScopeAll)
	data[0] = 'X'
	objs, _ := r.Objects(nthID(1))
	objs[0].Data[1] = 'Y'
	again, _ := r.Objects(nthID(1))
	if string(again[0].Data) != "abc" {
		t.Fatalf("registry data changed through an alias: %q", again[0].Data)
	}
	_, err := r.Objects(nthID(2))
	wantErr(t, err, status.ErrNotFound)
}

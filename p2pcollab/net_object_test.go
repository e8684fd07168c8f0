package p2pcollab

import (
	"context"
	"testing"
	"time"
)

// A trusted watcher sees an object added, updated and deleted, and can
// enumerate the publisher's objects.
func TestWatcherSeesAddedUpdatedDeleted(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		befriend(alice, bob)

		app := alice.session()
		id := nthID(1)
		alice.set(app, id, "hello", ScopeInternet)
		wantObjectEvent(t, bob.objectEvent(10*time.Second), ChangeAdded, alice.id.ID, id, "hello")

		alice.set(app, id, "hello again", ScopeAll)
		wantObjectEvent(t, bob.objectEvent(5*time.Second), ChangeUpdated, alice.id.ID, id, "hello again")
		if objs := bob.objectsOf(alice); len(objs) != 1 || string(objs[0].Data) != "hello again" || objs[0].Scope != ScopeAll || objs[0].Peer != alice.id.ID {
			t.Fatalf("bob sees %+v, want alice's one object", objs)
		}

		if err := app.DeleteObject(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		wantObjectEvent(t, bob.objectEvent(5*time.Second), ChangeDeleted, alice.id.ID, id, "")
		if objs := bob.objectsOf(alice); len(objs) != 0 {
			t.Fatalf("bob sees %+v after the deletion, want nothing", objs)
		}
	})
}

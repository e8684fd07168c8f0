package p2pcollab

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Only a contact that watches the publisher AND is allowed by it sees its
// internet objects: a contact that does not watch, a blocked contact and a
// stranger see nothing, and the blocked one and the stranger are told why
// when they ask.
func TestOnlyAllowedWatchersSee(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)         // allowed, watching
		carol := net.newPeer("carol", ScopeInternet)     // allowed, not watching
		dave := net.newPeer("dave", ScopeInternet)       // watching, blocked
		mallory := net.newPeer("mallory", ScopeInternet) // a stranger
		befriend(alice, bob)
		alice.trust(carol, false, true)
		carol.trust(alice, false, false)
		alice.trust(dave, false, false)
		dave.trust(alice, true, false)
		mallory.trust(alice, true, false) // alice never heard of mallory

		app := alice.session()
		id := nthID(7)
		alice.set(app, id, "for bob only", ScopeInternet)
		wantObjectEvent(t, bob.objectEvent(10*time.Second), ChangeAdded, alice.id.ID, id, "for bob only")

		ctx := context.Background()
		for _, p := range []*simPeer{dave, mallory} {
			if err := p.session().SubscribeEndpoint(ctx, alice.id.ID); err != nil {
				t.Fatal(err)
			}
			e := p.next(35*time.Second, EventRequestStatusChanged)
			if !errors.Is(e.Result, status.ErrAccessDenied) {
				t.Fatalf("%s: subscribe result %v, want access denied", p.name, e.Result)
			}
		}
		alice.set(app, id, "still for bob only", ScopeAll)
		wantObjectEvent(t, bob.objectEvent(5*time.Second), ChangeUpdated, alice.id.ID, id, "still for bob only")
		for _, p := range []*simPeer{carol, dave, mallory} {
			p.noEvent(5*time.Second, EventEndpointObjectChanged)
			if objs := p.objectsOf(alice); len(objs) != 0 {
				t.Fatalf("%s sees %v, want nothing", p.name, objs)
			}
		}
		if st := alice.netStats(); st.Refused == 0 {
			t.Errorf("alice refused no snapshot pulls: %+v", st)
		}
	})
}

// Blocking a watcher rotates the key: the revoked watcher keeps what it
// had but decrypts nothing published afterwards, while the others carry on.
func TestRevokedWatcherDecryptsNothingNew(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		carol := net.newPeer("carol", ScopeInternet)
		befriend(alice, bob)
		befriend(alice, carol)
		app := alice.session()
		alice.set(app, nthID(1), "before", ScopeInternet)
		for _, p := range []*simPeer{bob, carol} {
			wantObjectEvent(t, p.objectEvent(10*time.Second), ChangeAdded, alice.id.ID, nthID(1), "before")
		}

		grantsBefore := bob.netStats().KeyGrants
		blocked := contacts.PermissionBlocked
		if _, err := alice.node.UpdateContact(context.Background(), carol.id.ID, ContactUpdate{Permission: &blocked}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second) // let the new key reach bob
		if st := bob.netStats(); st.KeyGrants != grantsBefore+1 {
			t.Errorf("bob received %d pushed keys after the rotation, want 1", st.KeyGrants-grantsBefore)
		}
		alice.set(app, nthID(2), "after", ScopeInternet)
		wantObjectEvent(t, bob.objectEvent(10*time.Second), ChangeAdded, alice.id.ID, nthID(2), "after")
		alice.set(app, nthID(1), "before, changed", ScopeInternet)
		wantObjectEvent(t, bob.objectEvent(10*time.Second), ChangeUpdated, alice.id.ID, nthID(1), "before, changed")

		// Carol may see alice go offline (she gets no more digests she can
		// use), but nothing published after the rotation.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		for {
			e, err := carol.events.Next(ctx)
			if err != nil {
				break
			}
			if e.Type == EventEndpointObjectChanged && e.Change != ChangeDeleted && string(e.Object.Data) != "before" {
				t.Fatalf("carol got %v %q, published after she was blocked", e.Change, e.Object.Data)
			}
		}
		for _, o := range carol.objectsOf(alice) {
			if string(o.Data) != "before" {
				t.Fatalf("carol reads %q, published after she was blocked", o.Data)
			}
		}
		if st := alice.netStats(); st.KeyRotations != 1 {
			t.Fatalf("alice rotated %d times, want 1", st.KeyRotations)
		}
		// What carol holds cannot open alice's current key's ciphertext.
		alice.node.mu.Lock()
		cur := alice.node.net.keys.Current()
		alice.node.mu.Unlock()
		carol.node.mu.Lock()
		_, has := carol.node.net.grants.Key(alice.id.ID, cur.Epoch, cur.ID)
		carol.node.mu.Unlock()
		if has {
			t.Fatal("carol holds alice's key from after the rotation")
		}
	})
}

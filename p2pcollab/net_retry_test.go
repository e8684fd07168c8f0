package p2pcollab

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	lpnet "github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// A snapshot pull that fails (the publisher resets the first sync
// streams) is retried until it succeeds.
func TestFailedPullIsRetried(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		var refused atomic.Int32
		proto := protocol.ID(wire.SyncProtocol(wire.Internet))
		alice.host.SetStreamHandler(proto, func(s lpnet.Stream) {
			if refused.Add(1) <= 3 {
				s.Reset()
				return
			}
			alice.node.net.serveSync(wire.Internet, s)
		})
		app := alice.session()
		alice.set(app, nthID(1), "one", ScopeInternet)
		befriend(alice, bob)
		wantObjectEvent(t, bob.objectEvent(30*time.Second), ChangeAdded, alice.id.ID, nthID(1), "one")
		if st := bob.netStats(); st.PullFailures < 3 {
			t.Errorf("bob counted %d failed pulls, want at least 3", st.PullFailures)
		}
	})
}

// A key push that fails (the watcher resets the first key stream) is
// retried until it succeeds, without waiting for the watcher to need a
// snapshot.
func TestFailedKeyPushIsRetried(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		carol := net.newPeer("carol", ScopeInternet)
		befriend(alice, bob)
		befriend(alice, carol)
		app := alice.session()
		alice.set(app, nthID(1), "one", ScopeInternet)
		for _, p := range []*simPeer{bob, carol} {
			p.await(10*time.Second, isObject(ChangeAdded, alice.id.ID, nthID(1)))
		}
		time.Sleep(5 * time.Second) // every grant owed so far is delivered

		var refused atomic.Int32
		bob.host.SetStreamHandler(wire.KeyProtocol, func(s lpnet.Stream) {
			if refused.Add(1) == 1 {
				s.Reset()
				return
			}
			bob.node.net.serveKey(s)
		})
		before := bob.netStats()
		blocked := contacts.PermissionBlocked
		if _, err := alice.node.UpdateContact(context.Background(), carol.id.ID, ContactUpdate{Permission: &blocked}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Second)
		after := bob.netStats()
		if got := after.KeyGrants - before.KeyGrants; got != 1 {
			t.Errorf("bob received %d pushed keys after the rotation, want 1", got)
		}
		if after.Snapshots != before.Snapshots {
			t.Errorf("bob pulled %d snapshots: the key should have come by push", after.Snapshots-before.Snapshots)
		}
		if st := alice.netStats(); st.GrantFailures != 1 {
			t.Errorf("alice counted %d failed key pushes, want 1", st.GrantFailures)
		}
	})
}

// A watcher that cannot reach its publisher at first (its dials fail)
// keeps dialing, and syncs once the publisher is reachable.
func TestFailedDialIsRetried(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		net.partition(alice.host, bob.host, true)
		app := alice.session()
		alice.set(app, nthID(1), "one", ScopeInternet)
		befriend(alice, bob)
		time.Sleep(20 * time.Second)
		if st := bob.netStats(); st.DialFailures == 0 && st.PullFailures == 0 {
			t.Fatalf("bob reached alice through the cut: %+v", st)
		}
		net.partition(alice.host, bob.host, false)
		wantObjectEvent(t, bob.objectEvent(30*time.Second), ChangeAdded, alice.id.ID, nthID(1), "one")
	})
}

package p2pcollab

import (
	"context"
	"testing"
	"time"
)

// A deletion made while a partition separates publisher and watcher, as
// the publisher's last change, reaches the watcher after the heal, whether
// the cut was shorter than the liveness timeout or longer.
func TestDeletionDuringPartitionRepaired(t *testing.T) {
	for _, cut := range []time.Duration{2 * time.Second, 10 * time.Second} {
		t.Run(cut.String(), func(t *testing.T) {
			simTest(t, func(t *testing.T) {
				net := newSimNet(t)
				alice := net.newPeer("alice", ScopeInternet)
				bob := net.newPeer("bob", ScopeInternet)
				befriend(alice, bob)
				app := alice.session()
				alice.set(app, nthID(1), "one", ScopeInternet)
				alice.set(app, nthID(2), "two", ScopeInternet)
				waitObjects(t, bob, alice, map[int]string{1: "one", 2: "two"}, 10*time.Second)

				net.partition(alice.host, bob.host, true)
				if err := app.DeleteObject(context.Background(), nthID(2)); err != nil {
					t.Fatal(err)
				}
				time.Sleep(cut)
				net.partition(alice.host, bob.host, false)
				waitObjects(t, bob, alice, map[int]string{1: "one"}, 10*time.Second)
				alice.set(app, nthID(3), "three", ScopeInternet)
				bob.await(2*time.Second, isObject(ChangeAdded, alice.id.ID, nthID(3)))
			})
		})
	}
}

// A publisher whose daemon stops while cut off from a watcher, and starts
// again (new host, same peer ID and address, next epoch) before the heal,
// is seen again by the watcher after the heal: its objects, then its live
// updates. The watcher's old connection died silently (its close was lost
// in the partition); the restarted publisher's dial replaces it.
func TestRestartedPublisherSeenAfterPartition(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		aliceID, aliceDir := mustIdentity(t), t.TempDir()
		alice := net.startPeer("alice", aliceID, aliceDir, ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		befriend(alice, bob)
		app := alice.session()
		alice.set(app, nthID(1), "one", ScopeInternet)
		bob.await(10*time.Second, isObject(ChangeAdded, alice.id.ID, nthID(1)))

		net.partition(alice.host, bob.host, true)
		alice.crash()
		time.Sleep(2 * time.Second)
		alice = net.startPeer("alice", aliceID, aliceDir, ScopeInternet) // same address: still cut off
		app = alice.session()
		alice.set(app, nthID(2), "two", ScopeInternet)
		time.Sleep(10 * time.Second) // bob gives the old alice up
		if objs := bob.objectsOf(alice); len(objs) != 0 {
			t.Fatalf("bob still shows %d objects of a vanished alice", len(objs))
		}

		net.partition(alice.host, bob.host, false)
		waitObjects(t, bob, alice, map[int]string{2: "two"}, 15*time.Second)
		alice.set(app, nthID(3), "three", ScopeInternet)
		bob.await(2*time.Second, isObject(ChangeAdded, alice.id.ID, nthID(3)))
	})
}

// A watcher whose daemon stops while cut off from the publisher and starts
// again before the heal gets the publisher's state and live updates after
// the heal, although the publisher's old connection to it died silently.
func TestRestartedWatcherSeesPublisherAfterPartition(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bobID, bobDir := mustIdentity(t), t.TempDir()
		bob := net.startPeer("bob", bobID, bobDir, ScopeInternet)
		befriend(alice, bob)
		app := alice.session()
		alice.set(app, nthID(1), "one", ScopeInternet)
		bob.await(10*time.Second, isObject(ChangeAdded, alice.id.ID, nthID(1)))

		net.partition(alice.host, bob.host, true)
		bob.crash()
		time.Sleep(2 * time.Second)
		bob = net.startPeer("bob", bobID, bobDir, ScopeInternet)
		alice.set(app, nthID(2), "two", ScopeInternet)
		time.Sleep(3 * time.Second)

		net.partition(alice.host, bob.host, false)
		waitObjects(t, bob, alice, map[int]string{1: "one", 2: "two"}, 15*time.Second)
		alice.set(app, nthID(3), "three", ScopeInternet)
		bob.await(2*time.Second, isObject(ChangeAdded, alice.id.ID, nthID(3)))
	})
}

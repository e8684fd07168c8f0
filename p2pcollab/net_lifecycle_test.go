package p2pcollab

import (
	"context"
	"testing"
	"time"
)

// Deletion reaches watchers in every case: the owning session ends, the
// publisher signs out of the scope, the publisher's daemon vanishes.
func TestDeletionReachesWatchers(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		befriend(alice, bob)
		ctx := context.Background()

		// Session end.
		app := alice.session()
		alice.set(app, nthID(1), "one", ScopeInternet)
		bob.await(10*time.Second, isObject(ChangeAdded, alice.id.ID, nthID(1)), isPresence(alice.id.ID, PresenceOnline))
		app.Close()
		wantObjectEvent(t, bob.objectEvent(5*time.Second), ChangeDeleted, alice.id.ID, nthID(1), "")

		// Sign-out of the scope.
		app = alice.session()
		alice.set(app, nthID(2), "two", ScopeInternet)
		wantObjectEvent(t, bob.objectEvent(5*time.Second), ChangeAdded, alice.id.ID, nthID(2), "two")
		if err := alice.node.SignOut(ctx, ScopeInternet); err != nil {
			t.Fatal(err)
		}
		bob.await(10*time.Second, isObject(ChangeDeleted, alice.id.ID, nthID(2)), isPresence(alice.id.ID, PresenceOffline))

		// Daemon loss: the host goes away without a word.
		if err := alice.node.SignIn(ctx, ScopeInternet); err != nil {
			t.Fatal(err)
		}
		app = alice.session()
		alice.set(app, nthID(3), "three", ScopeInternet)
		wantObjectEvent(t, bob.objectEvent(10*time.Second), ChangeAdded, alice.id.ID, nthID(3), "three")
		start := time.Now()
		alice.crash()
		bob.await(10*time.Second, isObject(ChangeDeleted, alice.id.ID, nthID(3)), isPresence(alice.id.ID, PresenceOffline))
		// The liveness timeout, plus one heartbeat for the sweep's phase.
		cfg := testNetConfig().withDefaults()
		if took, limit := time.Since(start), cfg.livenessTimeout()+cfg.Heartbeat; took > limit {
			t.Fatalf("bob noticed after %v, want within %v", took, limit)
		}
	})
}

// A watcher that comes online after the publisher published gets its
// complete state.
func TestLateJoinerGetsEverything(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		app := alice.session()
		for i := 1; i <= 5; i++ {
			alice.set(app, nthID(i), "object", ScopeInternet)
		}
		alice.set(app, nthID(3), "changed", ScopeInternet)
		app.DeleteObject(context.Background(), nthID(5))
		time.Sleep(5 * time.Second)

		bob := net.newPeer("bob", ScopeInternet)
		befriend(alice, bob)
		for i := 0; i < 4; i++ {
			if e := bob.objectEvent(10 * time.Second); e.Change != ChangeAdded {
				t.Fatalf("got %v, want added", e.Change)
			}
		}
		objs := bob.objectsOf(alice)
		if len(objs) != 4 || string(objs[2].Data) != "changed" {
			t.Fatalf("bob sees %v, want alice's 4 objects", objs)
		}
	})
}

// A watcher cut off from the publisher converges to the publisher's state
// once the partition heals, without waiting for another change.
func TestHealedPartitionConverges(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		befriend(alice, bob)
		app := alice.session()
		alice.set(app, nthID(1), "one", ScopeInternet)
		alice.set(app, nthID(2), "two", ScopeInternet)
		for i := 0; i < 2; i++ {
			bob.objectEvent(10 * time.Second)
		}

		// A short cut: fewer beats than the liveness timeout.
		net.partition(alice.host, bob.host, true)
		alice.set(app, nthID(1), "one, changed", ScopeInternet)
		app.DeleteObject(context.Background(), nthID(2))
		alice.set(app, nthID(3), "three", ScopeInternet)
		time.Sleep(2 * time.Second)
		net.partition(alice.host, bob.host, false)
		healed := time.Now()
		waitObjects(t, bob, alice, map[int]string{1: "one, changed", 3: "three"}, 5*time.Second)
		t.Logf("converged %v after the short cut healed", time.Since(healed))

		// A long cut: bob gives alice up, then gets her back.
		net.partition(alice.host, bob.host, true)
		alice.set(app, nthID(4), "four", ScopeInternet)
		time.Sleep(10 * time.Second)
		if objs := bob.objectsOf(alice); len(objs) != 0 {
			t.Fatalf("bob still shows %d objects of an unreachable alice", len(objs))
		}
		net.partition(alice.host, bob.host, false)
		healed = time.Now()
		waitObjects(t, bob, alice, map[int]string{1: "one, changed", 3: "three", 4: "four"}, 5*time.Second)
		t.Logf("converged %v after the long cut healed", time.Since(healed))
	})
}

// waitObjects waits until p sees exactly want (by nthID index) of other.
func waitObjects(t *testing.T, p, other *simPeer, want map[int]string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		objs := p.objectsOf(other)
		ok := len(objs) == len(want)
		for _, o := range objs {
			found := false
			for i, data := range want {
				if o.ID == nthID(i) && string(o.Data) == data {
					found = true
				}
			}
			ok = ok && found
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s sees %v of %s after %v, want %v", p.name, objs, other.name, d, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

package p2pcollab

import (
	"context"
	"testing"
	"time"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// Presence reaches watchers with endpoint_presence_changed, reaches a
// watcher that joins later within a heartbeat, and goes offline when the
// publisher signs out.
func TestPresenceTravels(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		befriend(alice, bob)
		ctx := context.Background()
		waitPresence(t, bob, alice, Presence{Status: PresenceOnline}, 10*time.Second)

		away := Presence{Status: PresenceAway, Text: "lunch, back at two"}
		if err := alice.node.SetPresence(ctx, away); err != nil {
			t.Fatal(err)
		}
		waitPresence(t, bob, alice, away, 5*time.Second)

		carol := net.newPeer("carol", ScopeInternet)
		befriend(alice, carol)
		waitPresence(t, carol, alice, away, 10*time.Second)

		if err := alice.node.SignOut(ctx, ScopeAll); err != nil {
			t.Fatal(err)
		}
		waitPresence(t, bob, alice, Presence{Status: PresenceOffline}, 10*time.Second)
	})
}

// A presence change that a watcher missed (presence is published once,
// not repeated) reaches it anyway: the next digest announces a newer
// presence version and the watcher pulls the snapshot, which carries it.
// The loss is made by rolling bob's record back, since a short cut is
// repaired by QUIC's retransmission and a long one by the liveness path.
func TestMissedPresenceRepairedByDigest(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		befriend(alice, bob)
		waitPresence(t, bob, alice, Presence{Status: PresenceOnline}, 10*time.Second)
		busy := Presence{Status: PresenceBusy, Text: "in a meeting"}
		if err := alice.node.SetPresence(context.Background(), busy); err != nil {
			t.Fatal(err)
		}
		waitPresence(t, bob, alice, busy, 5*time.Second)

		bob.node.mu.Lock()
		r := bob.node.net.remotes[alice.id.ID]
		r.ch[wire.Internet].presence = remotePresence{} // as if never received
		r.presence = Presence{Status: PresenceOnline}
		bob.node.mu.Unlock()
		waitPresence(t, bob, alice, busy, 10*time.Second)
		if got := bob.netStats().Snapshots; got < 2 {
			t.Errorf("bob pulled %d snapshots, want the first and the repair", got)
		}
	})
}

// waitPresence waits for p's next presence event about other and checks it.
func waitPresence(t *testing.T, p, other *simPeer, want Presence, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		e := p.next(time.Until(deadline), EventEndpointPresenceChanged)
		if e.Peer == other.id.ID && *e.Presence == want {
			return
		}
	}
}

// A publisher that restarts starts a new epoch without the presence it
// had set: its watchers must stop showing the old one (plain online), not
// keep "away" from a daemon that no longer says so.
func TestRestartedPublisherDropsOldPresence(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		aliceID, aliceDir := mustIdentity(t), t.TempDir()
		alice := net.startPeer("alice", aliceID, aliceDir, ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		befriend(alice, bob)
		away := Presence{Status: PresenceAway, Text: "back at two"}
		if err := alice.node.SetPresence(context.Background(), away); err != nil {
			t.Fatal(err)
		}
		waitPresence(t, bob, alice, away, 10*time.Second)

		alice.crash()
		alice = net.startPeer("alice", aliceID, aliceDir, ScopeInternet)
		waitPresence(t, bob, alice, Presence{Status: PresenceOnline}, 20*time.Second)
	})
}

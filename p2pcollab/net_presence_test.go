package p2pcollab

import (
	"context"
	"testing"
	"time"
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

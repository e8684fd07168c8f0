package p2pcollab

import (
	"testing"
	"time"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// beats returns how many digests p has sent on its internet channel.
func (p *simPeer) beats() uint64 {
	nw := p.node.net
	nw.n.mu.Lock()
	defer nw.n.mu.Unlock()
	return nw.logs[wire.Internet].Snapshot().Beat
}

// A channel sends a digest only after DigestBeats quiet heartbeats: none
// while it sends an update every heartbeat, one every DigestBeats when it
// is idle, and its watchers keep it alive either way.
func TestDigestsOnlyWhenQuiet(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		befriend(alice, bob)
		app := alice.session()
		alice.set(app, nthID(1), "v0", ScopeInternet)
		bob.await(10*time.Second, isObject(ChangeAdded, alice.id.ID, nthID(1)))

		// Busy: an update every heartbeat for 20 heartbeats, no digest.
		time.Sleep(100 * time.Millisecond)
		before := alice.beats()
		for i := range 20 {
			alice.set(app, nthID(1), "v"+string(rune('a'+i)), ScopeInternet)
			time.Sleep(time.Second)
		}
		if got := alice.beats() - before; got != 0 {
			t.Errorf("a busy channel sent %d digests in 20 heartbeats, want 0", got)
		}

		// Idle: one digest every DigestBeats heartbeats; bob keeps alice's
		// object throughout (the digests keep her alive).
		time.Sleep(5 * time.Second) // past the first digest
		before = alice.beats()
		time.Sleep(20 * time.Second)
		if got, want := alice.beats()-before, uint64(20/DefaultDigestBeats); got != want {
			t.Errorf("an idle channel sent %d digests in 20 heartbeats, want %d", got, want)
		}
		if objs := bob.objectsOf(alice); len(objs) != 1 {
			t.Fatalf("bob sees %d objects of a live but idle alice, want 1", len(objs))
		}
	})
}

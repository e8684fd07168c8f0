package p2pcollab

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Endpoints lists what the events showed: bob watches alice and
// subscribes to carol, a contact he does not watch; alice's presence and objects, as the events
// reported them, are in the list, and her sign-out leaves her listed,
// offline with nothing shown.
func TestEndpointsShowPresenceAndObjects(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		carol := net.newPeer("carol", ScopeInternet)
		ctx := context.Background()
		befriend(alice, bob)
		nick := "al"
		if _, err := bob.node.UpdateContact(ctx, alice.id.ID, ContactUpdate{Nickname: &nick}); err != nil {
			t.Fatal(err)
		}
		// Bob has carol's card (for her address) but does not watch her:
		// he follows her by subscribing.
		carol.trust(bob, false, true)
		bob.trust(carol, false, false)
		carolNick := "cc"
		if _, err := bob.node.UpdateContact(ctx, carol.id.ID, ContactUpdate{Nickname: &carolNick}); err != nil {
			t.Fatal(err)
		}
		bobApp := bob.session()
		if err := bobApp.SubscribeEndpoint(ctx, carol.id.ID); err != nil {
			t.Fatal(err)
		}
		bob.await(10*time.Second, isPresence(alice.id.ID, PresenceOnline), isPresence(carol.id.ID, PresenceOnline), isRequestOK(carol.id.ID))

		away := Presence{Status: PresenceAway, Text: "lunch, back at two"}
		if err := alice.node.SetPresence(ctx, away); err != nil {
			t.Fatal(err)
		}
		app := alice.session()
		alice.set(app, nthID(1), "one", ScopeInternet)
		alice.set(app, nthID(2), "two", ScopeInternet)
		bob.await(10*time.Second, isPresence(alice.id.ID, PresenceAway),
			isObject(ChangeAdded, alice.id.ID, nthID(1)), isObject(ChangeAdded, alice.id.ID, nthID(2)))
		aliceEntry := Endpoint{Peer: alice.id.ID, Nickname: nick, Presence: away, Objects: 2, Watched: true}
		carolEntry := Endpoint{Peer: carol.id.ID, Nickname: carolNick, Presence: Presence{Status: PresenceOnline}, Subscribed: true}
		wantEndpoints(t, bob, aliceEntry, carolEntry)

		if err := alice.node.SignOut(ctx, ScopeAll); err != nil {
			t.Fatal(err)
		}
		bob.await(10*time.Second, isPresence(alice.id.ID, PresenceOffline),
			isObject(ChangeDeleted, alice.id.ID, nthID(1)), isObject(ChangeDeleted, alice.id.ID, nthID(2)))
		aliceEntry.Presence, aliceEntry.Objects = Presence{Status: PresenceOffline}, 0
		wantEndpoints(t, bob, aliceEntry, carolEntry)

		// Unsubscribed, carol is no longer followed, so no longer listed.
		if err := bobApp.UnsubscribeEndpoint(ctx, carol.id.ID); err != nil {
			t.Fatal(err)
		}
		wantEndpoints(t, bob, aliceEntry)

		bob.stop()
		if eps, err := bob.node.Endpoints(ctx); !errors.Is(err, status.ErrNotInitialized) || eps != nil {
			t.Fatalf("Endpoints after Close: got %v %v, want ErrNotInitialized and no list", eps, err)
		}
	})
}

// People near me are listed as such, with the presence the user is
// shown: none (offline) until the user subscribes, since near-me peers
// are followed for the list but not shown.
func TestEndpointsListPeopleNearMe(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		lan := newSimLAN()
		alice := net.newPeer("alice", ScopeNearMe, lan.join())
		bob := net.newPeer("bob", ScopeNearMe, lan.join())
		if e := alice.next(10*time.Second, EventPeopleNearMeChanged); e.Change != ChangeAdded || e.Peer != bob.id.ID {
			t.Fatalf("got %v %v about %s, want bob added nearby", e.Type, e.Change, e.Peer)
		}
		bobEntry := Endpoint{Peer: bob.id.ID, Presence: Presence{Status: PresenceOffline}, NearMe: true}
		wantEndpoints(t, alice, bobEntry)

		if err := alice.session().SubscribeEndpoint(context.Background(), bob.id.ID); err != nil {
			t.Fatal(err)
		}
		alice.await(35*time.Second, isPresence(bob.id.ID, PresenceOnline), isRequestOK(bob.id.ID))
		bobEntry.Presence, bobEntry.Subscribed = Presence{Status: PresenceOnline}, true
		wantEndpoints(t, alice, bobEntry)
	})
}

// wantEndpoints checks p's Endpoints against want, given in any order:
// the list must be exactly want, sorted by peer ID, and a copy (changing
// it changes nothing in the node).
func wantEndpoints(t *testing.T, p *simPeer, want ...Endpoint) {
	t.Helper()
	slices.SortFunc(want, func(a, b Endpoint) int { return cmp.Compare(a.Peer, b.Peer) })
	eps, err := p.node.Endpoints(context.Background())
	if err != nil {
		t.Fatalf("%s: Endpoints: %v", p.name, err)
	}
	if !slices.Equal(eps, want) {
		t.Fatalf("%s: Endpoints:\n got %+v\nwant %+v", p.name, eps, want)
	}
	for i := range eps {
		eps[i] = Endpoint{Peer: peer.ID("changed")}
	}
	if again, _ := p.node.Endpoints(context.Background()); !slices.Equal(again, want) {
		t.Fatalf("%s: Endpoints after changing the list it returned: got %+v, want %+v", p.name, again, want)
	}
}

func isRequestOK(about peer.ID) func(Event) bool {
	return func(e Event) bool { return e.Type == EventRequestStatusChanged && e.Peer == about && e.Result == nil }
}

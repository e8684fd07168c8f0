package p2pcollab

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/peerd/peerd/p2pcollab/status"
)

// Subscriptions belong to the session that made them (as the original
// releases an application's when it exits): bob's node follows a peer
// while some live session subscribes to it, counting each session's
// subscriptions separately, and stops when the last one ends.

// subscribedTo reports whether p's Endpoints lists other as subscribed to.
func (p *simPeer) subscribedTo(other *simPeer) bool {
	p.t.Helper()
	eps, err := p.node.Endpoints(context.Background())
	if err != nil {
		p.t.Fatal(err)
	}
	for _, e := range eps {
		if e.Peer == other.id.ID {
			return e.Subscribed
		}
	}
	return false
}

// Near me: bob's applications subscribe to alice, a stranger nearby. One
// ends and bob keeps following her for the other; when the other ends,
// bob no longer shows her objects, and hears nothing of her updates.
func TestSessionEndReleasesItsSubscriptions(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		lan := newSimLAN()
		alice := net.newPeer("alice", ScopeAll, lan.join())
		bob := net.newPeer("bob", ScopeNearMe, lan.join())
		ctx := context.Background()
		app := alice.session()
		alice.set(app, nthID(1), "nearby", ScopeNearMe)
		bob.next(10*time.Second, EventPeopleNearMeChanged)

		first, second := bob.session(), bob.session()
		for _, s := range []Session{first, first, second} {
			if err := s.SubscribeEndpoint(ctx, alice.id.ID); err != nil {
				t.Fatal(err)
			}
		}
		bob.await(35*time.Second, isObject(ChangeAdded, alice.id.ID, nthID(1)),
			isRequestOK(alice.id.ID), isRequestOK(alice.id.ID), isRequestOK(alice.id.ID))
		if got := bob.node.reg.Subscribed(alice.id.ID); got != 3 {
			t.Fatalf("bob's node holds %d subscriptions to alice, want 3 (2 + 1)", got)
		}

		// Counted per session: the first releases one of its two, then
		// ends holding the other; the second still holds alice.
		if err := first.UnsubscribeEndpoint(ctx, alice.id.ID); err != nil {
			t.Fatal(err)
		}
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}
		if got := bob.node.reg.Subscribed(alice.id.ID); got != 1 {
			t.Fatalf("after the first session ended bob's node holds %d subscriptions to alice, want 1", got)
		}
		if !bob.subscribedTo(alice) {
			t.Fatalf("bob stopped following alice while his second session subscribes to her")
		}
		alice.set(app, nthID(1), "changed", ScopeNearMe)
		wantObjectEvent(t, bob.objectEvent(5*time.Second), ChangeUpdated, alice.id.ID, nthID(1), "changed")

		// The last session holding alice ends: her objects are withdrawn
		// from bob's view, and her updates no longer reach him.
		if err := second.Close(); err != nil {
			t.Fatal(err)
		}
		wantObjectEvent(t, bob.objectEvent(5*time.Second), ChangeDeleted, alice.id.ID, nthID(1), "")
		if bob.subscribedTo(alice) {
			t.Fatalf("bob still follows alice after every session subscribing to her ended")
		}
		if got := bob.node.reg.Subscribed(alice.id.ID); got != 0 {
			t.Fatalf("bob's node holds %d subscriptions to alice after every session ended, want 0", got)
		}
		alice.set(app, nthID(1), "after the end", ScopeNearMe)
		bob.noEvent(10*time.Second, EventEndpointObjectChanged)
		if objs := bob.objectsOf(alice); len(objs) != 0 {
			t.Fatalf("bob sees %v of alice, want nothing", objs)
		}
	})
}

// Over the internet: bob holds carol's card (for her address) and carol
// allows him, but he does not watch her. His application subscribes; when
// it ends, bob's node forgets carol altogether.
func TestSessionEndStopsFollowingAStranger(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		carol := net.newPeer("carol", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		carol.trust(bob, false, true)
		bob.trust(carol, false, false)
		ctx := context.Background()
		app := carol.session()
		carol.set(app, nthID(1), "for bob", ScopeInternet)

		bobApp := bob.session()
		if err := bobApp.SubscribeEndpoint(ctx, carol.id.ID); err != nil {
			t.Fatal(err)
		}
		bob.await(35*time.Second, isObject(ChangeAdded, carol.id.ID, nthID(1)), isRequestOK(carol.id.ID))
		if !bob.subscribedTo(carol) {
			t.Fatalf("bob does not list carol as subscribed to")
		}
		if err := bobApp.Close(); err != nil {
			t.Fatal(err)
		}
		wantObjectEvent(t, bob.objectEvent(5*time.Second), ChangeDeleted, carol.id.ID, nthID(1), "")
		wantEndpoints(t, bob)
		bob.node.mu.Lock()
		_, kept := bob.node.net.remotes[carol.id.ID]
		bob.node.mu.Unlock()
		if kept {
			t.Fatalf("bob keeps state for carol after his only subscription to her ended")
		}
		carol.set(app, nthID(1), "bob no longer listens", ScopeInternet)
		bob.noEvent(10*time.Second, EventEndpointObjectChanged)
		if err := bobApp.SubscribeEndpoint(ctx, carol.id.ID); !errors.Is(err, status.ErrInvalidArg) {
			t.Fatalf("subscribe on an ended session: got %v, want ErrInvalidArg", err)
		}
	})
}

// Another session's subscription is not one to release, and a session's
// subscriptions are checked as the other session calls are.
func TestUnsubscribeIsPerSession(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeAll)
		bob := net.newPeer("bob", ScopeAll)
		ctx := context.Background()
		a, b := bob.session(), bob.session()
		if err := a.SubscribeEndpoint(ctx, alice.id.ID); err != nil {
			t.Fatal(err)
		}
		if err := b.UnsubscribeEndpoint(ctx, alice.id.ID); !errors.Is(err, status.ErrNotFound) {
			t.Fatalf("unsubscribe from a session that holds none: got %v, want ErrNotFound", err)
		}
		for what, err := range map[string]error{
			"empty peer":  a.SubscribeEndpoint(ctx, ""),
			"own peer":    a.SubscribeEndpoint(ctx, bob.id.ID),
			"malformed":   a.UnsubscribeEndpoint(ctx, "garbage"),
			"own peer un": a.UnsubscribeEndpoint(ctx, bob.id.ID),
		} {
			if !errors.Is(err, status.ErrInvalidArg) {
				t.Errorf("%s: got %v, want ErrInvalidArg", what, err)
			}
		}
		if err := bob.node.SignOut(ctx, ScopeAll); err != nil {
			t.Fatal(err)
		}
		if err := b.SubscribeEndpoint(ctx, alice.id.ID); !errors.Is(err, status.ErrNotSignedIn) {
			t.Fatalf("subscribe while signed out: got %v, want ErrNotSignedIn", err)
		}
		// Signing out is not the session's end: a keeps its subscription.
		if got := bob.node.reg.SessionSubscribed(bob.sessionID(a), alice.id.ID); got != 1 {
			t.Fatalf("after sign-out session a holds %d subscriptions to alice, want 1", got)
		}
		if err := a.UnsubscribeEndpoint(ctx, alice.id.ID); err != nil {
			t.Fatal(err)
		}
		bob.stop()
		if err := a.SubscribeEndpoint(ctx, alice.id.ID); !errors.Is(err, status.ErrNotInitialized) {
			t.Fatalf("subscribe after the node shut down: got %v, want ErrNotInitialized", err)
		}
	})
}

// sessionID is the Registry's id of an in-process session.
func (p *simPeer) sessionID(s Session) SessionID { return s.(*nodeSession).id }

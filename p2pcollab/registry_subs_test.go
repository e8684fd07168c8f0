package p2pcollab

import (
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Each session's subscriptions are counted on their own; the node-wide
// count is their sum over live sessions, whatever ends a session.
func TestSubscriptionsBelongToSessions(t *testing.T) {
	const alice, carol = peer.ID("alice"), peer.ID("carol")
	r, a := signedIn(t)
	b, _ := r.OpenSession("other app")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	want := func(p peer.ID, total int) {
		t.Helper()
		if got := r.Subscribed(p); got != total {
			t.Fatalf("subscriptions to %s: got %d, want %d", p, got, total)
		}
	}
	must(r.Subscribe(a, alice))
	must(r.Subscribe(a, alice))
	must(r.Subscribe(b, alice))
	must(r.Subscribe(b, carol))
	want(alice, 3)
	want(carol, 1)

	wantErr(t, r.Unsubscribe(a, carol), status.ErrNotFound) // b's, not a's
	must(r.Unsubscribe(a, alice))
	want(alice, 2)

	seq := r.SubscriptionSeq()
	if ev := r.CloseSession(b); ev != nil {
		t.Fatalf("closing b: got %v, want no events (it owned no objects)", ev)
	}
	if r.SubscriptionSeq() == seq {
		t.Fatalf("closing a session that held subscriptions did not change SubscriptionSeq")
	}
	want(alice, 1)
	want(carol, 0)
	for p := range r.SubscribedPeers() {
		if p != alice {
			t.Fatalf("subscribed peers include %s after b ended", p)
		}
	}
	wantErr(t, r.Subscribe(b, alice), status.ErrInvalidArg)
	wantErr(t, r.Unsubscribe(b, alice), status.ErrInvalidArg)

	// A full sign-out does not end a session: its subscriptions stay, and
	// only a new one needs a sign-in.
	if _, err := r.SignOut(ScopeAll); err != nil {
		t.Fatal(err)
	}
	want(alice, 1)
	wantErr(t, r.Subscribe(a, alice), status.ErrNotSignedIn)
	wantErr(t, r.Subscribe(a, ""), status.ErrInvalidArg)
	wantErr(t, r.Subscribe(a, testPeer), status.ErrInvalidArg)

	r.Shutdown()
	want(alice, 0)
	if r.SessionSubscribed(a, alice) != 0 {
		t.Fatalf("session a still holds alice after shutdown")
	}
	wantErr(t, r.Unsubscribe(a, alice), status.ErrNotInitialized)
}

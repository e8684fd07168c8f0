package collabtest

import (
	"context"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// The calls that reach other peers. The suite's node has no network, so
// these rules pin down how such a node answers; what the calls do on a
// network, including that a session's end releases its subscriptions, is
// tested in package p2pcollab (and through the socket in localapi).
var endpointTests = []test{
	{"EndpointCallsRefuseBadPeerIDs", testEndpointBadPeers},
	{"EndpointCallsNeedANetwork", testEndpointNoNetwork},
	{"EndpointsNeedANetwork", testEndpointsNoNetwork},
}

// endpointCalls are the three calls that name a peer: the API's refresh
// and a session's subscriptions. The session is closed when t ends.
func endpointCalls(t *testing.T, api p2pcollab.API) map[string]func(context.Context, peer.ID) error {
	s := openSession(t, api, "subscriber")
	t.Cleanup(func() { s.Close() })
	return map[string]func(context.Context, peer.ID) error{
		"SubscribeEndpoint":   s.SubscribeEndpoint,
		"UnsubscribeEndpoint": s.UnsubscribeEndpoint,
		"RefreshEndpoint":     api.RefreshEndpoint,
	}
}

// An empty or malformed peer ID, or the user's own, is an invalid
// argument, whatever else is wrong (here: no network, signed out).
func testEndpointBadPeers(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	bad := map[string]peer.ID{"empty": "", "malformed": peer.ID("garbage"), "my own": me(t, api)}
	for name, call := range endpointCalls(t, api) {
		for what, id := range bad {
			wantErr(t, name+" with "+what+" peer ID", call(ctx, id), status.ErrInvalidArg)
		}
	}
}

// A node without a network answers every network call with
// ErrServiceNotAvailable, signed in or not, and raises no
// request_status_changed event.
func testEndpointNoNetwork(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	stranger := newSomeone(t, "stranger").id.ID
	calls := endpointCalls(t, api)
	check := func(when string) {
		t.Helper()
		for name, call := range calls {
			wantErr(t, name+" "+when, call(ctx, stranger), status.ErrServiceNotAvailable)
		}
		people, err := api.PeopleNearMe(ctx)
		wantErr(t, "PeopleNearMe "+when, err, status.ErrServiceNotAvailable)
		if people != nil {
			t.Fatalf("PeopleNearMe %s: got %v with the error, want nil", when, people)
		}
		_, err = api.NetStats(ctx)
		wantErr(t, "NetStats "+when, err, status.ErrServiceNotAvailable)
	}
	check("signed out")
	signIn(t, api, p2pcollab.ScopeAll)
	ev := events(t, api, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventRequestStatusChanged, p2pcollab.EventMyPresenceChanged}})
	check("signed in")
	// The next event is the one this causes: no request status came first.
	must(t, "SetPresence", api.SetPresence(ctx, p2pcollab.Presence{Status: p2pcollab.PresenceBusy}))
	if e := next(t, ev); e.Type != p2pcollab.EventMyPresenceChanged {
		t.Fatalf("got %v about %s, want my_presence_changed (no request was under way)", e.Type, e.Peer)
	}
}

// Endpoints on a node without a network is ErrServiceNotAvailable with no
// list, even when the trust list names a watched contact that a node with
// a network would list (offline): an empty list would claim that the
// user follows nobody. What it lists on a network, sorted, is tested in
// p2pcollab and, through the socket, in localapi.
func testEndpointsNoNetwork(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	friend := newSomeone(t, "friend")
	_, err := api.AddContact(ctx, friend.card, true, true)
	must(t, "AddContact", err)
	for _, when := range []string{"signed out", "signed in"} {
		if when == "signed in" {
			signIn(t, api, p2pcollab.ScopeAll)
		}
		eps, err := api.Endpoints(ctx)
		wantErr(t, "Endpoints "+when, err, status.ErrServiceNotAvailable)
		if eps != nil {
			t.Fatalf("Endpoints %s: got %v with the error, want nil", when, eps)
		}
	}
}

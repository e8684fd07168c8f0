package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// netNode returns a node with a real libp2p host on loopback, signed in
// to every scope, closed (then its host) when t ends.
func netNode(t *testing.T, disc p2pcollab.Discovery) *p2pcollab.Node {
	t.Helper()
	id, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	store, err := contacts.Open(t.TempDir(), id)
	if err != nil {
		t.Fatal(err)
	}
	h, err := libp2p.New(libp2p.Identity(id.PrivKey), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := p2pcollab.NewNode(p2pcollab.Config{Identity: id, Contacts: store, Host: h,
		Network: p2pcollab.NetConfig{Discovery: disc}})
	if err != nil {
		h.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close(); h.Close() })
	if err := n.SignIn(t.Context(), p2pcollab.ScopeAll); err != nil {
		t.Fatal(err)
	}
	return n
}

// found is a Discovery that finds one peer, as mDNS would on a LAN.
type found peer.AddrInfo

func (f found) Start(cb func(peer.AddrInfo)) error { cb(peer.AddrInfo(f)); return nil }
func (f found) Close() error                       { return nil }

// Over the socket, on a real network: bob finds alice nearby, subscribes
// to her data (from an application session), refreshes it, and hears the
// outcome of each request as a request_status_changed event; a request
// to a peer nobody can reach reports why it failed.
func TestEndpointsOverTheNetwork(t *testing.T) {
	alice := netNode(t, nil)
	aliceSt, err := alice.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	aliceID := aliceSt.PeerID
	app, err := alice.OpenSession(t.Context(), "app")
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if err := app.SetObject(t.Context(), objID, []byte("nearby"), p2pcollab.ScopeNearMe); err != nil {
		t.Fatal(err)
	}
	bobNode := netNode(t, found{ID: aliceID, Addrs: aliceSt.Addrs})
	bob := serve(t, bobNode, Config{}).client
	// Bounds every wait, so that a broken node fails instead of hanging;
	// nothing asserts on time.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	near := events(t, bob, p2pcollab.EventPeopleNearMeChanged)
	requests := events(t, bob, p2pcollab.EventRequestStatusChanged)
	outcome := func(what string, p peer.ID) error {
		t.Helper()
		e, err := requests.Next(ctx)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if e.Peer != p {
			t.Fatalf("%s: request status about %s, want %s", what, e.Peer, p)
		}
		return e.Result
	}

	// Alice is listed nearby once bob has pulled her near-me channel. The
	// registration came first, so an event marks any change after the
	// first look.
	people, err := bob.PeopleNearMe(ctx)
	for err == nil && len(people) == 0 {
		if _, err = near.Next(ctx); err == nil {
			people, err = bob.PeopleNearMe(ctx)
		}
	}
	if err != nil || len(people) != 1 || people[0].Peer != aliceID || len(people[0].Addrs) == 0 {
		t.Fatalf("people near me: got %+v %v, want alice with her addresses", people, err)
	}

	bobApp, err := bob.OpenSession(ctx, "bob-app")
	if err != nil {
		t.Fatal(err)
	}
	defer bobApp.Close()
	if err := bobApp.SubscribeEndpoint(ctx, aliceID); err != nil {
		t.Fatal(err)
	}
	if err := outcome("subscribe", aliceID); err != nil {
		t.Fatalf("subscribe: got %v, want success", err)
	}
	objs, err := bob.Objects(ctx, p2pcollab.ObjectQuery{Peer: aliceID})
	if err != nil || len(objs) != 1 || string(objs[0].Data) != "nearby" {
		t.Fatalf("alice's objects after subscribing: got %v %v", objs, err)
	}
	// Through the socket, the endpoints are the node's, value for value.
	eps, err := bob.Endpoints(ctx)
	if err != nil || len(eps) != 1 || eps[0].Peer != aliceID || !eps[0].Subscribed || !eps[0].NearMe || eps[0].Watched ||
		eps[0].Objects != 1 || eps[0].Presence.Status != p2pcollab.PresenceOnline {
		t.Fatalf("endpoints after subscribing: got %+v %v, want alice, subscribed and near me, online, 1 object", eps, err)
	}
	if direct, err := bobNode.Endpoints(ctx); err != nil || !slices.Equal(eps, direct) {
		t.Fatalf("endpoints: the client got %+v, the node has %+v %v", eps, direct, err)
	}
	// Subscriptions are per session: another one holds none to release.
	other, err := bob.OpenSession(ctx, "other-app")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.UnsubscribeEndpoint(ctx, aliceID); !errors.Is(err, status.ErrNotFound) {
		t.Fatalf("unsubscribe from a session that did not subscribe: got %v, want not found", err)
	}
	if err := bobApp.UnsubscribeEndpoint(ctx, aliceID); err != nil {
		t.Fatal(err)
	}
	if err := bobApp.UnsubscribeEndpoint(ctx, aliceID); !errors.Is(err, status.ErrNotFound) {
		t.Fatalf("second unsubscribe: got %v, want not found", err)
	}
	if err := bob.RefreshEndpoint(ctx, aliceID); err != nil {
		t.Fatal(err)
	}
	if err := outcome("refresh", aliceID); err != nil {
		t.Fatalf("refresh: got %v, want success", err)
	}

	ghost, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if err := bob.RefreshEndpoint(ctx, ghost.ID); err != nil {
		t.Fatal(err)
	}
	if err := outcome("refresh of a ghost", ghost.ID); !errors.Is(err, status.ErrConnectionFailed) {
		t.Fatalf("refresh of a ghost: got %v, want connection failed", err)
	}

	st, err := bob.NetStats(ctx)
	if err != nil || st.Snapshots < 2 {
		t.Fatalf("net stats: got %+v %v, want the snapshots pulled counted", st, err)
	}
	if people, _ := bob.PeopleNearMe(ctx); !slices.EqualFunc(people, []p2pcollab.Person{{Peer: aliceID}}, func(a, b p2pcollab.Person) bool { return a.Peer == b.Peer }) {
		t.Fatalf("people near me at the end: got %+v, want alice", people)
	}
}

// A session whose connection closes without a goodbye (what the kernel
// does for a killed application) releases its subscriptions, as it
// deletes its objects: bob's node stops following alice, and her objects
// are no longer shown.
func TestSubscriptionsEndWithTheConnection(t *testing.T) {
	alice := netNode(t, nil)
	aliceSt, err := alice.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	app, err := alice.OpenSession(t.Context(), "app")
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if err := app.SetObject(t.Context(), objID, []byte("nearby"), p2pcollab.ScopeNearMe); err != nil {
		t.Fatal(err)
	}
	bobNode := netNode(t, found{ID: aliceSt.PeerID, Addrs: aliceSt.Addrs})
	d := serve(t, bobNode, Config{})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	objects := events(t, d.client, p2pcollab.EventEndpointObjectChanged)
	requests := events(t, d.client, p2pcollab.EventRequestStatusChanged)
	subscribed := func() bool {
		t.Helper()
		eps, err := d.client.Endpoints(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range eps {
			if e.Peer == aliceSt.PeerID {
				return e.Subscribed
			}
		}
		return false
	}

	resp, r := d.openRaw(t, "POST", "/v1/sessions", `{"name":"raw"}`)
	var first SessionLine
	if err := json.Unmarshal(readLine(t, r), &first); err != nil || first.Session == "" {
		t.Fatalf("first line: %+v %v, want a session token", first, err)
	}
	subscribe := "/v1/endpoints/" + aliceSt.PeerID.String() + "/subscribe"
	if a := d.send(t, "POST", subscribe, map[string]string{SessionHeader: first.Session}, ""); a.code != 202 {
		t.Fatalf("subscribe: got %d %+v, want 202", a.code, a.err)
	}
	if e, err := requests.Next(ctx); err != nil || e.Peer != aliceSt.PeerID || e.Result != nil {
		t.Fatalf("subscribe: got %+v %v, want success", e, err)
	}
	if e, err := objects.Next(ctx); err != nil || e.Change != p2pcollab.ChangeAdded || e.Peer != aliceSt.PeerID {
		t.Fatalf("got %+v %v, want alice's object added", e, err)
	}
	if !subscribed() {
		t.Fatalf("endpoints while the session lives: alice is not subscribed to")
	}

	resp.Body.Close() // closes the connection
	if e, err := objects.Next(ctx); err != nil || e.Change != p2pcollab.ChangeDeleted || e.Peer != aliceSt.PeerID || e.ObjectID != objID {
		t.Fatalf("after disconnect: got %+v %v, want alice's object deleted", e, err)
	}
	if subscribed() {
		t.Fatalf("endpoints after the session ended: alice is still subscribed to")
	}
	if a := d.send(t, "POST", subscribe, map[string]string{SessionHeader: first.Session}, ""); a.code != 400 {
		t.Fatalf("subscribe with the ended session: got %d, want 400", a.code)
	}
}

// The JSON lines of request_status_changed: no result on success, the
// status code and a message on failure.
func TestRequestStatusLines(t *testing.T) {
	node := netNode(t, nil)
	d := serve(t, node, Config{})
	_, r := d.openRaw(t, "GET", "/v1/events?type=request_status_changed", "")
	ghost, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if a := d.send(t, "POST", "/v1/endpoints/"+ghost.ID.String()+"/refresh", nil, ""); a.code != 202 {
		t.Fatalf("refresh: got %d %+v, want 202", a.code, a.err)
	}
	var line []byte
	for len(line) <= 1 { // skip keep-alives
		line = readLine(t, r)
	}
	var e map[string]any
	if err := json.Unmarshal(line, &e); err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	res, _ := e["result"].(map[string]any)
	if e["type"] != "request_status_changed" || e["peer"] != ghost.ID.String() || res["code"] != "PEER_E_CONNECTION_FAILED" || res["message"] == "" {
		t.Fatalf("got %s, want request_status_changed about the ghost with result PEER_E_CONNECTION_FAILED", line)
	}
	if _, ok := e["change"]; ok {
		t.Fatalf("got %s, want no change field", line)
	}
}

// events registers for one type of event until t ends.
func events(t *testing.T, c *Client, typ p2pcollab.EventType) p2pcollab.EventStream {
	t.Helper()
	s, err := c.Events(t.Context(), p2pcollab.EventFilter{Types: []p2pcollab.EventType{typ}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

package p2pcollab

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/status"
)

// simLAN is a Discovery for tests: every member finds every other member
// that has started, as mDNS would on one subnet.
type simLAN struct {
	mu      sync.Mutex
	members map[peer.ID]*lanMember
}

type lanMember struct {
	lan   *simLAN
	self  func() peer.AddrInfo
	found func(peer.AddrInfo)
}

func newSimLAN() *simLAN { return &simLAN{members: make(map[peer.ID]*lanMember)} }

// join returns the option that puts a peer on the LAN.
func (l *simLAN) join() peerOpt {
	return func(c *Config) {
		h := c.Host
		c.Network.Discovery = &lanMember{lan: l, self: func() peer.AddrInfo { return peer.AddrInfo{ID: h.ID(), Addrs: h.Addrs()} }}
	}
}

func (m *lanMember) Start(found func(peer.AddrInfo)) error {
	me := m.self()
	m.lan.mu.Lock()
	m.found = found
	others := make([]*lanMember, 0, len(m.lan.members))
	for _, o := range m.lan.members {
		others = append(others, o)
	}
	m.lan.members[me.ID] = m
	m.lan.mu.Unlock()
	for _, o := range others {
		o.found(me)
		found(o.self())
	}
	return nil
}

func (m *lanMember) Close() error {
	m.lan.mu.Lock()
	defer m.lan.mu.Unlock()
	delete(m.lan.members, m.self().ID)
	return nil
}

func peersOf(people []Person) []peer.ID {
	ids := make([]peer.ID, len(people))
	for i, p := range people {
		ids[i] = p.Peer
	}
	return ids
}

// People signed in to near-me on the same network find each other; one
// signed in to the internet only is not listed, and one who leaves is
// removed.
func TestPeopleNearMe(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		lan := newSimLAN()
		alice := net.newPeer("alice", ScopeNearMe, lan.join())
		bob := net.newPeer("bob", ScopeAll, lan.join())
		carol := net.newPeer("carol", ScopeNearMe, lan.join())
		dave := net.newPeer("dave", ScopeInternet, lan.join())
		ctx := context.Background()

		for _, want := range []peer.ID{bob.id.ID, carol.id.ID} {
			e := alice.next(10*time.Second, EventPeopleNearMeChanged)
			if e.Change != ChangeAdded || (e.Peer != bob.id.ID && e.Peer != carol.id.ID) {
				t.Fatalf("got %v %s, want %s added", e.Change, e.Peer, want)
			}
		}
		alice.trust(bob, false, false)
		nick := "bob"
		if _, err := alice.node.UpdateContact(ctx, bob.id.ID, ContactUpdate{Nickname: &nick}); err != nil {
			t.Fatal(err)
		}
		people, err := alice.node.PeopleNearMe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []peer.ID{bob.id.ID, carol.id.ID}
		slices.Sort(want)
		if got := peersOf(people); !slices.Equal(got, want) {
			t.Fatalf("alice's people near me: got %v, want %v (not dave %s)", got, want, dave.id.ID)
		}
		for _, p := range people {
			if len(p.Addrs) == 0 {
				t.Errorf("%s is listed without addresses", p.Peer)
			}
			if wantNick := map[peer.ID]string{bob.id.ID: nick}[p.Peer]; p.Nickname != wantNick {
				t.Errorf("%s is listed as %q, want %q (a contact's nickname, else none)", p.Peer, p.Nickname, wantNick)
			}
		}

		if err := carol.node.SignOut(ctx, ScopeNearMe); err != nil {
			t.Fatal(err)
		}
		if e := alice.next(10*time.Second, EventPeopleNearMeChanged); e.Change != ChangeDeleted || e.Peer != carol.id.ID {
			t.Fatalf("got %v %s, want carol deleted", e.Change, e.Peer)
		}
		if people, _ := alice.node.PeopleNearMe(ctx); !slices.Equal(peersOf(people), []peer.ID{bob.id.ID}) {
			t.Fatalf("alice's people near me: got %v, want only bob", peersOf(people))
		}
		// Alice keeps no state for carol once she is gone, nor for dave,
		// who never published near-me.
		time.Sleep(2 * time.Minute)
		alice.node.mu.Lock()
		_, carolKept := alice.node.net.remotes[carol.id.ID]
		_, daveKept := alice.node.net.remotes[dave.id.ID]
		alice.node.mu.Unlock()
		if carolKept || daveKept {
			t.Fatalf("alice still keeps state for carol (%v) or dave (%v)", carolKept, daveKept)
		}
	})
}

// Near-me objects reach a stranger on the network once it subscribes to
// the publisher, and not before; internet objects never do.
func TestNearMeObjectsNeedASubscription(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		lan := newSimLAN()
		alice := net.newPeer("alice", ScopeAll, lan.join())
		bob := net.newPeer("bob", ScopeNearMe, lan.join())
		carol := net.newPeer("carol", ScopeNearMe, lan.join())
		app := alice.session()
		alice.set(app, nthID(1), "for everyone nearby", ScopeNearMe)
		alice.set(app, nthID(2), "for contacts only", ScopeInternet)
		bob.next(10*time.Second, EventPeopleNearMeChanged)
		bob.noEvent(3*time.Second, EventEndpointObjectChanged)

		bobApp := bob.session()
		if err := bobApp.SubscribeEndpoint(context.Background(), alice.id.ID); err != nil {
			t.Fatal(err)
		}
		// The objects show (bob already followed alice for people near me),
		// then the request reports success.
		wantObjectEvent(t, bob.objectEvent(5*time.Second), ChangeAdded, alice.id.ID, nthID(1), "for everyone nearby")
		if e := bob.next(35*time.Second, EventRequestStatusChanged); e.Result != nil || e.Peer != alice.id.ID {
			t.Fatalf("subscribe: got %v for %s, want success", e.Result, e.Peer)
		}
		alice.set(app, nthID(1), "changed", ScopeAll)
		wantObjectEvent(t, bob.objectEvent(5*time.Second), ChangeUpdated, alice.id.ID, nthID(1), "changed")
		if objs := bob.objectsOf(alice); len(objs) != 1 {
			t.Fatalf("bob sees %v, want only the near-me object", objs)
		}
		carol.noEvent(3*time.Second, EventEndpointObjectChanged)

		if err := bobApp.UnsubscribeEndpoint(context.Background(), alice.id.ID); err != nil {
			t.Fatal(err)
		}
		wantObjectEvent(t, bob.objectEvent(5*time.Second), ChangeDeleted, alice.id.ID, nthID(1), "")
	})
}

// RefreshEndpoint pulls once; failures say why: unreachable, not allowed,
// timeout after RequestTimeout.
func TestRefreshAndRequestFailures(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeAll)
		bob := net.newPeer("bob", ScopeAll)
		carol := net.newPeer("carol", ScopeInternet)
		ctx := context.Background()
		app := alice.session()
		alice.set(app, nthID(1), "nearby", ScopeNearMe)

		// A stranger that can reach alice refreshes her near-me data.
		bob.trust(alice, false, false) // for her address; she does not allow bob
		if err := bob.node.RefreshEndpoint(ctx, alice.id.ID); err != nil {
			t.Fatal(err)
		}
		if e := bob.next(35*time.Second, EventRequestStatusChanged); e.Result != nil {
			t.Fatalf("refresh: %v", e.Result)
		}
		if objs := bob.objectsOf(alice); len(objs) != 1 || string(objs[0].Data) != "nearby" {
			t.Fatalf("after refresh bob sees %v", objs)
		}

		// Carol is signed in to the internet only: alice does not allow her.
		carol.trust(alice, false, false)
		carol.node.RefreshEndpoint(ctx, alice.id.ID)
		if e := carol.next(35*time.Second, EventRequestStatusChanged); !errors.Is(e.Result, status.ErrAccessDenied) {
			t.Fatalf("carol's refresh: got %v, want access denied", e.Result)
		}

		// Nobody at all.
		ghost := mustIdentity(t)
		bob.node.RefreshEndpoint(ctx, ghost.ID)
		if e := bob.next(35*time.Second, EventRequestStatusChanged); !errors.Is(e.Result, status.ErrConnectionFailed) || e.Peer != ghost.ID {
			t.Fatalf("refresh of a ghost: got %v, want connection failed", e.Result)
		}

		// Alice's packets stop reaching carol: the request times out.
		net.partition(alice.host, carol.host, true)
		carol.node.host().Network().ClosePeer(alice.id.ID)
		start := time.Now()
		carol.node.RefreshEndpoint(ctx, alice.id.ID)
		e := carol.next(40*time.Second, EventRequestStatusChanged)
		if !errors.Is(e.Result, status.ErrTimeout) {
			t.Fatalf("refresh across a partition: got %v, want timeout", e.Result)
		}
		if took := time.Since(start); took < DefaultRequestTimeout || took > DefaultRequestTimeout+time.Second {
			t.Fatalf("timed out after %v, want %v", took, DefaultRequestTimeout)
		}
	})
}

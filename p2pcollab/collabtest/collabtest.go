// Package collabtest is the conformance suite of p2pcollab.API: every rule
// of the object registry, sessions, sign-in, presence, events and the trust
// list, checked through the interface alone. The in-process *p2pcollab.Node
// and the daemon's socket client (localapi.Client) both run it, which is
// what lets an application switch between them without noticing.
//
// Run it from a test with a constructor that returns a fresh, signed-out
// node without a network (no libp2p host) and with an empty trust list for
// each subtest. The calls that reach other peers are checked for how such a
// node answers them (their behaviour on a network is tested in p2pcollab).
// For example:
//
//	func TestConformance(t *testing.T) {
//		collabtest.Run(t, func(t *testing.T) p2pcollab.API { return collabtest.NewNode(t) })
//	}
package collabtest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab"
)

// A test is one rule of the API, run against a fresh node.
type test struct {
	name string
	run  func(t *testing.T, api p2pcollab.API)
}

// Run runs the suite. newAPI is called once per subtest, from that
// subtest, and must register its own cleanup (t.Cleanup).
func Run(t *testing.T, newAPI func(t *testing.T) p2pcollab.API) {
	var all []test
	all = append(all, objectTests...)
	all = append(all, sessionTests...)
	all = append(all, signInTests...)
	all = append(all, eventTests...)
	all = append(all, contactTests...)
	all = append(all, endpointTests...)
	for _, tc := range all {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newAPI(t))
		})
	}
}

// NewNode returns a fresh in-process node: a generated identity, an empty
// trust list in t.TempDir(), no host. It is closed when t ends.
func NewNode(t testing.TB) *p2pcollab.Node {
	t.Helper()
	id, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	store, err := contacts.Open(t.TempDir(), id)
	if err != nil {
		t.Fatal(err)
	}
	n, err := p2pcollab.NewNode(p2pcollab.Config{Identity: id, Contacts: store})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// waitLimit guards every wait for an event so that a broken implementation
// fails the test instead of hanging it. No assertion depends on it.
const waitLimit = time.Minute

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	t.Cleanup(cancel)
	return ctx
}

// oid returns a distinct, stable object GUID for each n.
func oid(n int) uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "peerd-collabtest-%d", n))
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want %v", what, err, want)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func signIn(t *testing.T, api p2pcollab.API, scope p2pcollab.Scope) {
	t.Helper()
	must(t, "SignIn", api.SignIn(ctxFor(t), scope))
}

func openSession(t *testing.T, api p2pcollab.API, name string) p2pcollab.Session {
	t.Helper()
	s, err := api.OpenSession(ctxFor(t), name)
	must(t, "OpenSession", err)
	t.Cleanup(func() { s.Close() })
	return s
}

func events(t *testing.T, api p2pcollab.API, f p2pcollab.EventFilter) p2pcollab.EventStream {
	t.Helper()
	s, err := api.Events(ctxFor(t), f)
	must(t, "Events", err)
	t.Cleanup(func() { s.Close() })
	return s
}

func next(t *testing.T, s p2pcollab.EventStream) p2pcollab.Event {
	t.Helper()
	e, err := s.Next(ctxFor(t))
	must(t, "Next", err)
	return e
}

// nextObjectEvent returns the next event, which must be my_object_changed
// with the given change and object.
func nextObjectEvent(t *testing.T, s p2pcollab.EventStream, change p2pcollab.Change, id uuid.UUID) p2pcollab.Event {
	t.Helper()
	e := next(t, s)
	if e.Type != p2pcollab.EventMyObjectChanged || e.Change != change || e.ObjectID != id {
		t.Fatalf("got event %v %v %v, want my_object_changed %v %v", e.Type, e.Change, e.ObjectID, change, id)
	}
	if e.Object == nil || e.Object.ID != id {
		t.Fatalf("event %v %v: object %+v, want the object %v", e.Type, e.Change, e.Object, id)
	}
	return e
}

// nextDeletions reads one my_object_changed deleted event per id, in any
// order (the order of a batch of deletions is not part of the contract).
func nextDeletions(t *testing.T, s p2pcollab.EventStream, ids ...uuid.UUID) {
	t.Helper()
	want := map[uuid.UUID]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for range ids {
		e := next(t, s)
		if e.Type != p2pcollab.EventMyObjectChanged || e.Change != p2pcollab.ChangeDeleted || !want[e.ObjectID] {
			t.Fatalf("got event %v %v %v, want my_object_changed deleted for one of %v", e.Type, e.Change, e.ObjectID, want)
		}
		delete(want, e.ObjectID)
	}
}

func myObjects(t *testing.T, api p2pcollab.API) []p2pcollab.Object {
	t.Helper()
	objs, err := api.Objects(ctxFor(t), p2pcollab.ObjectQuery{})
	must(t, "Objects", err)
	return objs
}

// wantObjects checks that exactly ids are published, in any order.
func wantObjects(t *testing.T, api p2pcollab.API, ids ...uuid.UUID) {
	t.Helper()
	objs := myObjects(t, api)
	got := map[uuid.UUID]bool{}
	for _, o := range objs {
		got[o.ID] = true
	}
	ok := len(objs) == len(ids)
	for _, id := range ids {
		ok = ok && got[id]
	}
	if !ok {
		gotIDs := make([]uuid.UUID, 0, len(objs))
		for _, o := range objs {
			gotIDs = append(gotIDs, o.ID)
		}
		t.Fatalf("objects: got %v, want %v", gotIDs, ids)
	}
}

func me(t *testing.T, api p2pcollab.API) peer.ID {
	t.Helper()
	st, err := api.Status(ctxFor(t))
	must(t, "Status", err)
	return st.PeerID
}

// Someone is another user with a signed card.
type someone struct {
	id   *identity.Identity
	card string
}

func newSomeone(t *testing.T, nickname string) someone {
	t.Helper()
	id, err := identity.Generate()
	must(t, "identity.Generate", err)
	addr := multiaddr.StringCast("/ip4/192.0.2.7/tcp/4001")
	card, err := contacts.ExportCard(id.PrivKey, contacts.Contact{PeerID: id.ID, Nickname: nickname, DisplayName: nickname + " D.", Addrs: []multiaddr.Multiaddr{addr}})
	must(t, "ExportCard", err)
	return someone{id: id, card: card}
}

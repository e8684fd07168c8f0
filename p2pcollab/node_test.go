package p2pcollab

import (
	"context"
	"errors"
	"testing"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab/status"
)

func newTestNode(t *testing.T, queue int) *Node { return newNodeWithQueue(t, queue) }

func newBenchNode(b *testing.B) *Node { return newNodeWithQueue(b, 0) }

func newNodeWithQueue(t testing.TB, queue int) *Node {
	t.Helper()
	id, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	store, err := contacts.Open(t.TempDir(), id)
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewNode(Config{Identity: id, Contacts: store, EventQueue: queue})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// A reader that never reads must not slow the node down or lose the
// knowledge that it missed something.
func TestSlowReaderNeverBlocksTheNode(t *testing.T) {
	ctx := context.Background()
	n := newTestNode(t, 4)
	stuck, _ := n.Events(ctx, EventFilter{})
	defer stuck.Close()
	live, _ := n.Events(ctx, EventFilter{Types: []EventType{EventMyObjectChanged}})
	defer live.Close()
	n.SignIn(ctx, ScopeAll)
	s, _ := n.OpenSession(ctx, "app")
	for i := 0; i < 100; i++ { // far more than the queue holds
		if err := s.SetObject(ctx, nthID(1), []byte{byte(i)}, ScopeAll); err != nil {
			t.Fatal(err)
		}
		if i < 4 {
			if e, err := live.Next(ctx); err != nil || e.ObjectID != nthID(1) {
				t.Fatalf("live reader: got %+v %v", e, err)
			}
		}
	}
	var got []EventType
	for {
		e, err := stuck.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Type)
		if e.Type == EventOverflow {
			if e.Dropped != 101-4 { // presence + 100 sets, minus the 4 it kept
				t.Fatalf("dropped %d, want %d", e.Dropped, 101-4)
			}
			break
		}
	}
	if len(got) != 5 {
		t.Fatalf("got %v, want 4 events then overflow", got)
	}
	objs, _ := n.Objects(ctx, ObjectQuery{})
	if len(objs) != 1 || objs[0].Data[0] != 99 {
		t.Fatalf("resync: got %v, want the last value", objs)
	}
}

func TestEachRegistrationGetsItsOwnCopy(t *testing.T) {
	ctx := context.Background()
	n := newTestNode(t, 0)
	a, _ := n.Events(ctx, EventFilter{ObjectID: nthID(1)})
	b, _ := n.Events(ctx, EventFilter{})
	n.SignIn(ctx, ScopeAll)
	s, _ := n.OpenSession(ctx, "app")
	s.SetObject(ctx, nthID(2), []byte("2"), ScopeAll)
	s.SetObject(ctx, nthID(1), []byte("1"), ScopeAll)
	if e, _ := a.Next(ctx); e.ObjectID != nthID(1) || e.Change != ChangeAdded {
		t.Fatalf("a: got %+v, want object 1 added", e)
	}
	for _, want := range []EventType{EventMyPresenceChanged, EventMyObjectChanged, EventMyObjectChanged} {
		if e, _ := b.Next(ctx); e.Type != want {
			t.Fatalf("b: got %v, want %v", e.Type, want)
		}
	}
	a.Close()
	if _, err := a.Next(ctx); err == nil {
		t.Fatal("Next after Close succeeded")
	}
}

func TestCloseEndsEverything(t *testing.T) {
	ctx := context.Background()
	n := newTestNode(t, 0)
	ev, _ := n.Events(ctx, EventFilter{Types: []EventType{EventMyObjectChanged}})
	n.SignIn(ctx, ScopeAll)
	s, _ := n.OpenSession(ctx, "app")
	s.SetObject(ctx, nthID(1), []byte("x"), ScopeAll)
	n.Close()
	for _, want := range []Change{ChangeAdded, ChangeDeleted} {
		if e, err := ev.Next(ctx); err != nil || e.Change != want {
			t.Fatalf("got %+v %v, want %v", e, err, want)
		}
	}
	if _, err := ev.Next(ctx); !errors.Is(err, status.ErrNotInitialized) {
		t.Fatalf("stream after close: got %v, want not initialized", err)
	}
	checks := map[string]error{
		"SetObject":   s.SetObject(ctx, nthID(1), []byte("x"), ScopeAll),
		"SignIn":      n.SignIn(ctx, ScopeAll),
		"OpenSession": func() error { _, err := n.OpenSession(ctx, "x"); return err }(),
		"Events":      func() error { _, err := n.Events(ctx, EventFilter{}); return err }(),
		"Status":      func() error { _, err := n.Status(ctx); return err }(),
		"Contacts":    func() error { _, err := n.Contacts(ctx); return err }(),
		"Objects":     func() error { _, err := n.Objects(ctx, ObjectQuery{}); return err }(),
	}
	for name, err := range checks {
		if !errors.Is(err, status.ErrNotInitialized) {
			t.Errorf("%s after Close: got %v, want not initialized", name, err)
		}
	}
}

func TestContactsRaiseWatchlistEvents(t *testing.T) {
	ctx := context.Background()
	n := newTestNode(t, 0)
	ev, _ := n.Events(ctx, EventFilter{Types: []EventType{EventWatchlistChanged}})
	friend, _ := identity.Generate()
	card, err := contacts.ExportCard(friend.PrivKey, contacts.Contact{PeerID: friend.ID, Nickname: "friend"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.AddContact(ctx, card, true, true); err != nil {
		t.Fatal(err)
	}
	if _, err := n.AddContact(ctx, card, true, true); !errors.Is(err, status.ErrAlreadyExists) {
		t.Fatalf("second add: got %v, want already exists", err)
	}
	block := contacts.PermissionBlocked
	if c, err := n.UpdateContact(ctx, friend.ID, ContactUpdate{Permission: &block}); err != nil || c.Permission != block {
		t.Fatalf("update: got %+v %v", c, err)
	}
	if err := n.DeleteContact(ctx, friend.ID); err != nil {
		t.Fatal(err)
	}
	for _, want := range []Change{ChangeAdded, ChangeUpdated, ChangeDeleted} {
		if e, _ := ev.Next(ctx); e.Change != want || e.Peer != friend.ID || e.Contact == nil {
			t.Fatalf("got %+v, want watchlist %v", e, want)
		}
	}
	if err := n.DeleteContact(ctx, n.cfg.Identity.ID); !errors.Is(err, status.ErrInvalidArg) {
		t.Fatalf("deleting me: got %v, want invalid arg", err)
	}
	if err := n.DeleteContact(ctx, friend.ID); !errors.Is(err, status.ErrContactNotFound) {
		t.Fatalf("deleting twice: got %v, want contact not found", err)
	}
	own, _ := n.Card(ctx)
	if _, err := n.AddContact(ctx, own, true, true); !errors.Is(err, status.ErrInvalidArg) {
		t.Fatalf("adding my own card: got %v, want invalid arg", err)
	}
	watch := true
	if _, err := n.UpdateContact(ctx, n.cfg.Identity.ID, ContactUpdate{Watch: &watch}); !errors.Is(err, status.ErrInvalidArg) {
		t.Fatalf("watching myself: got %v, want invalid arg", err)
	}
}

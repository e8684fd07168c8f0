package collabtest

import (
	"context"
	"errors"
	"testing"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

var eventTests = []test{
	{"EachRegistrationGetsItsOwnCopy", testOwnCopy},
	{"FilterByType", testFilterByType},
	{"FilterByObject", testFilterByObject},
	{"InvalidFilter", testInvalidFilter},
	{"NextHonoursContext", testNextHonoursContext},
	{"StreamClose", testStreamClose},
}

// Every registration receives every event it asked for, as its own copy:
// changing one registration's event changes nothing elsewhere.
func testOwnCopy(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	filter := p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventMyObjectChanged}}
	a := events(t, api, filter)
	b := events(t, api, filter)
	s := openSession(t, api, "app")
	must(t, "set", s.SetObject(ctx, oid(1), []byte("orig"), p2pcollab.ScopeAll))
	ea := nextObjectEvent(t, a, p2pcollab.ChangeAdded, oid(1))
	copy(ea.Object.Data, "XXXX")
	eb := nextObjectEvent(t, b, p2pcollab.ChangeAdded, oid(1))
	if string(eb.Object.Data) != "orig" {
		t.Fatalf("b's event data: got %q, want \"orig\" (a's copy was changed)", eb.Object.Data)
	}
	if objs := myObjects(t, api); string(objs[0].Data) != "orig" {
		t.Fatalf("stored data: got %q, want \"orig\"", objs[0].Data)
	}
}

// A registration narrowed to some types sees only those.
func testFilterByType(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	watchlist := events(t, api, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventWatchlistChanged}})
	both := events(t, api, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventWatchlistChanged, p2pcollab.EventMyObjectChanged}})
	signIn(t, api, p2pcollab.ScopeAll) // my_presence_changed: neither wants it
	s := openSession(t, api, "app")
	must(t, "set", s.SetObject(ctx, oid(1), []byte("x"), p2pcollab.ScopeAll))
	bob := newSomeone(t, "bob")
	_, err := api.AddContact(ctx, bob.card, true, false)
	must(t, "AddContact", err)
	if e := next(t, watchlist); e.Type != p2pcollab.EventWatchlistChanged || e.Peer != bob.id.ID {
		t.Fatalf("watchlist registration: got %v about %v, want watchlist_changed about bob", e.Type, e.Peer)
	}
	nextObjectEvent(t, both, p2pcollab.ChangeAdded, oid(1))
	if e := next(t, both); e.Type != p2pcollab.EventWatchlistChanged {
		t.Fatalf("two-type registration: got %v, want watchlist_changed", e.Type)
	}
}

// A registration narrowed to one object sees only events about it.
func testFilterByObject(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	one := events(t, api, p2pcollab.EventFilter{ObjectID: oid(2)})
	typed := events(t, api, p2pcollab.EventFilter{ObjectID: oid(2), Types: []p2pcollab.EventType{p2pcollab.EventMyObjectChanged}})
	signIn(t, api, p2pcollab.ScopeAll)
	s := openSession(t, api, "app")
	must(t, "set 1", s.SetObject(ctx, oid(1), []byte("1"), p2pcollab.ScopeAll))
	must(t, "set 2", s.SetObject(ctx, oid(2), []byte("2"), p2pcollab.ScopeAll))
	must(t, "delete 1", s.DeleteObject(ctx, oid(1)))
	must(t, "delete 2", s.DeleteObject(ctx, oid(2)))
	for _, ev := range []p2pcollab.EventStream{one, typed} {
		nextObjectEvent(t, ev, p2pcollab.ChangeAdded, oid(2))
		nextObjectEvent(t, ev, p2pcollab.ChangeDeleted, oid(2))
	}
}

func testInvalidFilter(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	for _, f := range []p2pcollab.EventFilter{
		{Types: []p2pcollab.EventType{200}},
		{Types: []p2pcollab.EventType{0}},
		{Types: []p2pcollab.EventType{p2pcollab.EventOverflow}}, // always delivered, never asked for
	} {
		s, err := api.Events(ctx, f)
		if err == nil {
			s.Close()
		}
		wantErr(t, "Events with types "+f.Types[0].String(), err, status.ErrInvalidArg)
	}
}

// A Next that gives up on its context loses no event: the next Next gets it.
func testNextHonoursContext(t *testing.T, api p2pcollab.API) {
	ev := events(t, api, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventMyObjectChanged}})
	cancelled, cancel := context.WithCancel(ctxFor(t))
	cancel()
	if _, err := ev.Next(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next with a cancelled context: got %v, want context.Canceled", err)
	}
	signIn(t, api, p2pcollab.ScopeAll)
	s := openSession(t, api, "app")
	must(t, "set", s.SetObject(ctxFor(t), oid(1), []byte("x"), p2pcollab.ScopeAll))
	nextObjectEvent(t, ev, p2pcollab.ChangeAdded, oid(1))
}

func testStreamClose(t *testing.T, api p2pcollab.API) {
	ev, err := api.Events(ctxFor(t), p2pcollab.EventFilter{})
	must(t, "Events", err)
	must(t, "Close", ev.Close())
	if _, err := ev.Next(ctxFor(t)); err == nil {
		t.Fatal("Next after Close succeeded")
	}
	must(t, "second Close", ev.Close())
	// The node carries on without the closed registration.
	signIn(t, api, p2pcollab.ScopeAll)
	s := openSession(t, api, "app")
	must(t, "set", s.SetObject(ctxFor(t), oid(1), []byte("x"), p2pcollab.ScopeAll))
}

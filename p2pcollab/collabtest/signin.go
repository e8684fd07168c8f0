package collabtest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

var signInTests = []test{
	{"SignInScopes", testSignInScopes},
	{"SignOutOneScopeKeepsObjects", testSignOutOneScope},
	{"FullSignOutDeletesEverything", testFullSignOut},
	{"Presence", testPresence},
	{"CancelledContext", testCancelledContext},
}

func signedIn(t *testing.T, api p2pcollab.API) p2pcollab.Scope {
	t.Helper()
	st, err := api.Status(ctxFor(t))
	must(t, "Status", err)
	return st.SignedIn
}

func testSignInScopes(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	wantErr(t, "sign in to none", api.SignIn(ctx, p2pcollab.ScopeNone), status.ErrInvalidArg)
	wantErr(t, "sign in to scope 4", api.SignIn(ctx, p2pcollab.Scope(4)), status.ErrInvalidArg)
	wantErr(t, "sign out of none", api.SignOut(ctx, p2pcollab.ScopeNone), status.ErrInvalidArg)
	signIn(t, api, p2pcollab.ScopeNearMe)
	if got := signedIn(t, api); got != p2pcollab.ScopeNearMe {
		t.Fatalf("signed in: got %v, want near-me", got)
	}
	signIn(t, api, p2pcollab.ScopeInternet)
	if got := signedIn(t, api); got != p2pcollab.ScopeAll {
		t.Fatalf("signed in: got %v, want all", got)
	}
	signIn(t, api, p2pcollab.ScopeAll) // again: no change, no error
	if got := signedIn(t, api); got != p2pcollab.ScopeAll {
		t.Fatalf("signed in: got %v, want all", got)
	}
}

// Signing out of one scope keeps the objects; signing out of the last one
// deletes them all, and their owners must set them again after sign-in.
func testSignOutOneScope(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	ev := events(t, api, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventMyObjectChanged}})
	s := openSession(t, api, "app")
	must(t, "set", s.SetObject(ctx, oid(1), []byte("x"), p2pcollab.ScopeAll))
	nextObjectEvent(t, ev, p2pcollab.ChangeAdded, oid(1))
	must(t, "sign out of near-me", api.SignOut(ctx, p2pcollab.ScopeNearMe))
	if got := signedIn(t, api); got != p2pcollab.ScopeInternet {
		t.Fatalf("signed in: got %v, want internet", got)
	}
	wantObjects(t, api, oid(1))
	must(t, "set while signed in to internet", s.SetObject(ctx, oid(2), []byte("y"), p2pcollab.ScopeNearMe))
	nextObjectEvent(t, ev, p2pcollab.ChangeAdded, oid(2))
	must(t, "sign out of internet", api.SignOut(ctx, p2pcollab.ScopeInternet))
	nextDeletions(t, ev, oid(1), oid(2))
	wantObjects(t, api)
	wantErr(t, "set after full sign-out", s.SetObject(ctx, oid(1), []byte("x"), p2pcollab.ScopeAll), status.ErrNotSignedIn)
	signIn(t, api, p2pcollab.ScopeAll)
	wantObjects(t, api) // nothing comes back by itself
	must(t, "publish again", s.SetObject(ctx, oid(1), []byte("x"), p2pcollab.ScopeAll))
	nextObjectEvent(t, ev, p2pcollab.ChangeAdded, oid(1))
}

func testFullSignOut(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeNearMe)
	a := openSession(t, api, "a")
	b := openSession(t, api, "b")
	must(t, "a sets", a.SetObject(ctx, oid(1), []byte("a"), p2pcollab.ScopeNearMe))
	must(t, "b sets", b.SetObject(ctx, oid(2), []byte("b"), p2pcollab.ScopeNone))
	must(t, "sign out of all", api.SignOut(ctx, p2pcollab.ScopeAll))
	wantObjects(t, api)
	if got := signedIn(t, api); got != p2pcollab.ScopeNone {
		t.Fatalf("signed in: got %v, want none", got)
	}
	must(t, "sign out again", api.SignOut(ctx, p2pcollab.ScopeAll))
}

func testPresence(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	busy := p2pcollab.Presence{Status: p2pcollab.PresenceBusy, Text: "in a meeting"}
	wantErr(t, "presence before sign-in", api.SetPresence(ctx, busy), status.ErrNotSignedIn)
	ev := events(t, api, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventMyPresenceChanged}})
	signIn(t, api, p2pcollab.ScopeAll)
	if e := next(t, ev); e.Presence == nil || e.Presence.Status != p2pcollab.PresenceOnline {
		t.Fatalf("after sign-in: got %+v, want my_presence_changed online", e)
	}
	must(t, "set busy", api.SetPresence(ctx, busy))
	if e := next(t, ev); e.Presence == nil || *e.Presence != busy || e.Peer != me(t, api) {
		t.Fatalf("after SetPresence: got %+v, want busy from me", e)
	}
	st, err := api.Status(ctx)
	must(t, "Status", err)
	if st.Presence != busy {
		t.Fatalf("status presence: got %+v, want %+v", st.Presence, busy)
	}
	wantErr(t, "offline while signed in", api.SetPresence(ctx, p2pcollab.Presence{Status: p2pcollab.PresenceOffline}), status.ErrInvalidArg)
	wantErr(t, "invalid UTF-8", api.SetPresence(ctx, p2pcollab.Presence{Status: p2pcollab.PresenceAway, Text: "\xff"}), status.ErrInvalidArg)
	wantErr(t, "status 8", api.SetPresence(ctx, p2pcollab.Presence{Status: 8}), status.ErrInvalidArg)
	long := p2pcollab.Presence{Status: p2pcollab.PresenceAway, Text: strings.Repeat("ü", 256)}
	wantErr(t, "256 characters", api.SetPresence(ctx, long), status.ErrInvalidArg)
	long.Text = long.Text[len("ü"):]
	must(t, "255 characters", api.SetPresence(ctx, long))
	next(t, ev)
	must(t, "sign out", api.SignOut(ctx, p2pcollab.ScopeAll))
	if e := next(t, ev); e.Presence == nil || e.Presence.Status != p2pcollab.PresenceOffline {
		t.Fatalf("after sign-out: got %+v, want offline", e)
	}
}

// Every call honours its context.
func testCancelledContext(t *testing.T, api p2pcollab.API) {
	ctx, cancel := context.WithCancel(ctxFor(t))
	cancel()
	calls := map[string]func() error{
		"Status":       func() error { _, err := api.Status(ctx); return err },
		"SignIn":       func() error { return api.SignIn(ctx, p2pcollab.ScopeAll) },
		"Objects":      func() error { _, err := api.Objects(ctx, p2pcollab.ObjectQuery{}); return err },
		"OpenSession":  func() error { _, err := api.OpenSession(ctx, "app"); return err },
		"Events":       func() error { _, err := api.Events(ctx, p2pcollab.EventFilter{}); return err },
		"Contacts":     func() error { _, err := api.Contacts(ctx); return err },
		"PeopleNearMe": func() error { _, err := api.PeopleNearMe(ctx); return err },
		"Endpoints":    func() error { _, err := api.Endpoints(ctx); return err },
		"NetStats":     func() error { _, err := api.NetStats(ctx); return err },
	}
	stranger := newSomeone(t, "stranger").id.ID
	for name, call := range endpointCalls(t, api) {
		calls[name] = func() error { return call(ctx, stranger) }
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: got %v, want context.Canceled", name, err)
		}
	}
	if got := signedIn(t, api); got != p2pcollab.ScopeNone {
		t.Fatalf("a cancelled SignIn signed in (%v)", got)
	}
}

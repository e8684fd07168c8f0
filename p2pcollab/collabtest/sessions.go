package collabtest

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

var sessionTests = []test{
	{"SessionNames", testSessionNames},
	{"SessionEndDeletesOnlyItsObjects", testSessionEndDeletesOnlyItsObjects},
	{"Takeover", testTakeover},
	{"EndedSessionIsRefused", testEndedSession},
	{"SessionCount", testSessionCount},
	{"ConcurrentSessions", testConcurrentSessions},
}

func testSessionNames(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	for _, bad := range []string{"", strings.Repeat("a", 256), "bell\a", "line\nbreak", "\xff"} {
		s, err := api.OpenSession(ctx, bad)
		if err == nil {
			s.Close()
		}
		wantErr(t, fmt.Sprintf("name %q", bad), err, status.ErrInvalidArg)
	}
	s := openSession(t, api, strings.Repeat("é", 127)) // 254 bytes
	must(t, "Close", s.Close())
	must(t, "second Close", s.Close())
}

// When a session ends, exactly the objects it owns are deleted, and
// watchers see them deleted.
func testSessionEndDeletesOnlyItsObjects(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	ev := events(t, api, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventMyObjectChanged}})
	a := openSession(t, api, "a")
	b := openSession(t, api, "b")
	must(t, "a sets 1", a.SetObject(ctx, oid(1), []byte("a"), p2pcollab.ScopeAll))
	must(t, "a sets 2", a.SetObject(ctx, oid(2), []byte("a"), p2pcollab.ScopeAll))
	must(t, "b sets 3", b.SetObject(ctx, oid(3), []byte("b"), p2pcollab.ScopeAll))
	for _, id := range []int{1, 2, 3} {
		nextObjectEvent(t, ev, p2pcollab.ChangeAdded, oid(id))
	}
	must(t, "close a", a.Close())
	// Close has returned: the objects are already gone.
	wantObjects(t, api, oid(3))
	nextDeletions(t, ev, oid(1), oid(2))
	must(t, "b still works", b.SetObject(ctx, oid(4), []byte("b"), p2pcollab.ScopeAll))
	nextObjectEvent(t, ev, p2pcollab.ChangeAdded, oid(4))
}

// The session that set an object last owns it.
func testTakeover(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	a := openSession(t, api, "a")
	b := openSession(t, api, "b")
	must(t, "a sets", a.SetObject(ctx, oid(1), []byte("a"), p2pcollab.ScopeAll))
	must(t, "b takes over", b.SetObject(ctx, oid(1), []byte("b"), p2pcollab.ScopeAll))
	must(t, "close a", a.Close())
	wantObjects(t, api, oid(1))
	must(t, "close b", b.Close())
	wantObjects(t, api)
}

func testEndedSession(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	s := openSession(t, api, "gone")
	must(t, "set", s.SetObject(ctx, oid(1), []byte("x"), p2pcollab.ScopeAll))
	must(t, "Close", s.Close())
	wantErr(t, "SetObject after Close", s.SetObject(ctx, oid(1), []byte("x"), p2pcollab.ScopeAll), status.ErrInvalidArg)
	wantErr(t, "DeleteObject after Close", s.DeleteObject(ctx, oid(1)), status.ErrInvalidArg)
	// An ended session is refused before the network is looked at (this
	// node has none): its subscriptions are gone with it.
	stranger := newSomeone(t, "stranger").id.ID
	wantErr(t, "SubscribeEndpoint after Close", s.SubscribeEndpoint(ctx, stranger), status.ErrInvalidArg)
	wantErr(t, "UnsubscribeEndpoint after Close", s.UnsubscribeEndpoint(ctx, stranger), status.ErrInvalidArg)
	wantObjects(t, api)
}

func testSessionCount(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	count := func(want int) {
		t.Helper()
		st, err := api.Status(ctx)
		must(t, "Status", err)
		if st.Sessions != want {
			t.Fatalf("sessions: got %d, want %d", st.Sessions, want)
		}
	}
	count(0)
	a := openSession(t, api, "a")
	openSession(t, api, "b")
	count(2)
	must(t, "close a", a.Close())
	count(1)
}

// Many applications at once: every call succeeds, and when they have all
// ended nothing is left.
func testConcurrentSessions(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	signIn(t, api, p2pcollab.ScopeAll)
	const apps, each = 16, 4
	var wg sync.WaitGroup
	errs := make(chan error, apps)
	for a := range apps {
		wg.Go(func() {
			s, err := api.OpenSession(ctx, fmt.Sprintf("app-%d", a))
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			for i := range each {
				id := oid(a*each + i)
				for _, data := range []string{"set", "update"} {
					if err := s.SetObject(ctx, id, []byte(data), p2pcollab.ScopeAll); err != nil {
						errs <- err
						return
					}
				}
				if i%2 == 0 {
					if err := s.DeleteObject(ctx, id); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent session: %v", err)
	}
	wantObjects(t, api)
}

package p2pcollab_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/google/uuid"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// An application embeds a node (here without a network), publishes an
// object and sees its own events. The same calls work through the daemon
// with localapi.Client.
func ExampleNewNode() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "peerd-example")
	defer os.RemoveAll(dir)

	id, _ := identity.Generate()
	trust, err := contacts.Open(dir, id)
	if err != nil {
		log.Fatal(err)
	}
	node, err := p2pcollab.NewNode(p2pcollab.Config{Identity: id, Contacts: trust})
	if err != nil {
		log.Fatal(err)
	}
	defer node.Close()

	events, _ := node.Events(ctx, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventMyObjectChanged}})
	defer events.Close()

	app, _ := node.OpenSession(ctx, "status-card")
	obj := uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")

	err = app.SetObject(ctx, obj, []byte("at lunch"), p2pcollab.ScopeInternet)
	fmt.Println("before sign-in:", errors.Is(err, status.ErrNotSignedIn))

	node.SignIn(ctx, p2pcollab.ScopeAll)
	app.SetObject(ctx, obj, []byte("at lunch"), p2pcollab.ScopeInternet)
	app.SetObject(ctx, obj, []byte("back at my desk"), p2pcollab.ScopeInternet)
	app.Close() // the application ends: its objects go with it

	for range 3 {
		e, _ := events.Next(ctx)
		fmt.Println(e.Type, e.Change, string(e.Object.Data))
	}
	// Output:
	// before sign-in: true
	// my_object_changed added at lunch
	// my_object_changed updated back at my desk
	// my_object_changed deleted back at my desk
}

// The 129th distinct object is refused with E_OUTOFMEMORY; updating one of
// the 128 still works.
func ExampleSession_SetObject_limit() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "peerd-example")
	defer os.RemoveAll(dir)
	id, _ := identity.Generate()
	trust, _ := contacts.Open(dir, id)
	node, _ := p2pcollab.NewNode(p2pcollab.Config{Identity: id, Contacts: trust})
	defer node.Close()
	node.SignIn(ctx, p2pcollab.ScopeAll)
	app, _ := node.OpenSession(ctx, "lobby")

	var last uuid.UUID
	for i := 0; i < p2pcollab.MaxObjects; i++ {
		last = uuid.New()
		app.SetObject(ctx, last, []byte{byte(i)}, p2pcollab.ScopeNearMe)
	}
	err := app.SetObject(ctx, uuid.New(), []byte("one too many"), p2pcollab.ScopeNearMe)
	fmt.Println(errors.Is(err, status.ErrOutOfMemory), status.CodeOf(err))
	fmt.Println(app.SetObject(ctx, last, []byte("update"), p2pcollab.ScopeNearMe))
	// Output:
	// true E_OUTOFMEMORY
	// <nil>
}

package localapi_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/google/uuid"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/localapi"
	"github.com/peerd/peerd/p2pcollab/status"
)

// socketPath is where `peerd run` listens by default.
func socketPath() string {
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "share", "peerd", "peerd.sock")
}

// An application publishes an object through the daemon. The object lives
// as long as the session: when the application closes it, or exits, the
// daemon deletes the object.
func ExampleClient_OpenSession() {
	ctx := context.Background()
	var api p2pcollab.API = &localapi.Client{SocketPath: socketPath()}

	s, err := api.OpenSession(ctx, "whiteboard")
	if err != nil {
		log.Fatal(err) // e.g. peerd is not running (no socket at ...)
	}
	defer s.Close()

	id := uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	err = s.SetObject(ctx, id, []byte("hello"), p2pcollab.ScopeAll)
	switch {
	case errors.Is(err, status.ErrNotSignedIn):
		log.Fatal("sign in first: peerd signin")
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println("published", id)
}

// An application follows changes to one object until it has seen three.
func ExampleClient_Events() {
	ctx := context.Background()
	api := &localapi.Client{SocketPath: socketPath()}

	stream, err := api.Events(ctx, p2pcollab.EventFilter{
		Types:    []p2pcollab.EventType{p2pcollab.EventMyObjectChanged, p2pcollab.EventEndpointObjectChanged},
		ObjectID: uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	for range 3 {
		e, err := stream.Next(ctx)
		if err != nil {
			log.Fatal(err)
		}
		if e.Type == p2pcollab.EventOverflow {
			// Events were lost: read the current state again.
			objs, _ := api.Objects(ctx, p2pcollab.ObjectQuery{})
			fmt.Println("resynchronised:", len(objs), "objects")
			continue
		}
		fmt.Println(e.Type, e.Change, e.Peer, e.ObjectID)
	}
}

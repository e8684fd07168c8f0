package main

import (
	"context"
	"encoding/json"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/localapi"
)

// Three real daemons on loopback, driven through the CLI and the local
// API: A publishes; B, a contact A allows and who watches A, sees the
// object within seconds; C, a contact who watches A but whom A blocks,
// sees nothing. Killing A's publishing application with SIGKILL deletes
// the object at B; restarting B brings A's current objects back.
func TestObjectsTravelBetweenDaemons(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three daemons")
	}
	aDir, bDir, cDir := initDir(t, "alice"), initDir(t, "bob"), initDir(t, "carol")
	_, a := daemon(t, aDir, "--signin", "internet")
	bProc, b := daemon(t, bDir, "--signin", "internet")
	_, c := daemon(t, cDir, "--signin", "internet")
	card := func(dir string) string { return strings.TrimSpace(in(t, dir, "card")) }
	aCard, bCard, cCard := card(aDir), card(bDir), card(cDir)
	aID := peerOf(t, a)

	in(t, aDir, "contact", "add", bCard, "--allow")
	in(t, aDir, "contact", "add", cCard) // blocked
	in(t, bDir, "contact", "add", aCard, "--watch")
	in(t, cDir, "contact", "add", aCard, "--watch")

	bEvents := objectEvents(t, b)
	cEvents := objectEvents(t, c)

	id := uuid.New()
	pub := start(t, "--data-dir", aDir, "publish", "--id", id.String(), "--data", "hello from alice", "--scope", "internet")
	pub.until(t, "published ")
	began := time.Now()
	e := nextObjectEvent(t, bEvents, 30*time.Second)
	if e.Change != p2pcollab.ChangeAdded || e.Peer != aID || e.ObjectID != id || string(e.Object.Data) != "hello from alice" {
		t.Fatalf("bob: got %v %v from %s, want alice's object added", e.Change, e.ObjectID, e.Peer)
	}
	t.Logf("bob saw alice's object %v after it was published", time.Since(began).Round(time.Millisecond))
	if out := in(t, bDir, "objects", "--peer", aID.String()); !strings.Contains(out, id.String()) {
		t.Fatalf("peerd objects --peer on bob: %q, want alice's object", out)
	}
	var eps []localapi.Endpoint
	if out := in(t, bDir, "endpoints", "--json"); json.Unmarshal([]byte(out), &eps) != nil || len(eps) != 1 ||
		eps[0] != (localapi.Endpoint{Peer: aID.String(), Nickname: "alice", Presence: localapi.Presence{Status: "online"}, Objects: 1, Watched: true}) {
		t.Fatalf("peerd endpoints --json on bob: %q, want alice, watched, online, 1 object", out)
	}

	if err := pub.cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	pub.wait(t)
	e = nextObjectEvent(t, bEvents, 30*time.Second)
	if e.Change != p2pcollab.ChangeDeleted || e.ObjectID != id {
		t.Fatalf("bob after SIGKILL of alice's app: got %v %v, want deleted", e.Change, e.ObjectID)
	}

	// Carol, blocked, saw none of it.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if e, err := cEvents.Next(ctx); err == nil {
		t.Fatalf("carol got %v %v from %s, want nothing", e.Type, e.Change, e.Peer)
	}
	if objs, err := c.Objects(guard(t), p2pcollab.ObjectQuery{Peer: aID}); err != nil || len(objs) != 0 {
		t.Fatalf("carol sees %v %v of alice, want nothing", objs, err)
	}

	// Alice publishes again; bob restarts and gets her current objects back.
	id2 := uuid.New()
	pub2 := start(t, "--data-dir", aDir, "publish", "--id", id2.String(), "--data", "still here", "--scope", "internet")
	pub2.until(t, "published ")
	if e := nextObjectEvent(t, bEvents, 30*time.Second); e.ObjectID != id2 || e.Change != p2pcollab.ChangeAdded {
		t.Fatalf("bob: got %v %v, want the second object added", e.Change, e.ObjectID)
	}
	bEvents.Close()
	if code := bProc.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("bob's daemon exited %d; stderr %s", code, bProc.stderr)
	}
	_, b = daemon(t, bDir, "--signin", "internet")
	deadline := time.Now().Add(30 * time.Second)
	for {
		objs, err := b.Objects(guard(t), p2pcollab.ObjectQuery{Peer: aID})
		if err == nil && len(objs) == 1 && objs[0].ID == id2 && string(objs[0].Data) == "still here" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("restarted bob sees %v %v of alice, want the second object", objs, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func peerOf(t *testing.T, c *localapi.Client) peer.ID {
	t.Helper()
	st, err := c.Status(guard(t))
	if err != nil {
		t.Fatal(err)
	}
	return st.PeerID
}

func objectEvents(t *testing.T, c *localapi.Client) p2pcollab.EventStream {
	t.Helper()
	s, err := c.Events(guard(t), p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventEndpointObjectChanged}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func nextObjectEvent(t *testing.T, s p2pcollab.EventStream, d time.Duration) p2pcollab.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	e, err := s.Next(ctx)
	if err != nil {
		t.Fatalf("no endpoint_object_changed event within %v: %v", d, err)
	}
	return e
}

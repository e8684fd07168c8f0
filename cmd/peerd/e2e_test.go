package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/uuid"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/localapi"
	"github.com/peerd/peerd/p2pcollab/status"
)

// An application killed with SIGKILL loses its objects, and a watcher of
// /v1/events sees them deleted.
func TestKilledPublisherLosesItsObjects(t *testing.T) {
	dir := initDir(t, "alice")
	_, c := daemon(t, dir, "--signin", "all")
	id := uuid.New()
	watch, err := c.Events(guard(t), p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventMyObjectChanged}, ObjectID: id})
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()

	pub := start(t, "--data-dir", dir, "publish", "--id", id.String(), "--data", "hello", "--scope", "near-me")
	if l := pub.line(t); !strings.HasPrefix(l, "published "+id.String()) {
		t.Fatalf("publish printed %q, want \"published %s ...\"", l, id)
	}
	e, err := watch.Next(guard(t))
	if err != nil || e.Change != p2pcollab.ChangeAdded || string(e.Object.Data) != "hello" {
		t.Fatalf("watcher: got %+v %v, want added \"hello\"", e, err)
	}
	objs, err := c.Objects(guard(t), p2pcollab.ObjectQuery{ID: id})
	if err != nil || len(objs) != 1 || objs[0].Scope != p2pcollab.ScopeNearMe {
		t.Fatalf("Objects: got %+v %v, want the published object", objs, err)
	}

	if err := pub.cmd.Process.Kill(); err != nil { // SIGKILL: no chance to clean up
		t.Fatal(err)
	}
	pub.wait(t)
	e, err = watch.Next(guard(t))
	if err != nil || e.Type != p2pcollab.EventMyObjectChanged || e.Change != p2pcollab.ChangeDeleted || e.ObjectID != id {
		t.Fatalf("watcher after SIGKILL: got %+v %v, want my_object_changed deleted %v", e, err, id)
	}
	if _, err := c.Objects(guard(t), p2pcollab.ObjectQuery{ID: id}); !errors.Is(err, status.ErrNotFound) {
		t.Fatalf("object after SIGKILL: got %v, want not found", err)
	}
}

// An interrupted publisher withdraws its object before it exits.
func TestInterruptedPublisherWithdraws(t *testing.T) {
	dir := initDir(t, "alice")
	_, c := daemon(t, dir, "--signin", "internet")
	id := uuid.New()
	pub := start(t, "--data-dir", dir, "publish", "--id", id.String(), "--data", "x", "--json")
	var o localapi.Object
	if l := pub.line(t); json.Unmarshal([]byte(l), &o) != nil || o.ID != id.String() || o.Data != "eA==" || o.Scope != "all" {
		t.Fatalf("publish --json printed %q, want the object on one line", l)
	}
	if code := pub.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("publish after SIGINT: exit %d, stderr %q", code, pub.stderr)
	}
	objs, err := c.Objects(guard(t), p2pcollab.ObjectQuery{})
	if err != nil || len(objs) != 0 {
		t.Fatalf("after the publisher exited: got %v %v, want no objects", objs, err)
	}
}

// SIGTERM stops the daemon cleanly: exit 0, sessions ended, socket gone.
func TestDaemonStopsOnSIGTERM(t *testing.T) {
	dir := initDir(t, "alice")
	d, c := daemon(t, dir, "--signin", "all")
	s, err := c.OpenSession(guard(t), "app")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetObject(guard(t), uuid.New(), []byte("x"), p2pcollab.ScopeAll); err != nil {
		t.Fatal(err)
	}
	if code := d.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("daemon after SIGTERM: exit %d, stderr %q", code, d.stderr)
	}
	<-s.(*localapi.Session).Done()
	if _, err := os.Lstat(filepath.Join(dir, socketName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket after exit: %v, want removed", err)
	}
	// It starts again on the same directory.
	daemon(t, dir)
}

// Two daemons with their own data directories run side by side, and can
// exchange cards.
func TestTwoDaemons(t *testing.T) {
	alice, bob := initDir(t, "alice"), initDir(t, "bob")
	_, ca := daemon(t, alice)
	_, cb := daemon(t, bob)
	sa, err := ca.Status(guard(t))
	if err != nil {
		t.Fatal(err)
	}
	sb, err := cb.Status(guard(t))
	if err != nil {
		t.Fatal(err)
	}
	if sa.PeerID == sb.PeerID || len(sa.Addrs) == 0 || len(sb.Addrs) == 0 {
		t.Fatalf("alice %v %v, bob %v %v: want two identities, each listening", sa.PeerID, sa.Addrs, sb.PeerID, sb.Addrs)
	}
	card := strings.TrimSpace(in(t, bob, "card"))
	r := peerd(t, nil, card+"\n", "--data-dir", alice, "contact", "add", "-", "--watch")
	if r.code != 0 || !strings.Contains(r.stdout, "added bob") {
		t.Fatalf("contact add -: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	got, err := ca.Contact(guard(t), sb.PeerID)
	if err != nil || got.Nickname != "bob" || !got.Watch {
		t.Fatalf("alice's contact for bob: %+v %v", got, err)
	}
	if strings.TrimSpace(in(t, alice, "id")) != sa.PeerID.String() {
		t.Fatal("peerd id disagrees with the API")
	}
}

// A second daemon on the same data directory is refused, and the first
// keeps running.
func TestSecondDaemonOnSameDir(t *testing.T) {
	dir := initDir(t, "alice")
	_, c := daemon(t, dir)
	r := peerd(t, nil, "", "--data-dir", dir, "run", "--listen", "/ip4/127.0.0.1/tcp/0")
	if r.code != 1 || !strings.Contains(r.stderr, "already running") {
		t.Fatalf("second daemon: exit %d, stderr %q; want 1 and already running", r.code, r.stderr)
	}
	if _, err := c.Status(guard(t)); err != nil {
		t.Fatalf("first daemon after the attempt: %v", err)
	}
}

// Without a daemon, every client verb says so in one line and exits 1.
func TestDaemonNotRunning(t *testing.T) {
	dir := initDir(t, "alice")
	for _, args := range [][]string{{"status"}, {"id"}, {"signin"}, {"objects"}, {"contact", "ls"}, {"watch"},
		{"publish", "--id", uuid.NewString(), "--data", "x"}} {
		r := peerd(t, nil, "", append([]string{"--data-dir", dir}, args...)...)
		want := "peerd: peerd is not running (no socket at " + filepath.Join(dir, socketName) + "); start it with `peerd run`\n"
		if r.code != 1 || r.stderr != want || r.stdout != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit 1 and %q", args, r.code, r.stderr, r.stdout, want)
		}
	}
	r := peerd(t, nil, "", "--data-dir", shortDir(t), "run")
	if r.code != 1 || !strings.Contains(r.stderr, "init`") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("run without identity: exit %d, stderr %q; want 1 and a hint to init", r.code, r.stderr)
	}
}

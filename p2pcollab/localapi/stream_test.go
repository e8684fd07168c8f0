package localapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/collabtest"
	"github.com/peerd/peerd/p2pcollab/status"
)

var objID = uuid.MustParse(objPath[len("/v1/objects/"):])

// openRaw opens a streaming request by hand and returns the response and a
// reader of its lines.
func (d *daemon) openRaw(t *testing.T, method, target, body string) (*http.Response, *bufio.Reader) {
	t.Helper()
	req, err := http.NewRequest(method, "http://peerd"+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := d.raw.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: got %s", method, target, resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Fatalf("%s %s: Content-Type %q, want application/x-ndjson", method, target, ct)
	}
	return resp, bufio.NewReader(resp.Body)
}

func readLine(t *testing.T, r *bufio.Reader) []byte {
	t.Helper()
	line, err := r.ReadBytes('\n')
	if err != nil {
		t.Fatalf("read line: %v", err)
	}
	return line
}

// A session whose connection closes without a goodbye (what the kernel
// does for a killed process) ends, and its objects are deleted.
func TestSessionEndsWhenConnectionCloses(t *testing.T) {
	d, _ := serveNode(t)
	d.signIn(t)
	ev, err := d.client.Events(t.Context(), p2pcollab.EventFilter{ObjectID: objID})
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	resp, r := d.openRaw(t, "POST", "/v1/sessions", `{"name":"raw"}`)
	var first SessionLine
	if err := json.Unmarshal(readLine(t, r), &first); err != nil || first.Session == "" {
		t.Fatalf("first line: %+v %v, want a session token", first, err)
	}
	if a := d.send(t, "PUT", objPath, map[string]string{SessionHeader: first.Session}, `{"data":"aGk=","scope":"all"}`); a.code != 204 {
		t.Fatalf("PUT: got %d %+v", a.code, a.err)
	}
	if e, err := ev.Next(t.Context()); err != nil || e.Change != p2pcollab.ChangeAdded {
		t.Fatalf("got %+v %v, want added", e, err)
	}
	resp.Body.Close() // closes the connection
	e, err := ev.Next(t.Context())
	if err != nil || e.Type != p2pcollab.EventMyObjectChanged || e.Change != p2pcollab.ChangeDeleted || e.ObjectID != objID {
		t.Fatalf("after disconnect: got %+v %v, want my_object_changed deleted", e, err)
	}
	if _, err := d.client.Objects(t.Context(), p2pcollab.ObjectQuery{ID: objID}); !errors.Is(err, status.ErrNotFound) {
		t.Fatalf("object after disconnect: got %v, want not found", err)
	}
	if a := d.send(t, "PUT", objPath, map[string]string{SessionHeader: first.Session}, `{"data":"aGk=","scope":"all"}`); a.code != 400 {
		t.Fatalf("PUT with the ended session: got %d, want 400", a.code)
	}
}

// The event stream is JSON lines with the documented fields, and nothing
// else.
func TestEventLines(t *testing.T) {
	d, _ := serveNode(t)
	d.signIn(t)
	_, r := d.openRaw(t, "GET", "/v1/events?type=my_object_changed&id="+objID.String(), "")
	s, _ := d.session(t)
	if err := s.SetObject(t.Context(), objID, []byte("hi"), p2pcollab.ScopeNearMe); err != nil {
		t.Fatal(err)
	}
	st, err := d.client.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	line := readLine(t, r)
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var e Event
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("event line %s: %v", line, err)
	}
	want := Event{Type: "my_object_changed", Change: "added", Peer: st.PeerID.String(), ID: objID.String(),
		Object: &Object{ID: objID.String(), Data: "aGk=", Scope: "near-me", Peer: st.PeerID.String()}}
	if e.Type != want.Type || e.Change != want.Change || e.Peer != want.Peer || e.ID != want.ID || e.Object == nil || *e.Object != *want.Object {
		t.Fatalf("event line: got %s, want %+v %+v", line, want, *want.Object)
	}
}

// Keep-alive lines are empty lines, on both streams.
func TestKeepAlive(t *testing.T) {
	d := serve(t, collabtest.NewNode(t), Config{KeepAlive: time.Millisecond})
	_, sessionLines := d.openRaw(t, "POST", "/v1/sessions", `{"name":"app"}`)
	readLine(t, sessionLines)
	_, eventLines := d.openRaw(t, "GET", "/v1/events", "")
	for range 3 {
		for _, r := range []*bufio.Reader{sessionLines, eventLines} {
			if line := readLine(t, r); string(line) != "\n" {
				t.Fatalf("keep-alive: got %q, want an empty line", line)
			}
		}
	}
	// The client skips them.
	s, _ := d.session(t)
	ev, err := d.client.Events(t.Context(), p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventMyObjectChanged}})
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	d.signIn(t)
	if err := s.SetObject(t.Context(), objID, []byte("x"), p2pcollab.ScopeAll); err != nil {
		t.Fatal(err)
	}
	if e, err := ev.Next(t.Context()); err != nil || e.ObjectID != objID {
		t.Fatalf("through keep-alives: got %+v %v", e, err)
	}
}

// Shutdown ends sessions (deleting their objects) and event streams, with
// a reason the client reports.
func TestShutdownEndsStreams(t *testing.T) {
	d, n := serveNode(t)
	d.signIn(t)
	s, _ := d.session(t)
	if err := s.SetObject(t.Context(), objID, []byte("x"), p2pcollab.ScopeAll); err != nil {
		t.Fatal(err)
	}
	ev, err := d.client.Events(t.Context(), p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventWatchlistChanged}})
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	if err := d.srv.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	<-s.Done()
	if _, err := ev.Next(t.Context()); !errors.Is(err, status.ErrServiceNotAvailable) || !strings.Contains(err.Error(), "shutting down") {
		t.Fatalf("Next after Shutdown: got %v, want service not available: shutting down", err)
	}
	if objs, _ := n.Objects(t.Context(), p2pcollab.ObjectQuery{}); len(objs) != 0 {
		t.Fatalf("objects after Shutdown: got %v, want none", objs)
	}
	if _, err := d.client.Status(t.Context()); !errors.Is(err, status.ErrServiceNotAvailable) {
		t.Fatalf("Status after Shutdown: got %v, want service not available", err)
	}
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-t.Context().Done():
		t.Fatal("Session.Close hung after the daemon went away")
	}
}

// When the node shuts down under a running server, streams end with
// NotInitialized and calls fail with it, as in-process.
func TestNodeClose(t *testing.T) {
	d, n := serveNode(t)
	s, _ := d.session(t)
	ev, err := d.client.Events(t.Context(), p2pcollab.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	n.Close()
	for {
		_, err := ev.Next(t.Context())
		if err == nil {
			continue // the events of the shutdown itself
		}
		if !errors.Is(err, status.ErrNotInitialized) {
			t.Fatalf("Next after node Close: got %v, want not initialized", err)
		}
		break
	}
	if err := s.SetObject(t.Context(), objID, []byte("x"), p2pcollab.ScopeAll); !errors.Is(err, status.ErrNotInitialized) {
		t.Fatalf("SetObject after node Close: got %v, want not initialized", err)
	}
	if _, err := d.client.Status(context.Background()); !errors.Is(err, status.ErrNotInitialized) {
		t.Fatalf("Status after node Close: got %v, want not initialized", err)
	}
}

// A reader that falls behind gets the overflow event through the socket,
// where the gap is, and the stream carries on after it.
func TestOverflowReachesTheClient(t *testing.T) {
	id, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	store, err := contacts.Open(t.TempDir(), id)
	if err != nil {
		t.Fatal(err)
	}
	n, err := p2pcollab.NewNode(p2pcollab.Config{Identity: id, Contacts: store, EventQueue: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	d := serve(t, n, Config{})
	d.signIn(t)
	ev, err := d.client.Events(t.Context(), p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventMyObjectChanged}})
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	s, _ := d.session(t)
	// Far more bytes of events (about 4 MB) than the socket and the
	// client buffer while nobody reads.
	data := make([]byte, p2pcollab.MaxObjectSize)
	const sets = 200
	for i := range sets {
		data[0] = byte(i)
		if err := s.SetObject(t.Context(), objID, data, p2pcollab.ScopeAll); err != nil {
			t.Fatal(err)
		}
	}
	var received, dropped uint64
	for received+dropped < sets {
		e, err := ev.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if e.Type == p2pcollab.EventOverflow {
			dropped += e.Dropped
			continue
		}
		received++
	}
	if dropped == 0 || received+dropped != sets {
		t.Fatalf("received %d and dropped %d events, want some dropped and %d in all", received, dropped, sets)
	}
}

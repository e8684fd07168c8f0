package localapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerd/peerd/p2pcollab"
)

// fakeDaemon serves h on a socket: a daemon that answers badly.
func fakeDaemon(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	path := filepath.Join(shortDir(t), "s")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	c := &Client{SocketPath: path}
	t.Cleanup(func() { c.CloseIdleConnections(); srv.Close() })
	return c
}

// Whatever the socket answers, the client returns an error, never a
// panic or a half-parsed value, and honours its context.
func TestClientAgainstABadDaemon(t *testing.T) {
	started := make(chan struct{}, 1)
	c := fakeDaemon(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/status":
			w.Write([]byte(`{"peerID":"garbage","signedIn":"all"}`))
		case "/v1/objects":
			w.Write([]byte(`[{"id":"x","data":"!!","scope":"all","peer":""}]`))
		case "/v1/endpoints":
			w.Write([]byte(`[{"peer":"garbage","presence":{"status":"online"},"objects":1}]`))
		case "/v1/contacts":
			w.WriteHeader(500)
			w.Write([]byte("oops, not JSON"))
		case "/v1/card":
			w.WriteHeader(409)
			w.Write([]byte(`{"error":{"code":"E_SOMETHING_NEW","message":"a code from the future"}}`))
		case "/v1/sessions":
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			started <- struct{}{}
			<-r.Context().Done() // never sends the session line
		case "/v1/events":
			w.WriteHeader(200)
			w.Write([]byte("\n{\"type\":\"a_type_from_the_future\"}\n{\"type\":\"my_object_changed\",\"id\":\"nope\"}\n"))
		}
	})
	ctx := t.Context()
	if _, err := c.Status(ctx); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("bad status: got %v, want a malformed-response error", err)
	}
	if _, err := c.Objects(ctx, p2pcollab.ObjectQuery{}); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("bad objects: got %v, want a malformed-response error", err)
	}
	if eps, err := c.Endpoints(ctx); err == nil || eps != nil || !strings.Contains(err.Error(), "malformed endpoint") {
		t.Errorf("bad endpoints: got %v %v, want a malformed-response error and no list", eps, err)
	}
	if _, err := c.Contacts(ctx); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("non-JSON error: got %v, want one naming the HTTP status", err)
	}
	if _, err := c.Card(ctx); err == nil || !strings.Contains(err.Error(), "E_SOMETHING_NEW") {
		t.Errorf("unknown code: got %v, want it kept", err)
	}
	sctx, cancel := context.WithCancel(ctx)
	go func() { <-started; cancel() }()
	if _, err := c.OpenSession(sctx, "app"); !errors.Is(err, context.Canceled) {
		t.Errorf("session without a first line: got %v, want context.Canceled", err)
	}
	ev, err := c.Events(ctx, p2pcollab.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	// The unknown type is skipped; the bad id ends the stream.
	if _, err := ev.Next(ctx); err == nil || !strings.Contains(err.Error(), "malformed event") {
		t.Errorf("bad event: got %v, want a malformed-event error", err)
	}
}

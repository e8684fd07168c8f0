package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/collabtest"
)

// shortDir returns a fresh directory with a short path: unix socket paths
// are limited to about 100 bytes, and t.TempDir() can be longer.
func shortDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

type daemon struct {
	srv    *Server
	path   string
	client *Client
	raw    *http.Client
}

// serve runs a Server for api on a fresh socket until the test ends.
func serve(t testing.TB, api p2pcollab.API, cfg Config) *daemon {
	t.Helper()
	path := filepath.Join(shortDir(t), "peerd.sock")
	l, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(api, cfg)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	d := &daemon{srv: srv, path: path, client: &Client{SocketPath: path}, raw: rawClient(path)}
	t.Cleanup(func() {
		d.client.CloseIdleConnections()
		d.raw.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: got %v, want http.ErrServerClosed", err)
		}
		l.Close()
	})
	return d
}

// serveNode runs a Server for a fresh in-process node.
func serveNode(t testing.TB) (*daemon, *p2pcollab.Node) {
	n := collabtest.NewNode(t)
	return serve(t, n, Config{}), n
}

// rawClient speaks HTTP on the socket with no help from Client, to send
// what a buggy or hostile program would.
func rawClient(path string) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
}

type answer struct {
	code int
	err  ErrorInfo
	body []byte
}

// send sends one request; header values may be set to "" to send an
// empty header.
func (d *daemon) send(t testing.TB, method, target string, header map[string]string, body string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, "http://peerd"+target, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = []string{v}
	}
	resp, err := d.raw.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", method, target, err)
	}
	a := answer{code: resp.StatusCode, body: b}
	if resp.StatusCode >= 300 {
		var eb ErrorBody
		if err := json.Unmarshal(b, &eb); err != nil {
			t.Fatalf("%s %s: error body %q is not JSON: %v", method, target, b, err)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: error Content-Type %q, want application/json", method, target, ct)
		}
		a.err = eb.Error
	}
	return a
}

func (d *daemon) signIn(t testing.TB) {
	t.Helper()
	if err := d.client.SignIn(t.Context(), p2pcollab.ScopeAll); err != nil {
		t.Fatal(err)
	}
}

// session opens a session through the client and returns its token.
func (d *daemon) session(t testing.TB) (*Session, string) {
	t.Helper()
	s, err := d.client.OpenSession(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ls := s.(*Session)
	return ls, ls.token
}

package localapi

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// openStream sends a request whose response stays open after the call
// returns. ctx bounds only the wait for the response headers; the stream
// itself lasts until the returned cancel is called.
func (c *Client) openStream(ctx context.Context, method, path string, q url.Values, body any) (*http.Response, context.CancelFunc, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	streamCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, cancel)
	req, err := newRequest(streamCtx, method, path, q, nil, body)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	resp, err := c.http().Do(req)
	if !stop() {
		// ctx ended while we waited: the request was cancelled with it.
		if err == nil {
			resp.Body.Close()
		}
		cancel()
		return nil, nil, ctx.Err()
	}
	if err != nil {
		cancel()
		return nil, nil, c.transportError(ctx, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		cancel()
		return nil, nil, responseError(resp)
	}
	return resp, cancel, nil
}

// maxSessionLine bounds the first line of a session response.
const maxSessionLine = 4096

// OpenSession implements p2pcollab.API. The session holds one connection
// to the daemon open; when it closes, for whatever reason, the daemon ends
// the session and deletes its objects.
func (c *Client) OpenSession(ctx context.Context, name string) (p2pcollab.Session, error) {
	if err := checkUTF8("application name", name); err != nil {
		return nil, err
	}
	resp, cancel, err := c.openStream(ctx, http.MethodPost, "/v1/sessions", nil, OpenSessionRequest{Name: name})
	if err != nil {
		return nil, err
	}
	// ctx also bounds the wait for the first line.
	stop := context.AfterFunc(ctx, cancel)
	br := bufio.NewReaderSize(resp.Body, maxSessionLine)
	line, err := br.ReadSlice('\n')
	var first SessionLine
	if err == nil {
		err = json.Unmarshal(line, &first)
	}
	if !stop() || err != nil || first.Session == "" {
		cancel()
		resp.Body.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, status.Errorf(status.ErrServiceNotAvailable, "peerd did not start the session: %v", err)
	}
	s := &Session{c: c, token: first.Session, body: resp.Body, cancel: cancel, done: make(chan struct{})}
	// Drain the keep-alive lines; when the stream ends the daemon has
	// ended the session.
	go func() {
		defer close(s.done)
		io.Copy(io.Discard, br)
	}()
	return s, nil
}

// Session is an application session held open with the daemon; it
// implements p2pcollab.Session.
type Session struct {
	c      *Client
	token  string
	body   io.Closer
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// closeTimeout bounds the wait for the daemon to confirm a session's end
// in Close; past it the connection is closed anyway, which ends the
// session on the daemon's side a moment later.
const closeTimeout = 10 * time.Second

func (s *Session) header() http.Header { return http.Header{SessionHeader: {s.token}} }

// SetObject implements p2pcollab.Session. Arguments are checked here first,
// so invalid ones cost no round trip.
func (s *Session) SetObject(ctx context.Context, id uuid.UUID, data []byte, scope p2pcollab.Scope) error {
	if err := p2pcollab.ValidateObject(id, data, scope); err != nil {
		return err
	}
	body := SetObjectRequest{Data: encodeData(data), Scope: scopeName(scope)}
	return s.c.do(ctx, http.MethodPut, "/v1/objects/"+id.String(), nil, s.header(), body, nil)
}

// DeleteObject implements p2pcollab.Session.
func (s *Session) DeleteObject(ctx context.Context, id uuid.UUID) error {
	return s.c.do(ctx, http.MethodDelete, "/v1/objects/"+id.String(), nil, s.header(), nil, nil)
}

// Done is closed when the session has ended: Close was called, the daemon
// shut down, or the connection to it broke. An application that must keep
// its objects published watches it to notice when they are gone.
func (s *Session) Done() <-chan struct{} { return s.done }

// Close ends the session. When it returns, the daemon has deleted the
// session's objects (unless the daemon could not be reached, in which case
// it ends the session when it notices the closed connection). Closing
// twice is a no-op.
func (s *Session) Close() error {
	s.once.Do(func() {
		select {
		case <-s.done:
			// The daemon already ended the session.
		default:
			ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
			_ = s.c.do(ctx, http.MethodDelete, "/v1/sessions", nil, s.header(), nil, nil)
			cancel()
		}
		s.cancel()
		s.body.Close()
		<-s.done
	})
	return nil
}

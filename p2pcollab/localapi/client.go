package localapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"time"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Client implements p2pcollab.API by talking to a running peerd over its
// unix socket. A Client with only SocketPath set is ready to use; it is
// safe for concurrent use and must not be copied after first use.
//
// Every error wraps the same status sentinel that the daemon's node
// returned, so errors.Is works as in-process. A daemon that is not running
// gives an error wrapping status.ErrServiceNotAvailable.
type Client struct {
	// SocketPath is the daemon's socket: <data-dir>/peerd.sock.
	SocketPath string

	once sync.Once
	tr   *http.Transport
	hc   *http.Client
}

var _ p2pcollab.API = (*Client)(nil)

// maxResponseBytes bounds what the client reads of one response: 128
// objects of 16 KiB in base64 are under 3 MiB, and a contact list of a few
// thousand entries fits too. A daemon is trusted to answer, not to answer
// sanely.
const maxResponseBytes = 16 << 20

// baseURL is the URL every request uses; the host name is a placeholder,
// since the transport always dials SocketPath.
const baseURL = "http://peerd"

func (c *Client) http() *http.Client {
	c.once.Do(func() {
		c.tr = &http.Transport{
			DialContext:         c.dial,
			Proxy:               nil, // never send local requests to an HTTP proxy
			MaxIdleConns:        16,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		}
		c.hc = &http.Client{Transport: c.tr}
	})
	return c.hc
}

// CloseIdleConnections closes the connections kept for reuse. Sessions and
// event streams are not affected.
func (c *Client) CloseIdleConnections() { c.http().CloseIdleConnections() }

// notRunningError is a dial failure that means no daemon serves the
// socket; the client returns its status error as is, without the URL
// noise of *url.Error.
type notRunningError struct{ err error }

func (e *notRunningError) Error() string { return e.err.Error() }
func (e *notRunningError) Unwrap() error { return e.err }

func (c *Client) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", c.SocketPath)
	if err == nil {
		return conn, nil
	}
	switch {
	case c.SocketPath == "":
		err = status.Errorf(status.ErrServiceNotAvailable, "no peerd socket path given")
	case errors.Is(err, fs.ErrNotExist):
		err = status.Errorf(status.ErrServiceNotAvailable, "peerd is not running (no socket at %s); start it with `peerd run`", c.SocketPath)
	case errors.Is(err, syscall.ECONNREFUSED):
		err = status.Errorf(status.ErrServiceNotAvailable, "peerd is not running (nothing answers on %s); start it with `peerd run`", c.SocketPath)
	case errors.Is(err, fs.ErrPermission):
		err = status.Errorf(status.ErrServiceNotAvailable, "cannot connect to peerd at %s: permission denied (is it another user's daemon?)", c.SocketPath)
	default:
		err = status.Errorf(status.ErrServiceNotAvailable, "cannot connect to peerd at %s: %v", c.SocketPath, err)
	}
	return nil, &notRunningError{err}
}

// newRequest builds a request; body, if not nil, is sent as JSON.
func newRequest(ctx context.Context, method, path string, q url.Values, header http.Header, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	u := baseURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// do sends one request and decodes a 2xx JSON answer into out (if not nil).
func (c *Client) do(ctx context.Context, method, path string, q url.Values, header http.Header, body, out any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req, err := newRequest(ctx, method, path, q, header, body)
	if err != nil {
		return err
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return c.transportError(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return responseError(resp)
	}
	if out == nil {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return c.transportError(ctx, err)
	}
	if len(b) > maxResponseBytes {
		return fmt.Errorf("peerd: %s %s: response larger than %d bytes", method, path, maxResponseBytes)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("peerd: %s %s: malformed response: %v", method, path, err)
	}
	return nil
}

// transportError turns a failed exchange into the caller's context error,
// the not-running error, or a service-not-available error.
func (c *Client) transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var nr *notRunningError
	if errors.As(err, &nr) {
		return nr.err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return status.Errorf(status.ErrServiceNotAvailable, "lost the connection to peerd on %s: %v", c.SocketPath, err)
}

// responseError rebuilds the status error of a non-2xx answer.
func responseError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes))
	var eb ErrorBody
	if err := json.Unmarshal(b, &eb); err == nil && eb.Error.Code != "" {
		return status.FromCode(status.Code(eb.Error.Code), eb.Error.Message)
	}
	return fmt.Errorf("peerd answered %s: %.200q", resp.Status, b)
}

// malformed reports a response that parsed as JSON but not as the API's
// types: a daemon bug or a different program on the socket.
func malformed(what string, err error) error {
	return fmt.Errorf("peerd sent a malformed %s: %v", what, status.Detail(err))
}

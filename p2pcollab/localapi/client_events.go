package localapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// maxEventLine bounds one line of the event stream: an event carries at
// most one object (under 22 KiB in base64) or one contact (a few KiB).
const maxEventLine = 1 << 20

// Events implements p2pcollab.API. The registration exists on the daemon
// when Events returns.
func (c *Client) Events(ctx context.Context, f p2pcollab.EventFilter) (p2pcollab.EventStream, error) {
	q, err := filterQuery(f)
	if err != nil {
		return nil, err
	}
	resp, cancel, err := c.openStream(ctx, http.MethodGet, "/v1/events", q, nil)
	if err != nil {
		return nil, err
	}
	s := &eventStream{
		body:   resp.Body,
		cancel: cancel,
		events: make(chan p2pcollab.Event),
		closed: make(chan struct{}),
		ended:  make(chan struct{}),
	}
	go s.read()
	return s, nil
}

// eventStream decodes the event lines in a goroutine, so that Next can
// honour its ctx without losing an event half-read from the socket.
type eventStream struct {
	body   io.ReadCloser
	cancel context.CancelFunc
	events chan p2pcollab.Event // unbuffered: read never runs ahead
	closed chan struct{}        // closed by Close
	once   sync.Once
	ended  chan struct{} // closed when read returns; err is then set
	err    error
}

// errStreamClosed is what Next returns after Close, as in-process.
var errStreamClosed = status.Errorf(status.ErrNotFound, "event registration closed")

func (s *eventStream) read() {
	defer close(s.ended)
	sc := bufio.NewScanner(s.body)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventLine)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue // keep-alive
		}
		var w Event
		if err := json.Unmarshal(line, &w); err != nil {
			s.err = malformed("event", err)
			return
		}
		if w.Error != nil {
			s.err = fromErrorInfo(w.Error)
			return
		}
		if _, err := p2pcollab.ParseEventType(w.Type); err != nil {
			continue // a newer daemon's event type: not for this client
		}
		e, err := fromEvent(w)
		if err != nil {
			s.err = malformed("event", err)
			return
		}
		select {
		case s.events <- e:
		case <-s.closed:
			return
		}
	}
	s.err = status.Errorf(status.ErrServiceNotAvailable, "peerd ended the event stream")
	if err := sc.Err(); err != nil {
		s.err = status.Errorf(status.ErrServiceNotAvailable, "event stream from peerd broke: %v", err)
	}
}

// Next implements p2pcollab.EventStream.
func (s *eventStream) Next(ctx context.Context) (p2pcollab.Event, error) {
	select {
	case <-s.closed:
		return p2pcollab.Event{}, errStreamClosed
	default:
	}
	select {
	case e := <-s.events:
		return e, nil
	case <-s.ended:
		select {
		case <-s.closed:
			return p2pcollab.Event{}, errStreamClosed
		default:
			return p2pcollab.Event{}, s.err
		}
	case <-s.closed:
		return p2pcollab.Event{}, errStreamClosed
	case <-ctx.Done():
		return p2pcollab.Event{}, ctx.Err()
	}
}

// Close implements p2pcollab.EventStream: it ends the registration on the
// daemon by closing the connection.
func (s *eventStream) Close() error {
	s.once.Do(func() {
		close(s.closed)
		s.cancel()
		s.body.Close()
		<-s.ended
	})
	return nil
}

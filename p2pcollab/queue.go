package p2pcollab

import (
	"context"
	"sync"

	"github.com/peerd/peerd/p2pcollab/status"
)

// DefaultEventQueue is the number of events a registration buffers before
// it starts dropping. Large enough for a burst of 128 objects being deleted
// at sign-out several times over; small enough that a stuck reader costs
// little.
const DefaultEventQueue = 1024

// queue is one registration's bounded event buffer. push never blocks:
// when the buffer is full the event is counted as dropped, and so is every
// event after it until the reader has drained the buffer and received the
// overflow event. The overflow event therefore sits exactly where the gap
// is in the stream, and what follows it is complete again.
type queue struct {
	filter EventFilter
	limit  int

	mu      sync.Mutex
	buf     []Event
	dropped uint64
	closed  bool
	err     error
	ready   chan struct{} // signalled (capacity 1) when buf grows or closes
}

func newQueue(filter EventFilter, limit int) *queue {
	return &queue{filter: filter, limit: limit, ready: make(chan struct{}, 1)}
}

func (q *queue) push(e Event) {
	if !q.filter.Match(e) {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if q.dropped > 0 || len(q.buf) >= q.limit {
		q.dropped++
		return
	}
	// Each registration gets its own copy: a reader that changes an event
	// must not change what the others see.
	q.buf = append(q.buf, e.clone())
	q.signal()
}

func (q *queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// close ends the stream: the reader gets what is buffered, then err.
func (q *queue) close(err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.closed, q.err = true, err
	q.signal()
}

// Next returns the next event, waiting until one arrives, the registration
// is closed, or ctx is done.
func (q *queue) Next(ctx context.Context) (Event, error) {
	for {
		q.mu.Lock()
		if len(q.buf) > 0 {
			e := q.buf[0]
			q.buf[0] = Event{}
			q.buf = q.buf[1:]
			if len(q.buf) == 0 {
				q.buf = nil // let the backing array go after a burst
			}
			q.mu.Unlock()
			return e, nil
		}
		if q.dropped > 0 {
			e := Event{Type: EventOverflow, Dropped: q.dropped}
			q.dropped = 0
			q.mu.Unlock()
			return e, nil
		}
		if q.closed {
			err := q.err
			q.mu.Unlock()
			return Event{}, err
		}
		q.mu.Unlock()
		select {
		case <-q.ready:
		case <-ctx.Done():
			return Event{}, ctx.Err()
		}
	}
}

// errStreamClosed is what Next returns after Close.
var errStreamClosed = status.Errorf(status.ErrNotFound, "event registration closed")

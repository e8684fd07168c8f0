package p2pcollab

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/uuid"
)

func objEvent(n int) Event {
	return Event{Type: EventMyObjectChanged, Change: ChangeAdded, ObjectID: nthID(n)}
}

func TestQueueOverflowMarksTheGap(t *testing.T) {
	q := newQueue(EventFilter{}, 3)
	for i := 1; i <= 5; i++ {
		q.push(objEvent(i)) // 4 and 5 are dropped
	}
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		e, err := q.Next(ctx)
		if err != nil || e.ObjectID != nthID(i) {
			t.Fatalf("event %d: got %+v %v", i, e, err)
		}
	}
	q.push(objEvent(6)) // still dropped: the reader has not seen the overflow yet
	e, _ := q.Next(ctx)
	if e.Type != EventOverflow || e.Dropped != 3 {
		t.Fatalf("got %+v, want overflow with 3 dropped", e)
	}
	q.push(objEvent(7))
	if e, _ := q.Next(ctx); e.ObjectID != nthID(7) {
		t.Fatalf("after overflow got %+v, want event 7", e)
	}
}

func TestQueueFilter(t *testing.T) {
	q := newQueue(EventFilter{Types: []EventType{EventMyObjectChanged}, ObjectID: nthID(2)}, 10)
	q.push(objEvent(1))
	q.push(Event{Type: EventWatchlistChanged})
	q.push(objEvent(2))
	q.push(Event{Type: EventEndpointObjectChanged, ObjectID: nthID(2)})
	e, _ := q.Next(context.Background())
	if e.ObjectID != nthID(2) || e.Type != EventMyObjectChanged {
		t.Fatalf("got %+v, want only my_object_changed for object 2", e)
	}
	q.close(errStreamClosed)
	if _, err := q.Next(context.Background()); !errors.Is(err, errStreamClosed) {
		t.Fatalf("got %v, want the stream closed", err)
	}
}

func TestQueueNextWaitsAndHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := newQueue(EventFilter{}, 10)
		got := make(chan Event)
		go func() {
			e, _ := q.Next(context.Background())
			got <- e
		}()
		synctest.Wait()
		q.push(objEvent(9))
		if e := <-got; e.ObjectID != nthID(9) {
			t.Fatalf("got %+v", e)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := q.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want deadline exceeded", err)
		}
	})
}

func TestEventFilterValidate(t *testing.T) {
	if err := (EventFilter{Types: []EventType{EventOverflow}}).Validate(); err == nil {
		t.Fatal("overflow is not a type one can register for")
	}
	if err := (EventFilter{Types: []EventType{EventType(42)}}).Validate(); err == nil {
		t.Fatal("unknown type accepted")
	}
	if err := (EventFilter{Types: []EventType{EventMyObjectChanged}, ObjectID: uuid.New()}).Validate(); err != nil {
		t.Fatal(err)
	}
}

package localapi

import (
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// NewEvent returns the JSON form of an event, one line of GET /v1/events.
func NewEvent(e p2pcollab.Event) Event {
	w := Event{Type: e.Type.String(), Change: e.Change.String(), Dropped: e.Dropped}
	if e.Peer != "" {
		w.Peer = e.Peer.String()
	}
	if e.ObjectID != uuid.Nil {
		w.ID = e.ObjectID.String()
	}
	if e.Object != nil {
		o := NewObject(*e.Object)
		w.Object = &o
	}
	if e.Contact != nil {
		c := NewContact(*e.Contact)
		w.Contact = &c
	}
	if e.Presence != nil {
		p := NewPresence(*e.Presence)
		w.Presence = &p
	}
	if e.Result != nil {
		w.Result = toErrorInfo(e.Result)
	}
	return w
}

func fromEvent(w Event) (p2pcollab.Event, error) {
	var e p2pcollab.Event
	if err := e.Type.UnmarshalText([]byte(w.Type)); err != nil {
		return e, err
	}
	if err := e.Change.UnmarshalText([]byte(w.Change)); err != nil {
		return e, err
	}
	e.Dropped = w.Dropped
	var err error
	if w.Peer != "" {
		if e.Peer, err = ParsePeer(w.Peer); err != nil {
			return e, err
		}
	}
	if w.ID != "" {
		if e.ObjectID, err = ParseObjectID(w.ID); err != nil {
			return e, err
		}
	}
	if w.Object != nil {
		o, err := fromObject(*w.Object)
		if err != nil {
			return e, err
		}
		e.Object = &o
	}
	if w.Contact != nil {
		c, err := fromContact(*w.Contact)
		if err != nil {
			return e, err
		}
		e.Contact = &c
	}
	if w.Presence != nil {
		p, err := fromPresence(*w.Presence)
		if err != nil {
			return e, err
		}
		e.Presence = &p
	}
	if w.Result != nil {
		e.Result = fromErrorInfo(w.Result)
	}
	return e, nil
}

// filterQuery encodes an event filter as the query of GET /v1/events:
// type=a,b (names) and id=<uuid>.
func filterQuery(f p2pcollab.EventFilter) (url.Values, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	q := url.Values{}
	if len(f.Types) > 0 {
		names := make([]string, len(f.Types))
		for i, t := range f.Types {
			names[i] = t.String()
		}
		q.Set("type", strings.Join(names, ","))
	}
	if f.ObjectID != uuid.Nil {
		q.Set("id", f.ObjectID.String())
	}
	return q, nil
}

// parseFilter is the inverse of filterQuery. Unknown parameters are refused
// so that a misspelt filter does not silently deliver everything.
func parseFilter(q url.Values) (p2pcollab.EventFilter, error) {
	var f p2pcollab.EventFilter
	if err := onlyParams(q, "type", "id"); err != nil {
		return f, err
	}
	if s := q.Get("type"); s != "" {
		for _, name := range strings.Split(s, ",") {
			t, err := p2pcollab.ParseEventType(name)
			if err != nil {
				return f, err
			}
			f.Types = append(f.Types, t)
		}
	}
	if s := q.Get("id"); s != "" {
		id, err := ParseObjectID(s)
		if err != nil {
			return f, err
		}
		f.ObjectID = id
	}
	return f, f.Validate()
}

// onlyParams refuses query parameters other than allowed, and any given
// twice.
func onlyParams(q url.Values, allowed ...string) error {
	for k, v := range q {
		known := false
		for _, a := range allowed {
			known = known || k == a
		}
		if !known && len(allowed) == 0 {
			return status.Errorf(status.ErrInvalidArg, "this call takes no query parameters (got %.40q)", k)
		}
		if !known {
			return status.Errorf(status.ErrInvalidArg, "unknown query parameter %.40q (want %s)", k, strings.Join(allowed, ", "))
		}
		if len(v) > 1 {
			return status.Errorf(status.ErrInvalidArg, "query parameter %q given %d times", k, len(v))
		}
	}
	return nil
}

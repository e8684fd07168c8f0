package p2pcollab

import (
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab/status"
)

// EventType is the kind of an event. The numeric values are the original
// PEER_COLLAB_EVENT_TYPE values; EventOverflow is ours.
type EventType uint8

const (
	EventWatchlistChanged           EventType = 1
	EventEndpointChanged            EventType = 2
	EventEndpointPresenceChanged    EventType = 3
	EventEndpointApplicationChanged EventType = 4
	EventEndpointObjectChanged      EventType = 5
	EventMyEndpointChanged          EventType = 6
	EventMyPresenceChanged          EventType = 7
	EventMyApplicationChanged       EventType = 8
	EventMyObjectChanged            EventType = 9
	EventPeopleNearMeChanged        EventType = 10
	EventRequestStatusChanged       EventType = 11

	// EventOverflow tells a registration that its queue was full and
	// Dropped events were lost; the reader resynchronises (EnumObjects,
	// Contacts) and carries on. It is always delivered, whatever the filter.
	EventOverflow EventType = 255
)

var eventTypeNames = map[EventType]string{
	EventWatchlistChanged:           "watchlist_changed",
	EventEndpointChanged:            "endpoint_changed",
	EventEndpointPresenceChanged:    "endpoint_presence_changed",
	EventEndpointApplicationChanged: "endpoint_application_changed",
	EventEndpointObjectChanged:      "endpoint_object_changed",
	EventMyEndpointChanged:          "my_endpoint_changed",
	EventMyPresenceChanged:          "my_presence_changed",
	EventMyApplicationChanged:       "my_application_changed",
	EventMyObjectChanged:            "my_object_changed",
	EventPeopleNearMeChanged:        "people_near_me_changed",
	EventRequestStatusChanged:       "request_status_changed",
	EventOverflow:                   "overflow",
}

func (t EventType) String() string {
	if name, ok := eventTypeNames[t]; ok {
		return name
	}
	return fmt.Sprintf("event(%d)", uint8(t))
}

// ParseEventType parses an event type name such as "my_object_changed".
func ParseEventType(name string) (EventType, error) {
	for t, n := range eventTypeNames {
		if n == name {
			return t, nil
		}
	}
	return 0, status.Errorf(status.ErrInvalidArg, "unknown event type %q", name)
}

// MarshalText implements encoding.TextMarshaler.
func (t EventType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *EventType) UnmarshalText(b []byte) error {
	v, err := ParseEventType(string(b))
	if err == nil {
		*t = v
	}
	return err
}

// Change says what happened to the thing an event is about. The values are
// the original PEER_CHANGE_TYPE values plus one, so that the zero value
// means "no change" in events (such as overflow) that carry none.
type Change uint8

const (
	ChangeNone    Change = 0
	ChangeAdded   Change = 1
	ChangeDeleted Change = 2
	ChangeUpdated Change = 3
)

var changeNames = [...]string{"", "added", "deleted", "updated"}

func (c Change) String() string {
	if int(c) < len(changeNames) {
		return changeNames[c]
	}
	return fmt.Sprintf("change(%d)", uint8(c))
}

// MarshalText implements encoding.TextMarshaler.
func (c Change) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Change) UnmarshalText(b []byte) error {
	for i, n := range changeNames {
		if n == string(b) {
			*c = Change(i)
			return nil
		}
	}
	return status.Errorf(status.ErrInvalidArg, "unknown change %q", b)
}

// Event is one event delivered to a registration. Which fields are set
// depends on Type: object events carry ObjectID and Object (for a deletion,
// the object as it was), watchlist events carry Contact, overflow carries
// Dropped. Peer is the peer the event is about (the local peer for my_*).
type Event struct {
	Type     EventType
	Change   Change
	Peer     peer.ID
	ObjectID uuid.UUID
	Object   *Object
	Contact  *contacts.Contact
	Presence *Presence
	// Result is set on request_status_changed: nil on success.
	Result error
	// Dropped counts the events lost before an overflow event.
	Dropped uint64
}

// clone deep-copies the parts of e that are shared by pointer.
func (e Event) clone() Event {
	if e.Object != nil {
		o := e.Object.Clone()
		e.Object = &o
	}
	if e.Contact != nil {
		c := *e.Contact
		c.Addrs = slices.Clone(c.Addrs)
		e.Contact = &c
	}
	if e.Presence != nil {
		p := *e.Presence
		e.Presence = &p
	}
	return e
}

// EventFilter narrows a registration. The zero value receives everything.
type EventFilter struct {
	// Types lists the wanted event types; empty means all.
	Types []EventType
	// ObjectID, when not the nil GUID, keeps only events about that object
	// (other event types without an object are dropped).
	ObjectID uuid.UUID
}

// Match reports whether e passes the filter. Overflow always passes.
func (f EventFilter) Match(e Event) bool {
	if e.Type == EventOverflow {
		return true
	}
	if len(f.Types) > 0 {
		found := false
		for _, t := range f.Types {
			if t == e.Type {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return f.ObjectID == uuid.Nil || f.ObjectID == e.ObjectID
}

// Validate checks that every type is known.
func (f EventFilter) Validate() error {
	for _, t := range f.Types {
		if _, ok := eventTypeNames[t]; !ok || t == EventOverflow {
			return status.Errorf(status.ErrInvalidArg, "unknown event type %d", uint8(t))
		}
	}
	return nil
}

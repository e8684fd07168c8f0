package p2pcollab

import (
	"context"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"
	"github.com/peerd/peerd/contacts"
)

// API is what an application sees of peerd, whether the node runs in its
// own process (*Node) or in the daemon behind the local socket
// (localapi.Client). Every method may be called from many goroutines, and
// every error wraps a sentinel of package status.
type API interface {
	// OpenSession registers an application. Objects it sets are owned by
	// the session and deleted when the session ends.
	OpenSession(ctx context.Context, name string) (Session, error)

	SignIn(ctx context.Context, scope Scope) error
	SignOut(ctx context.Context, scope Scope) error
	SetPresence(ctx context.Context, p Presence) error
	Status(ctx context.Context) (Status, error)

	// Objects enumerates objects (PeerCollabEnumObjects). The zero query
	// returns the user's own objects.
	Objects(ctx context.Context, q ObjectQuery) ([]Object, error)

	Contacts(ctx context.Context) ([]contacts.Contact, error)
	Contact(ctx context.Context, id peer.ID) (contacts.Contact, error)
	AddContact(ctx context.Context, card string, watch, allow bool) (contacts.Contact, error)
	UpdateContact(ctx context.Context, id peer.ID, u ContactUpdate) (contacts.Contact, error)
	DeleteContact(ctx context.Context, id peer.ID) error
	// Card returns the user's own signed contact card.
	Card(ctx context.Context) (string, error)

	// Events registers for events. The stream must be closed.
	Events(ctx context.Context, f EventFilter) (EventStream, error)

	// RefreshEndpoint pulls peer p's objects and presence once
	// (PeerCollabRefreshEndpointData); Session.SubscribeEndpoint follows
	// them. It returns once the request is under way: a
	// request_status_changed event about p reports its outcome.
	//
	// RefreshEndpoint, the Session's subscriptions, PeopleNearMe,
	// Endpoints and NetStats need the network: a node without one answers
	// them with ErrServiceNotAvailable. An empty or malformed peer ID, or
	// the user's own, is ErrInvalidArg.
	RefreshEndpoint(ctx context.Context, p peer.ID) error
	// PeopleNearMe lists the peers signed in to near-me on the local
	// network (PeerCollabEnumPeopleNearMe), sorted by peer ID.
	PeopleNearMe(ctx context.Context) ([]Person, error)
	// Endpoints lists the other peers the node follows
	// (PeerCollabEnumEndpoints): the contacts the user watches, the peers
	// subscribed to and the people near me, sorted by peer ID, each with
	// its presence as last shown (PeerCollabGetPresenceInfo of another
	// endpoint).
	Endpoints(ctx context.Context) ([]Endpoint, error)
	// NetStats returns the network layer's counters since the node started.
	NetStats(ctx context.Context) (NetStats, error)
}

// Person is one entry of people near me (PEER_PEOPLE_NEAR_ME): a peer found
// on the local network that is signed in to near-me.
type Person struct {
	Peer peer.ID
	// Nickname is the user's nickname for the peer when it is a contact,
	// else empty: near-me does not carry names.
	Nickname string
	// Addrs are the addresses the node knows the peer at.
	Addrs []multiaddr.Multiaddr
}

// Endpoint is another peer the node follows, as the user sees it. A peer
// that is only refreshed (RefreshEndpoint) is not one: its objects are a
// one-off pull, read with Objects.
type Endpoint struct {
	Peer peer.ID
	// Nickname is the user's nickname for the peer when it is a contact,
	// else empty.
	Nickname string
	// Presence is the presence last shown to the user: the value the last
	// endpoint_presence_changed event about the peer carried, offline
	// before any.
	Presence Presence
	// Objects is how many of the peer's objects the user is shown now
	// (what Objects with ObjectQuery{Peer: Peer} returns).
	Objects int
	// Why the peer is listed: a contact the user watches, a peer the user
	// subscribed to (Session.SubscribeEndpoint), one of the people near me. Any
	// number of them may hold.
	Watched, Subscribed, NearMe bool
}

// Session is one application's handle on the node. Close ends it, which
// deletes every object it owns and releases every subscription it holds;
// so does the end of the application's connection to the daemon, however
// the application ended.
type Session interface {
	SetObject(ctx context.Context, id uuid.UUID, data []byte, scope Scope) error
	DeleteObject(ctx context.Context, id uuid.UUID) error

	// SubscribeEndpoint follows peer p's objects and presence
	// (PeerCollabSubscribeEndpointData) on behalf of this session, until
	// it has called UnsubscribeEndpoint as many times or ends, as the
	// original releases an application's subscriptions when it exits.
	// It returns once the request is under way: a request_status_changed
	// event about p reports the first pull's outcome. The node follows p
	// while any session subscribes to it. UnsubscribeEndpoint releases
	// one of this session's subscriptions to p (ErrNotFound when it holds
	// none; another session's do not count).
	//
	// Both need the network (else ErrServiceNotAvailable) and check p as
	// RefreshEndpoint does; SubscribeEndpoint needs a sign-in
	// (ErrNotSignedIn). On an ended session they fail as SetObject does.
	SubscribeEndpoint(ctx context.Context, p peer.ID) error
	UnsubscribeEndpoint(ctx context.Context, p peer.ID) error

	Close() error
}

// EventStream delivers a registration's events in order. Next blocks until
// an event arrives; after Close it fails.
type EventStream interface {
	Next(ctx context.Context) (Event, error)
	Close() error
}

// ObjectQuery selects objects: Peer (empty: the local user) and ID (nil
// GUID: all of that peer's objects).
type ObjectQuery struct {
	Peer peer.ID
	ID   uuid.UUID
}

// ContactUpdate changes a contact; nil fields are left as they are.
type ContactUpdate struct {
	Nickname    *string
	DisplayName *string
	Email       *string
	Watch       *bool
	Permission  *contacts.Permission
}

// Status describes the node.
type Status struct {
	PeerID   peer.ID
	Addrs    []multiaddr.Multiaddr
	SignedIn Scope
	Presence Presence
	Objects  int
	Sessions int
}

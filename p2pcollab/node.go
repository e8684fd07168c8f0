package p2pcollab

import (
	"context"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"
	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Config configures a Node. Its fields may be changed until NewNode.
type Config struct {
	// Identity is the user's key pair. Required.
	Identity *identity.Identity
	// Contacts is the user's trust list. Required.
	Contacts *contacts.Store
	// Host is the libp2p host the node runs on. Optional: without it the
	// node serves its local user only and Status reports no addresses.
	Host host.Host
	// EventQueue is each registration's buffer; 0 means DefaultEventQueue.
	EventQueue int
	// Network tunes the network layer, which runs when Host is set.
	Network NetConfig
}

// Node is a running peer: the registry behind a mutex, the trust list, the
// event registrations and (when configured) the network. It implements
// API in-process.
type Node struct {
	cfg Config

	mu     sync.Mutex // guards reg, queues, net's state and the ordering of events
	reg    *Registry
	queues map[*queue]struct{}
	net    *netLayer // nil without a host
}

var _ API = (*Node)(nil)

// NewNode starts a node. It is signed out; call SignIn.
func NewNode(cfg Config) (*Node, error) {
	if cfg.Identity == nil || cfg.Contacts == nil {
		return nil, status.Errorf(status.ErrInvalidArg, "node needs an identity and a contact store")
	}
	if cfg.Contacts.Me().PeerID != cfg.Identity.ID {
		return nil, status.Errorf(status.ErrInvalidArg, "contact store belongs to %s, not %s", cfg.Contacts.Me().PeerID, cfg.Identity.ID)
	}
	if cfg.EventQueue <= 0 {
		cfg.EventQueue = DefaultEventQueue
	}
	n := &Node{
		cfg:    cfg,
		reg:    NewRegistry(cfg.Identity.ID),
		queues: make(map[*queue]struct{}),
	}
	if cfg.Host != nil {
		if cfg.Host.ID() != cfg.Identity.ID {
			return nil, status.Errorf(status.ErrInvalidArg, "host runs as %s, not %s", cfg.Host.ID(), cfg.Identity.ID)
		}
		nw, err := startNetwork(n)
		if err != nil {
			return nil, err
		}
		n.mu.Lock()
		n.net = nw
		nw.updateFollows()
		n.mu.Unlock()
	}
	return n, nil
}

// Close shuts the node down: every session ends, every object is deleted
// (registrations see the deletions), every registration ends, and every
// later call fails with ErrNotInitialized. The host, which the caller
// created, is left to the caller.
//
// With a network, the deletions are published before it stops (for up to
// a couple of seconds), so watchers see them at once rather than after
// the liveness timeout.
func (n *Node) Close() error {
	n.mu.Lock()
	closing := !n.reg.closed
	n.emit(n.reg.Shutdown())
	n.afterChange()
	nw := n.net
	n.mu.Unlock()
	if closing && nw != nil {
		nw.close()
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for q := range n.queues {
		q.close(status.Errorf(status.ErrNotInitialized, "the node has shut down"))
	}
	n.queues = map[*queue]struct{}{}
	return nil
}

// emit delivers events to every registration and lets the network publish
// what they announce. Called with n.mu held, so every registration sees
// events in the order the registry made them, and the network publishes
// in that order too.
func (n *Node) emit(events []Event) {
	for _, e := range events {
		for q := range n.queues {
			q.push(e)
		}
		if n.net != nil {
			n.net.observe(e)
		}
	}
}

// afterChange lets the network follow the signed-in scopes and the
// subscriptions after a registry call, whichever call changed them
// (a session that ends releases its subscriptions). n.mu held.
func (n *Node) afterChange() {
	if n.net != nil {
		n.net.signedInChanged(n.reg.SignedIn())
		n.net.followSubscriptions()
	}
}

// do runs one registry mutation under the lock and emits its events.
func (n *Node) do(ctx context.Context, f func(*Registry) ([]Event, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	events, err := f(n.reg)
	if err != nil {
		return err
	}
	n.emit(events)
	n.afterChange()
	return nil
}

// OpenSession implements API.
func (n *Node) OpenSession(ctx context.Context, name string) (Session, error) {
	if err := validateAppName(name); err != nil {
		return nil, err
	}
	var id SessionID
	err := n.do(ctx, func(r *Registry) (e []Event, err error) {
		id, err = r.OpenSession(name)
		return nil, err
	})
	if err != nil {
		return nil, err
	}
	return &nodeSession{n: n, id: id}, nil
}

// SignIn implements API.
func (n *Node) SignIn(ctx context.Context, scope Scope) error {
	return n.do(ctx, func(r *Registry) ([]Event, error) { return r.SignIn(scope) })
}

// SignOut implements API.
func (n *Node) SignOut(ctx context.Context, scope Scope) error {
	return n.do(ctx, func(r *Registry) ([]Event, error) { return r.SignOut(scope) })
}

// SetPresence implements API.
func (n *Node) SetPresence(ctx context.Context, p Presence) error {
	return n.do(ctx, func(r *Registry) ([]Event, error) { return r.SetPresence(p) })
}

// Status implements API.
func (n *Node) Status(ctx context.Context) (Status, error) {
	var st Status
	err := n.do(ctx, func(r *Registry) ([]Event, error) {
		if err := r.check(); err != nil {
			return nil, err
		}
		st = Status{
			PeerID:   n.cfg.Identity.ID,
			SignedIn: r.SignedIn(),
			Presence: r.Presence(),
			Objects:  r.Len(),
			Sessions: r.Sessions(),
		}
		return nil, nil
	})
	if err == nil && n.cfg.Host != nil {
		st.Addrs = append([]multiaddr.Multiaddr(nil), n.cfg.Host.Addrs()...)
	}
	return st, err
}

// Objects implements API.
func (n *Node) Objects(ctx context.Context, q ObjectQuery) ([]Object, error) {
	var out []Object
	err := n.do(ctx, func(r *Registry) (_ []Event, err error) {
		if q.Peer != "" && q.Peer != n.cfg.Identity.ID {
			if err := r.check(); err != nil {
				return nil, err
			}
			out, err = n.remoteObjects(q)
			return nil, err
		}
		out, err = r.Objects(q.ID)
		return nil, err
	})
	return out, err
}

// remoteObjects returns what another peer publishes that the user may
// see: a watched contact's objects, or those of a peer the user
// subscribed to or refreshed. A peer the node knows nothing of is an
// unknown contact. n.mu held.
func (n *Node) remoteObjects(q ObjectQuery) ([]Object, error) {
	var out []Object
	known := false
	if n.net != nil {
		out, known = n.net.remoteObjects(q)
	}
	if !known {
		if _, err := n.cfg.Contacts.Get(q.Peer); err != nil {
			return nil, err
		}
	}
	if q.ID != uuid.Nil && len(out) == 0 {
		return nil, status.Errorf(status.ErrNotFound, "no object %s from %s", q.ID, q.Peer)
	}
	if out == nil {
		out = []Object{}
	}
	return out, nil
}

// Events implements API.
func (n *Node) Events(ctx context.Context, f EventFilter) (EventStream, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	q := newQueue(f, n.cfg.EventQueue)
	err := n.do(ctx, func(r *Registry) ([]Event, error) {
		if err := r.check(); err != nil {
			return nil, err
		}
		n.queues[q] = struct{}{}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return &nodeStream{n: n, q: q}, nil
}

type nodeStream struct {
	n *Node
	q *queue
}

func (s *nodeStream) Next(ctx context.Context) (Event, error) { return s.q.Next(ctx) }

func (s *nodeStream) Close() error {
	s.n.mu.Lock()
	delete(s.n.queues, s.q)
	s.n.mu.Unlock()
	s.q.close(errStreamClosed)
	return nil
}

type nodeSession struct {
	n    *Node
	id   SessionID
	once sync.Once
}

func (s *nodeSession) SetObject(ctx context.Context, id uuid.UUID, data []byte, scope Scope) error {
	return s.n.do(ctx, func(r *Registry) ([]Event, error) { return r.SetObject(s.id, id, data, scope) })
}

func (s *nodeSession) DeleteObject(ctx context.Context, id uuid.UUID) error {
	return s.n.do(ctx, func(r *Registry) ([]Event, error) {
		if !r.HasSession(s.id) {
			return nil, errSessionEnded
		}
		return r.DeleteObject(id)
	})
}

// errSessionEnded answers a call on a session that has ended.
var errSessionEnded = status.Errorf(status.ErrInvalidArg, "session has ended")

func (s *nodeSession) SubscribeEndpoint(ctx context.Context, p peer.ID) error {
	return s.n.subscribeEndpoint(ctx, s.id, p)
}

func (s *nodeSession) UnsubscribeEndpoint(ctx context.Context, p peer.ID) error {
	return s.n.unsubscribeEndpoint(ctx, s.id, p)
}

// Close ends the session; its objects are deleted and its subscriptions
// released. Closing twice is a no-op.
func (s *nodeSession) Close() error {
	s.once.Do(func() {
		s.n.mu.Lock()
		defer s.n.mu.Unlock()
		s.n.emit(s.n.reg.CloseSession(s.id))
		s.n.afterChange()
	})
	return nil
}

// MaxAppName is the longest application name, in bytes.
const MaxAppName = 255

func validateAppName(name string) error {
	if name == "" {
		return status.Errorf(status.ErrInvalidArg, "application name is empty")
	}
	if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
		return status.Errorf(status.ErrInvalidArg, "application name must be printable UTF-8")
	}
	if len(name) > MaxAppName {
		return status.Errorf(status.ErrInvalidArg, "application name is %d bytes (at most %d)", len(name), MaxAppName)
	}
	return nil
}

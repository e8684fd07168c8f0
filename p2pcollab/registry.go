package p2pcollab

import (
	"bytes"
	"maps"
	"slices"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/p2pcollab/status"
)

// SessionID names one application session inside a Registry.
type SessionID uint64

// Registry is the deterministic core: the user's objects, sessions,
// sign-in state and presence. It is not safe for concurrent use; Node
// serialises calls. Every mutation returns the events it caused, in order,
// and changes nothing when it returns an error.
type Registry struct {
	self     peer.ID
	closed   bool
	signedIn Scope
	presence Presence
	objects  map[uuid.UUID]*entry
	sessions map[SessionID]string
	lastID   SessionID
	// subs holds each live session's subscriptions (count per peer),
	// subTotal their sum per peer, subSeq counts their changes
	// (registry_subs.go).
	subs     map[SessionID]map[peer.ID]int
	subTotal map[peer.ID]int
	subSeq   uint64
	// seq counts changes to the object set; it orders publication.
	seq uint64
}

type entry struct {
	obj   Object
	owner SessionID
	seq   uint64
}

// NewRegistry returns an initialised, signed-out registry for the user self.
func NewRegistry(self peer.ID) *Registry {
	return &Registry{
		self:     self,
		objects:  make(map[uuid.UUID]*entry),
		sessions: make(map[SessionID]string),
		subs:     make(map[SessionID]map[peer.ID]int),
		subTotal: make(map[peer.ID]int),
	}
}

func (r *Registry) check() error {
	if r.closed {
		return status.Errorf(status.ErrNotInitialized, "the node has shut down")
	}
	return nil
}

// Shutdown ends every session, which releases its subscriptions, and
// drops every object; later calls fail with ErrNotInitialized.
func (r *Registry) Shutdown() []Event {
	if r.closed {
		return nil
	}
	events := r.signOut(ScopeAll)
	for id := range r.sessions {
		r.releaseSession(id)
	}
	r.sessions = map[SessionID]string{}
	r.closed = true
	return events
}

// OpenSession registers an application session and returns its id.
func (r *Registry) OpenSession(name string) (SessionID, error) {
	if err := r.check(); err != nil {
		return 0, err
	}
	r.lastID++
	r.sessions[r.lastID] = name
	return r.lastID, nil
}

// CloseSession ends a session, deletes every object it owns and releases
// every subscription it holds, as the original does when the application
// terminates.
func (r *Registry) CloseSession(id SessionID) []Event {
	if _, ok := r.sessions[id]; !ok {
		return nil
	}
	delete(r.sessions, id)
	r.releaseSession(id)
	var events []Event
	for _, oid := range r.sortedIDs() {
		if e := r.objects[oid]; e.owner == id {
			events = append(events, r.remove(oid))
		}
	}
	return events
}

// Sessions returns the number of open sessions.
func (r *Registry) Sessions() int { return len(r.sessions) }

// SignedIn returns the signed-in scopes.
func (r *Registry) SignedIn() Scope { return r.signedIn }

// SignIn adds scope to the signed-in scopes. Presence becomes online at the
// first sign-in.
func (r *Registry) SignIn(scope Scope) ([]Event, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	if scope == ScopeNone || !scope.Valid() {
		return nil, status.Errorf(status.ErrInvalidArg, "sign-in scope must be near-me, internet or all, not %s", scope)
	}
	was := r.signedIn
	r.signedIn |= scope
	if was == ScopeNone {
		return r.setPresence(Presence{Status: PresenceOnline}), nil
	}
	return nil, nil
}

// SignOut removes scope from the signed-in scopes. Objects stay while any
// scope remains signed in (their publication in the removed scope stops);
// a full sign-out deletes every object, whose owners must set them again
// after the next sign-in, and makes presence offline.
func (r *Registry) SignOut(scope Scope) ([]Event, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	if scope == ScopeNone || !scope.Valid() {
		return nil, status.Errorf(status.ErrInvalidArg, "sign-out scope must be near-me, internet or all, not %s", scope)
	}
	return r.signOut(scope), nil
}

func (r *Registry) signOut(scope Scope) []Event {
	was := r.signedIn
	r.signedIn &^= scope
	if was == ScopeNone || r.signedIn != ScopeNone {
		return nil
	}
	var events []Event
	for _, oid := range r.sortedIDs() {
		events = append(events, r.remove(oid))
	}
	return append(events, r.setPresence(Presence{Status: PresenceOffline})...)
}

// Presence returns the user's presence.
func (r *Registry) Presence() Presence { return r.presence }

// SetPresence sets the user's presence. It needs a sign-in, and offline
// cannot be set while signed in (sign out instead).
func (r *Registry) SetPresence(p Presence) ([]Event, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if r.signedIn == ScopeNone {
		return nil, status.Errorf(status.ErrNotSignedIn, "sign in before setting presence")
	}
	if p.Status == PresenceOffline {
		return nil, status.Errorf(status.ErrInvalidArg, "presence cannot be offline while signed in; sign out instead")
	}
	return r.setPresence(p), nil
}

func (r *Registry) setPresence(p Presence) []Event {
	if r.presence == p {
		return nil
	}
	r.presence = p
	return []Event{{Type: EventMyPresenceChanged, Change: ChangeUpdated, Peer: r.self, Presence: &p}}
}

// SetObject creates or updates an object on behalf of session sess, which
// becomes its owner. The 129th distinct GUID is refused with
// ErrOutOfMemory; an existing GUID is always updatable.
func (r *Registry) SetObject(sess SessionID, id uuid.UUID, data []byte, scope Scope) ([]Event, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	if _, ok := r.sessions[sess]; !ok {
		return nil, status.Errorf(status.ErrInvalidArg, "unknown or ended session")
	}
	if err := ValidateObject(id, data, scope); err != nil {
		return nil, err
	}
	if r.signedIn == ScopeNone {
		return nil, status.Errorf(status.ErrNotSignedIn, "sign in before publishing objects")
	}
	e, exists := r.objects[id]
	if !exists && len(r.objects) >= MaxObjects {
		return nil, status.Errorf(status.ErrOutOfMemory, "already %d objects published (the limit); delete one or update an existing GUID", MaxObjects)
	}
	change := ChangeUpdated
	if !exists {
		change = ChangeAdded
		e = &entry{}
		r.objects[id] = e
	}
	r.seq++
	e.obj = Object{ID: id, Data: append([]byte(nil), data...), Scope: scope, Peer: r.self}
	e.owner = sess
	e.seq = r.seq
	obj := e.obj.Clone()
	return []Event{{Type: EventMyObjectChanged, Change: change, Peer: r.self, ObjectID: id, Object: &obj}}, nil
}

// DeleteObject deletes an object, whoever owns it.
func (r *Registry) DeleteObject(id uuid.UUID) ([]Event, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	if id == uuid.Nil {
		return nil, status.Errorf(status.ErrInvalidArg, "object id is the nil GUID")
	}
	if _, ok := r.objects[id]; !ok {
		return nil, status.Errorf(status.ErrNotFound, "no object %s", id)
	}
	return []Event{r.remove(id)}, nil
}

func (r *Registry) remove(id uuid.UUID) Event {
	e := r.objects[id]
	delete(r.objects, id)
	r.seq++
	obj := e.obj
	return Event{Type: EventMyObjectChanged, Change: ChangeDeleted, Peer: r.self, ObjectID: id, Object: &obj}
}

// Objects returns copies of the user's objects sorted by id; a non-nil id
// narrows the result to that object.
func (r *Registry) Objects(id uuid.UUID) ([]Object, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	if id != uuid.Nil {
		e, ok := r.objects[id]
		if !ok {
			return nil, status.Errorf(status.ErrNotFound, "no object %s", id)
		}
		return []Object{e.obj.Clone()}, nil
	}
	out := make([]Object, 0, len(r.objects))
	for _, oid := range r.sortedIDs() {
		out = append(out, r.objects[oid].obj.Clone())
	}
	return out, nil
}

// Len returns the number of objects.
func (r *Registry) Len() int { return len(r.objects) }

// Owner returns the session that owns an object.
func (r *Registry) Owner(id uuid.UUID) (SessionID, bool) {
	e, ok := r.objects[id]
	if !ok {
		return 0, false
	}
	return e.owner, true
}

// Seq returns the number of object changes so far; it increases with every
// set and delete and never goes back.
func (r *Registry) Seq() uint64 { return r.seq }

func (r *Registry) sortedIDs() []uuid.UUID {
	ids := slices.Collect(maps.Keys(r.objects))
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

// HasSession reports whether a session is open.
func (r *Registry) HasSession(id SessionID) bool {
	_, ok := r.sessions[id]
	return ok
}

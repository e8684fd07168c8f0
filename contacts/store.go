package contacts

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"

	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab/status"
)

// FileName is the name of the store file inside its directory.
const FileName = "contacts.json"

// Store is the persistent trust list of one identity. Its methods may be
// called from any goroutine. Contacts it returns are copies: changing them
// does not change the store.
//
// Only one Store should use a directory at a time; the store does not lock
// the file against other processes.
type Store struct {
	path string

	mu sync.Mutex
	// st is replaced, never modified in place, so a failed write leaves it
	// exactly as it was.
	st state
	// gen counts the changes made through this Store (see Generation).
	gen uint64
}

// state is the content of a store. Its Contact values (and their Addrs
// slices) are private copies that are never modified after insertion, so a
// shallow copy of the map is a full snapshot.
type state struct {
	me       Contact
	contacts map[peer.ID]Contact // excluding me
}

func (st state) copy() state {
	return state{me: st.me, contacts: maps.Clone(st.contacts)}
}

// Open opens the store in dir for the identity me, creating dir (mode 0700)
// and an empty store holding only the "me" contact if there is none yet.
// An existing file that cannot be read or parsed fails with ErrCorruptStore
// and one that belongs to another identity with ErrWrongIdentity; Open never
// replaces an existing file in either case.
func Open(dir string, me *identity.Identity) (*Store, error) {
	if me == nil || me.ID == "" {
		return nil, status.Errorf(status.ErrInvalidArg, "contacts store needs an identity")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("contacts: create directory: %w", err)
	}
	s := &Store{path: filepath.Join(dir, FileName)}
	st, err := load(s.path, me.ID)
	if err != nil {
		return nil, err
	}
	if st != nil {
		s.st = *st
		return s, nil
	}
	// First use: persist at once so that the file records whose store it
	// is from the start.
	fresh := state{me: Contact{PeerID: me.ID}, contacts: map[peer.ID]Contact{}}
	if err := save(s.path, fresh); err != nil {
		return nil, err
	}
	s.st = fresh
	return s, nil
}

// Me returns the user's own contact.
func (s *Store) Me() Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.me.clone()
}

// Get returns the contact with the given peer ID, or the "me" contact for
// the user's own ID. An unknown ID fails with status.ErrContactNotFound.
func (s *Store) Get(id peer.ID) (Contact, error) {
	if id == "" {
		return Contact{}, status.Errorf(status.ErrInvalidArg, "empty peer ID")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == s.st.me.PeerID {
		return s.st.me.clone(), nil
	}
	c, ok := s.st.contacts[id]
	if !ok {
		return Contact{}, status.Errorf(status.ErrContactNotFound, "%s", id)
	}
	return c.clone(), nil
}

// List returns every contact except "me", sorted by peer ID in byte order
// (the order of peer.IDSlice), so that listings are stable.
func (s *Store) List() []Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Contact, 0, len(s.st.contacts))
	for _, c := range s.st.contacts {
		out = append(out, c.clone())
	}
	slices.SortFunc(out, func(a, b Contact) int { return cmp.Compare(a.PeerID, b.PeerID) })
	return out
}

// Watchers returns the peer IDs of the contacts allowed to watch the user
// (PermissionAllowed), sorted like List.
func (s *Store) Watchers() []peer.ID {
	return s.ids(func(c Contact) bool { return c.Permission == PermissionAllowed })
}

// Watched returns the peer IDs of the contacts the user watches, sorted
// like List.
func (s *Store) Watched() []peer.ID {
	return s.ids(func(c Contact) bool { return c.Watch })
}

func (s *Store) ids(keep func(Contact) bool) []peer.ID {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []peer.ID
	for id, c := range s.st.contacts {
		if keep(c) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Add adds new contacts, all of them or none, in one write. It fails with
// status.ErrAlreadyExists if a peer ID is already in the list (including
// the user's own ID) or given twice, and with status.ErrInvalidArg if a
// contact is invalid.
func (s *Store) Add(cs ...Contact) error {
	for _, c := range cs {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	return s.mutate(func(st *state) error {
		for _, c := range cs {
			if _, ok := st.contacts[c.PeerID]; ok || c.PeerID == st.me.PeerID {
				return status.Errorf(status.ErrAlreadyExists, "contact %s", c.PeerID)
			}
			st.contacts[c.PeerID] = c.clone()
		}
		return nil
	})
}

// Update replaces the contact with c.PeerID by c. It fails with
// status.ErrContactNotFound if there is no such contact. Updating the
// user's own ID is SetMe: Watch and Permission are ignored.
func (s *Store) Update(c Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.mutate(func(st *state) error {
		if c.PeerID == st.me.PeerID {
			st.me = meContact(c)
			return nil
		}
		if _, ok := st.contacts[c.PeerID]; !ok {
			return status.Errorf(status.ErrContactNotFound, "%s", c.PeerID)
		}
		st.contacts[c.PeerID] = c.clone()
		return nil
	})
}

// Delete removes a contact. It fails with status.ErrContactNotFound for an
// unknown ID and with status.ErrInvalidArg for the user's own ID.
func (s *Store) Delete(id peer.ID) error {
	return s.mutate(func(st *state) error {
		if id == st.me.PeerID {
			return status.Errorf(status.ErrInvalidArg, "the \"me\" contact cannot be deleted")
		}
		if _, ok := st.contacts[id]; !ok {
			return status.Errorf(status.ErrContactNotFound, "%s", id)
		}
		delete(st.contacts, id)
		return nil
	})
}

// SetMe replaces the user's own nickname, display name, email and
// addresses, with the same rules as for any contact.
func (s *Store) SetMe(nickname, displayName, email string, addrs []multiaddr.Multiaddr) error {
	s.mu.Lock()
	id := s.st.me.PeerID
	s.mu.Unlock()
	return s.Update(Contact{PeerID: id, Nickname: nickname, DisplayName: displayName, Email: email, Addrs: addrs})
}

// meContact keeps only the fields that mean something for "me".
func meContact(c Contact) Contact {
	c = c.clone()
	c.Watch, c.Permission = false, PermissionBlocked
	return c
}

// mutate applies change to a copy of the state, persists the copy, and
// only then makes it current: on any error the store is unchanged.
func (s *Store) mutate(change func(*state) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.st.copy()
	if err := change(&next); err != nil {
		return err
	}
	if err := save(s.path, next); err != nil {
		return err
	}
	s.st = next
	s.gen++
	return nil
}

// Generation grows with every change made through the store, so that a
// reader polling the list (the network layer, once a heartbeat) can keep
// what it derived from it until the list changes, instead of copying it
// each time.
func (s *Store) Generation() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

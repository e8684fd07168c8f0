package p2pcollab

import (
	"context"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab/status"
)

// The contact calls run under the node lock so that watchlist events reach
// registrations in the order the trust list changed.

// Contacts implements API: every contact but me, sorted by peer ID.
func (n *Node) Contacts(ctx context.Context) ([]contacts.Contact, error) {
	var out []contacts.Contact
	err := n.do(ctx, func(r *Registry) ([]Event, error) {
		out = n.cfg.Contacts.List()
		return nil, r.check()
	})
	return out, err
}

// Contact implements API. The local peer's own ID returns me.
func (n *Node) Contact(ctx context.Context, id peer.ID) (contacts.Contact, error) {
	var c contacts.Contact
	err := n.do(ctx, func(r *Registry) (_ []Event, err error) {
		if err := r.check(); err != nil {
			return nil, err
		}
		c, err = n.cfg.Contacts.Get(id)
		return nil, err
	})
	return c, err
}

// AddContact implements API: the card must verify; the contact must not
// exist yet.
func (n *Node) AddContact(ctx context.Context, card string, watch, allow bool) (contacts.Contact, error) {
	parsed, err := contacts.ParseCard(card)
	if err != nil {
		return contacts.Contact{}, err
	}
	perm := contacts.PermissionBlocked
	if allow {
		perm = contacts.PermissionAllowed
	}
	c := parsed.Contact(watch, perm)
	err = n.do(ctx, func(r *Registry) ([]Event, error) {
		if err := r.check(); err != nil {
			return nil, err
		}
		if c.PeerID == n.cfg.Identity.ID {
			return nil, status.Errorf(status.ErrInvalidArg, "that card is your own")
		}
		if err := n.cfg.Contacts.Add(c); err != nil {
			return nil, err
		}
		return []Event{watchlistEvent(ChangeAdded, c)}, nil
	})
	return c, err
}

// UpdateContact implements API.
func (n *Node) UpdateContact(ctx context.Context, id peer.ID, u ContactUpdate) (contacts.Contact, error) {
	var c contacts.Contact
	err := n.do(ctx, func(r *Registry) (_ []Event, err error) {
		if err := r.check(); err != nil {
			return nil, err
		}
		if c, err = n.cfg.Contacts.Get(id); err != nil {
			return nil, err
		}
		if id == n.cfg.Identity.ID && (u.Watch != nil || u.Permission != nil) {
			return nil, status.Errorf(status.ErrInvalidArg, "watch and permission do not apply to yourself")
		}
		applyUpdate(&c, u)
		if err := c.Validate(); err != nil {
			return nil, err
		}
		if id == n.cfg.Identity.ID {
			err = n.cfg.Contacts.SetMe(c.Nickname, c.DisplayName, c.Email, c.Addrs)
		} else {
			err = n.cfg.Contacts.Update(c)
		}
		if err != nil {
			return nil, err
		}
		return []Event{watchlistEvent(ChangeUpdated, c)}, nil
	})
	return c, err
}

func applyUpdate(c *contacts.Contact, u ContactUpdate) {
	if u.Nickname != nil {
		c.Nickname = *u.Nickname
	}
	if u.DisplayName != nil {
		c.DisplayName = *u.DisplayName
	}
	if u.Email != nil {
		c.Email = *u.Email
	}
	if u.Watch != nil {
		c.Watch = *u.Watch
	}
	if u.Permission != nil {
		c.Permission = *u.Permission
	}
}

// DeleteContact implements API. Me cannot be deleted.
func (n *Node) DeleteContact(ctx context.Context, id peer.ID) error {
	return n.do(ctx, func(r *Registry) ([]Event, error) {
		if err := r.check(); err != nil {
			return nil, err
		}
		c, err := n.cfg.Contacts.Get(id)
		if err != nil {
			return nil, err
		}
		if err := n.cfg.Contacts.Delete(id); err != nil {
			return nil, err
		}
		return []Event{watchlistEvent(ChangeDeleted, c)}, nil
	})
}

// Card implements API: the user's card, with the host's current addresses
// when the node has a host.
func (n *Node) Card(ctx context.Context) (string, error) {
	var card string
	err := n.do(ctx, func(r *Registry) (_ []Event, err error) {
		if err := r.check(); err != nil {
			return nil, err
		}
		me := n.cfg.Contacts.Me()
		if n.cfg.Host != nil {
			me.Addrs = n.cfg.Host.Addrs()
		}
		card, err = contacts.ExportCard(n.cfg.Identity.PrivKey, me)
		return nil, err
	})
	return card, err
}

func watchlistEvent(change Change, c contacts.Contact) Event {
	return Event{Type: EventWatchlistChanged, Change: change, Peer: c.PeerID, Contact: &c}
}

package localapi

import (
	"context"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// SignIn implements p2pcollab.API.
func (c *Client) SignIn(ctx context.Context, scope p2pcollab.Scope) error {
	return c.do(ctx, http.MethodPost, "/v1/signin", nil, nil, ScopeRequest{Scope: scopeName(scope)}, nil)
}

// SignOut implements p2pcollab.API.
func (c *Client) SignOut(ctx context.Context, scope p2pcollab.Scope) error {
	return c.do(ctx, http.MethodPost, "/v1/signout", nil, nil, ScopeRequest{Scope: scopeName(scope)}, nil)
}

// SetPresence implements p2pcollab.API.
func (c *Client) SetPresence(ctx context.Context, p p2pcollab.Presence) error {
	if err := checkUTF8("presence text", p.Text); err != nil {
		return err
	}
	return c.do(ctx, http.MethodPost, "/v1/presence", nil, nil, NewPresence(p), nil)
}

// Status implements p2pcollab.API.
func (c *Client) Status(ctx context.Context) (p2pcollab.Status, error) {
	var w Status
	if err := c.do(ctx, http.MethodGet, "/v1/status", nil, nil, nil, &w); err != nil {
		return p2pcollab.Status{}, err
	}
	st, err := fromStatus(w)
	if err != nil {
		return p2pcollab.Status{}, malformed("status", err)
	}
	return st, nil
}

// Objects implements p2pcollab.API.
func (c *Client) Objects(ctx context.Context, q p2pcollab.ObjectQuery) ([]p2pcollab.Object, error) {
	v := url.Values{}
	if q.Peer != "" {
		v.Set("peer", q.Peer.String())
	}
	if q.ID != uuid.Nil {
		v.Set("id", q.ID.String())
	}
	var ws []Object
	if err := c.do(ctx, http.MethodGet, "/v1/objects", v, nil, nil, &ws); err != nil {
		return nil, err
	}
	out := make([]p2pcollab.Object, 0, len(ws))
	for _, w := range ws {
		o, err := fromObject(w)
		if err != nil {
			return nil, malformed("object", err)
		}
		out = append(out, o)
	}
	return out, nil
}

// Card implements p2pcollab.API.
func (c *Client) Card(ctx context.Context) (string, error) {
	var w Card
	if err := c.do(ctx, http.MethodGet, "/v1/card", nil, nil, nil, &w); err != nil {
		return "", err
	}
	return w.Card, nil
}

// Contacts implements p2pcollab.API.
func (c *Client) Contacts(ctx context.Context) ([]contacts.Contact, error) {
	var ws []Contact
	if err := c.do(ctx, http.MethodGet, "/v1/contacts", nil, nil, nil, &ws); err != nil {
		return nil, err
	}
	out := make([]contacts.Contact, 0, len(ws))
	for _, w := range ws {
		ct, err := fromContact(w)
		if err != nil {
			return nil, malformed("contact", err)
		}
		out = append(out, ct)
	}
	return out, nil
}

// Contact implements p2pcollab.API.
func (c *Client) Contact(ctx context.Context, id peer.ID) (contacts.Contact, error) {
	return c.contactCall(ctx, http.MethodGet, id, nil)
}

// AddContact implements p2pcollab.API.
func (c *Client) AddContact(ctx context.Context, card string, watch, allow bool) (contacts.Contact, error) {
	var w Contact
	req := AddContactRequest{Card: card, Watch: watch, Allow: allow}
	if err := c.do(ctx, http.MethodPost, "/v1/contacts", nil, nil, req, &w); err != nil {
		return contacts.Contact{}, err
	}
	return contactResult(w)
}

// UpdateContact implements p2pcollab.API.
func (c *Client) UpdateContact(ctx context.Context, id peer.ID, u p2pcollab.ContactUpdate) (contacts.Contact, error) {
	for field, v := range map[string]*string{"nickname": u.Nickname, "display name": u.DisplayName, "email": u.Email} {
		if v != nil {
			if err := checkUTF8(field, *v); err != nil {
				return contacts.Contact{}, err
			}
		}
	}
	w, err := toContactUpdate(u)
	if err != nil {
		return contacts.Contact{}, err
	}
	return c.contactCall(ctx, http.MethodPatch, id, w)
}

// DeleteContact implements p2pcollab.API.
func (c *Client) DeleteContact(ctx context.Context, id peer.ID) error {
	if id == "" {
		return status.Errorf(status.ErrInvalidArg, "empty peer ID")
	}
	return c.do(ctx, http.MethodDelete, contactPath(id), nil, nil, nil, nil)
}

func (c *Client) contactCall(ctx context.Context, method string, id peer.ID, body any) (contacts.Contact, error) {
	if id == "" {
		// The store's answer; an empty path segment would not even route.
		return contacts.Contact{}, status.Errorf(status.ErrInvalidArg, "empty peer ID")
	}
	var w Contact
	if err := c.do(ctx, method, contactPath(id), nil, nil, body, &w); err != nil {
		return contacts.Contact{}, err
	}
	return contactResult(w)
}

// checkUTF8 refuses invalid UTF-8 before it is sent: JSON would carry it
// as U+FFFD, and the daemon would accept a string that the in-process node
// refuses.
func checkUTF8(field, s string) error {
	if !utf8.ValidString(s) {
		return status.Errorf(status.ErrInvalidArg, "%s is not valid UTF-8", field)
	}
	return nil
}

func contactPath(id peer.ID) string { return "/v1/contacts/" + url.PathEscape(id.String()) }

func contactResult(w Contact) (contacts.Contact, error) {
	ct, err := fromContact(w)
	if err != nil {
		return contacts.Contact{}, malformed("contact", err)
	}
	return ct, nil
}

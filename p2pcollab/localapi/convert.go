package localapi

import (
	"encoding/base64"
	"strings"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Conversions between the wire types and the p2pcollab types. The New*
// functions are exported so that other front ends (the peerd CLI's --json)
// print exactly the API's shapes. Every parse error wraps
// status.ErrInvalidArg and names the field.

// ParseObjectID parses an object GUID in its canonical form
// (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, either case). uuid.Parse also
// takes braces, a urn: prefix and 32 bare hex digits; one spelling per
// object keeps URLs, logs and comparisons unambiguous.
func ParseObjectID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return uuid.Nil, status.Errorf(status.ErrInvalidArg, "object id %.64q is not a UUID (want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", s)
	}
	return id, nil
}

// DecodeData decodes object data: standard base64 with padding. Line breaks,
// which the standard decoder would skip, are refused: the encoding of a
// value is then unique.
func DecodeData(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, status.Errorf(status.ErrInvalidArg, "data: base64 must not contain line breaks")
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, status.Errorf(status.ErrInvalidArg, "data is not standard base64: %v", err)
	}
	return b, nil
}

func encodeData(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// ParsePeer parses a peer ID.
func ParsePeer(s string) (peer.ID, error) {
	if s == "" {
		return "", status.Errorf(status.ErrInvalidArg, "empty peer ID")
	}
	id, err := peer.Decode(s)
	if err != nil {
		return "", status.Errorf(status.ErrInvalidArg, "peer ID %.80q: %v", s, err)
	}
	return id, nil
}

func parseAddrs(field string, ss []string) ([]multiaddr.Multiaddr, error) {
	var out []multiaddr.Multiaddr
	for _, s := range ss {
		a, err := multiaddr.NewMultiaddr(s)
		if err != nil {
			return nil, status.Errorf(status.ErrInvalidArg, "%s: %.80q: %v", field, s, err)
		}
		out = append(out, a)
	}
	return out, nil
}

func addrStrings(as []multiaddr.Multiaddr) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.String())
	}
	return out
}

func scopeName(s p2pcollab.Scope) string {
	if b, err := s.MarshalText(); err == nil {
		return string(b)
	}
	return s.String()
}

// NewObject returns the JSON form of an object.
func NewObject(o p2pcollab.Object) Object {
	return Object{ID: o.ID.String(), Data: encodeData(o.Data), Scope: scopeName(o.Scope), Peer: o.Peer.String()}
}

func fromObject(w Object) (p2pcollab.Object, error) {
	var o p2pcollab.Object
	var err error
	if o.ID, err = ParseObjectID(w.ID); err != nil {
		return o, err
	}
	if o.Data, err = DecodeData(w.Data); err != nil {
		return o, err
	}
	if o.Scope, err = p2pcollab.ParseScope(w.Scope); err != nil {
		return o, err
	}
	o.Peer, err = ParsePeer(w.Peer)
	return o, err
}

// NewPresence returns the JSON form of a presence.
func NewPresence(p p2pcollab.Presence) Presence {
	return Presence{Status: p.Status.String(), Text: p.Text}
}

func fromPresence(w Presence) (p2pcollab.Presence, error) {
	p := p2pcollab.Presence{Text: w.Text}
	if err := p.Status.UnmarshalText([]byte(w.Status)); err != nil {
		return p, err
	}
	return p, p.Validate()
}

// NewStatus returns the JSON form of a node status.
func NewStatus(st p2pcollab.Status) Status {
	return Status{
		PeerID:   st.PeerID.String(),
		Addrs:    addrStrings(st.Addrs),
		SignedIn: scopeName(st.SignedIn),
		Presence: NewPresence(st.Presence),
		Objects:  st.Objects,
		Sessions: st.Sessions,
	}
}

func fromStatus(w Status) (p2pcollab.Status, error) {
	st := p2pcollab.Status{Objects: w.Objects, Sessions: w.Sessions}
	var err error
	if st.PeerID, err = ParsePeer(w.PeerID); err != nil {
		return st, err
	}
	if st.Addrs, err = parseAddrs("addrs", w.Addrs); err != nil {
		return st, err
	}
	if st.SignedIn, err = p2pcollab.ParseScope(w.SignedIn); err != nil {
		return st, err
	}
	st.Presence, err = fromPresence(w.Presence)
	return st, err
}

// NewContact returns the JSON form of a contact.
func NewContact(c contacts.Contact) Contact {
	return Contact{
		Peer:        c.PeerID.String(),
		Nickname:    c.Nickname,
		DisplayName: c.DisplayName,
		Email:       c.Email,
		Watch:       c.Watch,
		Permission:  c.Permission.String(),
		Addrs:       addrStrings(c.Addrs),
	}
}

func fromContact(w Contact) (contacts.Contact, error) {
	c := contacts.Contact{Nickname: w.Nickname, DisplayName: w.DisplayName, Email: w.Email, Watch: w.Watch}
	var err error
	if c.PeerID, err = ParsePeer(w.Peer); err != nil {
		return c, err
	}
	if c.Permission, err = contacts.ParsePermission(w.Permission); err != nil {
		return c, err
	}
	if c.Addrs, err = parseAddrs("addrs", w.Addrs); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func fromContactUpdate(w ContactUpdate) (p2pcollab.ContactUpdate, error) {
	u := p2pcollab.ContactUpdate{Nickname: w.Nickname, DisplayName: w.DisplayName, Email: w.Email, Watch: w.Watch}
	if w.Permission != nil {
		p, err := contacts.ParsePermission(*w.Permission)
		if err != nil {
			return u, err
		}
		u.Permission = &p
	}
	return u, nil
}

func toContactUpdate(u p2pcollab.ContactUpdate) (ContactUpdate, error) {
	w := ContactUpdate{Nickname: u.Nickname, DisplayName: u.DisplayName, Email: u.Email, Watch: u.Watch}
	if u.Permission != nil {
		b, err := u.Permission.MarshalText()
		if err != nil {
			return w, err
		}
		s := string(b)
		w.Permission = &s
	}
	return w, nil
}

func toErrorInfo(err error) *ErrorInfo {
	return &ErrorInfo{Code: string(status.CodeOf(err)), Message: status.Detail(err)}
}

func fromErrorInfo(e *ErrorInfo) error {
	return status.FromCode(status.Code(e.Code), e.Message)
}

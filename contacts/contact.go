package contacts

import (
	"errors"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"

	"github.com/peerd/peerd/p2pcollab/status"
)

const (
	// MaxTextLen is the maximum length, in characters (runes), of a
	// contact's nickname, display name and email. The original API's docs
	// say 25 in places and 255 in others; p2p.h says 255.
	MaxTextLen = 255
	// MaxAddrs is the maximum number of addresses of a contact. It also
	// keeps every valid contact small enough to export as a card.
	MaxAddrs = 32
)

// Contact is one entry of the trust list.
type Contact struct {
	// PeerID is the contact's name on the network and the key of the list.
	PeerID peer.ID
	// Nickname, DisplayName and Email are informational text chosen by the
	// user or taken from a card: valid UTF-8, no control characters, at
	// most MaxTextLen characters each, possibly empty. Email is not checked
	// further: the original API did not either, and nothing sends mail.
	Nickname, DisplayName, Email string
	// Watch: the user wants this contact's presence, applications and
	// objects.
	Watch bool
	// Permission: whether this contact may watch the user.
	Permission Permission
	// Addrs are addresses where the contact was last known to be reachable,
	// a hint for dialing; at most MaxAddrs.
	Addrs []multiaddr.Multiaddr
}

// Validate reports the first invalid field as an error wrapping
// status.ErrInvalidArg.
func (c Contact) Validate() error {
	if err := c.validate(); err != nil {
		return status.Errorf(status.ErrInvalidArg, "contact: %v", err)
	}
	return nil
}

func (c Contact) validate() error {
	if err := validatePeerID(c.PeerID); err != nil {
		return err
	}
	if err := validateText("nickname", c.Nickname); err != nil {
		return err
	}
	if err := validateText("display name", c.DisplayName); err != nil {
		return err
	}
	if err := validateText("email", c.Email); err != nil {
		return err
	}
	if !c.Permission.Valid() {
		return fmt.Errorf("invalid permission %d", int(c.Permission))
	}
	return validateAddrs(c.Addrs)
}

// clone returns a copy sharing no mutable memory with c. Multiaddr
// components are immutable values, so copying the slices is enough.
func (c Contact) clone() Contact {
	c.Addrs = cloneAddrs(c.Addrs)
	return c
}

func cloneAddrs(addrs []multiaddr.Multiaddr) []multiaddr.Multiaddr {
	if addrs == nil {
		return nil
	}
	out := make([]multiaddr.Multiaddr, len(addrs))
	for i, a := range addrs {
		out[i] = slices.Clone(a)
	}
	return out
}

func validatePeerID(id peer.ID) error {
	if id == "" {
		return errors.New("empty peer ID")
	}
	if _, err := peer.IDFromBytes([]byte(id)); err != nil {
		return fmt.Errorf("invalid peer ID: %v", err)
	}
	return nil
}

func validateText(field, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > MaxTextLen {
		return fmt.Errorf("%s is %d characters, more than %d", field, n, MaxTextLen)
	}
	for _, r := range s {
		// Control characters and line separators (newlines, escape
		// sequences) would let a remote card rewrite a terminal line or
		// forge a log entry.
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Errorf("%s contains control character %U", field, r)
		}
	}
	return nil
}

func validateAddrs(addrs []multiaddr.Multiaddr) error {
	if len(addrs) > MaxAddrs {
		return fmt.Errorf("%d addresses, more than %d", len(addrs), MaxAddrs)
	}
	for i, a := range addrs {
		if err := validateAddr(a); err != nil {
			return fmt.Errorf("address %d: %v", i, err)
		}
	}
	return nil
}

// validateAddr accepts an address only if its binary and text forms both
// parse back to it: the store saves the text form and cards carry the
// binary one, and an address that does not survive either would make a
// store or a card unreadable later.
func validateAddr(a multiaddr.Multiaddr) error {
	if len(a) == 0 {
		return errors.New("empty address")
	}
	b, err := multiaddr.NewMultiaddrBytes(a.Bytes())
	if err != nil || !b.Equal(a) {
		return fmt.Errorf("%q has no valid binary form", a.String())
	}
	t, err := multiaddr.NewMultiaddr(a.String())
	if err != nil || !t.Equal(a) {
		return fmt.Errorf("%q has no valid text form", a.String())
	}
	return nil
}

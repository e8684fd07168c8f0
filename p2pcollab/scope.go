package p2pcollab

import (
	"fmt"

	"github.com/peerd/peerd/p2pcollab/status"
)

// Scope is a publication or sign-in scope. The values are the original
// PEER_PUBLICATION_SCOPE / PEER_SIGNIN_FLAGS bits: near-me and internet are
// independent bits and all is their union.
type Scope uint8

const (
	ScopeNone     Scope = 0
	ScopeNearMe   Scope = 1
	ScopeInternet Scope = 2
	ScopeAll      Scope = ScopeNearMe | ScopeInternet
)

var scopeNames = [...]string{"none", "near-me", "internet", "all"}

func (s Scope) String() string {
	if int(s) < len(scopeNames) {
		return scopeNames[s]
	}
	return fmt.Sprintf("scope(%d)", uint8(s))
}

// Valid reports whether s is one of the four defined scopes.
func (s Scope) Valid() bool { return s <= ScopeAll }

// Has reports whether every bit of o is in s.
func (s Scope) Has(o Scope) bool { return s&o == o }

// ParseScope parses "none", "near-me", "internet" or "all".
func ParseScope(text string) (Scope, error) {
	for i, name := range scopeNames {
		if text == name {
			return Scope(i), nil
		}
	}
	return 0, status.Errorf(status.ErrInvalidArg, "unknown scope %q (want none, near-me, internet or all)", text)
}

// MarshalText implements encoding.TextMarshaler.
func (s Scope) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, status.Errorf(status.ErrInvalidArg, "invalid scope %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Scope) UnmarshalText(text []byte) error {
	v, err := ParseScope(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

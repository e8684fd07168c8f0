package contacts

import (
	"strconv"

	"github.com/peerd/peerd/p2pcollab/status"
)

// Permission says whether a contact may watch the user: see their presence,
// applications and internet-scope objects (the original
// PEER_WATCH_PERMISSION). The zero value is PermissionBlocked, so a contact
// gets access only when someone decides to grant it.
type Permission int

const (
	PermissionBlocked Permission = 0
	PermissionAllowed Permission = 1
)

// String returns "blocked" or "allowed", or "Permission(n)" for an invalid
// value.
func (p Permission) String() string {
	switch p {
	case PermissionBlocked:
		return "blocked"
	case PermissionAllowed:
		return "allowed"
	}
	return "Permission(" + strconv.Itoa(int(p)) + ")"
}

// Valid reports whether p is one of the defined permissions.
func (p Permission) Valid() bool {
	return p == PermissionBlocked || p == PermissionAllowed
}

// ParsePermission parses "blocked" or "allowed", the output of String.
// Anything else fails with status.ErrInvalidArg.
func ParsePermission(s string) (Permission, error) {
	switch s {
	case "blocked":
		return PermissionBlocked, nil
	case "allowed":
		return PermissionAllowed, nil
	}
	return 0, status.Errorf(status.ErrInvalidArg, "permission %q, want \"blocked\" or \"allowed\"", s)
}

// MarshalText encodes p as its name, for JSON and flags. An invalid value
// is an error rather than a number that a later reader could misread.
func (p Permission) MarshalText() ([]byte, error) {
	if !p.Valid() {
		return nil, status.Errorf(status.ErrInvalidArg, "invalid permission %d", int(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText is ParsePermission.
func (p *Permission) UnmarshalText(text []byte) error {
	v, err := ParsePermission(string(text))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

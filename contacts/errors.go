package contacts

import "errors"

// Errors of the store itself. Errors about contacts use the sentinels of
// package p2pcollab/status (ErrContactNotFound, ErrAlreadyExists,
// ErrInvalidArg), so that the local API maps them to the original codes.
var (
	// ErrCorruptStore: Open could not read or parse the store file. The
	// file is left untouched for the user to inspect, restore or remove.
	ErrCorruptStore = errors.New("contacts store cannot be read")
	// ErrWrongIdentity: the store file belongs to another identity, so
	// using it would attribute someone else's trust list to this user.
	ErrWrongIdentity = errors.New("contacts store belongs to another identity")
)

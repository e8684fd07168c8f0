//go:build !unix

package localapi

// lockFile is a no-op where flock does not exist; Listen still refuses a
// socket that a live daemon answers on.
func lockFile(string) (func(), error) { return func() {}, nil }

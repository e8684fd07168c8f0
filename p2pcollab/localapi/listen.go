package localapi

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// maxSocketPath is the longest unix socket path that binds everywhere we
// run: sun_path holds 108 bytes on Linux and 104 on the BSDs and macOS,
// including the final NUL. The socket is first bound in a temporary
// directory beside its final path, whose name is up to tmpSocketExtra
// bytes longer than the directory's.
const (
	maxSocketPath  = 103
	tmpSocketExtra = len("/.s1234567890/s")
)

// Listen creates the API socket at path, readable and writable by the
// owner only (mode 0600), for exactly one daemon. It creates the socket's
// directory (mode 0700) if needed.
//
// A lock file (path + ".lock") makes the claim atomic: a second daemon on
// the same path fails at once, even when both start together. A socket
// file left by a daemon that died is removed, but only after checking that
// nothing answers on it. Closing the listener removes the socket and then
// releases the lock.
func Listen(path string) (net.Listener, error) {
	if n := max(len(path), len(filepath.Dir(path))+tmpSocketExtra); n > maxSocketPath {
		return nil, fmt.Errorf("socket path %s is too long for a unix socket (at most %d bytes, and %d for its directory); use a shorter data directory",
			path, maxSocketPath, maxSocketPath-tmpSocketExtra)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create socket directory: %w", err)
	}
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return nil, err
	}
	l, err := listen(path)
	if err != nil {
		unlock()
		return nil, err
	}
	return &lockedListener{Listener: l, unlock: unlock}, nil
}

// listen binds the socket inside a fresh private directory (0700), sets
// its mode to 0600 and only then renames it into place: no other user can
// connect at any moment, whatever the umask and the mode of the data
// directory. (A socket is found by its inode, so the rename keeps it
// working.)
func listen(path string) (net.Listener, error) {
	if err := removeStale(path); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), ".s")
	if err != nil {
		return nil, fmt.Errorf("create socket: %w", err)
	}
	defer os.RemoveAll(tmp)
	tmpPath := filepath.Join(tmp, "s")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmpPath, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	// The name changes below; Close removes the final one.
	l.SetUnlinkOnClose(false)
	if err := os.Chmod(tmpPath, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("restrict socket %s: %w", path, err)
	}
	if err := os.Rename(tmpPath, path); err != nil {
		l.Close()
		return nil, fmt.Errorf("move socket into place at %s: %w", path, err)
	}
	return &socketListener{UnixListener: l, path: path}, nil
}

// socketListener removes its socket file when closed.
type socketListener struct {
	*net.UnixListener
	path string
	once sync.Once
}

func (l *socketListener) Close() error {
	err := l.UnixListener.Close()
	l.once.Do(func() { os.Remove(l.path) })
	return err
}

// removeStale removes a socket file that no daemon answers on. Anything
// else at path is left alone and reported.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket; move it away", path)
	}
	conn, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		conn.Close()
		return fmt.Errorf("another peerd is already running on %s", path)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("cannot tell whether a daemon runs on %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale socket: %w", err)
	}
	return nil
}

type lockedListener struct {
	net.Listener
	unlock func()
}

// Close closes the listener, which removes the socket file, and then
// releases the lock, so the next daemon never meets our socket.
func (l *lockedListener) Close() error {
	err := l.Listener.Close()
	l.unlock() // idempotent
	return err
}

package localapi

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// maxSocketPath is the longest unix socket path that binds everywhere we
// run: sun_path holds 108 bytes on Linux and 104 on the BSDs and macOS,
// including the final NUL.
const maxSocketPath = 103

// Listen creates the API socket at path, readable and writable by the
// owner only (mode 0600), for exactly one daemon.
//
// A lock file (path + ".lock") makes the claim atomic: a second daemon on
// the same path fails at once, even when both start together. A socket
// file left by a daemon that died is removed, but only after checking that
// nothing answers on it. Closing the listener removes the socket and then
// releases the lock.
func Listen(path string) (net.Listener, error) {
	if len(path) > maxSocketPath {
		return nil, fmt.Errorf("socket path %s is %d bytes, longer than the %d a unix socket allows; use a shorter data directory", path, len(path), maxSocketPath)
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

func listen(path string) (net.Listener, error) {
	if err := removeStale(path); err != nil {
		return nil, err
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	// bind creates the file with 0777 &^ umask. Tighten it before the
	// daemon serves anything; the data directory is 0700, so nobody else
	// could reach the socket in between.
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("restrict socket %s: %w", path, err)
	}
	return l, nil
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

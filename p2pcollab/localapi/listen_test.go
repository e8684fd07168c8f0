package localapi

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// The socket is 0600 whatever the umask. Not parallel: umask is global.
func TestSocketMode(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(shortDir(t), "sub", "peerd.sock")
	l, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode: got %v, want socket 0600", fi.Mode())
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if dir.Mode().Perm() != 0o700 {
		t.Fatalf("created directory mode: got %v, want 0700", dir.Mode().Perm())
	}
}

func TestListenRefusesASecondDaemon(t *testing.T) {
	path := filepath.Join(shortDir(t), "peerd.sock")
	l, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	if l2, err := Listen(path); err == nil || !strings.Contains(err.Error(), "already running") {
		if l2 != nil {
			l2.Close()
		}
		t.Fatalf("second Listen: got %v, want an already-running error", err)
	}
	// The first daemon's socket survived the attempt.
	if c, err := net.Dial("unix", path); err != nil {
		t.Fatalf("first daemon's socket: %v", err)
	} else {
		c.Close()
	}
	l.Close()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("after Close: socket file %v, want removed", err)
	}
	l, err = Listen(path)
	if err != nil {
		t.Fatalf("Listen after Close: %v", err)
	}
	l.Close()
}

// A socket file left by a daemon that died (nothing answers) is replaced;
// a live one without the lock (an older daemon, another tool) is not.
func TestListenStaleAndLiveSockets(t *testing.T) {
	dir := shortDir(t)
	stale := filepath.Join(dir, "stale.sock")
	ul, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ul.SetUnlinkOnClose(false)
	ul.Close()
	l, err := Listen(stale)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	l.Close()

	live := filepath.Join(dir, "live.sock")
	other, err := net.Listen("unix", live)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if l, err := Listen(live); err == nil {
		l.Close()
		t.Fatal("Listen over a live socket succeeded")
	}

	file := filepath.Join(dir, "file.sock")
	if err := os.WriteFile(file, []byte("not a socket"), 0o600); err != nil {
		t.Fatal(err)
	}
	if l, err := Listen(file); err == nil {
		l.Close()
		t.Fatal("Listen over a regular file succeeded")
	}
	if b, _ := os.ReadFile(file); string(b) != "not a socket" {
		t.Fatal("Listen changed a regular file in its way")
	}
}

func TestListenLongPath(t *testing.T) {
	path := filepath.Join(shortDir(t), strings.Repeat("d", 120), "peerd.sock")
	if l, err := Listen(path); err == nil || !strings.Contains(err.Error(), "shorter") {
		if l != nil {
			l.Close()
		}
		t.Fatalf("got %v, want an error suggesting a shorter path", err)
	}
}

func TestDaemonNotRunning(t *testing.T) {
	dir := shortDir(t)
	missing := &Client{SocketPath: filepath.Join(dir, "peerd.sock")}
	_, err := missing.Status(t.Context())
	if !errors.Is(err, status.ErrServiceNotAvailable) || !strings.Contains(err.Error(), "peerd is not running") ||
		!strings.Contains(err.Error(), missing.SocketPath) || !strings.Contains(err.Error(), "peerd run") {
		t.Fatalf("no socket: got %v, want service not available naming the socket and `peerd run`", err)
	}
	if _, err := missing.OpenSession(t.Context(), "app"); !errors.Is(err, status.ErrServiceNotAvailable) {
		t.Fatalf("OpenSession: got %v, want service not available", err)
	}
	if _, err := missing.Events(t.Context(), p2pcollab.EventFilter{}); !errors.Is(err, status.ErrServiceNotAvailable) {
		t.Fatalf("Events: got %v, want service not available", err)
	}

	stale := filepath.Join(dir, "stale.sock")
	ul, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ul.SetUnlinkOnClose(false)
	ul.Close()
	_, err = (&Client{SocketPath: stale}).Status(t.Context())
	if !errors.Is(err, status.ErrServiceNotAvailable) || !strings.Contains(err.Error(), "peerd is not running") {
		t.Fatalf("stale socket: got %v, want peerd is not running", err)
	}
}

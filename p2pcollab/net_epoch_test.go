package p2pcollab

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/peerd/peerd/p2pcollab/status"
)

// The epoch grows across restarts even when the clock goes back, and a
// corrupt epoch file is an error, never a silent restart from the clock.
func TestEpochGrowsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	cfg := NetConfig{DataDir: dir}
	now := time.Unix(1_000_000, 0)
	first, err := startEpoch(cfg, now)
	if err != nil {
		t.Fatal(err)
	}
	second, err := startEpoch(cfg, now.Add(-time.Hour)) // the clock stepped back
	if err != nil || second <= first {
		t.Fatalf("second epoch %d (%v), want more than %d", second, err, first)
	}
	if got, _ := startEpoch(NetConfig{Epoch: 42, DataDir: dir}, now); got != 42 {
		t.Fatalf("configured epoch: got %d, want 42", got)
	}
	os.WriteFile(filepath.Join(dir, EpochFile), []byte("garbage"), 0o600)
	if _, err := startEpoch(cfg, now); !errors.Is(err, status.ErrServiceNotAvailable) {
		t.Fatalf("corrupt epoch file: got %v, want an error", err)
	}
}

// Contacts the node watches or lets watch it are dialed and their
// connections protected from the connection manager; others are not.
func TestContactsAreDialedAndProtected(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		carol := net.newPeer("carol", ScopeInternet)
		alice.trust(bob, false, true) // alice lets bob watch her
		alice.trust(carol, false, false)
		time.Sleep(3 * time.Second)
		cm := alice.host.ConnManager()
		if !cm.IsProtected(bob.id.ID, contactTag) || cm.IsProtected(carol.id.ID, contactTag) {
			t.Fatalf("protected: bob %v (want true), carol %v (want false)", cm.IsProtected(bob.id.ID, contactTag), cm.IsProtected(carol.id.ID, contactTag))
		}
		if got := len(alice.host.Network().ConnsToPeer(bob.id.ID)); got == 0 {
			t.Fatal("alice did not dial bob at the addresses on his card")
		}
		if err := alice.node.DeleteContact(t.Context(), bob.id.ID); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		if cm.IsProtected(bob.id.ID, contactTag) {
			t.Fatal("bob still protected after he was deleted")
		}
	})
}

func TestBackoffDoublesUpToItsLimit(t *testing.T) {
	for failures, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 4: 8 * time.Second, 7: time.Minute, 100: time.Minute} {
		if got := backoff(time.Second, time.Minute, failures); got != want {
			t.Errorf("backoff after %d failures: got %v, want %v", failures, got, want)
		}
	}
}

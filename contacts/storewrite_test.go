package contacts

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestFailedWriteLeavesStoreUnchanged makes every write fail by putting a
// directory where the store file goes: the rename onto it fails.
func TestFailedWriteLeavesStoreUnchanged(t *testing.T) {
	dir := t.TempDir()
	me := newIdentity(t)
	s := openStore(t, dir, me)
	alice := sampleContact(t, "alice")
	if err := s.Add(alice); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FileName)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(path, "block"), 0o700); err != nil {
		t.Fatal(err)
	}
	bob := sampleContact(t, "bob")
	changed := alice
	changed.Nickname = "changed"
	for name, err := range map[string]error{
		"Add":    s.Add(bob),
		"Update": s.Update(changed),
		"Delete": s.Delete(alice.PeerID),
		"SetMe":  s.SetMe("x", "", "", nil),
	} {
		if err == nil {
			t.Errorf("%s with an unwritable store: got nil error", name)
		}
	}
	if got := s.List(); len(got) != 1 || !contactsEqual(got[0], alice) {
		t.Errorf("List after failed writes = %v, want only the original alice", got)
	}
	if got := s.Me(); got.Nickname != "" {
		t.Errorf("Me after failed SetMe = %+v, want unchanged", got)
	}
	// Once writes work again, the file catches up with memory.
	if err := os.RemoveAll(path); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(bob); err != nil {
		t.Fatal(err)
	}
	if got := openStore(t, dir, me).List(); len(got) != 2 {
		t.Errorf("reopened store has %d contacts, want 2", len(got))
	}
}

// TestConcurrentUse is for the race detector; every mutation is a
// synced file write, so it stays small.
func TestConcurrentUse(t *testing.T) {
	s := openStore(t, t.TempDir(), newIdentity(t))
	var work [4][6]Contact // made here: t.Fatal must not run in other goroutines
	for g := range work {
		for i := range work[g] {
			work[g][i] = sampleContact(t, fmt.Sprintf("g%di%d", g, i))
		}
	}
	var wg sync.WaitGroup
	for g := range work {
		wg.Go(func() {
			for i, c := range work[g] {
				if err := s.Add(c); err != nil {
					t.Error(err)
					return
				}
				c.Watch = true
				if err := s.Update(c); err != nil {
					t.Error(err)
				}
				s.List()
				s.Watched()
				s.Me()
				if i%2 == 0 {
					if err := s.Delete(c.PeerID); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if got := len(s.List()); got != 12 {
		t.Errorf("%d contacts, want 12", got)
	}
}

package contacts

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"

	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab/status"
)

func openStore(t *testing.T, dir string, me *identity.Identity) *Store {
	t.Helper()
	s, err := Open(dir, me)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sampleContact(t *testing.T, nick string) Contact {
	return Contact{
		PeerID:      newPeerID(t),
		Nickname:    nick,
		DisplayName: strings.ToUpper(nick),
		Email:       nick + "@example.org",
		Addrs:       []multiaddr.Multiaddr{addr(t, "/ip4/192.0.2.1/tcp/4001")},
	}
}

func TestOpenNewStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	me := newIdentity(t)
	s := openStore(t, dir, me)
	if got := s.Me(); got.PeerID != me.ID {
		t.Errorf("Me().PeerID = %s, want %s", got.PeerID, me.ID)
	}
	if got := s.List(); len(got) != 0 {
		t.Errorf("List() = %v, want empty", got)
	}
	// The file exists from the first Open, bound to the identity.
	fi, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("store file mode = %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(filepath.Join(dir, FileName))
	for _, want := range []string{`"format": "peerd-contacts"`, `"version": 1`, me.ID.String()} {
		if !strings.Contains(string(data), want) {
			t.Errorf("store file lacks %s:\n%s", want, data)
		}
	}
	openStore(t, dir, me) // reopens cleanly
}

func TestOpenNoIdentity(t *testing.T) {
	if _, err := Open(t.TempDir(), nil); !errors.Is(err, status.ErrInvalidArg) {
		t.Fatalf("Open(nil identity): got %v, want status.ErrInvalidArg", err)
	}
}

func TestAddGetUpdateDeletePersist(t *testing.T) {
	dir := t.TempDir()
	me := newIdentity(t)
	s := openStore(t, dir, me)
	alice := sampleContact(t, "alice")
	alice.Watch, alice.Permission = true, PermissionAllowed
	if err := s.Add(alice); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(alice.PeerID)
	if err != nil || !contactsEqual(got, alice) {
		t.Fatalf("Get after Add = %+v, %v; want %+v", got, err, alice)
	}

	alice.Nickname, alice.Watch, alice.Addrs = "al", false, nil
	if err := s.Update(alice); err != nil {
		t.Fatal(err)
	}
	bob := sampleContact(t, "bob")
	if err := s.Add(bob); err != nil {
		t.Fatal(err)
	}
	// A reopened store sees every completed mutation.
	r := openStore(t, dir, me)
	for _, want := range []Contact{alice, bob} {
		got, err := r.Get(want.PeerID)
		if err != nil || !contactsEqual(got, want) {
			t.Errorf("after reopen Get = %+v, %v; want %+v", got, err, want)
		}
	}

	if err := s.Delete(alice.PeerID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(alice.PeerID); !errors.Is(err, status.ErrContactNotFound) {
		t.Errorf("Get after Delete: got %v, want status.ErrContactNotFound", err)
	}
	r = openStore(t, dir, me)
	if got := r.List(); len(got) != 1 || got[0].PeerID != bob.PeerID {
		t.Errorf("after Delete and reopen List = %v, want only bob", got)
	}
}

func TestMutationErrors(t *testing.T) {
	me := newIdentity(t)
	s := openStore(t, t.TempDir(), me)
	alice := sampleContact(t, "alice")
	if err := s.Add(alice); err != nil {
		t.Fatal(err)
	}
	unknown := newPeerID(t)
	invalid := Contact{PeerID: alice.PeerID, Nickname: "a\nb"}
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"Add existing", s.Add(alice), status.ErrAlreadyExists},
		{"Add me", s.Add(Contact{PeerID: me.ID}), status.ErrAlreadyExists},
		{"Add invalid", s.Add(Contact{PeerID: unknown, Permission: 5}), status.ErrInvalidArg},
		{"Add empty peer ID", s.Add(Contact{}), status.ErrInvalidArg},
		{"Update unknown", s.Update(Contact{PeerID: unknown}), status.ErrContactNotFound},
		{"Update invalid", s.Update(invalid), status.ErrInvalidArg},
		{"Delete unknown", s.Delete(unknown), status.ErrContactNotFound},
		{"Delete me", s.Delete(me.ID), status.ErrInvalidArg},
		{"SetMe invalid", s.SetMe(strings.Repeat("x", MaxTextLen+1), "", "", nil), status.ErrInvalidArg},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.err, c.want)
		}
	}
	for _, id := range []peer.ID{unknown, ""} {
		if _, err := s.Get(id); err == nil {
			t.Errorf("Get(%q): got nil error", id)
		}
	}
	if _, err := s.Get(""); !errors.Is(err, status.ErrInvalidArg) {
		t.Errorf("Get(\"\"): got %v, want status.ErrInvalidArg", err)
	}
	if _, err := s.Get(unknown); !errors.Is(err, status.ErrContactNotFound) {
		t.Errorf("Get(unknown): got %v, want status.ErrContactNotFound", err)
	}
	// None of the failures changed anything.
	if got := s.List(); len(got) != 1 || !contactsEqual(got[0], alice) {
		t.Errorf("List after failed mutations = %v, want only alice", got)
	}
}

func TestMe(t *testing.T) {
	dir := t.TempDir()
	me := newIdentity(t)
	s := openStore(t, dir, me)
	addrs := []multiaddr.Multiaddr{addr(t, "/ip6/2001:db8::1/udp/4001/quic-v1")}
	if err := s.SetMe("me", "Me Myself", "me@example.org", addrs); err != nil {
		t.Fatal(err)
	}
	want := Contact{PeerID: me.ID, Nickname: "me", DisplayName: "Me Myself", Email: "me@example.org", Addrs: addrs}
	if got := s.Me(); !contactsEqual(got, want) {
		t.Errorf("Me() = %+v, want %+v", got, want)
	}
	if got, err := s.Get(me.ID); err != nil || !contactsEqual(got, want) {
		t.Errorf("Get(me) = %+v, %v; want %+v", got, err, want)
	}
	// Update on me works like SetMe; Watch and Permission mean nothing.
	want.Nickname = "myself"
	upd := want
	upd.Watch, upd.Permission = true, PermissionAllowed
	if err := s.Update(upd); err != nil {
		t.Fatal(err)
	}
	if got := openStore(t, dir, me).Me(); !contactsEqual(got, want) {
		t.Errorf("Me() after reopen = %+v, want %+v", got, want)
	}
	if len(s.List()) != 0 || len(s.Watchers()) != 0 || len(s.Watched()) != 0 {
		t.Error("me appears in List, Watchers or Watched")
	}
}

func TestListWatchersWatchedSorted(t *testing.T) {
	s := openStore(t, t.TempDir(), newIdentity(t))
	var all, watchers, watched []peer.ID
	for i := range 20 {
		c := sampleContact(t, fmt.Sprint("c", i))
		c.Watch = i%2 == 0
		if i%3 == 0 {
			c.Permission = PermissionAllowed
			watchers = append(watchers, c.PeerID)
		}
		if c.Watch {
			watched = append(watched, c.PeerID)
		}
		all = append(all, c.PeerID)
		if err := s.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(all)
	slices.Sort(watchers)
	slices.Sort(watched)
	var listed []peer.ID
	for _, c := range s.List() {
		listed = append(listed, c.PeerID)
	}
	if !slices.Equal(listed, all) {
		t.Errorf("List order = %v, want %v", listed, all)
	}
	if got := s.Watchers(); !slices.Equal(got, watchers) {
		t.Errorf("Watchers() = %v, want %v", got, watchers)
	}
	if got := s.Watched(); !slices.Equal(got, watched) {
		t.Errorf("Watched() = %v, want %v", got, watched)
	}
}

func TestReturnedContactsAreCopies(t *testing.T) {
	s := openStore(t, t.TempDir(), newIdentity(t))
	c := sampleContact(t, "alice")
	if err := s.Add(c); err != nil {
		t.Fatal(err)
	}
	orig := c.clone()
	c.Addrs[0] = addr(t, "/ip4/203.0.113.9/tcp/1") // the caller's slice
	got, _ := s.Get(c.PeerID)
	got.Addrs[0] = addr(t, "/ip4/203.0.113.9/tcp/2")
	got.Nickname = "changed"
	s.List()[0].Addrs[0] = addr(t, "/ip4/203.0.113.9/tcp/3")
	if again, _ := s.Get(c.PeerID); !contactsEqual(again, orig) {
		t.Errorf("store changed through a returned or passed contact: %+v, want %+v", again, orig)
	}
}

// TestAddMany checks that Add with several contacts adds all of them in one
// write, or none when any of them is refused.
func TestAddMany(t *testing.T) {
	me := newIdentity(t)
	dir := t.TempDir()
	s := openStore(t, dir, me)
	alice, bob, carol := sampleContact(t, "alice"), sampleContact(t, "bob"), sampleContact(t, "carol")
	if err := s.Add(alice, bob); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		add  []Contact
		want error
	}{
		{"one already there", []Contact{carol, alice}, status.ErrAlreadyExists},
		{"given twice", []Contact{carol, carol}, status.ErrAlreadyExists},
		{"one invalid", []Contact{carol, {PeerID: newPeerID(t), Permission: 5}}, status.ErrInvalidArg},
	} {
		if err := s.Add(tc.add...); !errors.Is(err, tc.want) {
			t.Errorf("%s: Add = %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := s.Get(carol.PeerID); !errors.Is(err, status.ErrContactNotFound) {
		t.Errorf("carol after refused batches: Get = %v, want ErrContactNotFound", err)
	}
	reopened := openStore(t, dir, me)
	if got := len(reopened.List()); got != 2 {
		t.Errorf("after reopen: %d contacts, want 2 (alice, bob)", got)
	}
}

// TestGenerationCountsChanges checks that Generation moves with every
// change and not with a refused one, which is what lets a poller keep
// what it derived from the list.
func TestGenerationCountsChanges(t *testing.T) {
	s := openStore(t, t.TempDir(), newIdentity(t))
	g0 := s.Generation()
	alice := sampleContact(t, "alice")
	if err := s.Add(alice); err != nil {
		t.Fatal(err)
	}
	g1 := s.Generation()
	if g1 == g0 {
		t.Fatalf("Generation %d unchanged by Add", g1)
	}
	if err := s.Add(alice); !errors.Is(err, status.ErrAlreadyExists) {
		t.Fatalf("second Add = %v, want ErrAlreadyExists", err)
	}
	if g := s.Generation(); g != g1 {
		t.Errorf("Generation %d after a refused Add, want %d", g, g1)
	}
	if err := s.Delete(alice.PeerID); err != nil {
		t.Fatal(err)
	}
	if g := s.Generation(); g == g1 {
		t.Errorf("Generation %d unchanged by Delete", g)
	}
}

package contacts

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"

	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/internal/crashtest"
)

// crashDirEnv tells a re-executed test binary to be the writer of
// TestKillDuringMutations, on the store in the named directory.
const crashDirEnv = "PEERD_CONTACTS_TEST_CRASH_WRITER"

// crashContact returns the contact the writer stores for id at generation
// gen. Its size grows and shrinks with gen, and its email is a checksum of
// every other field, so a contact made of parts of two writes cannot verify.
func crashContact(id peer.ID, gen int) Contact {
	c := Contact{
		PeerID:      id,
		Nickname:    "g" + strconv.Itoa(gen),
		DisplayName: strings.Repeat("ü", gen%(MaxTextLen+1)),
		Watch:       gen%2 == 0,
		Permission:  Permission(gen % 3 % 2),
	}
	for i := range gen % 9 {
		c.Addrs = append(c.Addrs, multiaddr.StringCast(fmt.Sprintf("/ip4/198.51.100.%d/tcp/%d", i, gen%65536)))
	}
	c.Email = crashChecksum(c) + "@crash.test"
	return c
}

func crashChecksum(c Contact) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|%t|%d", c.PeerID, c.Nickname, c.DisplayName, c.Watch, c.Permission)
	for _, a := range c.Addrs {
		fmt.Fprintf(h, "|%s", a)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// meGen reads the generation the writer last recorded in "me".
func meGen(s *Store) (int, error) {
	return strconv.Atoi(strings.TrimPrefix(s.Me().DisplayName, "gen "))
}

// TestCrashWriter is the child side of TestKillDuringMutations: it mutates
// the store until killed. Each generation is one contact mutation followed
// by recording the generation in "me"; it then prints the generation, which
// promises the parent that both writes are durable.
func TestCrashWriter(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("child process of TestKillDuringMutations only")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "writer:", err)
		os.Exit(2)
	}
	me, err := identity.Load(dir)
	if err != nil {
		fail(err)
	}
	s, err := Open(dir, me)
	if err != nil {
		fail(err)
	}
	gen, err := meGen(s)
	if err != nil {
		fail(err)
	}
	fmt.Println("ready")
	for {
		gen++
		list := s.List()
		switch r := rand.N(10); {
		case len(list) < 5 || r < 5:
			id, genErr := identity.Generate()
			if genErr != nil {
				fail(genErr)
			}
			err = s.Add(crashContact(id.ID, gen))
		case r < 8:
			err = s.Update(crashContact(list[rand.N(len(list))].PeerID, gen))
		default:
			err = s.Delete(list[rand.N(len(list))].PeerID)
		}
		if err != nil {
			fail(err)
		}
		if err := s.SetMe("me", "gen "+strconv.Itoa(gen), "", nil); err != nil {
			fail(err)
		}
		fmt.Println(gen)
	}
}

// TestKillDuringMutations kills a process mutating the store with SIGKILL
// at random moments, and after each kill checks that the store opens, that
// every contact in it is one the writer wrote whole, and that no mutation
// the writer reported as done was lost. Only where the kills land is
// random; the checks hold for every timing, so the test cannot flake.
func TestKillDuringMutations(t *testing.T) {
	iterations := 50
	if testing.Short() {
		iterations = 10
	}
	dir := t.TempDir()
	me, err := identity.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t, dir, me)
	if err := s.SetMe("me", "gen 0", "", nil); err != nil {
		t.Fatal(err)
	}
	acked, start := 0, time.Now()
	for i := range iterations {
		acked = killWriter(t, dir, i, acked)
		s, err := Open(dir, me)
		if err != nil {
			t.Fatalf("iteration %d: store does not open after the kill: %v", i, err)
		}
		gen, err := meGen(s)
		if err != nil {
			t.Fatalf("iteration %d: me: %v", i, err)
		}
		// The writer may have finished generation acked+1 without
		// printing it, but never loses one it printed.
		if gen != acked && gen != acked+1 {
			t.Fatalf("iteration %d: store is at generation %d, writer reported %d", i, gen, acked)
		}
		acked = gen
		for _, c := range s.List() {
			g, err := strconv.Atoi(strings.TrimPrefix(c.Nickname, "g"))
			if err != nil || g > gen+1 || !contactsEqual(c, crashContact(c.PeerID, g)) {
				t.Fatalf("iteration %d: contact %+v is not one the writer wrote", i, c)
			}
		}
	}
	t.Logf("%d kills, %d generations (%d writes), %v", iterations, acked, 2*acked, time.Since(start).Round(time.Millisecond))
}

// killWriter runs the writer, kills it at a random moment after it is
// ready, and returns the last generation it reported (acked if none).
func killWriter(t *testing.T, dir string, i, acked int) int {
	t.Helper()
	last := acked
	for _, line := range crashtest.KillAtRandom(t, "TestCrashWriter", crashDirEnv+"="+dir) {
		if n, err := strconv.Atoi(line); err == nil {
			last = n
		}
	}
	return last
}

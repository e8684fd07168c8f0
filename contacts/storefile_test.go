package contacts

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/multiformats/go-multiaddr"
)

// storeFile returns the bytes of a valid store with two contacts.
func storeFile(t *testing.T) (dir string, data []byte, me *Store) {
	t.Helper()
	dir = t.TempDir()
	id := fixedIdentity(t, 1)
	s := openStore(t, dir, id)
	for _, c := range []Contact{
		{PeerID: fixedIdentity(t, 2).ID, Nickname: "alice", Watch: true, Permission: PermissionAllowed,
			Addrs: []multiaddr.Multiaddr{addr(t, "/ip4/192.0.2.1/tcp/4001")}},
		{PeerID: fixedIdentity(t, 3).ID, Nickname: "bob"},
	} {
		if err := s.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	return dir, data, s
}

func TestOpenCorruptStore(t *testing.T) {
	_, valid, _ := storeFile(t)
	text := string(valid)
	alice, bob := fixedIdentity(t, 2).ID.String(), fixedIdentity(t, 3).ID.String()
	me := fixedIdentity(t, 1).ID.String()
	cases := map[string]string{
		"empty":              "",
		"garbage":            "not json",
		"null":               "null",
		"array":              "[]",
		"half":               text[:len(text)/2],
		"all but last brace": strings.TrimSpace(text)[:len(strings.TrimSpace(text))-1],
		"trailing data":      text + "{}",
		"invalid UTF-8":      strings.Replace(text, "alice", "al\xffce", 1),
		"wrong format":       strings.Replace(text, "peerd-contacts", "other", 1),
		"newer version":      strings.Replace(text, `"version": 1`, `"version": 2`, 1),
		"no version":         strings.Replace(text, `"version": 1,`, ``, 1),
		"unknown field":      strings.Replace(text, `"version": 1,`, `"version": 1, "extra": 0,`, 1),
		"duplicate contact":  strings.Replace(text, bob, alice, 1),
		"me as a contact":    strings.Replace(text, bob, me, 1),
		"bad permission":     strings.Replace(text, `"allowed"`, `"sometimes"`, 1),
		"bad peer ID":        strings.Replace(text, bob, "QmNotAPeerID", 1),
		"bad address":        strings.Replace(text, "/ip4/192.0.2.1/tcp/4001", "/ip4/999.0.0.1", 1),
		"control character":  strings.Replace(text, "alice", `al\nice`, 1),
		"name too long":      strings.Replace(text, "alice", strings.Repeat("a", MaxTextLen+1), 1),
		"no me":              strings.Replace(text, `"me"`, `"you"`, 1),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			if content == text {
				t.Fatal("test case did not change the file")
			}
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(dir, fixedIdentity(t, 1))
			if !errors.Is(err, ErrCorruptStore) {
				t.Fatalf("got %v, want ErrCorruptStore", err)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
			// Never a silent reset: the file is exactly as it was.
			if after, _ := os.ReadFile(path); !bytes.Equal(after, []byte(content)) {
				t.Error("Open changed the corrupt file")
			}
		})
	}
}

func TestOpenTruncatedStore(t *testing.T) {
	_, valid, _ := storeFile(t)
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	end := len(bytes.TrimSpace(valid)) // the final newline is optional
	for n := range end {
		if err := os.WriteFile(path, valid[:n], 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(dir, fixedIdentity(t, 1)); !errors.Is(err, ErrCorruptStore) {
			t.Fatalf("store truncated to %d of %d bytes: got %v, want ErrCorruptStore", n, len(valid), err)
		}
	}
}

func TestOpenUnreadableStore(t *testing.T) {
	dir := t.TempDir()
	// A directory in place of the file cannot be read, even by root.
	if err := os.Mkdir(filepath.Join(dir, FileName), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, newIdentity(t)); !errors.Is(err, ErrCorruptStore) {
		t.Fatalf("got %v, want ErrCorruptStore", err)
	}
}

func TestOpenOtherIdentitysStore(t *testing.T) {
	dir, valid, _ := storeFile(t)
	_, err := Open(dir, fixedIdentity(t, 9))
	if !errors.Is(err, ErrWrongIdentity) || errors.Is(err, ErrCorruptStore) {
		t.Fatalf("got %v, want ErrWrongIdentity only", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, FileName)); !bytes.Equal(after, valid) {
		t.Error("Open changed another identity's store")
	}
}

func TestStoreFileIsDeterministic(t *testing.T) {
	dir, before, s := storeFile(t)
	// Rewriting the same state produces the same bytes.
	if err := s.SetMe("", "", "", nil); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, FileName))
	if !bytes.Equal(before, after) {
		t.Errorf("same state, different file:\n%s\n---\n%s", before, after)
	}
}

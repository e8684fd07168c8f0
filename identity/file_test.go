package identity

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

func writeKeyFile(t *testing.T, dir string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, FileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// validFile returns the bytes of a valid key file and its identity.
func validFile(t *testing.T) ([]byte, *Identity) {
	t.Helper()
	id, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	data, err := encode(id)
	if err != nil {
		t.Fatal(err)
	}
	return data, id
}

func TestCreateLoadRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	created, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("directory: %v, %v; want mode 0700", fi.Mode().Perm(), err)
	}
	if fi, err := os.Stat(filepath.Join(dir, FileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, %v; want mode 0600", fi.Mode().Perm(), err)
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.ID != created.ID {
		t.Errorf("loaded ID %s, want %s", loaded.ID, created.ID)
	}
	if !loaded.PrivKey.Equals(created.PrivKey) {
		t.Error("loaded private key differs from the created one")
	}
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "peerd-identity v1\npeer-id "+created.ID.String()+"\n") {
		t.Errorf("file starts %q, want the v1 header and the peer ID", data)
	}
}

func TestCreateNeverOverwrites(t *testing.T) {
	for name, content := range map[string][]byte{
		"valid":   nil, // filled from a real identity below
		"corrupt": []byte("garbage"),
		"empty":   {},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if content == nil {
				if _, err := Create(dir); err != nil {
					t.Fatal(err)
				}
			} else {
				writeKeyFile(t, dir, content)
			}
			before, _ := os.ReadFile(filepath.Join(dir, FileName))
			_, err := Create(dir)
			if !errors.Is(err, ErrExists) {
				t.Fatalf("second Create: got %v, want ErrExists", err)
			}
			after, _ := os.ReadFile(filepath.Join(dir, FileName))
			if !bytes.Equal(before, after) {
				t.Error("Create modified the existing key file")
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load of an empty directory: got %v, want ErrNotFound and fs.ErrNotExist", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Load created files: %v", entries)
	}
	if _, err := Load(filepath.Join(dir, "nope")); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load of a missing directory: got %v, want ErrNotFound", err)
	}
}

func TestLoadInsecurePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("mode bits are not checked on Windows")
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o700, 0o601} {
		t.Run(fmt.Sprintf("%04o", mode), func(t *testing.T) {
			dir := t.TempDir()
			if _, err := Create(dir); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, FileName)
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			_, err := Load(dir)
			insecure := mode&0o077 != 0
			if !insecure {
				if err != nil {
					t.Fatalf("Load with mode %04o: %v", mode, err)
				}
				return
			}
			if !errors.Is(err, ErrInsecurePermissions) {
				t.Fatalf("Load with mode %04o: got %v, want ErrInsecurePermissions", mode, err)
			}
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "chmod 600 "+path) {
				t.Errorf("message %q does not name the file and the fix", msg)
			}
		})
	}
}

func TestLoadTruncated(t *testing.T) {
	data, _ := validFile(t)
	dir := t.TempDir()
	for n := range len(data) {
		writeKeyFile(t, dir, data[:n])
		if _, err := Load(dir); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("file truncated to %d of %d bytes: got %v, want ErrCorrupt", n, len(data), err)
		}
	}
}

// TestLoadFlippedBytes checks that no single damaged byte yields an
// identity, not even a valid-looking different one.
func TestLoadFlippedBytes(t *testing.T) {
	data, _ := validFile(t)
	dir := t.TempDir()
	for i := range data {
		for _, mask := range []byte{0x01, 0x02, 0x20, 0x80} {
			damaged := bytes.Clone(data)
			damaged[i] ^= mask
			writeKeyFile(t, dir, damaged)
			if _, err := Load(dir); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("byte %d ^ %#x: got %v, want ErrCorrupt", i, mask, err)
			}
		}
	}
}

func TestLoadCorrupt(t *testing.T) {
	data, id := validFile(t)
	other, _ := Generate()
	key, _ := crypto.MarshalPrivateKey(id.PrivKey)

	secp, _, _ := crypto.GenerateSecp256k1Key(rand.Reader)
	secpID, _ := peer.IDFromPrivateKey(secp)
	secpKey, _ := crypto.MarshalPrivateKey(secp)

	// An Ed25519 key whose stored public half is not its seed's.
	raw, _ := id.PrivKey.Raw()
	otherRaw, _ := other.PrivKey.Raw()
	mixed, err := crypto.UnmarshalEd25519PrivateKey(append(raw[:ed25519.SeedSize:ed25519.SeedSize], otherRaw[ed25519.SeedSize:]...))
	if err != nil {
		t.Fatal(err)
	}
	mixedKey, _ := crypto.MarshalPrivateKey(mixed)

	file := func(id peer.ID, key []byte) string {
		return fmt.Sprintf("peerd-identity v1\npeer-id %s\nprivate-key %s\n", id, base64.StdEncoding.EncodeToString(key))
	}
	cases := map[string]string{
		"wrong key type":      file(secpID, secpKey),
		"other peer ID":       file(other.ID, key),
		"public half damaged": file(other.ID, mixedKey),
		"future version":      strings.Replace(string(data), "v1", "v2", 1),
		"CRLF":                strings.ReplaceAll(string(data), "\n", "\r\n"),
		"extra line":          string(data) + "extra\n",
		"no final newline":    strings.TrimSuffix(string(data), "\n"),
		"too large":           string(data) + strings.Repeat("#", maxFileSize),
		"invalid peer ID":     file("", key),
		"garbage key":         file(id.ID, []byte("not a protobuf key")),
		"swapped lines":       fmt.Sprintf("peerd-identity v1\nprivate-key %s\npeer-id %s\n", base64.StdEncoding.EncodeToString(key), id.ID),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeKeyFile(t, dir, []byte(content))
			if _, err := Load(dir); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestLoadNotRegularFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, FileName), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("key file is a directory: got %v, want ErrCorrupt", err)
	}
}

package identity

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/peerd/peerd/internal/atomicfile"
)

// FileName is the name of the key file inside an identity directory.
const FileName = "identity.key"

const (
	header = "peerd-identity v1"
	// maxFileSize bounds what Load reads: a v1 file is about 200 bytes, and
	// a huge file is certainly not an identity.
	maxFileSize = 4096
)

// Errors returned by Create and Load, wrapped with the path and the reason.
var (
	// ErrExists: Create found a key file; identities are never overwritten.
	ErrExists = errors.New("identity already exists")
	// ErrNotFound: Load found no key file. The error also matches
	// fs.ErrNotExist.
	ErrNotFound = errors.New("identity not found")
	// ErrInsecurePermissions: the key file can be accessed by group or
	// others. Load refuses it, like ssh does, rather than use a key that
	// may have been copied.
	ErrInsecurePermissions = errors.New("identity key file has insecure permissions")
	// ErrCorrupt: the key file cannot be parsed, is not Ed25519, or does not
	// match its recorded peer ID.
	ErrCorrupt = errors.New("identity key file is corrupt")
)

// Create generates a new identity and stores it in dir, creating dir with
// mode 0700 if needed. It fails with ErrExists if dir already holds a key
// file, whatever its content, and never replaces one.
func Create(dir string) (*Identity, error) {
	id, err := Generate()
	if err != nil {
		return nil, err
	}
	data, err := encode(id)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("identity: create directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if err := atomicfile.Create(path, data, 0o600); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("%w: %s (refusing to replace it: that would abandon the identity it holds)", ErrExists, path)
		}
		return nil, fmt.Errorf("identity: write %s: %w", path, err)
	}
	return id, nil
}

// Load reads the identity stored in dir. It never creates one: see the
// package documentation for the errors it reports.
func Load(dir string) (*Identity, error) {
	path := filepath.Join(dir, FileName)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	defer f.Close()
	// Stat the open file, not the path, so the checks apply to the bytes we
	// read even if the path is replaced meanwhile.
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrCorrupt, path)
	}
	// Windows mode bits do not reflect ACLs, so the check would be noise.
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o, accessible by other users; fix with: chmod 600 %s",
			ErrInsecurePermissions, path, fi.Mode().Perm(), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("identity: read %s: %w", path, err)
	}
	id, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	return id, nil
}

func encode(id *Identity) ([]byte, error) {
	key, err := crypto.MarshalPrivateKey(id.PrivKey)
	if err != nil {
		return nil, fmt.Errorf("identity: marshal key: %w", err)
	}
	return fmt.Appendf(nil, "%s\npeer-id %s\nprivate-key %s\n",
		header, id.ID, base64.StdEncoding.EncodeToString(key)), nil
}

// decode parses exactly what encode writes: any other byte is corruption.
func decode(data []byte) (*Identity, error) {
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("larger than %d bytes", maxFileSize)
	}
	text, ok := bytes.CutSuffix(data, []byte("\n"))
	if !ok {
		return nil, errors.New("truncated: no final newline")
	}
	lines := strings.Split(string(text), "\n")
	if len(lines) != 3 {
		return nil, fmt.Errorf("%d lines, want 3", len(lines))
	}
	if lines[0] != header {
		return nil, fmt.Errorf("first line is %.40q, want %q", lines[0], header)
	}
	idText, ok := strings.CutPrefix(lines[1], "peer-id ")
	if !ok {
		return nil, errors.New("second line is not \"peer-id <id>\"")
	}
	keyText, ok := strings.CutPrefix(lines[2], "private-key ")
	if !ok {
		return nil, errors.New("third line is not \"private-key <base64>\"")
	}
	wantID, err := peer.Decode(idText)
	if err != nil {
		return nil, fmt.Errorf("peer-id: %v", err)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(keyText)
	if err != nil {
		return nil, fmt.Errorf("private-key is not valid base64: %v", err)
	}
	priv, err := crypto.UnmarshalPrivateKey(raw)
	if err != nil {
		return nil, fmt.Errorf("private-key: %v", err)
	}
	edPriv, ok := priv.(*crypto.Ed25519PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private-key is a %v key, want Ed25519", priv.Type())
	}
	if err := checkEd25519(edPriv); err != nil {
		return nil, err
	}
	id, err := FromPrivKey(priv)
	if err != nil {
		return nil, err
	}
	if id.ID != wantID {
		return nil, fmt.Errorf("key derives peer ID %s, file says %s", id.ID, wantID)
	}
	return id, nil
}

// checkEd25519 verifies that the public half stored in an Ed25519 private
// key is the one its seed derives. libp2p does not check this, and a key
// with a damaged public half would sign with one key and claim another.
func checkEd25519(priv *crypto.Ed25519PrivateKey) error {
	raw, err := priv.Raw()
	if err != nil {
		return err
	}
	if len(raw) != ed25519.PrivateKeySize {
		return fmt.Errorf("ed25519 key is %d bytes, want %d", len(raw), ed25519.PrivateKeySize)
	}
	derived := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
	if !bytes.Equal(derived, raw) {
		return errors.New("ed25519 public half does not match the seed")
	}
	return nil
}

package contacts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"slices"
	"unicode/utf8"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"

	"github.com/peerd/peerd/internal/atomicfile"
)

// The store file is a JSON document that names its format and version, so
// that a future peerd can migrate it and an older one refuses it instead of
// misreading it:
//
//	{"format": "peerd-contacts", "version": 1,
//	 "me": {"peerID": "12D3KooW...", "nickname": ..., "addrs": [...]},
//	 "contacts": [{"peerID": ..., "watch": true, "permission": "allowed", ...}]}
//
// Contacts are written sorted by peer ID so that the same state always
// produces the same bytes.
const (
	formatName    = "peerd-contacts"
	formatVersion = 1
)

type fileDoc struct {
	Format   string        `json:"format"`
	Version  int           `json:"version"`
	Me       fileMe        `json:"me"`
	Contacts []fileContact `json:"contacts"`
}

type fileMe struct {
	PeerID      string   `json:"peerID"`
	Nickname    string   `json:"nickname"`
	DisplayName string   `json:"displayName"`
	Email       string   `json:"email"`
	Addrs       []string `json:"addrs"`
}

type fileContact struct {
	fileMe
	Watch      bool       `json:"watch"`
	Permission Permission `json:"permission"`
}

// versionProbe reads only the header, so that a newer version is reported
// as such rather than as an unknown field.
type versionProbe struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
}

func save(path string, st state) error {
	doc := fileDoc{Format: formatName, Version: formatVersion, Me: toFileMe(st.me), Contacts: []fileContact{}}
	for _, id := range slices.Sorted(maps.Keys(st.contacts)) {
		c := st.contacts[id]
		doc.Contacts = append(doc.Contacts, fileContact{fileMe: toFileMe(c), Watch: c.Watch, Permission: c.Permission})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // names like "Tom & Jerry" stay readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("contacts: encode store: %w", err)
	}
	if err := atomicfile.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("contacts: write store: %w", err)
	}
	return nil
}

func toFileMe(c Contact) fileMe {
	m := fileMe{PeerID: c.PeerID.String(), Nickname: c.Nickname, DisplayName: c.DisplayName, Email: c.Email, Addrs: []string{}}
	for _, a := range c.Addrs {
		m.Addrs = append(m.Addrs, a.String())
	}
	return m
}

// load reads the store at path for identity me. A missing file yields a nil
// state and no error; every other problem is an error naming the file.
func load(path string, me peer.ID) (*state, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorruptStore, err)
	}
	st, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorruptStore, path, err)
	}
	if st.me.PeerID != me {
		return nil, fmt.Errorf("%w: %s is the store of %s, not of %s", ErrWrongIdentity, path, st.me.PeerID, me)
	}
	return st, nil
}

func parse(data []byte) (*state, error) {
	// encoding/json would silently turn invalid UTF-8 into U+FFFD; a
	// damaged byte must be an error, not a changed name.
	if !utf8.Valid(data) {
		return nil, errors.New("not valid UTF-8")
	}
	var probe versionProbe
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if probe.Format != formatName {
		return nil, fmt.Errorf("format is %q, want %q", probe.Format, formatName)
	}
	if probe.Version != formatVersion {
		return nil, fmt.Errorf("format version %d, this peerd reads only version %d", probe.Version, formatVersion)
	}
	var doc fileDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON document")
	}
	meC, err := fromFileMe(doc.Me)
	if err == nil {
		err = meC.validate()
	}
	if err != nil {
		return nil, fmt.Errorf("me: %v", err)
	}
	st := &state{me: meC, contacts: make(map[peer.ID]Contact, len(doc.Contacts))}
	for i, fc := range doc.Contacts {
		c, err := fromFileMe(fc.fileMe)
		if err != nil {
			return nil, fmt.Errorf("contact %d: %v", i, err)
		}
		c.Watch, c.Permission = fc.Watch, fc.Permission
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("contact %d: %v", i, err)
		}
		if _, dup := st.contacts[c.PeerID]; dup || c.PeerID == meC.PeerID {
			return nil, fmt.Errorf("contact %d: %s appears twice", i, c.PeerID)
		}
		st.contacts[c.PeerID] = c
	}
	return st, nil
}

func fromFileMe(m fileMe) (Contact, error) {
	id, err := peer.Decode(m.PeerID)
	if err != nil {
		return Contact{}, fmt.Errorf("peer ID %q: %v", m.PeerID, err)
	}
	c := Contact{PeerID: id, Nickname: m.Nickname, DisplayName: m.DisplayName, Email: m.Email}
	for _, s := range m.Addrs {
		a, err := multiaddr.NewMultiaddr(s)
		if err != nil {
			return Contact{}, fmt.Errorf("address %q: %v", s, err)
		}
		c.Addrs = append(c.Addrs, a)
	}
	return c, nil
}

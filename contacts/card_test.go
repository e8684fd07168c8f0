package contacts

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"
	mh "github.com/multiformats/go-multihash"

	"github.com/peerd/peerd/p2pcollab/status"
)

func sampleCardContact(t testing.TB, seed byte) (crypto.PrivKey, Contact) {
	priv := fixedKey(t, seed)
	id, _ := peer.IDFromPrivateKey(priv)
	return priv, Contact{
		PeerID:      id,
		Nickname:    "alice",
		DisplayName: "Alice Liddell ✓ & co",
		Email:       "not@exported",
		Watch:       true,
		Permission:  PermissionAllowed,
		Addrs: []multiaddr.Multiaddr{
			addr(t, "/ip4/192.0.2.1/tcp/4001"),
			addr(t, "/dns/alice.example.org/udp/4001/quic-v1/p2p/"+id.String()),
		},
	}
}

// signBody makes a card from an arbitrary body, to test the checks that a
// valid signature alone does not cover.
func signBody(t *testing.T, priv crypto.PrivKey, body []byte) string {
	t.Helper()
	sig, err := priv.Sign(signedBytes(body))
	if err != nil {
		t.Fatal(err)
	}
	return cardPrefix + cardV1 + cardEncoding.EncodeToString(append(body, sig...))
}

// withSig makes a card from a body and a signature taken from elsewhere.
func withSig(body, sig []byte) string {
	return cardPrefix + cardV1 + cardEncoding.EncodeToString(append(bytes.Clone(body), sig...))
}

func mustExport(t *testing.T, priv crypto.PrivKey, c Contact) string {
	t.Helper()
	s, err := ExportCard(priv, c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCardRoundTrip(t *testing.T) {
	priv, c := sampleCardContact(t, 1)
	s := mustExport(t, priv, c)
	if !strings.HasPrefix(s, "peerd-card:v1:") || strings.ContainsAny(s, "\r\n\t =") {
		t.Fatalf("card is not one unpadded line with the v1 prefix: %q", s)
	}
	for _, input := range []string{s, s + "\n", "  \r\n" + s + "\r\n\t "} {
		card, err := ParseCard(input)
		if err != nil {
			t.Fatalf("ParseCard(%q): %v", input, err)
		}
		want := Card{PeerID: c.PeerID, Nickname: c.Nickname, DisplayName: c.DisplayName, Addrs: c.Addrs}
		if !cardsEqual(card, want) {
			t.Fatalf("parsed %+v, want %+v", card, want)
		}
	}
	// Ed25519 is deterministic and the encoding canonical: same card, same
	// string.
	if again := mustExport(t, priv, c); again != s {
		t.Errorf("exporting twice gave %q and %q", s, again)
	}
}

func TestCardEdgeContents(t *testing.T) {
	priv, c := sampleCardContact(t, 2)
	c.Nickname, c.DisplayName, c.Addrs = "", "", nil
	empty := mustExport(t, priv, c)
	c.Nickname = strings.Repeat("🦊", MaxTextLen) // 4-byte runes
	c.DisplayName = strings.Repeat("é", MaxTextLen)
	for range MaxAddrs {
		c.Addrs = append(c.Addrs, addr(t, "/ip6/2001:db8::1/udp/4001/quic-v1"))
	}
	full := mustExport(t, priv, c)
	for _, s := range []string{empty, full} {
		card, err := ParseCard(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := card.Contact(false, PermissionBlocked); got.PeerID != c.PeerID {
			t.Errorf("card contact ID %s, want %s", got.PeerID, c.PeerID)
		}
	}
}

func TestCardContact(t *testing.T) {
	priv, c := sampleCardContact(t, 1)
	card, err := ParseCard(mustExport(t, priv, c))
	if err != nil {
		t.Fatal(err)
	}
	got := card.Contact(true, PermissionAllowed)
	want := Contact{PeerID: c.PeerID, Nickname: c.Nickname, DisplayName: c.DisplayName, Watch: true, Permission: PermissionAllowed, Addrs: c.Addrs}
	if !contactsEqual(got, want) {
		t.Fatalf("Contact() = %+v, want %+v", got, want)
	}
	got.Addrs[0] = addr(t, "/ip4/203.0.113.1/tcp/1")
	if !card.Addrs[0].Equal(c.Addrs[0]) {
		t.Error("changing the contact changed the card")
	}
	// A card is enough to add a contact.
	s := openStore(t, t.TempDir(), newIdentity(t))
	if err := s.Add(card.Contact(true, PermissionBlocked)); err != nil {
		t.Fatal(err)
	}
}

func TestExportCardErrors(t *testing.T) {
	priv, c := sampleCardContact(t, 1)
	other := fixedKey(t, 2)
	secp, _, err := crypto.GenerateSecp256k1Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	long := c.clone()
	long.Addrs = nil
	for i := range MaxAddrs {
		long.Addrs = append(long.Addrs, addr(t, fmt.Sprintf("/dns/%s%d.example/tcp/1", strings.Repeat("x", 200), i)))
	}
	invalid := c.clone()
	invalid.Nickname = "\x00"
	cases := map[string]struct {
		priv crypto.PrivKey
		c    Contact
	}{
		"someone else's key": {other, c},
		"nil key":            {nil, c},
		"secp256k1 key":      {secp, c},
		"invalid contact":    {priv, invalid},
		"too large":          {priv, long},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := ExportCard(tc.priv, tc.c); !errors.Is(err, status.ErrInvalidArg) {
				t.Fatalf("got %v, want status.ErrInvalidArg", err)
			}
		})
	}
}

func TestParseCardRejectsTampering(t *testing.T) {
	priv, c := sampleCardContact(t, 1)
	s := mustExport(t, priv, c)
	raw, err := cardEncoding.DecodeString(strings.TrimPrefix(s, cardPrefix+cardV1))
	if err != nil {
		t.Fatal(err)
	}
	body, sig := raw[:len(raw)-sigLen], raw[len(raw)-sigLen:]
	card := Card{PeerID: c.PeerID, Nickname: c.Nickname, DisplayName: c.DisplayName, Addrs: c.Addrs}
	changed := func(f func(*Card)) []byte {
		d := card
		d.Addrs = cloneAddrs(card.Addrs)
		f(&d)
		return encodeCardBody(d)
	}
	flipped := bytes.Clone(sig)
	flipped[10] ^= 1
	otherID, _ := peer.IDFromPrivateKey(fixedKey(t, 2))

	cases := map[string]struct {
		card string
		want string // part of the expected message
	}{
		"nickname changed":      {withSig(changed(func(d *Card) { d.Nickname = "mallory" }), sig), "signature does not verify"},
		"display name changed":  {withSig(changed(func(d *Card) { d.DisplayName = "Mallory" }), sig), "signature does not verify"},
		"address changed":       {withSig(changed(func(d *Card) { d.Addrs[0] = addr(t, "/ip4/203.0.113.66/tcp/4001") }), sig), "signature does not verify"},
		"address removed":       {withSig(changed(func(d *Card) { d.Addrs = d.Addrs[:1] }), sig), "signature does not verify"},
		"address added":         {withSig(changed(func(d *Card) { d.Addrs = append(d.Addrs, addr(t, "/ip4/203.0.113.66/tcp/1")) }), sig), "signature does not verify"},
		"peer ID changed":       {withSig(changed(func(d *Card) { d.PeerID = otherID }), sig), "signature does not verify"},
		"signature flipped":     {withSig(body, flipped), "signature does not verify"},
		"signed by another key": {signBody(t, fixedKey(t, 2), body), "signature does not verify"},
		"no domain separation":  {withSig(body, mustSign(t, priv, body)), "signature does not verify"},
		"trailing data":         {signBody(t, priv, append(bytes.Clone(body), 0)), "trailing data"},
		"too many addresses":    {signBody(t, priv, tooManyAddrs(t, card)), "more than 32"},
		"bad address bytes":     {signBody(t, priv, changedAddrBytes(card, []byte{0xff, 0xff})), "address 0 is invalid"},
		"control character":     {signBody(t, priv, changed(func(d *Card) { d.Nickname = "a\nb" })), "control character"},
		"invalid UTF-8":         {signBody(t, priv, changed(func(d *Card) { d.Nickname = "\xff" })), "UTF-8"},
		"name too long":         {signBody(t, priv, changed(func(d *Card) { d.Nickname = strings.Repeat("a", MaxTextLen+1) })), "more than 255"},
		"no prefix":             {strings.TrimPrefix(s, cardPrefix), "not a peerd contact card"},
		"other version":         {strings.Replace(s, ":v1:", ":v2:", 1), `unsupported card version "v2"`},
		"padding":               {s + "==", "not valid base64"},
		"standard base64":       {cardPrefix + cardV1 + base64.StdEncoding.EncodeToString(raw), "not valid base64"},
		"space inside":          {s[:30] + " " + s[30:], "not valid base64"},
		"too long":              {s + strings.Repeat("A", MaxCardLen), "more than 8192"},
		"empty":                 {"", "not a peerd contact card"},
		"empty body":            {cardPrefix + cardV1, "truncated"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseCard(tc.card)
			if !errors.Is(err, status.ErrInvalidArg) {
				t.Fatalf("got %v, want status.ErrInvalidArg", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("message %q does not contain %q", err, tc.want)
			}
		})
	}
}

func mustSign(t *testing.T, priv crypto.PrivKey, msg []byte) []byte {
	sig, err := priv.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func tooManyAddrs(t *testing.T, c Card) []byte {
	c.Addrs = nil
	for range MaxAddrs + 1 {
		c.Addrs = append(c.Addrs, addr(t, "/ip4/192.0.2.1/tcp/1"))
	}
	return encodeCardBody(c)
}

// changedAddrBytes encodes c with raw bytes as its only address.
func changedAddrBytes(c Card, raw []byte) []byte {
	c.Addrs = nil
	b := append(encodeCardBody(c)[:0:0], encodeCardBody(c)...)
	b[len(b)-1] = 1 // one address
	b = append(b, 0, byte(len(raw)))
	return append(b, raw...)
}

func TestParseCardTruncated(t *testing.T) {
	priv, c := sampleCardContact(t, 1)
	s := mustExport(t, priv, c)
	for n := range len(s) {
		if _, err := ParseCard(s[:n]); !errors.Is(err, status.ErrInvalidArg) {
			t.Fatalf("card truncated to %d of %d bytes: got %v, want status.ErrInvalidArg", n, len(s), err)
		}
	}
}

func TestParseCardRejectsBadPeerIDs(t *testing.T) {
	priv, c := sampleCardContact(t, 1)
	pub, _ := crypto.MarshalPublicKey(priv.GetPublic())
	// The same key with an unknown protobuf field appended: it embeds the
	// right key but is not the ID that key derives.
	padded, _ := mh.Sum(append(bytes.Clone(pub), 0x18, 0x01), mh.IDENTITY, -1)
	hashed, _ := mh.Sum(pub, mh.SHA2_256, -1)
	secp, _, _ := crypto.GenerateSecp256k1Key(rand.Reader)
	secpID, _ := peer.IDFromPrivateKey(secp)
	if _, err := secpID.ExtractPublicKey(); err != nil {
		t.Fatalf("secp256k1 IDs are expected to embed their key: %v", err)
	}
	card := Card{Nickname: c.Nickname}
	for name, tc := range map[string]struct {
		id   peer.ID
		key  crypto.PrivKey
		want string
	}{
		"non-canonical":   {peer.ID(padded), priv, "canonical"},
		"hashed, no key":  {peer.ID(hashed), priv, "does not embed a public key"},
		"secp256k1":       {secpID, priv, "want Ed25519"}, // checked before the signature
		"not a multihash": {peer.ID("garbage"), priv, "invalid peer ID"},
		"empty":           {"", priv, "empty peer ID"},
	} {
		t.Run(name, func(t *testing.T) {
			card.PeerID = tc.id
			_, err := ParseCard(signBody(t, tc.key, encodeCardBody(card)))
			if !errors.Is(err, status.ErrInvalidArg) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want status.ErrInvalidArg mentioning %q", err, tc.want)
			}
		})
	}
}

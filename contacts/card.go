package contacts

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/libp2p/go-libp2p/core/crypto"
	pb "github.com/libp2p/go-libp2p/core/crypto/pb"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"

	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab/status"
)

// The card format is documented in the package documentation.
const (
	cardPrefix = "peerd-card:"
	cardV1     = "v1:"
	// signDomain separates card signatures from anything else the same key
	// signs, so a card signature can never be replayed as another message.
	signDomain = "peerd-card-v1\x00"
	sigLen     = 64 // Ed25519
	// MaxCardLen is the maximum length of a card string, without the
	// surrounding whitespace ParseCard ignores. It bounds the work done on
	// untrusted input and keeps a card pasteable.
	MaxCardLen = 8192
)

var cardEncoding = base64.RawURLEncoding.Strict()

// Card is the content of a verified contact card.
type Card struct {
	PeerID                peer.ID
	Nickname, DisplayName string
	Addrs                 []multiaddr.Multiaddr
}

// Contact returns a contact made from the card, with the user's choice of
// watch and permission (a card does not decide whom the user trusts).
func (c Card) Contact(watch bool, perm Permission) Contact {
	return Contact{
		PeerID:      c.PeerID,
		Nickname:    c.Nickname,
		DisplayName: c.DisplayName,
		Watch:       watch,
		Permission:  perm,
		Addrs:       cloneAddrs(c.Addrs),
	}
}

// ExportCard returns the one-line card of c, signed with priv, which must be
// the Ed25519 key of c.PeerID: only the owner of an identity can vouch for
// its name and addresses. Email, Watch and Permission are not exported.
// Errors wrap status.ErrInvalidArg.
func ExportCard(priv crypto.PrivKey, c Contact) (string, error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	signer, err := identity.FromPrivKey(priv)
	if err != nil {
		return "", status.Errorf(status.ErrInvalidArg, "card: %s", status.Detail(err))
	}
	if signer.ID != c.PeerID {
		return "", status.Errorf(status.ErrInvalidArg, "card: key of %s cannot sign the card of %s", signer.ID, c.PeerID)
	}
	body := encodeCardBody(Card{PeerID: c.PeerID, Nickname: c.Nickname, DisplayName: c.DisplayName, Addrs: c.Addrs})
	sig, err := priv.Sign(signedBytes(body))
	if err != nil {
		return "", fmt.Errorf("card: sign: %w", err)
	}
	s := cardPrefix + cardV1 + cardEncoding.EncodeToString(append(body, sig...))
	if len(s) > MaxCardLen {
		return "", status.Errorf(status.ErrInvalidArg, "card would be %d bytes, more than %d: use fewer or shorter addresses", len(s), MaxCardLen)
	}
	return s, nil
}

// ParseCard decodes and verifies a card produced by ExportCard, ignoring
// surrounding whitespace. It checks the format, the limits of every field
// and the signature against the key in the card's peer ID; any failure is
// an error wrapping status.ErrInvalidArg. A parsed card is authentic (its
// peer ID's owner made it) but says nothing about whether to trust them.
func ParseCard(s string) (Card, error) {
	card, err := parseCard(s)
	if err != nil {
		return Card{}, status.Errorf(status.ErrInvalidArg, "%v", err)
	}
	return card, nil
}

func parseCard(s string) (Card, error) {
	s = strings.TrimSpace(s)
	if len(s) > MaxCardLen {
		return Card{}, fmt.Errorf("card is %d bytes, more than %d", len(s), MaxCardLen)
	}
	rest, ok := strings.CutPrefix(s, cardPrefix)
	if !ok {
		return Card{}, errors.New("not a peerd contact card (no \"peerd-card:\" prefix)")
	}
	rest, ok = strings.CutPrefix(rest, cardV1)
	if !ok {
		version, _, _ := strings.Cut(rest, ":")
		return Card{}, fmt.Errorf("unsupported card version %.16q", version)
	}
	raw, err := cardEncoding.DecodeString(rest)
	if err != nil {
		return Card{}, errors.New("card is not valid base64")
	}
	if len(raw) < sigLen {
		return Card{}, errors.New("card is truncated")
	}
	body, sig := raw[:len(raw)-sigLen], raw[len(raw)-sigLen:]
	card, err := decodeCardBody(body)
	if err != nil {
		return Card{}, err
	}
	pub, err := cardKey(card.PeerID)
	if err != nil {
		return Card{}, err
	}
	if ok, err := pub.Verify(signedBytes(body), sig); err != nil || !ok {
		return Card{}, errors.New("card signature does not verify")
	}
	return card, nil
}

// cardKey returns the Ed25519 key embedded in id. It also requires id to be
// exactly the ID that key derives, so each key has one card identity.
func cardKey(id peer.ID) (crypto.PubKey, error) {
	pub, err := id.ExtractPublicKey()
	if err != nil {
		return nil, errors.New("card peer ID does not embed a public key")
	}
	if pub.Type() != pb.KeyType_Ed25519 {
		return nil, fmt.Errorf("card peer ID has a %v key, want Ed25519", pub.Type())
	}
	if derived, err := peer.IDFromPublicKey(pub); err != nil || derived != id {
		return nil, errors.New("card peer ID is not in canonical form")
	}
	return pub, nil
}

func signedBytes(body []byte) []byte {
	return append([]byte(signDomain), body...)
}

// encodeCardBody encodes a valid card. Validation bounds the text fields
// and the address count well below the uint16 and byte limits; an address
// longer than 65535 bytes would wrap its length prefix, but such a card is
// also far over MaxCardLen, which ExportCard checks on the result.
func encodeCardBody(c Card) []byte {
	var b []byte
	field := func(x []byte) {
		b = binary.BigEndian.AppendUint16(b, uint16(len(x)))
		b = append(b, x...)
	}
	field([]byte(c.PeerID))
	field([]byte(c.Nickname))
	field([]byte(c.DisplayName))
	b = append(b, byte(len(c.Addrs)))
	for _, a := range c.Addrs {
		field(a.Bytes())
	}
	return b
}

// decodeCardBody is the strict inverse of encodeCardBody: every byte must
// be accounted for and every field must be valid.
func decodeCardBody(b []byte) (Card, error) {
	truncated := errors.New("card is truncated")
	field := func() ([]byte, error) {
		if len(b) < 2 {
			return nil, truncated
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, truncated
		}
		x := b[2 : 2+n]
		b = b[2+n:]
		return x, nil
	}
	var c Card
	var texts [3][]byte
	for i := range texts {
		x, err := field()
		if err != nil {
			return Card{}, err
		}
		texts[i] = x
	}
	c.PeerID, c.Nickname, c.DisplayName = peer.ID(texts[0]), string(texts[1]), string(texts[2])
	if err := validatePeerID(c.PeerID); err != nil {
		return Card{}, fmt.Errorf("card: %v", err)
	}
	if err := validateText("nickname", c.Nickname); err != nil {
		return Card{}, fmt.Errorf("card: %v", err)
	}
	if err := validateText("display name", c.DisplayName); err != nil {
		return Card{}, fmt.Errorf("card: %v", err)
	}
	if len(b) < 1 {
		return Card{}, truncated
	}
	n := int(b[0])
	b = b[1:]
	if n > MaxAddrs {
		return Card{}, fmt.Errorf("card has %d addresses, more than %d", n, MaxAddrs)
	}
	for i := range n {
		x, err := field()
		if err != nil {
			return Card{}, err
		}
		a, err := multiaddr.NewMultiaddrBytes(x)
		if err == nil {
			err = validateAddr(a)
		}
		if err != nil {
			return Card{}, fmt.Errorf("card address %d is invalid: %v", i, err)
		}
		c.Addrs = append(c.Addrs, a)
	}
	if len(b) != 0 {
		return Card{}, fmt.Errorf("card has %d bytes of trailing data", len(b))
	}
	return c, nil
}

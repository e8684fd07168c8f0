package contacts

import (
	"errors"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"

	"github.com/peerd/peerd/p2pcollab/status"
)

func TestContactValidate(t *testing.T) {
	id := newPeerID(t)
	valid := Contact{
		PeerID:      id,
		Nickname:    "alice",
		DisplayName: strings.Repeat("é", MaxTextLen), // 255 characters, 510 bytes
		Email:       "alice@example.org",
		Watch:       true,
		Permission:  PermissionAllowed,
		Addrs:       []multiaddr.Multiaddr{addr(t, "/ip4/192.0.2.1/tcp/4001"), addr(t, "/dns/example.org/udp/4001/quic-v1")},
	}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid contact: %v", err)
	}
	if err := (Contact{PeerID: id}).Validate(); err != nil {
		t.Fatalf("contact with only a peer ID: %v", err)
	}
	many := make([]multiaddr.Multiaddr, MaxAddrs+1)
	for i := range many {
		many[i] = addr(t, "/ip4/192.0.2.1/tcp/4001")
	}
	cases := map[string]func(*Contact){
		"empty peer ID":         func(c *Contact) { c.PeerID = "" },
		"invalid peer ID":       func(c *Contact) { c.PeerID = peer.ID("not a multihash") },
		"nickname too long":     func(c *Contact) { c.Nickname = strings.Repeat("a", MaxTextLen+1) },
		"display name too long": func(c *Contact) { c.DisplayName = strings.Repeat("日", MaxTextLen+1) },
		"email too long":        func(c *Contact) { c.Email = strings.Repeat("a", MaxTextLen+1) },
		"invalid UTF-8":         func(c *Contact) { c.Nickname = "a\xffb" },
		"newline":               func(c *Contact) { c.Nickname = "a\nb" },
		"NUL":                   func(c *Contact) { c.DisplayName = "a\x00b" },
		"escape":                func(c *Contact) { c.DisplayName = "\x1b[2J" },
		"DEL":                   func(c *Contact) { c.Email = "a\x7f" },
		"C1 control":            func(c *Contact) { c.Email = "a\u0085" },
		"line separator":        func(c *Contact) { c.Nickname = "a\u2028b" },
		"invalid permission":    func(c *Contact) { c.Permission = 2 },
		"too many addresses":    func(c *Contact) { c.Addrs = many },
		"empty address":         func(c *Contact) { c.Addrs = []multiaddr.Multiaddr{nil} },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			c := valid.clone()
			change(&c)
			if err := c.Validate(); !errors.Is(err, status.ErrInvalidArg) {
				t.Fatalf("got %v, want status.ErrInvalidArg", err)
			}
		})
	}
}

func TestContactCloneSharesNothing(t *testing.T) {
	c := Contact{PeerID: newPeerID(t), Addrs: []multiaddr.Multiaddr{addr(t, "/ip4/192.0.2.1/tcp/1")}}
	d := c.clone()
	d.Addrs[0] = addr(t, "/ip4/192.0.2.2/tcp/2")
	if !c.Addrs[0].Equal(addr(t, "/ip4/192.0.2.1/tcp/1")) {
		t.Fatal("changing a clone's address changed the original")
	}
}

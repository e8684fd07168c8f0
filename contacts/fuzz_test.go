package contacts

import (
	"bytes"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"
)

// FuzzParseCard checks that ParseCard never panics and that every card it
// accepts is canonical: re-encoding it gives back the same body, and, when
// the test knows the signing key, re-exporting it gives back the same
// string, which parses to the same card.
func FuzzParseCard(f *testing.F) {
	keys := map[peer.ID]crypto.PrivKey{}
	for seed := byte(1); seed <= 3; seed++ {
		priv := fixedKey(f, seed)
		id, _ := peer.IDFromPrivateKey(priv)
		keys[id] = priv
	}
	seeds := []Contact{}
	for id := range keys {
		seeds = append(seeds,
			Contact{PeerID: id},
			Contact{PeerID: id, Nickname: "alice", DisplayName: "Alice ✓",
				Addrs: []multiaddr.Multiaddr{addr(f, "/ip4/192.0.2.1/tcp/4001"), addr(f, "/dns/a.example/udp/1/quic-v1/p2p/"+id.String())}},
			Contact{PeerID: id, Nickname: strings.Repeat("🦊", MaxTextLen),
				Addrs: []multiaddr.Multiaddr{addr(f, "/ip6/2001:db8::1/tcp/1"), addr(f, "/unix/tmp/peerd.sock")}},
		)
	}
	for _, c := range seeds {
		s, err := ExportCard(keys[c.PeerID], c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
		f.Add(" \n" + s + "\r\n")
		f.Add(s[:len(s)/2])
	}
	for _, s := range []string{"", "peerd-card:", "peerd-card:v1:", "peerd-card:v2:AAAA", "peerd-card:v1:AAAAAAAA", "peerd-card:v1:====", "\x00\xff"} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, s string) {
		card, err := ParseCard(s)
		if err != nil {
			return
		}
		raw, err := cardEncoding.DecodeString(strings.TrimPrefix(strings.TrimSpace(s), cardPrefix+cardV1))
		if err != nil {
			t.Fatalf("accepted card does not decode: %v", err)
		}
		if body := encodeCardBody(card); !bytes.Equal(body, raw[:len(raw)-sigLen]) {
			t.Fatalf("accepted card re-encodes differently:\n got %x\nwant %x", body, raw[:len(raw)-sigLen])
		}
		if err := card.Contact(false, PermissionBlocked).Validate(); err != nil {
			t.Fatalf("accepted card makes an invalid contact: %v", err)
		}
		priv, ok := keys[card.PeerID]
		if !ok {
			t.Fatalf("accepted a card from %s, whose key the fuzzer cannot have", card.PeerID)
		}
		again, err := ExportCard(priv, card.Contact(false, PermissionBlocked))
		if err != nil {
			t.Fatalf("accepted card cannot be re-exported: %v", err)
		}
		if again != strings.TrimSpace(s) {
			t.Fatalf("re-export differs:\n got %q\nwant %q", again, strings.TrimSpace(s))
		}
		reparsed, err := ParseCard(again)
		if err != nil || !cardsEqual(reparsed, card) {
			t.Fatalf("re-export parses to %+v, %v; want %+v", reparsed, err, card)
		}
	})
}

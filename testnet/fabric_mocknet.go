package testnet

import (
	"fmt"
	"sync"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
	"github.com/multiformats/go-multiaddr"
)

// mockFabric is go-libp2p's mocknet: in-memory streams with no transport
// security and no packets, linked pair by pair, with a latency and a
// bandwidth per link. It cannot lose packets (its streams are reliable)
// and does not count bytes; a partition unlinks the pairs across it and
// closes their connections.
type mockFabric struct {
	s  Scenario
	mn mocknet.Mocknet
	mu sync.Mutex
	id map[int]peer.ID
	// links are the pairs linked so far, to relink after a heal or a
	// restart.
	links map[[2]int]bool
	side  []bool
}

func newMockFabric(s Scenario, n int) *mockFabric {
	mn := mocknet.New()
	mn.SetLinkDefaults(mocknet.LinkOptions{Latency: s.Latency + s.Jitter/2, Bandwidth: float64(s.Bandwidth) / 8})
	return &mockFabric{s: s, mn: mn, id: map[int]peer.ID{}, links: map[[2]int]bool{}}
}

func mockAddr(i int) multiaddr.Multiaddr {
	return multiaddr.StringCast(fmt.Sprintf("/ip4/10.%d.%d.%d/tcp/4001", (i>>16)&0xff, (i>>8)&0xff, i&0xff))
}

func (f *mockFabric) Host(i int, k crypto.PrivKey) (host.Host, error) {
	f.mu.Lock()
	if old := f.id[i]; old != "" { // a restart: drop the old host's links
		for l := range f.links {
			if l[0] == i || l[1] == i {
				other := f.id[l[0]+l[1]-i]
				f.mn.UnlinkPeers(old, other)
			}
		}
	}
	f.mu.Unlock()
	h, err := f.mn.AddPeer(k, mockAddr(i))
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.id[i] = h.ID()
	for l := range f.links {
		if l[0] == i || l[1] == i {
			f.linkLocked(l[0], l[1])
		}
	}
	return h, nil
}

func (f *mockFabric) AddrInfo(i int) peer.AddrInfo {
	return peer.AddrInfo{Addrs: []multiaddr.Multiaddr{mockAddr(i)}}
}

func (f *mockFabric) Link(a, b int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a > b {
		a, b = b, a
	}
	f.links[[2]int{a, b}] = true
	return f.linkLocked(a, b)
}

func (f *mockFabric) linkLocked(a, b int) error {
	if f.side != nil && f.side[a] != f.side[b] {
		return nil
	}
	pa, pb := f.id[a], f.id[b]
	if pa == "" || pb == "" || len(f.mn.LinksBetweenPeers(pa, pb)) > 0 {
		return nil
	}
	_, err := f.mn.LinkPeers(pa, pb)
	return err
}

func (f *mockFabric) Cut(side []bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.side = side
	for l := range f.links {
		a, b := l[0], l[1]
		if side != nil && side[a] != side[b] {
			f.mn.UnlinkPeers(f.id[a], f.id[b])
			f.mn.DisconnectPeers(f.id[a], f.id[b])
		} else {
			f.linkLocked(a, b)
		}
	}
}

func (f *mockFabric) WireBytes() (int64, bool) { return 0, false }

func (f *mockFabric) Close() error { return f.mn.Close() }

package testnet

import (
	"fmt"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Fabric is the simulated network the peers' hosts run on. Peers are
// numbered as in the World. Methods may be called from any goroutine.
type Fabric interface {
	// Host creates peer i's host with key k (again after a restart: the
	// previous host of i must be closed first). The host listens but
	// dials nobody.
	Host(i int, k crypto.PrivKey) (host.Host, error)
	// AddrInfo is how others reach peer i.
	AddrInfo(i int) peer.AddrInfo
	// Link lets peers a and b reach each other (mocknet needs a link per
	// pair; simnet routes between any two addresses).
	Link(a, b int) error
	// Cut drops everything between peers on different sides; nil heals.
	Cut(side []bool)
	// WireBytes is the number of bytes sent on the simulated links so
	// far, and whether the fabric counts them (mocknet does not).
	WireBytes() (int64, bool)
	Close() error
}

// NewFabric returns the scenario's fabric for n peers.
func NewFabric(s Scenario, n int) (Fabric, error) {
	switch s.Network {
	case "simnet":
		return newSimFabric(s, n), nil
	case "mocknet":
		return newMockFabric(s, n), nil
	}
	return nil, fmt.Errorf("unknown network %q", s.Network)
}

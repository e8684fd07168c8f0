package main

import (
	"fmt"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/multiformats/go-multiaddr"
)

// defaultListen listens on every interface, IPv4 and IPv6, TCP and QUIC,
// on ports the system picks, so that two daemons run side by side.
var defaultListen = []string{
	"/ip4/0.0.0.0/tcp/0",
	"/ip4/0.0.0.0/udp/0/quic-v1",
	"/ip6/::/tcp/0",
	"/ip6/::/udp/0/quic-v1",
}

// newHost starts the libp2p host that runs as the user's identity. It is
// the one place where the daemon's host is configured, so that transports,
// NAT traversal or relays are added here and nowhere else. libp2p fails
// only if no address can be listened on, so a machine without IPv6 still
// starts with the defaults.
func newHost(priv crypto.PrivKey, listen []string) (host.Host, error) {
	if len(listen) == 0 {
		listen = defaultListen
	}
	addrs := make([]multiaddr.Multiaddr, 0, len(listen))
	for _, s := range listen {
		a, err := multiaddr.NewMultiaddr(s)
		if err != nil {
			return nil, usagef("--listen %q: %v", s, err)
		}
		addrs = append(addrs, a)
	}
	h, err := libp2p.New(libp2p.Identity(priv), libp2p.ListenAddrs(addrs...),
		// Reaching peers behind NAT: map a port on the router when it
		// lets us, learn our reachability (AutoNAT v2), and punch holes
		// through relayed connections (the relay client is on by default).
		libp2p.NATPortMap(), libp2p.EnableAutoNATv2(), libp2p.EnableHolePunching())
	if err != nil {
		return nil, fmt.Errorf("start libp2p host: %w", err)
	}
	return h, nil
}

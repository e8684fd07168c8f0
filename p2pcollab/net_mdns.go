package p2pcollab

import (
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"
)

// MDNSServiceName is the mDNS service peerd announces and browses.
const MDNSServiceName = "_peerd-p2pcollab._udp"

// MDNSDiscovery returns the near-me Discovery of the daemon: libp2p's
// mDNS service on host h, which announces the host on the local network
// and reports the peers that announce the same service.
func MDNSDiscovery(h host.Host) Discovery { return &mdnsDiscovery{h: h} }

type mdnsDiscovery struct {
	h   host.Host
	svc mdns.Service
}

type mdnsNotifee func(peer.AddrInfo)

func (f mdnsNotifee) HandlePeerFound(ai peer.AddrInfo) { f(ai) }

func (d *mdnsDiscovery) Start(found func(peer.AddrInfo)) error {
	d.svc = mdns.NewMdnsService(d.h, MDNSServiceName, mdnsNotifee(found))
	return d.svc.Start()
}

func (d *mdnsDiscovery) Close() error {
	if d.svc == nil {
		return nil
	}
	return d.svc.Close()
}

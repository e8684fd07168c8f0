package testnet

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	libp2pquic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/quicreuse"
	"github.com/marcopolo/simnet"
	"github.com/multiformats/go-multiaddr"
	"github.com/quic-go/quic-go"
	"go.uber.org/fx"
)

// simFabric is QUIC over github.com/marcopolo/simnet: every peer has an
// endpoint with its own uplink and downlink (bandwidth, FQ-CoDel queue),
// and one router applies the latency and jitter. Loss and partitions are
// applied by a thin wrapper on each endpoint that drops datagrams before
// they enter the network; QUIC retransmits as it would on the internet.
type simFabric struct {
	s     Scenario
	sn    *simnet.Simnet
	start sync.Once
	bytes atomic.Int64
	side  atomic.Pointer[[]bool]
	mu    sync.Mutex
	rng   *rand.Rand // loss; guarded by mu
	// epMu serialises simnet.NewEndpoint, which appends to the simnet's
	// link list without a lock; peers are created in parallel.
	epMu sync.Mutex
}

func newSimFabric(s Scenario, n int) *simFabric {
	f := &simFabric{s: s, rng: rand.New(rand.NewPCG(s.Seed, 0x6c6f7373))} // "loss"
	jrng := rand.New(rand.NewPCG(s.Seed, 0x6a6974))                       // "jit"; only the router goroutine uses it
	f.sn = &simnet.Simnet{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		LatencyFunc: func(*simnet.Packet) time.Duration {
			d := s.Latency
			if s.Jitter > 0 {
				d += time.Duration(jrng.Int64N(int64(s.Jitter)))
			}
			if s.Tick <= 0 {
				return d
			}
			now := time.Now()
			at := now.Add(d)
			on := at.Truncate(s.Tick)
			if on.Before(at) {
				on = on.Add(s.Tick)
			}
			return on.Sub(now)
		},
	}
	return f
}

func simAddr(i int) *net.UDPAddr { return &net.UDPAddr{IP: simnet.IntToPublicIPv4(i), Port: 8000} }

// simIndex inverts simAddr.
func simIndex(a net.Addr) int {
	u, ok := a.(*net.UDPAddr)
	if !ok {
		return -1
	}
	ip := u.IP.To4()
	if ip == nil {
		return -1
	}
	return (int(ip[1])<<16 | int(ip[2])<<8 | int(ip[3])) - 1
}

func (f *simFabric) Host(i int, k crypto.PrivKey) (host.Host, error) {
	f.start.Do(f.sn.Start)
	link := simnet.NodeBiDiLinkSettings{
		Downlink: simnet.LinkSettings{BitsPerSecond: f.s.Bandwidth},
		Uplink:   simnet.LinkSettings{BitsPerSecond: f.s.Bandwidth},
	}
	sel := sourceIP(simAddr(i).IP)
	reuse := []quicreuse.Option{
		quicreuse.OverrideSourceIPSelector(func() (quicreuse.SourceIPSelector, error) { return sel, nil }),
		quicreuse.OverrideListenUDP(func(_ string, addr *net.UDPAddr) (net.PacketConn, error) {
			f.epMu.Lock()
			defer f.epMu.Unlock()
			return &lossyConn{SimConn: f.sn.NewEndpoint(addr, link), f: f, from: i}, nil
		}),
	}
	return libp2p.New(
		libp2p.Identity(k),
		libp2p.ListenAddrs(multiaddr.StringCast(fmt.Sprintf("/ip4/%s/udp/8000/quic-v1", simAddr(i).IP))),
		libp2p.NoTransports,
		libp2p.Transport(libp2pquic.NewTransport),
		libp2p.QUICReuse(func(l fx.Lifecycle, srk quic.StatelessResetKey, tk quic.TokenGeneratorKey, opts ...quicreuse.Option) (*quicreuse.ConnManager, error) {
			cm, err := quicreuse.NewConnManager(srk, tk, opts...)
			if err != nil {
				return nil, err
			}
			l.Append(fx.StopHook(cm.Close))
			return cm, nil
		}, reuse...),
		libp2p.DisableIdentifyAddressDiscovery(),
		libp2p.ResourceManager(&network.NullResourceManager{}),
		libp2p.DisableRelay(),
		libp2p.DisableMetrics(),
		libp2p.Ping(false),
	)
}

// sourceIP is the one address a simulated host sends from.
type sourceIP net.IP

func (s sourceIP) PreferredSourceIPForDestination(*net.UDPAddr) (net.IP, error) {
	return net.IP(s), nil
}

func (f *simFabric) AddrInfo(i int) peer.AddrInfo {
	return peer.AddrInfo{Addrs: []multiaddr.Multiaddr{multiaddr.StringCast(fmt.Sprintf("/ip4/%s/udp/8000/quic-v1", simAddr(i).IP))}}
}

func (f *simFabric) Link(a, b int) error { return nil }

func (f *simFabric) Cut(side []bool) {
	if side == nil {
		f.side.Store(nil)
		return
	}
	f.side.Store(&side)
}

func (f *simFabric) WireBytes() (int64, bool) { return f.bytes.Load(), true }

func (f *simFabric) Close() error {
	f.sn.Close()
	return nil
}

// lossyConn drops datagrams that the loss rate or a partition eats, and
// counts the bytes of the others.
type lossyConn struct {
	*simnet.SimConn
	f    *simFabric
	from int
}

func (c *lossyConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	if sp := c.f.side.Load(); sp != nil {
		side, to := *sp, simIndex(addr)
		if to >= 0 && to < len(side) && c.from < len(side) && side[to] != side[c.from] {
			return len(p), nil
		}
	}
	if c.f.s.Loss > 0 {
		c.f.mu.Lock()
		drop := c.f.rng.Float64() < c.f.s.Loss
		c.f.mu.Unlock()
		if drop {
			return len(p), nil
		}
	}
	c.f.bytes.Add(int64(len(p)))
	return c.SimConn.WriteTo(p, addr)
}

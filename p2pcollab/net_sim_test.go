package p2pcollab

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/uuid"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	lpnet "github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/transport/quicreuse"
	"github.com/libp2p/go-libp2p/x/simlibp2p"
	"github.com/marcopolo/simnet"
	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/identity"
	"github.com/quic-go/quic-go"
	"go.uber.org/fx"
)

// simTest runs f in a synctest bubble: virtual time, so heartbeats and
// timeouts cost nothing, and every goroutine must have ended when f
// returns (a leak fails the test). Under -race, synctest needs
// GOMAXPROCS(1) (golang/go#78156, as in go-libp2p-pubsub's own tests).
func simTest(t *testing.T, f func(t *testing.T)) {
	if raceEnabled {
		prev := runtime.GOMAXPROCS(1)
		t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	}
	synctest.Test(t, f)
}

// simNet is a simulated network of QUIC hosts (marcopolo/simnet through
// go-libp2p's x/simlibp2p) with one-way latency and a switch to cut pairs
// of hosts apart.
type simNet struct {
	t       testing.TB
	sn      *simnet.Simnet
	latency time.Duration
	link    simnet.NodeBiDiLinkSettings

	mu    sync.Mutex
	next  int
	ips   map[peer.ID]int    // a restarted peer gets its address back
	cut   map[[2]string]bool // pairs of IPs that cannot reach each other
	conns map[peer.ID]*simnet.SimConn
}

func newSimNet(t testing.TB) *simNet {
	s := &simNet{
		t:       t,
		latency: 10 * time.Millisecond,
		link: simnet.NodeBiDiLinkSettings{
			Downlink: simnet.LinkSettings{BitsPerSecond: 100 * simlibp2p.OneMbps},
			Uplink:   simnet.LinkSettings{BitsPerSecond: 100 * simlibp2p.OneMbps},
		},
		ips:   make(map[peer.ID]int),
		cut:   make(map[[2]string]bool),
		conns: make(map[peer.ID]*simnet.SimConn),
	}
	s.sn = &simnet.Simnet{LatencyFunc: s.latencyOf}
	s.sn.Start()
	t.Cleanup(s.sn.Close)
	return s
}

// latencyOf delays a packet by the network's latency; a packet between
// hosts that are cut apart is held for an hour, which is as good as lost.
func (s *simNet) latencyOf(p *simnet.Packet) time.Duration {
	a, b := ipOf(p.From), ipOf(p.To)
	s.mu.Lock()
	cut := s.cut[[2]string{a, b}] || s.cut[[2]string{b, a}]
	s.mu.Unlock()
	if cut {
		return time.Hour
	}
	return s.latency
}

func ipOf(a net.Addr) string {
	if u, ok := a.(*net.UDPAddr); ok {
		return u.IP.String()
	}
	return a.String()
}

// partition cuts (or, with cut false, heals) the path between two hosts.
func (s *simNet) partition(a, b host.Host, cut bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := [2]string{hostIP(a), hostIP(b)}
	if cut {
		s.cut[key] = true
	} else {
		delete(s.cut, key)
	}
}

func hostIP(h host.Host) string {
	for _, a := range h.Addrs() {
		if ip, err := a.ValueForProtocol(4 /* P_IP4 */); err == nil {
			return ip
		}
	}
	return ""
}

// newHost returns a QUIC host on the simulated network with identity id,
// at the address that identity had before if it had one (a restart).
func (s *simNet) newHost(id *identity.Identity) host.Host {
	s.t.Helper()
	s.mu.Lock()
	idx, ok := s.ips[id.ID]
	if !ok {
		idx = s.next
		s.next++
		s.ips[id.ID] = idx
	}
	s.mu.Unlock()
	ip := simnet.IntToPublicIPv4(idx)
	var conn *simnet.SimConn
	h, err := libp2p.New(
		libp2p.Identity(id.PrivKey),
		libp2p.ListenAddrStrings(fmt.Sprintf("/ip4/%s/udp/8000/quic-v1", ip)),
		s.quic(func(c *simnet.SimConn) { conn = c }),
		libp2p.DisableIdentifyAddressDiscovery(),
		libp2p.ResourceManager(&lpnet.NullResourceManager{}),
	)
	if err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	s.conns[h.ID()] = conn
	s.mu.Unlock()
	return h
}

// quic is simlibp2p.QUICSimnet, except that it hands the host's simulated
// socket to onListen, for counting the bytes the host sends.
func (s *simNet) quic(onListen func(*simnet.SimConn)) libp2p.Option {
	var ip net.IP
	return libp2p.QUICReuse(
		func(l fx.Lifecycle, statelessResetKey quic.StatelessResetKey, tokenKey quic.TokenGeneratorKey, opts ...quicreuse.Option) (*quicreuse.ConnManager, error) {
			cm, err := quicreuse.NewConnManager(statelessResetKey, tokenKey, opts...)
			if err != nil {
				return nil, err
			}
			l.Append(fx.StopHook(cm.Close))
			return cm, nil
		},
		quicreuse.OverrideSourceIPSelector(func() (quicreuse.SourceIPSelector, error) { return staticIP{&ip}, nil }),
		quicreuse.OverrideListenUDP(func(_ string, addr *net.UDPAddr) (net.PacketConn, error) {
			ip = addr.IP
			c := s.sn.NewEndpoint(addr, s.link)
			onListen(c)
			return c, nil
		}),
	)
}

type staticIP struct{ ip *net.IP }

func (s staticIP) PreferredSourceIPForDestination(*net.UDPAddr) (net.IP, error) { return *s.ip, nil }

// bytesSent returns what host p has put on the wire so far (UDP payload
// bytes, QUIC headers and encryption included).
func (s *simNet) bytesSent(p peer.ID) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.conns[p]; c != nil {
		return c.Stats().BytesSent
	}
	return 0
}

// simPeer is one user: identity, trust list, host and node.
type simPeer struct {
	t      testing.TB
	name   string
	id     *identity.Identity
	store  *contacts.Store
	host   host.Host
	node   *Node
	events EventStream
	closed bool
}

type peerOpt func(*Config)

func testNetConfig() NetConfig {
	return NetConfig{Heartbeat: time.Second, LivenessBeats: 3}
}

// newPeer starts a user on the network, signed in to scope (unless none).
func (s *simNet) newPeer(name string, scope Scope, opts ...peerOpt) *simPeer {
	s.t.Helper()
	id, err := identity.Generate()
	if err != nil {
		s.t.Fatal(err)
	}
	return s.startPeer(name, id, s.t.TempDir(), scope, opts...)
}

func (s *simNet) startPeer(name string, id *identity.Identity, dir string, scope Scope, opts ...peerOpt) *simPeer {
	s.t.Helper()
	store, err := contacts.Open(dir, id)
	if err != nil {
		s.t.Fatal(err)
	}
	cfg := Config{Identity: id, Contacts: store, Host: s.newHost(id), Network: testNetConfig()}
	cfg.Network.DataDir = dir
	for _, o := range opts {
		o(&cfg)
	}
	n, err := NewNode(cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	p := &simPeer{t: s.t, name: name, id: id, store: store, host: cfg.Host, node: n}
	p.events, err = n.Events(context.Background(), EventFilter{})
	if err != nil {
		s.t.Fatal(err)
	}
	if scope != ScopeNone {
		if err := n.SignIn(context.Background(), scope); err != nil {
			s.t.Fatal(err)
		}
	}
	s.t.Cleanup(p.stop)
	return p
}

// stop closes the node, then the host, as the daemon does.
func (p *simPeer) stop() {
	if p.closed {
		return
	}
	p.closed = true
	p.events.Close()
	p.node.Close()
	p.host.Close()
}

// crash closes the host without closing the node first: the peer vanishes
// without a word, as when its daemon is killed.
func (p *simPeer) crash() {
	if p.closed {
		return
	}
	p.closed = true
	p.host.Close()
	p.events.Close()
	p.node.Close()
}

func (p *simPeer) card() string {
	p.t.Helper()
	c, err := p.node.Card(context.Background())
	if err != nil {
		p.t.Fatal(err)
	}
	return c
}

// trust adds other to p's contacts.
func (p *simPeer) trust(other *simPeer, watch, allow bool) {
	p.t.Helper()
	if _, err := p.node.AddContact(context.Background(), other.card(), watch, allow); err != nil {
		p.t.Fatal(err)
	}
}

// befriend makes watcher watch publisher, with the publisher's permission.
func befriend(publisher, watcher *simPeer) {
	publisher.trust(watcher, false, true)
	watcher.trust(publisher, true, false)
}

func (p *simPeer) session() Session {
	p.t.Helper()
	s, err := p.node.OpenSession(context.Background(), p.name+"-app")
	if err != nil {
		p.t.Fatal(err)
	}
	return s
}

func (p *simPeer) set(s Session, id uuid.UUID, data string, scope Scope) {
	p.t.Helper()
	if err := s.SetObject(context.Background(), id, []byte(data), scope); err != nil {
		p.t.Fatal(err)
	}
}

// next returns p's next event of one of the given types, failing the test
// if none comes within d of virtual time.
func (p *simPeer) next(d time.Duration, types ...EventType) Event {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		e, err := p.events.Next(ctx)
		if err != nil {
			p.t.Fatalf("%s: no %v event within %v: %v", p.name, types, d, err)
		}
		for _, t := range types {
			if e.Type == t {
				return e
			}
		}
	}
}

// objectEvent waits for an endpoint_object_changed event.
func (p *simPeer) objectEvent(d time.Duration) Event {
	p.t.Helper()
	return p.next(d, EventEndpointObjectChanged)
}

// noEvent checks that no event of the given types arrives within d.
func (p *simPeer) noEvent(d time.Duration, types ...EventType) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		e, err := p.events.Next(ctx)
		if err != nil {
			return
		}
		for _, t := range types {
			if e.Type == t {
				p.t.Fatalf("%s: got %v %v from %s, want none", p.name, e.Type, e.Change, e.Peer)
			}
		}
	}
}

// objectsOf returns what p sees of other's objects.
func (p *simPeer) objectsOf(other *simPeer) []Object {
	p.t.Helper()
	objs, err := p.node.Objects(context.Background(), ObjectQuery{Peer: other.id.ID})
	if err != nil {
		p.t.Fatal(err)
	}
	return objs
}

func wantObjectEvent(t *testing.T, e Event, change Change, from peer.ID, id uuid.UUID, data string) {
	t.Helper()
	if e.Type != EventEndpointObjectChanged || e.Change != change || e.Peer != from || e.ObjectID != id || e.Object == nil {
		t.Fatalf("got %v %v from %s object %s, want endpoint_object_changed %v from %s object %s", e.Type, e.Change, e.Peer, e.ObjectID, change, from, id)
	}
	if change != ChangeDeleted && string(e.Object.Data) != data {
		t.Fatalf("got data %q, want %q", e.Object.Data, data)
	}
}

func mustIdentity(t testing.TB) *identity.Identity {
	t.Helper()
	id, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (n *Node) host() host.Host { return n.cfg.Host }

// netStats returns p's network counters.
func (p *simPeer) netStats() NetStats {
	p.t.Helper()
	st, err := p.node.NetStats(context.Background())
	if err != nil {
		p.t.Fatal(err)
	}
	return st
}

// await waits until every condition has matched one of p's events, in any
// order (messages of one publisher may be validated in parallel, so the
// events they cause need not keep the publisher's order across types).
func (p *simPeer) await(d time.Duration, conds ...func(Event) bool) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	done := make([]bool, len(conds))
	left := len(conds)
	for left > 0 {
		e, err := p.events.Next(ctx)
		if err != nil {
			p.t.Fatalf("%s: %d of %d expected events missing after %v", p.name, left, len(conds), d)
		}
		for i, c := range conds {
			if !done[i] && c(e) {
				done[i] = true
				left--
				break
			}
		}
	}
}

func isObject(change Change, from peer.ID, id uuid.UUID) func(Event) bool {
	return func(e Event) bool {
		return e.Type == EventEndpointObjectChanged && e.Change == change && e.Peer == from && e.ObjectID == id
	}
}

func isPresence(from peer.ID, s PresenceStatus) func(Event) bool {
	return func(e Event) bool {
		return e.Type == EventEndpointPresenceChanged && e.Peer == from && e.Presence.Status == s
	}
}

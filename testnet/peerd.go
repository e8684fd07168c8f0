package testnet

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab"
)

// peerdDriver runs a real *p2pcollab.Node on every honest peer: its own
// identity, a contact store made from the other side's signed cards, the
// network layer with the fabric's host, and one application session.
// Watchers report endpoint_object_changed events to the tracker.
type peerdDriver struct {
	w    *World
	t    *Tracker
	wire *wireTracer
	dir  string
	// cards[i] is peer i's signed contact card, parsed.
	cards []contacts.Card

	mu    sync.Mutex
	peers []*peerdPeer
}

type peerdPeer struct {
	node   *p2pcollab.Node
	sess   p2pcollab.Session
	events p2pcollab.EventStream
	wg     sync.WaitGroup
}

func newPeerdDriver(w *World, t *Tracker, wt *wireTracer, dir string, addr func(int) peer.AddrInfo) (*peerdDriver, error) {
	d := &peerdDriver{w: w, t: t, wire: wt, dir: dir, cards: make([]contacts.Card, len(w.IDs)), peers: make([]*peerdPeer, len(w.IDs))}
	for i := range w.Honest {
		c := contacts.Contact{PeerID: w.IDs[i], Nickname: "peer" + strconv.Itoa(i), Addrs: addr(i).Addrs}
		text, err := contacts.ExportCard(w.Keys[i], c)
		if err != nil {
			return nil, err
		}
		if d.cards[i], err = contacts.ParseCard(text); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *peerdDriver) scope(p int) p2pcollab.Scope {
	if d.w.Subnet[p] >= 0 {
		return p2pcollab.ScopeAll
	}
	return p2pcollab.ScopeInternet
}

func (d *peerdDriver) Start(i int, h host.Host) error {
	ctx := context.Background()
	id, err := identity.FromPrivKey(d.w.Keys[i])
	if err != nil {
		return err
	}
	dir := filepath.Join(d.dir, strconv.Itoa(i))
	store, err := contacts.Open(dir, id)
	if err != nil {
		return err
	}
	if len(store.List()) == 0 { // first start: the trust edges
		var cs []contacts.Contact
		for _, c := range d.w.Contacts[i] {
			perm := contacts.PermissionBlocked
			if c.Allow {
				perm = contacts.PermissionAllowed
			}
			cs = append(cs, d.cards[c.Peer].Contact(c.Watch, perm))
		}
		if err := store.Add(cs...); err != nil {
			return err
		}
	}
	cfg := p2pcollab.NetConfig{
		DataDir:       dir,
		PubSubOptions: []pubsub.Option{pubsub.WithRawTracer(d.wire)},
	}
	if d.w.S.Adversaries > 0 {
		// Replays must reach our validator, not die in the seen-cache.
		cfg.PubSubOptions = append(cfg.PubSubOptions, pubsub.WithSeenMessagesTTL(2*time.Second))
	}
	if sn := d.w.Subnet[i]; sn >= 0 {
		cfg.Discovery = &subnetDiscovery{d: d, self: i}
	}
	node, err := p2pcollab.NewNode(p2pcollab.Config{Identity: id, Contacts: store, Host: h, Network: cfg, EventQueue: 4096})
	if err != nil {
		return err
	}
	pp := &peerdPeer{node: node}
	fail := func(err error) error {
		node.Close()
		return err
	}
	if pp.events, err = node.Events(ctx, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventEndpointObjectChanged}}); err != nil {
		return fail(err)
	}
	scope := p2pcollab.ScopeInternet
	if d.w.Subnet[i] >= 0 {
		scope = p2pcollab.ScopeAll
	}
	if err := node.SignIn(ctx, scope); err != nil {
		return fail(err)
	}
	if pp.sess, err = d.openSession(i, node); err != nil {
		return fail(err)
	}
	pp.wg.Add(1)
	go func() {
		defer pp.wg.Done()
		for {
			e, err := pp.events.Next(ctx)
			if err != nil {
				return
			}
			if e.Type == p2pcollab.EventOverflow {
				d.t.overflow(e.Dropped)
				continue
			}
			if e.Object != nil {
				d.t.Observed(i, e.Peer, e.Object.Data, e.Change == p2pcollab.ChangeDeleted, 0)
			}
		}
	}()
	d.mu.Lock()
	d.peers[i] = pp
	d.mu.Unlock()
	return nil
}

// openSession opens peer i's application session. On a subnet the
// application subscribes to the subnet's other members, whose near-me
// objects are shown only to subscribers; the subscriptions belong to the
// session, so a new session after a kill must make them again.
func (d *peerdDriver) openSession(i int, node *p2pcollab.Node) (p2pcollab.Session, error) {
	ctx := context.Background()
	s, err := node.OpenSession(ctx, "testnet")
	if err != nil {
		return nil, err
	}
	if sn := d.w.Subnet[i]; sn >= 0 {
		for _, m := range d.w.Subnets[sn] {
			if m != i {
				if err := s.SubscribeEndpoint(ctx, d.w.IDs[m]); err != nil {
					s.Close()
					return nil, err
				}
			}
		}
	}
	return s, nil
}

func (d *peerdDriver) peer(p int) (*peerdPeer, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.peers[p] == nil {
		return nil, fmt.Errorf("peer %d is not running", p)
	}
	return d.peers[p], nil
}

func (d *peerdDriver) Set(p, o int, data []byte) error {
	pp, err := d.peer(p)
	if err != nil {
		return err
	}
	return pp.sess.SetObject(context.Background(), objectID(d.w.S.Seed, p, o), data, d.scope(p))
}

func (d *peerdDriver) Delete(p, o int, _ uint32) error {
	pp, err := d.peer(p)
	if err != nil {
		return err
	}
	return pp.sess.DeleteObject(context.Background(), objectID(d.w.S.Seed, p, o))
}

func (d *peerdDriver) Kill(p int, _ map[int]uint32) error {
	pp, err := d.peer(p)
	if err != nil {
		return err
	}
	return pp.sess.Close()
}

func (d *peerdDriver) Resume(p int) error {
	pp, err := d.peer(p)
	if err != nil {
		return err
	}
	s, err := d.openSession(p, pp.node)
	if err != nil {
		return err
	}
	d.mu.Lock()
	pp.sess = s
	d.mu.Unlock()
	return nil
}

func (d *peerdDriver) Stop(p int, _ map[int]uint32) error {
	d.mu.Lock()
	pp := d.peers[p]
	d.peers[p] = nil
	d.mu.Unlock()
	if pp == nil {
		return nil
	}
	err := pp.node.Close()
	pp.events.Close()
	pp.wg.Wait()
	return err
}

func (d *peerdDriver) Revoke(p, x int) error {
	pp, err := d.peer(p)
	if err != nil {
		return err
	}
	blocked := contacts.PermissionBlocked
	_, err = pp.node.UpdateContact(context.Background(), d.w.IDs[x], p2pcollab.ContactUpdate{Permission: &blocked})
	return err
}

func (d *peerdDriver) Close() error {
	var wg sync.WaitGroup
	for i := range d.peers {
		wg.Add(1)
		go func() { defer wg.Done(); d.Stop(i, nil) }()
	}
	wg.Wait()
	return nil
}

// subnetDiscovery is near-me discovery on a shared subnet: it finds the
// subnet's other members at once.
type subnetDiscovery struct {
	d    *peerdDriver
	self int
}

func (s *subnetDiscovery) Start(found func(peer.AddrInfo)) error {
	for _, m := range s.d.w.Subnets[s.d.w.Subnet[s.self]] {
		if m != s.self {
			found(peer.AddrInfo{ID: s.d.w.IDs[m], Addrs: s.d.cards[m].Addrs})
		}
	}
	return nil
}

func (s *subnetDiscovery) Close() error { return nil }

// netStats sums the network counters of the peers that are up.
func (d *peerdDriver) netStats() p2pcollab.NetStats {
	d.mu.Lock()
	peers := slices.Clone(d.peers)
	d.mu.Unlock()
	var sum p2pcollab.NetStats
	for _, pp := range peers {
		if pp == nil {
			continue
		}
		if ns, err := pp.node.NetStats(context.Background()); err == nil {
			sum.Add(ns)
		}
	}
	return sum
}

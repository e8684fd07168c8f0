package p2pcollab

import (
	"context"
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab/internal/seal"
	"github.com/peerd/peerd/p2pcollab/internal/view"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

// netLayer is the node's shell around libp2p: gossipsub topics, direct
// streams, dialing and timers. Its state is split by who may touch it:
//
//   - fields marked "n.mu" are read and written only with the node's lock
//     held, together with the registry, so that what the node publishes
//     and the events it raises follow one order;
//   - fields marked "loop" belong to the control goroutine alone;
//   - the rest is set in startNetwork and read-only afterwards.
//
// Nothing calls into libp2p (pubsub, host, streams) with n.mu held: pubsub
// calls our validator and subscription filter from its own goroutines, and
// those take n.mu or the contact store's lock, so holding n.mu across a
// pubsub call could deadlock.
type netLayer struct {
	n      *Node
	cfg    NetConfig
	h      host.Host
	self   peer.ID
	ps     *pubsub.PubSub
	own    [3]*pubsub.Topic // indexed by wire.Channel: our own topics
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	kickC  chan struct{} // wakes the control loop
	sendC  chan struct{} // wakes the sender
	stats  netCounters
	notify *network.NotifyBundle

	// Publisher side (n.mu).
	epoch       uint64
	logs        [3]*view.Log // indexed by wire.Channel
	live        [3]bool      // channel signed in: publishing and sending digests
	lastSent    [3]time.Time // last update or digest queued on the channel
	keys        *seal.Keyring
	outbox      []outMsg
	queued      uint64                  // messages put in the outbox and not dropped
	sent        uint64                  // messages the sender has published (or failed to)
	allowed     map[peer.ID]bool        // allowed watchers as of the last trust-list change
	grantTo     map[peer.ID]*grantState // watchers owed the current key, until it is pushed
	resetTo     map[peer.ID]bool        // peers whose connection must be reset
	serving     map[pullReq]bool        // snapshot pulls being answered
	presence    Presence                // the user's presence, as last published
	presenceVer uint64                  // its version in this epoch; 0 before the first

	// Watcher side (n.mu).
	remotes map[peer.ID]*remote
	grants  seal.Grants
	pullSeq uint64 // ids of background pulls
	subSeq  uint64 // the Registry's SubscriptionSeq last followed

	// topics maps the name of every topic the node has joined to its
	// channel and publisher, so that validating a message does not decode
	// the peer ID in its topic name again (base58, then re-encoded to
	// check the canonical form) each time. Written by the control loop,
	// read by validators.
	topics sync.Map // string -> topicRef

	// Control loop (loop).
	subs      map[string]*topicSub
	dials     map[peer.ID]*dialState
	protected map[peer.ID]bool
	// keep is the contacts the node keeps connected, as of the contact
	// store's generation keepGen (see dialContacts).
	keep    map[peer.ID]contacts.Contact
	keepGen uint64
}

// outMsg is one encoded gossip message waiting for the sender.
type outMsg struct {
	ch   wire.Channel
	data []byte
}

// channels lists the two channels in the order events about both are
// processed: near-me first, so that an object published on both reaches
// the internet view last and the internet copy wins (see remote.exposed).
var channels = [...]wire.Channel{wire.NearMe, wire.Internet}

// channelScope is the sign-in scope a channel needs.
func channelScope(ch wire.Channel) Scope {
	if ch == wire.Internet {
		return ScopeInternet
	}
	return ScopeNearMe
}

// contactTag protects connections to contacts in the connection manager.
const contactTag = "p2pcollab-contact"

// startNetwork attaches n to its host. It runs before NewNode returns, so
// nothing else holds n yet.
func startNetwork(n *Node) (*netLayer, error) {
	cfg := n.cfg.Network.withDefaults()
	epoch, err := startEpoch(cfg, time.Now())
	if err != nil {
		return nil, err
	}
	keys, err := seal.NewKeyring(n.cfg.Identity.ID, epoch, nil)
	if err != nil {
		return nil, err
	}
	nw := &netLayer{
		n:         n,
		cfg:       cfg,
		h:         n.cfg.Host,
		self:      n.cfg.Identity.ID,
		kickC:     make(chan struct{}, 1),
		sendC:     make(chan struct{}, 1),
		epoch:     epoch,
		keys:      keys,
		allowed:   make(map[peer.ID]bool),
		grantTo:   make(map[peer.ID]*grantState),
		resetTo:   make(map[peer.ID]bool),
		serving:   make(map[pullReq]bool),
		remotes:   make(map[peer.ID]*remote),
		subs:      make(map[string]*topicSub),
		dials:     make(map[peer.ID]*dialState),
		protected: make(map[peer.ID]bool),
	}
	for _, ch := range channels {
		if nw.logs[ch], err = view.NewLog(ch, epoch); err != nil {
			return nil, err
		}
	}
	for _, id := range n.cfg.Contacts.Watchers() {
		nw.allowed[id] = true
	}
	nw.ctx, nw.cancel = context.WithCancel(context.Background())
	opts := []pubsub.Option{
		pubsub.WithMessageSignaturePolicy(pubsub.StrictSign),
		pubsub.WithDefaultValidator(pubsub.ValidatorEx(nw.validate)),
		pubsub.WithSubscriptionFilter(subscriptionFilter{nw}),
		pubsub.WithValidateQueueSize(cfg.ValidateQueue),
		pubsub.WithPeerOutboundQueueSize(cfg.OutboundQueue),
		pubsub.WithRawTracer(&nw.stats),
		// A publisher sends its own messages straight to every subscriber
		// its filter admitted: its watchers are its direct peers (a star),
		// and with gossipsub's default (fanout to D=6) the others would
		// wait for relays or for gossip at the next heartbeat.
		pubsub.WithFloodPublish(true),
	}
	nw.ps, err = pubsub.NewGossipSub(nw.ctx, nw.h, append(opts, cfg.PubSubOptions...)...)
	if err != nil {
		nw.cancel()
		return nil, status.Errorf(status.ErrServiceNotAvailable, "starting gossipsub: %v", err)
	}
	for _, ch := range channels {
		name := wire.Topic(ch, nw.self)
		nw.topics.Store(name, topicRef{ch, nw.self})
		if nw.own[ch], err = nw.ps.Join(name); err != nil {
			nw.cancel()
			return nil, status.Errorf(status.ErrServiceNotAvailable, "joining our own topic: %v", err)
		}
	}
	for _, ch := range channels {
		ch := ch
		nw.h.SetStreamHandler(protocol.ID(wire.SyncProtocol(ch)), func(s network.Stream) { nw.serveSync(ch, s) })
	}
	nw.h.SetStreamHandler(wire.KeyProtocol, nw.serveKey)
	nw.notify = &network.NotifyBundle{ConnectedF: func(_ network.Network, c network.Conn) { nw.connected(c) }}
	nw.h.Network().Notify(nw.notify)
	if cfg.Discovery != nil {
		if err := cfg.Discovery.Start(nw.found); err != nil {
			nw.stopHandlers()
			nw.cancel()
			return nil, status.Errorf(status.ErrServiceNotAvailable, "starting near-me discovery: %v", err)
		}
	}
	nw.wg.Add(2)
	go nw.sendLoop()
	go nw.controlLoop()
	return nw, nil
}

// kick wakes the control loop; it never blocks.
func (nw *netLayer) kick() {
	select {
	case nw.kickC <- struct{}{}:
	default:
	}
}

func (nw *netLayer) stopHandlers() {
	for _, ch := range channels {
		nw.h.RemoveStreamHandler(protocol.ID(wire.SyncProtocol(ch)))
	}
	nw.h.RemoveStreamHandler(wire.KeyProtocol)
	nw.h.Network().StopNotify(nw.notify)
}

// close stops the network: what is in the outbox (the deletions of a
// shutdown) is sent first, for up to flushTimeout, then every goroutine
// stops. Called without n.mu.
func (nw *netLayer) close() {
	if nw.cfg.Discovery != nil {
		nw.cfg.Discovery.Close()
	}
	nw.flush(flushTimeout)
	nw.stopHandlers()
	nw.cancel()
	nw.wg.Wait()
	for _, s := range nw.subs {
		s.close()
	}
	for _, t := range nw.own {
		if t != nil {
			t.Close()
		}
	}
}

// flushTimeout bounds how long Close waits for the last messages to leave.
const flushTimeout = 2 * time.Second

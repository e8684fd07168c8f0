package p2pcollab

import (
	"context"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab/internal/view"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// validate is gossipsub's validator for every topic. StrictSign has
// already checked that msg was signed by its author; here the author must
// be the topic's publisher, the payload well-formed and within the limits
// (wire.DecodeGossip), and the message fresh against what this node holds
// of that publisher (view.View.Check). Malformed or forged messages are
// rejected, which penalises the peer that relayed them; stale ones are
// ignored, since an honest relay may forward a message late.
func (nw *netLayer) validate(_ context.Context, _ peer.ID, msg *pubsub.Message) pubsub.ValidationResult {
	g, err := nw.decodeGossip(msg)
	if err != nil {
		nw.stats.rejected.Add(1)
		return pubsub.ValidationReject
	}
	// Subscribers get this same *Message: deliver uses the decoding.
	msg.ValidatorData = g
	if g.Publisher == nw.self {
		return pubsub.ValidationAccept
	}
	nw.n.mu.Lock()
	defer nw.n.mu.Unlock()
	r := nw.remotes[g.Publisher]
	if r == nil {
		return pubsub.ValidationAccept
	}
	v := &r.ch[g.Channel].view
	switch g.Type {
	case wire.TypeUpdate:
		switch verdict, _ := v.Check(g.Update); verdict {
		case view.Stale:
			nw.stats.stale.Add(1)
			return pubsub.ValidationIgnore
		case view.Invalid:
			nw.stats.rejected.Add(1)
			return pubsub.ValidationReject
		}
	case wire.TypeDigest:
		if !v.FreshDigest(g.Digest) {
			nw.stats.stale.Add(1)
			return pubsub.ValidationIgnore
		}
	case wire.TypePresence:
		if !r.ch[g.Channel].presence.fresh(g.Presence) {
			return pubsub.ValidationIgnore // an old one relayed late: not counted
		}
	}
	return pubsub.ValidationAccept
}

// topicRef is a topic name parsed: whose topic, which channel.
type topicRef struct {
	ch        wire.Channel
	publisher peer.ID
}

// decodeGossip decodes a message on one of the topics the node has joined.
func (nw *netLayer) decodeGossip(msg *pubsub.Message) (*wire.Gossip, error) {
	var ref topicRef
	if v, ok := nw.topics.Load(msg.GetTopic()); ok {
		ref = v.(topicRef)
	} else {
		// Left just now: decode the name, as for any other topic.
		ch, p, err := wire.ParseTopic(msg.GetTopic())
		if err != nil {
			return nil, err
		}
		ref = topicRef{ch, p}
	}
	g, err := wire.DecodeGossipOn(ref.ch, ref.publisher, msg.GetFrom(), msg.GetData())
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// maxSubsPerRPC bounds the subscriptions one RPC may announce: a node
// follows its contacts and near-me peers, nowhere near this many.
const maxSubsPerRPC = 4096

// subscriptionFilter keeps the node from tracking subscriptions it must
// not serve. Above all, a peer that is not an allowed watcher never enters
// the peer table of our own internet topic, so gossipsub never sends it
// that topic on any path (flood publish included). The filter only sees
// subscriptions as they arrive: when a watcher is revoked the node also
// resets its connection (see trustChanged), and the key rotation keeps
// whatever still reaches it unreadable.
type subscriptionFilter struct{ nw *netLayer }

func (f subscriptionFilter) CanSubscribe(topic string) bool {
	_, _, err := wire.ParseTopic(topic)
	return err == nil
}

func (f subscriptionFilter) FilterIncomingSubscriptions(from peer.ID, subs []*pb.RPC_SubOpts) ([]*pb.RPC_SubOpts, error) {
	if len(subs) > maxSubsPerRPC {
		return nil, pubsub.ErrTooManySubscriptions
	}
	out := subs[:0:0]
	for _, s := range subs {
		ch, p, err := wire.ParseTopic(s.GetTopicid())
		if err != nil {
			continue
		}
		if s.GetSubscribe() && p == f.nw.self && ch == wire.Internet && !f.nw.mayWatch(from) {
			f.nw.stats.filtered.Add(1)
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// mayWatch reports whether p is allowed to watch the user's internet
// channel. It reads the contact store, not n.mu: pubsub calls the filter
// from its event loop.
func (nw *netLayer) mayWatch(p peer.ID) bool {
	c, err := nw.n.cfg.Contacts.Get(p)
	return err == nil && p != nw.self && c.Permission == contacts.PermissionAllowed
}

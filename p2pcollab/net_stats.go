package p2pcollab

import (
	"sync/atomic"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// NetStats counts what the network layer dropped, refused or retried
// since the node started. Drops are the point: gossipsub loses messages
// silently when a queue overflows, and these counters make that visible.
type NetStats struct {
	// ValidateQueueDrops: messages dropped because the validation queue
	// was full or throttled.
	ValidateQueueDrops uint64
	// OutboundDrops: RPCs dropped because a peer's outbound queue was full.
	OutboundDrops uint64
	// SubscriptionDrops: messages a subscription could not buffer.
	SubscriptionDrops uint64
	// OutboxDrops: own messages dropped before publication (outbox full).
	OutboxDrops uint64
	// Rejected: messages the validator rejected (forged, malformed, over
	// the limits). Stale: messages ignored as replays or duplicates.
	Rejected, Stale uint64
	// Undecryptable: internet updates that did not open under a held key.
	Undecryptable uint64
	// Filtered: subscriptions to our internet topic refused by the filter.
	// Refused: snapshot pulls refused because the peer may not watch.
	Filtered, Refused uint64
	// KeyRotations counts rotations of the internet key; KeyGrants the
	// keys received from publishers (pushed, not with a snapshot).
	KeyRotations, KeyGrants uint64
	// Snapshots counts the snapshots pulled and applied.
	Snapshots uint64
	// PullFailures, DialFailures and PublishErrors count retried failures;
	// InternalErrors counts what should never happen.
	PullFailures, DialFailures, PublishErrors, InternalErrors uint64
	// GrantFailures counts key grants that could not be pushed (retried).
	GrantFailures uint64
	// StaleConns counts older connections to a peer closed because the
	// peer connected again: its side of them was gone.
	StaleConns uint64
}

// Add adds o's counts to s, to sum the stats of many nodes.
func (s *NetStats) Add(o NetStats) {
	s.ValidateQueueDrops += o.ValidateQueueDrops
	s.OutboundDrops += o.OutboundDrops
	s.SubscriptionDrops += o.SubscriptionDrops
	s.OutboxDrops += o.OutboxDrops
	s.Rejected += o.Rejected
	s.Stale += o.Stale
	s.Undecryptable += o.Undecryptable
	s.Filtered += o.Filtered
	s.Refused += o.Refused
	s.KeyRotations += o.KeyRotations
	s.KeyGrants += o.KeyGrants
	s.Snapshots += o.Snapshots
	s.PullFailures += o.PullFailures
	s.DialFailures += o.DialFailures
	s.PublishErrors += o.PublishErrors
	s.InternalErrors += o.InternalErrors
	s.GrantFailures += o.GrantFailures
	s.StaleConns += o.StaleConns
}

// netCounters is the live form of NetStats, and gossipsub's RawTracer.
type netCounters struct {
	validateDrops, outboundDrops, subscriptionDrops, outboxDrops atomic.Uint64
	rejected, stale, undecryptable, filtered, refused, rotations atomic.Uint64
	grants, snapshots                                            atomic.Uint64
	pullFailures, dialFailures, publishErrors, internalErrors    atomic.Uint64
	grantFailures, staleConns                                    atomic.Uint64
}

func (c *netCounters) snapshot() NetStats {
	return NetStats{
		ValidateQueueDrops: c.validateDrops.Load(),
		OutboundDrops:      c.outboundDrops.Load(),
		SubscriptionDrops:  c.subscriptionDrops.Load(),
		OutboxDrops:        c.outboxDrops.Load(),
		Rejected:           c.rejected.Load(),
		Stale:              c.stale.Load(),
		Undecryptable:      c.undecryptable.Load(),
		Filtered:           c.filtered.Load(),
		Refused:            c.refused.Load(),
		KeyRotations:       c.rotations.Load(),
		KeyGrants:          c.grants.Load(),
		Snapshots:          c.snapshots.Load(),
		PullFailures:       c.pullFailures.Load(),
		DialFailures:       c.dialFailures.Load(),
		PublishErrors:      c.publishErrors.Load(),
		InternalErrors:     c.internalErrors.Load(),
		GrantFailures:      c.grantFailures.Load(),
		StaleConns:         c.staleConns.Load(),
	}
}

var _ pubsub.RawTracer = (*netCounters)(nil)

func (c *netCounters) RejectMessage(_ *pubsub.Message, reason string) {
	switch reason {
	case pubsub.RejectValidationQueueFull, pubsub.RejectValidationThrottled:
		c.validateDrops.Add(1)
	}
}
func (c *netCounters) DropRPC(*pubsub.RPC, peer.ID)                         { c.outboundDrops.Add(1) }
func (c *netCounters) UndeliverableMessage(*pubsub.Message)                 { c.subscriptionDrops.Add(1) }
func (c *netCounters) AddPeer(peer.ID, protocol.ID)                         {}
func (c *netCounters) RemovePeer(peer.ID)                                   {}
func (c *netCounters) OnNewOutboundStream(peer.ID, protocol.ID)             {}
func (c *netCounters) OnClosedOutboundStream(peer.ID)                       {}
func (c *netCounters) Join(string)                                          {}
func (c *netCounters) Leave(string)                                         {}
func (c *netCounters) Graft(peer.ID, string)                                {}
func (c *netCounters) Prune(peer.ID, string)                                {}
func (c *netCounters) ValidateMessage(*pubsub.Message)                      {}
func (c *netCounters) DeliverMessage(*pubsub.Message)                       {}
func (c *netCounters) DuplicateMessage(*pubsub.Message)                     {}
func (c *netCounters) ThrottlePeer(peer.ID)                                 {}
func (c *netCounters) RecvRPC(*pubsub.RPC)                                  {}
func (c *netCounters) SendRPC(*pubsub.RPC, peer.ID)                         {}
func (c *netCounters) SendRPCCompleted(*pubsub.RPC, peer.ID, time.Duration) {}

package p2pcollab

import (
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
)

// NetConfig tunes the network layer of a Node that has a Host. The zero
// value is ready to use; each zero field takes the default named beside it.
type NetConfig struct {
	// Epoch is this run's publisher epoch. It must grow across restarts
	// so that watchers can tell this run's updates from replays of an
	// earlier one. 0: read the last epoch from DataDir, take the next one
	// (view.NextEpoch) and persist it before publishing anything; without
	// a DataDir, the current Unix time in nanoseconds.
	Epoch uint64
	// DataDir is where the epoch is persisted (file EpochFile).
	DataDir string

	// Heartbeat is the period of the node's housekeeping (digests,
	// liveness, retries, dialing). Default DefaultHeartbeat.
	Heartbeat time.Duration
	// DigestBeats is how quiet a signed-in channel must have been before
	// the publisher sends a digest (with its presence version) on it: a
	// heartbeat sends one when the channel has sent neither an update nor
	// a digest for the last DigestBeats heartbeats less half a heartbeat,
	// so a live channel is never silent for more than DigestBeats + 1/2
	// heartbeats, and a busy one (an update every beat) sends none: its
	// updates prove it alive and tell its position. Default
	// DefaultDigestBeats; 1 sends a digest on every heartbeat that carried
	// no update in its second half.
	DigestBeats int
	// LivenessBeats is how many heartbeats a watcher waits without a
	// fresh message from a publisher before it deletes the publisher's
	// objects and marks it offline. It is raised to at least
	// DigestBeats + 1, the most a live publisher stays silent. Default
	// DefaultLivenessBeats, which lets one digest in a row be lost.
	LivenessBeats int
	// RequestTimeout bounds SubscribeEndpoint and RefreshEndpoint, and
	// every snapshot pull. Default DefaultRequestTimeout (the original's
	// 30 seconds).
	RequestTimeout time.Duration
	// StreamTimeout is the deadline of one direct stream (a snapshot or
	// a key grant). Default DefaultStreamTimeout.
	StreamTimeout time.Duration
	// DialBackoffMin and DialBackoffMax bound the exponential backoff
	// between attempts to dial a contact. Defaults 1 s and 5 min.
	DialBackoffMin, DialBackoffMax time.Duration

	// Discovery finds peers on the local network for near-me. nil: the
	// node finds no near-me peers by itself (SubscribeEndpoint still
	// works for peers it can reach).
	Discovery Discovery

	// ValidateQueue, OutboundQueue and SubscriptionBuffer size gossipsub's
	// queues (defaults DefaultValidateQueue, DefaultOutboundQueue,
	// DefaultSubscriptionBuffer). gossipsub drops messages silently when
	// they overflow; Node.NetStats counts the drops.
	ValidateQueue, OutboundQueue, SubscriptionBuffer int

	// PubSubOptions are appended to the node's own gossipsub options, so
	// they win; tests use them to shorten the seen-messages cache.
	PubSubOptions []pubsub.Option
}

// Defaults of NetConfig.
const (
	DefaultHeartbeat   = time.Second
	DefaultDigestBeats = 3
	// DefaultLivenessBeats (2 x DigestBeats + 1) lets one digest in a row
	// be lost: a live channel is then silent for at most 3.5 + 3 beats.
	DefaultLivenessBeats  = 7
	DefaultRequestTimeout = 30 * time.Second
	DefaultStreamTimeout  = 10 * time.Second

	// The gossipsub defaults are 32 each, which a publisher with 128
	// objects overflows in one sign-in burst (libp2p-notes.md measured
	// losses at 32 and none at 1024). A watcher's subscription buffer
	// holds a full burst from one publisher several times over; the
	// validate queue serves every topic at once, so it is the largest.
	DefaultValidateQueue      = 4096
	DefaultOutboundQueue      = 1024
	DefaultSubscriptionBuffer = 1024
)

// EpochFile is the file in NetConfig.DataDir that holds the last epoch.
const EpochFile = "p2pcollab-epoch"

func (c NetConfig) withDefaults() NetConfig {
	if c.Heartbeat <= 0 {
		c.Heartbeat = DefaultHeartbeat
	}
	if c.DigestBeats <= 0 {
		c.DigestBeats = DefaultDigestBeats
	}
	if c.LivenessBeats <= 0 {
		c.LivenessBeats = DefaultLivenessBeats
	}
	c.LivenessBeats = max(c.LivenessBeats, c.DigestBeats+1)
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.StreamTimeout <= 0 {
		c.StreamTimeout = DefaultStreamTimeout
	}
	if c.DialBackoffMin <= 0 {
		c.DialBackoffMin = time.Second
	}
	if c.DialBackoffMax < c.DialBackoffMin {
		c.DialBackoffMax = max(5*time.Minute, c.DialBackoffMin)
	}
	if c.ValidateQueue <= 0 {
		c.ValidateQueue = DefaultValidateQueue
	}
	if c.OutboundQueue <= 0 {
		c.OutboundQueue = DefaultOutboundQueue
	}
	if c.SubscriptionBuffer <= 0 {
		c.SubscriptionBuffer = DefaultSubscriptionBuffer
	}
	return c
}

// livenessTimeout is how long a publisher may stay silent.
func (c NetConfig) livenessTimeout() time.Duration {
	return time.Duration(c.LivenessBeats)*c.Heartbeat + c.Heartbeat/2
}

// Discovery finds peers on the local network (near-me). mDNS implements it
// in the daemon (see MDNSDiscovery); tests and testnets inject their own.
//
// Start is called once, when the node starts; found may be called from
// any goroutine, any number of times for the same peer, until Close
// returns, and must not be called after. found does not block for long.
type Discovery interface {
	Start(found func(peer.AddrInfo)) error
	Close() error
}

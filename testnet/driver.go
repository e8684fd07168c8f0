package testnet

import (
	"sync/atomic"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"google.golang.org/protobuf/proto"
)

// Driver is the application layer on every honest peer: what publishes
// objects and what reports the events watchers see. The runner calls
// Start for every honest peer, then the plan's actions, each peer's in
// order from one goroutine per peer; different peers' calls run
// concurrently. Drivers report watcher events to the Tracker.
type Driver interface {
	// Start runs peer i's application on host h. After a Stop, Start
	// runs it again on a new host.
	Start(i int, h host.Host) error
	// Set sets (creates or updates) peer p's object o to data.
	Set(p, o int, data []byte) error
	// Delete deletes p's object o; ver is the deletion's version.
	Delete(p, o int, ver uint32) error
	// Kill ends p's application session: its objects, whose deletions
	// the runner recorded as versions deleted[object], are deleted.
	// Resume opens a new session.
	Kill(p int, deleted map[int]uint32) error
	Resume(p int) error
	// Stop stops p's daemon (its objects deleted as for Kill); the
	// runner closes the host afterwards.
	Stop(p int, deleted map[int]uint32) error
	// Revoke makes publisher p block watcher x.
	Revoke(p, x int) error
	// Close stops every peer.
	Close() error
}

// wireTracer counts what gossipsub hands to the transport, on every peer
// of a driver: RPCs, the messages they carry and their bytes, and drops.
type wireTracer struct {
	rpcs, msgs, bytes, drops, undeliverable, rejected atomic.Int64
}

var _ pubsub.RawTracer = (*wireTracer)(nil)

func (t *wireTracer) SendRPC(rpc *pubsub.RPC, _ peer.ID) {
	t.rpcs.Add(1)
	t.msgs.Add(int64(len(rpc.GetPublish())))
	t.bytes.Add(int64(proto.Size(&rpc.RPC)))
}
func (t *wireTracer) DropRPC(*pubsub.RPC, peer.ID)         { t.drops.Add(1) }
func (t *wireTracer) UndeliverableMessage(*pubsub.Message) { t.undeliverable.Add(1) }
func (t *wireTracer) RejectMessage(_ *pubsub.Message, reason string) {
	if reason != pubsub.RejectValidationIgnored {
		t.rejected.Add(1)
	}
}
func (t *wireTracer) AddPeer(peer.ID, protocol.ID)                         {}
func (t *wireTracer) RemovePeer(peer.ID)                                   {}
func (t *wireTracer) OnNewOutboundStream(peer.ID, protocol.ID)             {}
func (t *wireTracer) OnClosedOutboundStream(peer.ID)                       {}
func (t *wireTracer) Join(string)                                          {}
func (t *wireTracer) Leave(string)                                         {}
func (t *wireTracer) Graft(peer.ID, string)                                {}
func (t *wireTracer) Prune(peer.ID, string)                                {}
func (t *wireTracer) ValidateMessage(*pubsub.Message)                      {}
func (t *wireTracer) DeliverMessage(*pubsub.Message)                       {}
func (t *wireTracer) DuplicateMessage(*pubsub.Message)                     {}
func (t *wireTracer) ThrottlePeer(peer.ID)                                 {}
func (t *wireTracer) RecvRPC(*pubsub.RPC)                                  {}
func (t *wireTracer) SendRPCCompleted(*pubsub.RPC, peer.ID, time.Duration) {}

// Queue sizes shared by both drivers, the network layer's defaults:
// gossipsub's own (32) drop messages in a burst.
const (
	validateQueue = 4096
	outboundQueue = 1024
	subBuffer     = 1024
)

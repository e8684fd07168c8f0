package wire

import (
	"strings"

	"github.com/libp2p/go-libp2p/core/peer"
)

// Topic and stream protocol names. The "1" is the protocol version: a
// future incompatible format gets new names, so old and new nodes never
// parse each other's messages.
const (
	topicPrefix = "/p2pcollab/1/"

	// KeyProtocol is the stream protocol on which a publisher pushes a
	// KeyGrant to a watcher after rotating its key.
	KeyProtocol = "/p2pcollab/1/key"
)

// Topic returns the gossipsub topic of publisher p's channel ch:
// /p2pcollab/1/objects/<peerID> or /p2pcollab/1/nearme/<peerID>.
// It returns "" for an invalid channel.
func Topic(ch Channel, p peer.ID) string {
	if !ch.Valid() {
		return ""
	}
	return topicPrefix + ch.String() + "/" + p.String()
}

// SyncProtocol returns the stream protocol a watcher opens to a publisher
// to pull a snapshot of channel ch (preceded, on Internet, by a KeyGrant):
// /p2pcollab/1/sync/objects or /p2pcollab/1/sync/nearme.
func SyncProtocol(ch Channel) string {
	if !ch.Valid() {
		return ""
	}
	return topicPrefix + "sync/" + ch.String()
}

// ParseTopic returns the channel and publisher named by topic. It accepts
// exactly what Topic produces: the peer ID must be in its canonical
// (base58) text form, so that one publisher has one topic per channel.
func ParseTopic(topic string) (Channel, peer.ID, error) {
	rest, ok := strings.CutPrefix(topic, topicPrefix)
	if !ok {
		return 0, "", invalid("topic %q: not a p2pcollab/1 topic", topic)
	}
	name, id, _ := strings.Cut(rest, "/")
	var ch Channel
	switch name {
	case Internet.String():
		ch = Internet
	case NearMe.String():
		ch = NearMe
	default:
		return 0, "", invalid("topic %q: unknown channel %q", topic, name)
	}
	p, err := peer.Decode(id)
	if err != nil {
		return 0, "", invalid("topic %q: bad peer id: %v", topic, err)
	}
	if p.String() != id {
		return 0, "", invalid("topic %q: peer id not in canonical form", topic)
	}
	return ch, p, nil
}

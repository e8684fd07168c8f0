package p2pcollab

import (
	"testing"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// TestDecodeGossipTopics checks how the validator reads a message's topic:
// a joined topic from the parsed names it keeps, any other by parsing it
// (a message for a topic left a moment ago), and the author must own it
// either way.
func TestDecodeGossipTopics(t *testing.T) {
	alice, mallory := mustIdentity(t).ID, mustIdentity(t).ID
	digest, err := wire.EncodeDigest(wire.Digest{Epoch: 1, Beat: 1})
	if err != nil {
		t.Fatal(err)
	}
	msg := func(topic string, from []byte) *pubsub.Message {
		return &pubsub.Message{Message: &pb.Message{Topic: &topic, From: from, Data: digest}}
	}
	nw := &netLayer{}
	internet := wire.Topic(wire.Internet, alice)

	g, err := nw.decodeGossip(msg(internet, []byte(alice)))
	if err != nil || g.Channel != wire.Internet || g.Publisher != alice || g.Type != wire.TypeDigest {
		t.Fatalf("unjoined topic: %+v, %v; want alice's internet digest", g, err)
	}
	if _, err := nw.decodeGossip(msg(internet, []byte(mallory))); err == nil {
		t.Error("mallory's message on alice's topic decoded")
	}
	if _, err := nw.decodeGossip(msg("/p2pcollab/1/objects/not-a-peer", []byte(alice))); err == nil {
		t.Error("a malformed topic decoded")
	}

	// A joined topic is looked up, not parsed: a ref stored under the
	// name is what the decoding reports.
	nw.topics.Store(internet, topicRef{wire.NearMe, alice})
	if g, err := nw.decodeGossip(msg(internet, []byte(alice))); err != nil || g.Channel != wire.NearMe {
		t.Errorf("joined topic: %+v, %v; want the stored ref's channel", g, err)
	}
	if _, err := nw.decodeGossip(msg(internet, []byte(mallory))); err == nil {
		t.Error("joined topic: mallory's message on alice's topic decoded")
	}
}

package wire

import "github.com/libp2p/go-libp2p/core/peer"

// Gossip is a message received on a publisher's topic: an Update, a
// Digest or a Presence, checked against the topic it came on.
type Gossip struct {
	Channel   Channel
	Publisher peer.ID
	Type      Type     // TypeUpdate, TypeDigest or TypePresence
	Update    Update   // set when Type is TypeUpdate
	Digest    Digest   // set when Type is TypeDigest
	Presence  Presence // set when Type is TypePresence
}

// DecodeGossip parses topic, checks that author (the pubsub message's
// signed From, not the peer that forwarded it) is the topic's publisher,
// and decodes data as an update, a digest or a presence. StrictSign proves who wrote a
// message; this check proves the writer owns the topic. An error means
// the message must be rejected.
func DecodeGossip(topic string, author peer.ID, data []byte) (Gossip, error) {
	ch, publisher, err := ParseTopic(topic)
	if err != nil {
		return Gossip{}, err
	}
	return DecodeGossipOn(ch, publisher, author, data)
}

// DecodeGossipOn is DecodeGossip for a topic already parsed (by ParseTopic)
// into its channel and publisher.
func DecodeGossipOn(ch Channel, publisher, author peer.ID, data []byte) (Gossip, error) {
	if author != publisher {
		return Gossip{}, invalid("message by %s on the topic of %s", author, publisher)
	}
	g := Gossip{Channel: ch, Publisher: publisher}
	if len(data) < 2 {
		return Gossip{}, invalid("gossip: %d bytes, shorter than a header", len(data))
	}
	var err error
	switch g.Type = Type(data[1]); g.Type {
	case TypeUpdate:
		g.Update, err = DecodeUpdate(ch, data)
	case TypeDigest:
		g.Digest, err = DecodeDigest(data)
	case TypePresence:
		g.Presence, err = DecodePresence(ch, data)
	default:
		return Gossip{}, invalid("gossip: %s is not a gossip message", g.Type)
	}
	if err != nil {
		return Gossip{}, err
	}
	return g, nil
}

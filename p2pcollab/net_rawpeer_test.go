package p2pcollab

import (
	"bufio"
	"context"
	"encoding/binary"
	"testing"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	lpnet "github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"google.golang.org/protobuf/proto"
)

// rawPeer is an adversary on the simulated network: a plain gossipsub
// node with no validator of ours, which can also write raw pubsub RPCs.
type rawPeer struct {
	t      testing.TB
	id     *identity.Identity
	host   host.Host
	ps     *pubsub.PubSub
	cancel context.CancelFunc
	topics map[string]*pubsub.Topic
	seq    uint64
}

func (s *simNet) newRawPeer(opts ...pubsub.Option) *rawPeer {
	s.t.Helper()
	id, err := identity.Generate()
	if err != nil {
		s.t.Fatal(err)
	}
	h := s.newHost(id)
	ctx, cancel := context.WithCancel(context.Background())
	ps, err := pubsub.NewGossipSub(ctx, h, opts...)
	if err != nil {
		s.t.Fatal(err)
	}
	r := &rawPeer{t: s.t, id: id, host: h, ps: ps, cancel: cancel, topics: make(map[string]*pubsub.Topic)}
	s.t.Cleanup(func() {
		cancel()
		h.Close()
	})
	return r
}

func (r *rawPeer) connect(p *simPeer) {
	r.t.Helper()
	if err := r.host.Connect(context.Background(), peer.AddrInfo{ID: p.id.ID, Addrs: p.host.Addrs()}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawPeer) topic(name string) *pubsub.Topic {
	r.t.Helper()
	if t := r.topics[name]; t != nil {
		return t
	}
	t, err := r.ps.Join(name)
	if err != nil {
		r.t.Fatal(err)
	}
	r.topics[name] = t
	return t
}

// subscribe subscribes to a topic and collects what arrives.
func (r *rawPeer) subscribe(name string) *capture {
	r.t.Helper()
	sub, err := r.topic(name).Subscribe()
	if err != nil {
		r.t.Fatal(err)
	}
	c := &capture{sub: sub}
	return c
}

type capture struct {
	sub  *pubsub.Subscription
	msgs []*pubsub.Message
}

// drain collects every message that arrives within d.
func (c *capture) drain(d time.Duration) []*pubsub.Message {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		m, err := c.sub.Next(ctx)
		if err != nil {
			return c.msgs
		}
		c.msgs = append(c.msgs, m)
	}
}

// publish publishes data under the raw peer's own name, properly signed.
func (r *rawPeer) publish(topic string, data []byte) {
	r.t.Helper()
	if err := r.topic(topic).Publish(context.Background(), data); err != nil {
		r.t.Fatal(err)
	}
}

// forge returns a message claiming author from, signed with key (which
// need not be from's).
func (r *rawPeer) forge(topic string, data []byte, from peer.ID, key crypto.PrivKey) *pb.Message {
	r.t.Helper()
	r.seq++
	seqno := binary.BigEndian.AppendUint64(nil, uint64(time.Now().UnixNano())+r.seq)
	m := &pb.Message{From: []byte(from), Data: data, Seqno: seqno, Topic: &topic}
	b, err := proto.Marshal(m)
	if err != nil {
		r.t.Fatal(err)
	}
	if m.Signature, err = key.Sign(append([]byte(pubsub.SignPrefix), b...)); err != nil {
		r.t.Fatal(err)
	}
	return m
}

// inject writes msgs to p as one raw gossipsub RPC on a fresh stream,
// bypassing the raw peer's own pubsub (which would refuse to send what
// it has seen already).
func (r *rawPeer) inject(p peer.ID, msgs ...*pb.Message) {
	r.t.Helper()
	s, err := r.host.NewStream(context.Background(), p, protocol.ID("/meshsub/1.1.0"))
	if err != nil {
		r.t.Fatal(err)
	}
	defer s.Close()
	b, err := proto.Marshal(&pb.RPC{Publish: msgs})
	if err != nil {
		r.t.Fatal(err)
	}
	w := bufio.NewWriter(s)
	w.Write(binary.AppendUvarint(nil, uint64(len(b))))
	w.Write(b)
	if err := w.Flush(); err != nil {
		r.t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
}

// serveSnapshot makes the raw peer answer near-me snapshot pulls with s,
// as a (hostile) publisher of its own near-me channel.
func (r *rawPeer) serveSnapshot(s wire.Snapshot) {
	r.t.Helper()
	b, err := wire.EncodeSnapshot(wire.NearMe, s)
	if err != nil {
		r.t.Fatal(err)
	}
	r.host.SetStreamHandler(protocol.ID(wire.SyncProtocol(wire.NearMe)), func(st lpnet.Stream) {
		defer st.Close()
		st.Write([]byte{syncOK})
		writeFrame(st, b)
	})
}

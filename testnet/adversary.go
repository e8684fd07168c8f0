package testnet

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"math/rand/v2"
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"google.golang.org/protobuf/proto"
)

// An adversary is a raw libp2p host with plain gossipsub (none of our
// validators) that connects to its targets and subscribes to the
// internet and near-me topics of its targets and of the publishers they
// watch. The topic names are the protocol's (docs/protocol.md). Every
// adversary eavesdrops: it scans everything it receives on internet
// topics for an object's plaintext. Then, by kind, once per second:
//
//   - forge: publishes, on each topic, an update-shaped message with a
//     plausible plaintext under its own (valid) signature, and injects one
//     claiming the publisher as author signed with the adversary's key;
//   - replay: re-injects, as raw gossipsub RPCs, the original signed
//     messages it captured, after they left the seen-cache (honest nodes
//     run with a 2 s seen-cache TTL when adversaries are present);
//   - flood: publishes bursts of random bytes;
//   - oversize: publishes messages just over the largest valid update.
type adversary struct {
	r      *runner
	i      int
	kind   AttackKind
	h      host.Host
	ps     *pubsub.PubSub
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	rng    *rand.Rand

	mu       sync.Mutex
	topics   map[string]*pubsub.Topic
	captured []*pb.Message
}

func internetTopic(id peer.ID) string { return "/p2pcollab/1/objects/" + id.String() }
func nearmeTopic(id peer.ID) string   { return "/p2pcollab/1/nearme/" + id.String() }

func (r *runner) startAdversaries() error {
	if r.o.Baseline {
		return nil
	}
	for i := r.w.Honest; i < len(r.w.IDs); i++ {
		h, err := r.fab.Host(i, r.w.Keys[i])
		if err != nil {
			return err
		}
		ctx, cancel := context.WithCancel(context.Background())
		ps, err := pubsub.NewGossipSub(ctx, h)
		if err != nil {
			cancel()
			h.Close()
			return err
		}
		a := &adversary{r: r, i: i, kind: r.w.Attack[i], h: h, ps: ps, ctx: ctx, cancel: cancel,
			rng: rand.New(rand.NewPCG(r.s.Seed, uint64(i))), topics: map[string]*pubsub.Topic{}}
		r.mu.Lock()
		r.hosts[i] = h
		r.advs = append(r.advs, a)
		r.mu.Unlock()
		// Publishers it listens to: its targets and whom they watch.
		pubs := map[int]bool{}
		for _, t := range r.w.Targets[i] {
			pubs[t] = true
			for _, c := range r.w.Contacts[t] {
				if c.Watch {
					pubs[c.Peer] = true
				}
			}
		}
		for p := range pubs {
			a.listen(internetTopic(r.w.IDs[p]), p, true)
			a.listen(nearmeTopic(r.w.IDs[p]), p, false)
		}
		a.wg.Add(1)
		go a.attack()
	}
	return nil
}

func (r *runner) stopAdversaries() {
	r.mu.Lock()
	advs := r.advs
	r.advs = nil
	r.mu.Unlock()
	for _, a := range advs {
		a.cancel()
		a.wg.Wait()
	}
}

func (a *adversary) listen(name string, pub int, sealed bool) {
	t, err := a.ps.Join(name)
	if err != nil {
		return
	}
	sub, err := t.Subscribe()
	if err != nil {
		return
	}
	a.mu.Lock()
	a.topics[name] = t
	a.mu.Unlock()
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		for {
			m, err := sub.Next(a.ctx)
			if err != nil {
				return
			}
			if m.ReceivedFrom == a.h.ID() {
				continue
			}
			if sealed && containsPlaintext(m.Data, pub) {
				a.r.t.PlaintextSeen()
			}
			a.mu.Lock()
			if len(a.captured) < 256 {
				a.captured = append(a.captured, m.Message)
			}
			a.mu.Unlock()
		}
	}()
}

// containsPlaintext reports whether data holds the header of one of pub's
// objects: the start of a plaintext.
func containsPlaintext(data []byte, pub int) bool {
	var hdr [8]byte
	copy(hdr[:], payloadMagic)
	binary.BigEndian.PutUint32(hdr[4:], uint32(pub))
	return bytes.Contains(data, hdr[:])
}

func (a *adversary) attack() {
	defer a.wg.Done()
	tk := time.NewTicker(time.Second)
	defer tk.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return
		case <-tk.C:
		}
		a.mu.Lock()
		topics := make(map[string]*pubsub.Topic, len(a.topics))
		for k, v := range a.topics {
			topics[k] = v
		}
		captured := append([]*pb.Message(nil), a.captured...)
		a.mu.Unlock()
		for name, t := range topics {
			a.attackTopic(name, t, captured)
		}
	}
}

func (a *adversary) attackTopic(name string, t *pubsub.Topic, captured []*pb.Message) {
	ctx := a.ctx
	switch a.kind {
	case Forge:
		// A plausible plaintext of some honest publisher's object.
		p := a.rng.IntN(a.r.w.Honest)
		fake := payloadFor(p, 0, 1, a.r.s.Size)
		t.Publish(ctx, fake)
		for _, tgt := range a.r.w.Targets[a.i] {
			a.inject(tgt, a.forged(name, fake, a.r.w.IDs[p]))
		}
	case Replay:
		for _, m := range captured {
			if m.GetTopic() != name {
				continue
			}
			for _, tgt := range a.r.w.Targets[a.i] {
				a.inject(tgt, m)
			}
		}
	case Flood:
		for range 8 {
			junk := make([]byte, 64+a.rng.IntN(512))
			for j := range junk {
				junk[j] = byte(a.rng.Uint32())
			}
			t.Publish(ctx, junk)
		}
	case Oversize:
		big := make([]byte, 16383+200)
		big[0], big[1] = 1, 1 // version 1, update: it parses that far
		t.Publish(ctx, big)
	}
}

// forged is a message claiming author from, signed with the adversary's
// own key.
func (a *adversary) forged(topic string, data []byte, from peer.ID) *pb.Message {
	seqno := binary.BigEndian.AppendUint64(nil, uint64(time.Now().UnixNano()))
	m := &pb.Message{From: []byte(from), Data: data, Seqno: seqno, Topic: &topic}
	b, err := proto.Marshal(m)
	if err == nil {
		m.Signature, _ = a.h.Peerstore().PrivKey(a.h.ID()).Sign(append([]byte(pubsub.SignPrefix), b...))
	}
	return m
}

// inject writes msgs to honest peer p as one raw gossipsub RPC, bypassing
// the adversary's own pubsub (which would not resend what it has seen).
func (a *adversary) inject(p int, msgs ...*pb.Message) {
	ctx, cancel := context.WithTimeout(a.ctx, 2*time.Second)
	defer cancel()
	s, err := a.h.NewStream(ctx, a.r.w.IDs[p], protocol.ID("/meshsub/1.1.0"))
	if err != nil {
		return
	}
	defer s.Close()
	b, err := proto.Marshal(&pb.RPC{Publish: msgs})
	if err != nil {
		return
	}
	w := bufio.NewWriter(s)
	w.Write(binary.AppendUvarint(nil, uint64(len(b))))
	w.Write(b)
	w.Flush()
}

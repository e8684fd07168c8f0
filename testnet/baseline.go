package testnet

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/host"
)

// baseline is the reference: the same publishers and watchers on plain
// go-libp2p-pubsub, one topic per publisher that its audience subscribes
// to. No trust list, no encryption, no registry, no late-joiner sync.
// It uses the same publication strategy and queue sizes as peerd (flood
// publishing of one's own messages, which go-libp2p-pubsub v0.19 leaves
// off by default), so that the ratio measures what peerd adds.
// A message is an op byte (1 set, 2 delete) and the object's data (for a
// deletion, the header of the deletion's version).
type baseline struct {
	w      *World
	t      *Tracker
	tracer *wireTracer

	mu    sync.Mutex
	peers []*basePeer
}

type basePeer struct {
	ctx    context.Context
	cancel context.CancelFunc
	ps     *pubsub.PubSub
	own    *pubsub.Topic
	wg     sync.WaitGroup
}

func newBaseline(w *World, t *Tracker, tr *wireTracer) *baseline {
	return &baseline{w: w, t: t, tracer: tr, peers: make([]*basePeer, len(w.IDs))}
}

func baseTopic(w *World, p int) string { return "/testnet/baseline/" + w.IDs[p].String() }

func (b *baseline) Start(i int, h host.Host) error {
	ctx, cancel := context.WithCancel(context.Background())
	ps, err := pubsub.NewGossipSub(ctx, h,
		pubsub.WithFloodPublish(true), // as peerd: the publisher sends to every subscriber it knows
		pubsub.WithValidateQueueSize(validateQueue),
		pubsub.WithPeerOutboundQueueSize(outboundQueue),
		pubsub.WithRawTracer(b.tracer))
	if err != nil {
		cancel()
		return err
	}
	bp := &basePeer{ctx: ctx, cancel: cancel, ps: ps}
	if bp.own, err = ps.Join(baseTopic(b.w, i)); err != nil {
		cancel()
		return err
	}
	// Subscribe to every publisher whose audience i is in.
	for p := range b.w.Honest {
		if !b.t.member[p][i] {
			continue
		}
		top, err := ps.Join(baseTopic(b.w, p))
		if err != nil {
			cancel()
			return err
		}
		sub, err := top.Subscribe(pubsub.WithBufferSize(subBuffer))
		if err != nil {
			cancel()
			return err
		}
		pid := b.w.IDs[p]
		bp.wg.Add(1)
		go func() {
			defer bp.wg.Done()
			for {
				m, err := sub.Next(ctx)
				if err != nil {
					return
				}
				if len(m.Data) < 1+payloadHeader || m.GetFrom() != pid {
					continue
				}
				del := m.Data[0] == 2
				var ver uint32
				if del {
					ver = binary.BigEndian.Uint32(m.Data[1+10:])
				}
				b.t.Observed(i, pid, m.Data[1:], del, ver)
			}
		}()
	}
	b.mu.Lock()
	b.peers[i] = bp
	b.mu.Unlock()
	return nil
}

func (b *baseline) peer(p int) *basePeer {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.peers[p]
}

func (b *baseline) publish(p int, op byte, data []byte) error {
	bp := b.peer(p)
	if bp == nil {
		return fmt.Errorf("peer %d is not running", p)
	}
	msg := make([]byte, 1+len(data))
	msg[0] = op
	copy(msg[1:], data)
	return bp.own.Publish(bp.ctx, msg)
}

func (b *baseline) Set(p, o int, data []byte) error { return b.publish(p, 1, data) }

func (b *baseline) Delete(p, o int, ver uint32) error {
	return b.publish(p, 2, payloadFor(p, o, ver, payloadHeader))
}

// Kill: the baseline has no sessions; it publishes the deletions.
func (b *baseline) Kill(p int, deleted map[int]uint32) error {
	for o, v := range deleted {
		if err := b.Delete(p, o, v); err != nil {
			return err
		}
	}
	return nil
}

func (b *baseline) Resume(p int) error { return nil }

// Stop publishes the deletions, as peerd does on the way down, then
// stops the peer's pubsub.
func (b *baseline) Stop(p int, deleted map[int]uint32) error {
	b.Kill(p, deleted)
	return b.stop(p)
}

func (b *baseline) stop(p int) error {
	b.mu.Lock()
	bp := b.peers[p]
	b.peers[p] = nil
	b.mu.Unlock()
	if bp != nil {
		bp.cancel()
		bp.wg.Wait()
	}
	return nil
}

// Revoke: plain pubsub has no access control; the runner records the
// revocation and the watcher simply keeps receiving (the baseline's
// safety counters are not meaningful and the report says so).
func (b *baseline) Revoke(p, x int) error { return nil }

func (b *baseline) Close() error {
	for i := range b.peers {
		b.stop(i)
	}
	return nil
}

package p2pcollab

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"testing"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
)

// The network benchmarks compare peerd with plain go-libp2p-pubsub (one
// topic, default options plus flood publishing, which peerd also uses; no
// validator, no encryption) on the same
// simulated network (marcopolo/simnet: QUIC, 10 ms one way, 100 Mbit/s per
// host) and the same topology: one publisher, every watcher connected to
// it. They run in real time, not in a synctest bubble, so that the CPU
// each system spends (signing, sealing, validating, event fan-out) counts
// in its latency. Each iteration publishes one update of the payload size
// and waits until every watcher has it.
//
// Metrics per system (peerd-*, pubsub-*) and as ratios (peerd / pubsub):
//   - p50-ms, p99-ms: publish-to-delivery latency over all watchers;
//   - wire/payload: bytes all hosts sent during the run (UDP payload: QUIC,
//     TLS, yamux-free QUIC streams, pubsub framing, gossip, heartbeats and
//     digests included) per delivered update, divided by the payload size;
//   - B/delivery: the same bytes per delivered update (per watcher).
//
//	go test -run '^$' -bench BenchmarkNetwork -benchtime 50x ./p2pcollab/

func BenchmarkNetworkLatency(b *testing.B) {
	for _, size := range []int{1024, MaxObjectSize} {
		b.Run(fmt.Sprintf("payload=%dB/watchers=10", size), func(b *testing.B) { benchNetwork(b, 10, size) })
	}
}

func BenchmarkNetworkWatchers(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("payload=1024B/watchers=%d", n), func(b *testing.B) { benchNetwork(b, n, 1024) })
	}
}

// benchSystem is one of the two systems under comparison.
type benchSystem struct {
	hosts   []peer.ID
	publish func(i int, data []byte)
	arrived chan time.Time // one per watcher per update
	drops   func() uint64  // messages the system's queues dropped
}

func benchNetwork(b *testing.B, watchers, size int) {
	net := newSimNet(b)
	peerd := setupPeerd(b, net, watchers)
	plain := setupPubsub(b, net, watchers)
	time.Sleep(3 * time.Second) // meshes form, first digests pass

	var lat [2][]time.Duration
	var sent [2]int
	for s, sys := range []*benchSystem{peerd, plain} {
		before := net.totalSent(sys.hosts)
		for i := 0; i < b.N; i++ {
			data := make([]byte, size)
			rand.Read(data)
			start := time.Now()
			sys.publish(i, data)
			for w := 0; w < watchers; w++ {
				select {
				case at := <-sys.arrived:
					lat[s] = append(lat[s], at.Sub(start))
				case <-time.After(30 * time.Second):
					b.Fatalf("update %d: %d of %d watchers got it", i, w, watchers)
				}
			}
		}
		sent[s] = net.totalSent(sys.hosts) - before
	}
	deliveries := float64(b.N * watchers)
	names := [2]string{"peerd", "pubsub"}
	var p50, p99, wire [2]float64
	for s := range names {
		p50[s] = ms(percentile(lat[s], 50))
		p99[s] = ms(percentile(lat[s], 99))
		wire[s] = float64(sent[s]) / deliveries / float64(size)
		b.ReportMetric(p50[s], names[s]+"-p50-ms")
		b.ReportMetric(p99[s], names[s]+"-p99-ms")
		b.ReportMetric(wire[s], names[s]+"-wire/payload")
		b.ReportMetric(float64(sent[s])/deliveries, names[s]+"-B/delivery")
	}
	b.ReportMetric(float64(peerd.drops()), "peerd-drops")
	b.ReportMetric(p50[0]/p50[1], "p50-ratio")
	b.ReportMetric(p99[0]/p99[1], "p99-ratio")
	b.ReportMetric(wire[0]/wire[1], "wire-ratio")
	b.ReportMetric(0, "ns/op") // wall time per op is not the point here
}

// setupPeerd starts a publisher and watchers that trust and watch it.
func setupPeerd(b *testing.B, net *simNet, watchers int) *benchSystem {
	pub := net.newPeer("publisher", ScopeInternet)
	sys := &benchSystem{hosts: []peer.ID{pub.id.ID}, arrived: make(chan time.Time, watchers*4)}
	ws := make([]*simPeer, watchers)
	for i := range ws {
		w := net.newPeer(fmt.Sprintf("watcher%d", i), ScopeInternet)
		befriend(pub, w)
		ws[i] = w
		sys.hosts = append(sys.hosts, w.id.ID)
	}
	sys.drops = func() uint64 {
		var n uint64
		for _, p := range append(ws, pub) {
			st := p.netStats()
			n += st.ValidateQueueDrops + st.OutboundDrops + st.SubscriptionDrops + st.OutboxDrops
		}
		return n
	}
	app := pub.session()
	// The first object, to know every watcher is in.
	pub.set(app, nthID(1), "ready", ScopeInternet)
	for _, w := range ws {
		w.objectEvent(60 * time.Second)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	for _, w := range ws {
		go func() {
			for {
				e, err := w.events.Next(ctx)
				if err != nil {
					return
				}
				if e.Type == EventEndpointObjectChanged && e.Change == ChangeUpdated {
					sys.arrived <- time.Now()
				}
			}
		}()
	}
	sys.publish = func(i int, data []byte) {
		if err := app.SetObject(context.Background(), nthID(1), data, ScopeInternet); err != nil {
			b.Fatal(err)
		}
	}
	return sys
}

// setupPubsub starts the same topology with plain gossipsub.
func setupPubsub(b *testing.B, net *simNet, watchers int) *benchSystem {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	pub := net.newRawPeer(pubsub.WithFloodPublish(true))
	const topic = "bench"
	t := pub.topic(topic)
	sys := &benchSystem{hosts: []peer.ID{pub.id.ID}, arrived: make(chan time.Time, watchers*4)}
	var subs []*pubsub.Subscription
	for i := 0; i < watchers; i++ {
		w := net.newRawPeer()
		if err := w.host.Connect(ctx, peer.AddrInfo{ID: pub.id.ID, Addrs: pub.host.Addrs()}); err != nil {
			b.Fatal(err)
		}
		sub, err := w.topic(topic).Subscribe()
		if err != nil {
			b.Fatal(err)
		}
		subs = append(subs, sub)
		sys.hosts = append(sys.hosts, w.id.ID)
	}
	for len(t.ListPeers()) < watchers {
		time.Sleep(10 * time.Millisecond)
	}
	for _, sub := range subs {
		go func() {
			for {
				if _, err := sub.Next(ctx); err != nil {
					return
				}
				sys.arrived <- time.Now()
			}
		}()
	}
	sys.publish = func(i int, data []byte) {
		if err := t.Publish(ctx, data); err != nil {
			b.Fatal(err)
		}
	}
	return sys
}

func (s *simNet) totalSent(hosts []peer.ID) int {
	total := 0
	for _, h := range hosts {
		total += s.bytesSent(h)
	}
	return total
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p+99)/100 - 1
	return s[max(i, 0)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

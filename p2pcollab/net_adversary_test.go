package p2pcollab

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/google/uuid"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// Messages on alice's topic that alice did not write are rejected: one
// signed by mallory as herself, one claiming alice as author under
// mallory's signature. Bob's state does not move.
func TestForgeryIsRejected(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		befriend(alice, bob)
		app := alice.session()
		alice.set(app, nthID(1), "genuine", ScopeInternet)
		bob.objectEvent(10 * time.Second)

		mallory := net.newRawPeer()
		mallory.connect(bob)
		topic := wire.Topic(wire.Internet, alice.id.ID)
		mallory.topic(topic)
		time.Sleep(2 * time.Second) // bob's subscription reaches mallory
		before := bob.netStats().Rejected

		fake := []byte("forged payload of exactly some bytes, sealed or not")
		u := wire.Update{Epoch: 1 << 62, Seq: 1, KeyID: 1, Kind: wire.KindUpsert, Object: nthID(1), Scope: wire.ScopeInternet, Data: append(make([]byte, 40), fake...)}
		forged, err := wire.EncodeUpdate(wire.Internet, u)
		if err != nil {
			t.Fatal(err)
		}
		mallory.publish(topic, forged) // author mallory
		// A raw stream replaces mallory's pubsub stream at bob: let the
		// published message arrive first.
		time.Sleep(time.Second)
		mallory.inject(bob.id.ID, mallory.forge(topic, forged, alice.id.ID, mallory.id.PrivKey)) // author "alice", bad signature
		bob.noEvent(5*time.Second, EventEndpointObjectChanged)
		if objs := bob.objectsOf(alice); len(objs) != 1 || string(objs[0].Data) != "genuine" {
			t.Fatalf("bob sees %v, want only the genuine object", objs)
		}
		if got := bob.netStats().Rejected - before; got < 1 {
			t.Fatalf("bob's validator rejected %d messages, want the forgery", got)
		}
	})
}

// Captured updates replayed later change nothing: not before the
// seen-cache expires (pubsub drops duplicates), not after (the view holds
// the position), and not after the publisher restarted (a newer epoch).
func TestReplayChangesNothing(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		shortSeen := func(c *Config) {
			c.Network.PubSubOptions = append(c.Network.PubSubOptions, pubsub.WithSeenMessagesTTL(5*time.Second))
		}
		aliceDir := t.TempDir()
		aliceID := mustIdentity(t)
		alice := net.startPeer("alice", aliceID, aliceDir, ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet, shortSeen)
		befriend(alice, bob)

		eve := net.newRawPeer() // records what bob relays
		eve.connect(bob)
		topic := wire.Topic(wire.Internet, alice.id.ID)
		rec := eve.subscribe(topic)
		time.Sleep(2 * time.Second)

		app := alice.session()
		alice.set(app, nthID(1), "old", ScopeInternet)
		wantObjectEvent(t, bob.objectEvent(10*time.Second), ChangeAdded, alice.id.ID, nthID(1), "old")
		app.DeleteObject(context.Background(), nthID(1))
		wantObjectEvent(t, bob.objectEvent(10*time.Second), ChangeDeleted, alice.id.ID, nthID(1), "")
		var upsert []byte
		var replay = rec.drain(2 * time.Second)
		for _, m := range replay {
			if g, err := wire.DecodeGossip(topic, m.GetFrom(), m.GetData()); err == nil && g.Type == wire.TypeUpdate && g.Update.Kind == wire.KindUpsert {
				upsert = m.GetData()
			}
		}
		if upsert == nil {
			t.Fatalf("eve captured %d messages, none of them the upsert", len(replay))
		}
		mallory := net.newRawPeer()
		mallory.connect(bob)
		resend := func() {
			var msgs []*pb.Message
			for _, m := range replay {
				msgs = append(msgs, m.Message)
			}
			mallory.inject(bob.id.ID, msgs...)
		}

		resend() // within the seen-cache
		// The seen-cache forgets an entry at its TTL, but only removes it
		// in a sweep once a minute.
		time.Sleep(70 * time.Second)
		staleBefore := bob.netStats().Stale
		resend() // after it expired: only the view stands in the way
		bob.noEvent(5*time.Second, EventEndpointObjectChanged)
		if got := bob.netStats().Stale - staleBefore; got == 0 {
			t.Fatal("bob's validator saw no stale replay; the test did not test the view")
		}
		if objs := bob.objectsOf(alice); len(objs) != 0 {
			t.Fatalf("a replay brought back %v", objs)
		}

		// Alice restarts (a new epoch) and publishes anew; the old epoch's
		// upsert stays dead.
		alice.stop()
		alice = net.startPeer("alice", aliceID, aliceDir, ScopeInternet)
		app = alice.session()
		alice.set(app, nthID(1), "new", ScopeInternet)
		waitObjects(t, bob, alice, map[int]string{1: "new"}, 60*time.Second)
		resend()
		time.Sleep(5 * time.Second)
		waitObjects(t, bob, alice, map[int]string{1: "new"}, time.Second)
	})
}

// A publisher cannot push its watchers past the limits on its own topic:
// malformed bytes, oversized data, a wrong key id and a 129th object are
// all rejected, and the channel still works afterwards.
func TestHostilePublisherCannotBreakLimits(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		bob := net.newPeer("bob", ScopeAll)
		mallory := net.newRawPeer()
		snap := wire.Snapshot{Epoch: 7, Seq: MaxObjects}
		for i := 1; i <= MaxObjects; i++ {
			snap.Objects = append(snap.Objects, wire.Entry{ID: nthID(i), Version: uint64(i), Scope: wire.ScopeNearMe, Data: []byte{byte(i)}})
		}
		mallory.serveSnapshot(snap)
		mallory.connect(bob)
		topic := wire.Topic(wire.NearMe, mallory.id.ID)
		mallory.topic(topic)
		if err := bob.session().SubscribeEndpoint(context.Background(), mallory.id.ID); err != nil {
			t.Fatal(err)
		}
		if e := bob.next(35*time.Second, EventRequestStatusChanged); e.Result != nil {
			t.Fatalf("subscribe: %v", e.Result)
		}
		if n := len(objectsOfID(t, bob, mallory)); n != MaxObjects {
			t.Fatalf("bob sees %d objects, want %d", n, MaxObjects)
		}
		// Mallory keeps itself alive with digests (at the snapshot's
		// position, with a hash that does not match: bob re-pulls the same
		// snapshot, which changes nothing).
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for beat := uint64(1); ; beat++ {
				d, _ := wire.EncodeDigest(wire.Digest{Epoch: 7, Beat: beat, Seq: MaxObjects, Count: MaxObjects})
				mallory.topic(topic).Publish(context.Background(), d)
				select {
				case <-stop:
					return
				case <-time.After(time.Second):
				}
			}
		}()
		defer func() { close(stop); <-done }()
		time.Sleep(2 * time.Second)
		before := bob.netStats().Rejected

		valid := func(seq uint64, id uuid.UUID, data []byte) []byte {
			b, err := wire.EncodeUpdate(wire.NearMe, wire.Update{Epoch: 7, Seq: seq, Kind: wire.KindUpsert, Object: id, Scope: wire.ScopeNearMe, Data: data})
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		oversized := binary.AppendUvarint([]byte{wire.Version, byte(wire.TypeUpdate), 7, 129, 1, 0, byte(wire.KindUpsert)}, 0)
		oversized = append(oversized[:6], byte(wire.KindUpsert))
		oversized = append(oversized, nthID(1).String()[:16]...)
		oversized = append(oversized, byte(wire.ScopeNearMe))
		oversized = binary.AppendUvarint(oversized, MaxObjectSize+1)
		oversized = append(oversized, make([]byte, MaxObjectSize+1)...)
		hostile := [][]byte{
			[]byte("not a message"),
			{wire.Version},
			valid(129, nthID(1), []byte("x"))[:10],       // truncated
			append(valid(129, nthID(1), []byte("x")), 0), // trailing byte
			oversized, // 16384 bytes of data
			valid(129, nthID(MaxObjects+1), []byte("one too many")), // 129th object
		}
		for _, b := range hostile {
			mallory.publish(topic, b)
		}
		bob.noEvent(5*time.Second, EventEndpointObjectChanged)
		if n := len(objectsOfID(t, bob, mallory)); n != MaxObjects {
			t.Fatalf("bob sees %d objects, want %d", n, MaxObjects)
		}
		if got := bob.netStats().Rejected - before; got != uint64(len(hostile)) {
			t.Fatalf("bob rejected %d messages, want %d", got, len(hostile))
		}

		mallory.publish(topic, valid(129, nthID(1), []byte("legit")))
		e := bob.objectEvent(5 * time.Second)
		if e.Change != ChangeUpdated || string(e.Object.Data) != "legit" {
			t.Fatalf("got %v %q, want the legitimate update", e.Change, e.Object.Data)
		}
	})
}

// An eavesdropper subscribed to alice's internet topic gets nothing from
// alice herself (her subscription filter drops it) and only ciphertext
// from the watchers that relay to it.
func TestEavesdropperLearnsNoPlaintext(t *testing.T) {
	simTest(t, func(t *testing.T) {
		net := newSimNet(t)
		alice := net.newPeer("alice", ScopeInternet)
		bob := net.newPeer("bob", ScopeInternet)
		befriend(alice, bob)
		eve := net.newRawPeer()
		eve.connect(alice)
		eve.connect(bob)
		topic := wire.Topic(wire.Internet, alice.id.ID)
		rec := eve.subscribe(topic)
		time.Sleep(3 * time.Second)

		secret := []byte("the eagle lands at midnight")
		if err := alice.node.SetPresence(context.Background(), Presence{Status: PresenceBusy, Text: string(secret)}); err != nil {
			t.Fatal(err)
		}
		app := alice.session()
		alice.set(app, nthID(1), string(secret), ScopeInternet)
		wantObjectEvent(t, bob.objectEvent(10*time.Second), ChangeAdded, alice.id.ID, nthID(1), string(secret))
		msgs := rec.drain(5 * time.Second)
		updates := 0
		for _, m := range msgs {
			if bytes.Contains(m.GetData(), secret) {
				t.Fatal("eve read the plaintext")
			}
			if m.ReceivedFrom == alice.id.ID {
				t.Fatal("alice sent her internet topic to eve")
			}
			if g, err := wire.DecodeGossip(topic, m.GetFrom(), m.GetData()); err == nil && g.Type == wire.TypeUpdate {
				updates++
			}
		}
		if updates == 0 {
			t.Fatalf("eve got %d messages and no update: the relay path was not exercised", len(msgs))
		}
		if st := alice.netStats(); st.Filtered == 0 {
			t.Fatalf("alice's filter dropped nothing: %+v", st)
		}
	})
}

func objectsOfID(t *testing.T, p *simPeer, r *rawPeer) []Object {
	t.Helper()
	objs, err := p.node.Objects(context.Background(), ObjectQuery{Peer: r.id.ID})
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

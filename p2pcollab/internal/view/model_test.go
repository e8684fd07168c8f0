package view

import (
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// sim runs a publisher's Log, its restarts and a hostile network (loss,
// reordering, duplication, replays of anything ever sent, stale snapshots)
// against one watcher's View, and checks after every step that the view
// either is in unknown state or holds exactly the publisher's state at the
// position it claims, and that the changes it reported add up to it.
type sim struct {
	t        testing.TB
	log      *Log
	history  map[[2]uint64][wire.HashSize]byte // (epoch, seq) -> state hash
	sent     []wire.Update                     // every update ever published
	inflight []wire.Update
	digests  []wire.Digest
	snaps    []wire.Snapshot
	view     View
	mirror   map[uuid.UUID]Object // the view as its reported changes describe it
}

func newSim(t testing.TB) *sim {
	s := &sim{t: t, history: map[[2]uint64][wire.HashSize]byte{}, mirror: map[uuid.UUID]Object{}}
	s.restart(0)
	return s
}

func (s *sim) restart(last uint64) {
	s.log, _ = NewLog(wire.NearMe, NextEpoch(last, 0))
	s.record()
}

func (s *sim) record() {
	e, q := s.log.Position()
	s.history[[2]uint64{e, q}] = stateHash(s.log.live)
}

func (s *sim) publish(u wire.Update) {
	s.record()
	s.sent = append(s.sent, u)
	s.inflight = append(s.inflight, u)
}

// step performs the operation op selects, with arg as its parameter.
func (s *sim) step(op, arg byte) {
	pick := func(n int) int { return int(arg) % n }
	switch op % 12 {
	case 0, 1:
		if u, err := s.log.Set(oid(pick(10)), wire.ScopeNearMe, []byte{arg | 1}); err == nil {
			s.publish(u)
		}
	case 2:
		if u, ok := s.log.Delete(oid(pick(10))); ok {
			s.publish(u)
		}
	case 3, 4:
		if len(s.inflight) > 0 {
			s.deliver(s.take(0))
		}
	case 5:
		if len(s.inflight) > 0 {
			s.deliver(s.take(pick(len(s.inflight))))
		}
	case 6:
		if len(s.inflight) > 0 {
			s.take(pick(len(s.inflight))) // lost
		}
	case 7:
		if len(s.sent) > 0 {
			s.deliver(s.sent[pick(len(s.sent))]) // replay or duplicate
		}
	case 8:
		d := s.log.Heartbeat()
		s.digests = append(s.digests, d)
		s.view.ApplyDigest(d)
		if len(s.digests) > 1 {
			s.view.ApplyDigest(s.digests[pick(len(s.digests))])
		}
	case 9:
		snap := s.log.Snapshot()
		s.snaps = append(s.snaps, snap)
		s.applySnapshot(snap)
	case 10:
		if len(s.snaps) > 0 {
			s.applySnapshot(s.snaps[pick(len(s.snaps))]) // late or replayed
		}
	case 11:
		if arg%4 == 0 {
			e, _ := s.log.Position()
			s.restart(e)
		} else if arg%4 == 1 {
			s.report(s.view.Clear())
		}
	}
	s.check()
}

func (s *sim) take(i int) wire.Update {
	u := s.inflight[i]
	s.inflight = append(s.inflight[:i], s.inflight[i+1:]...)
	return u
}

func (s *sim) deliver(u wire.Update) {
	verdict, changes, err := s.view.Apply(u)
	if verdict == Invalid {
		s.t.Fatalf("honest update %d/%d judged invalid: %v", u.Epoch, u.Seq, err)
	}
	s.report(changes)
}

func (s *sim) applySnapshot(snap wire.Snapshot) {
	verdict, changes, err := s.view.ApplySnapshot(snap)
	if verdict == Invalid {
		s.t.Fatalf("honest snapshot judged invalid: %v", err)
	}
	s.report(changes)
}

// report updates the mirror with changes and checks each makes sense.
func (s *sim) report(changes []Change) {
	for _, c := range changes {
		_, had := s.mirror[c.Object.ID]
		switch {
		case c.Kind == Added && had, c.Kind != Added && !had:
			s.t.Fatalf("%s of object %v, which the mirror has=%v", c.Kind, c.Object.ID, had)
		case c.Kind == Deleted:
			delete(s.mirror, c.Object.ID)
		default:
			s.mirror[c.Object.ID] = c.Object
		}
	}
}

func (s *sim) check() {
	v := &s.view
	if len(v.live) != len(s.mirror) || stateHash(v.live) != stateHash(s.mirror) {
		s.t.Fatalf("reported changes disagree with the view: %d vs %d objects", len(s.mirror), len(v.live))
	}
	if len(v.pending) > MaxPending || len(v.live) > wire.MaxLiveObjects {
		s.t.Fatalf("%d held updates, %d live objects", len(v.pending), len(v.live))
	}
	if !v.known {
		return
	}
	want, ok := s.history[[2]uint64{v.epoch, v.seq}]
	if !ok {
		s.t.Fatalf("view at %d/%d, a position the publisher never had", v.epoch, v.seq)
	}
	if stateHash(v.live) != want {
		s.t.Fatalf("view at %d/%d holds a state the publisher never had there", v.epoch, v.seq)
	}
}

// heal ends the faults: everything in flight arrives, then digests and
// snapshots run until the view agrees with the publisher.
func (s *sim) heal() {
	for len(s.inflight) > 0 {
		s.deliver(s.take(len(s.inflight) - 1))
		s.check()
	}
	for range 2 {
		if s.view.ApplyDigest(s.log.Heartbeat()) == NeedSnapshot {
			s.applySnapshot(s.log.Snapshot())
			s.check()
		}
	}
	if !s.view.known || stateHash(s.view.live) != stateHash(s.log.live) {
		s.t.Fatal("the view did not converge after the network healed")
	}
	le, lq := s.log.Position()
	if ve, vq := s.view.Position(); ve != le || vq != lq {
		s.t.Fatalf("converged at %d/%d, publisher at %d/%d", ve, vq, le, lq)
	}
}

func TestViewFollowsLogRandom(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 7))
		s := newSim(t)
		for range 400 {
			s.step(byte(r.UintN(256)), byte(r.UintN(256)))
		}
		s.heal()
	}
}

func FuzzViewFollowsLog(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 3, 3, 8, 0})
	f.Add([]byte{0, 1, 0, 2, 0, 3, 5, 1, 5, 0, 8, 0, 9, 0})
	f.Add([]byte{0, 1, 6, 0, 0, 2, 3, 0, 8, 0, 9, 0, 11, 0, 0, 3, 7, 0, 10, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		s := newSim(t)
		for i := 0; i+1 < len(ops); i += 2 {
			s.step(ops[i], ops[i+1])
		}
		s.heal()
	})
}

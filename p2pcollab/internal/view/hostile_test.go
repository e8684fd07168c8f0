package view

import (
	"github.com/google/uuid"
	"testing"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// FuzzViewHostilePublisher drives a View with arbitrary well-formed
// messages, as a buggy or malicious publisher could sign them: the view
// must keep its bounds, never panic, and report changes that add up to its
// state.
func FuzzViewHostilePublisher(f *testing.F) {
	f.Add([]byte{0, 1, 1, 0, 0, 1, 2, 1, 1, 0, 2, 1, 1, 5, 4})
	f.Add([]byte{2, 1, 3, 0, 0, 0, 1, 1, 2, 7, 9, 1, 2, 0, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		s := &sim{t: t, mirror: map[uuid.UUID]Object{}}
		for len(ops) >= 5 {
			op, epoch, seq, id, arg := ops[0], uint64(ops[1]%4+1), uint64(ops[2]), int(ops[3]), ops[4]
			ops = ops[5:]
			switch op % 4 {
			case 0:
				if verdict, changes, _ := s.view.Apply(set(epoch, seq+1, id, string(rune(arg|1)))); verdict != Invalid {
					s.report(changes)
				}
			case 1:
				_, changes, _ := s.view.Apply(del(epoch, seq+1, id))
				s.report(changes)
			case 2:
				// A snapshot of arg objects with ids from id and versions
				// counting down from seq.
				var objs []Object
				for i := range int(arg) {
					objs = append(objs, obj(id+i, seq+uint64(arg)-uint64(i), "s"))
				}
				snap := snapshot(epoch, seq+uint64(arg), objs...)
				snap.Beat = uint64(arg)
				if verdict, changes, _ := s.view.ApplySnapshot(snap); verdict != Invalid {
					s.report(changes)
				}
			case 3:
				s.view.ApplyDigest(wire.Digest{Epoch: epoch, Beat: uint64(arg), Seq: seq})
			}
			if len(s.view.live) != len(s.mirror) || stateHash(s.view.live) != stateHash(s.mirror) {
				t.Fatal("reported changes disagree with the view")
			}
			if len(s.view.pending) > MaxPending || len(s.view.live) > wire.MaxLiveObjects {
				t.Fatalf("%d held updates, %d live objects", len(s.view.pending), len(s.view.live))
			}
		}
	})
}

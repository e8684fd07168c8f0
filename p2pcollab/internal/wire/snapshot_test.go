package wire

import (
	"bytes"
	"reflect"
	"runtime"
	"testing"
)

// fullSnapshot returns a snapshot at the limits: MaxLiveObjects objects of
// the largest size the channel allows.
func fullSnapshot(ch Channel) Snapshot {
	_, hi := ch.dataBounds()
	s := Snapshot{Epoch: 7, Seq: 1000, Beat: 3}
	if ch.Sealed() {
		s.KeyID = 2
	}
	for i := range MaxLiveObjects {
		s.Objects = append(s.Objects, Entry{ID: testID(byte(i)), Version: uint64(1000 - i), Scope: ScopeAll, Data: fill(hi, byte(i))})
	}
	p := &Presence{Epoch: 7, Version: 1 << 62, Data: fill(MaxPresenceData, 7)}
	if ch.Sealed() {
		p.KeyID, p.Data = 2, fill(MaxPresenceData+SealOverhead, 7)
	}
	s.Presence = p
	return s
}

func validSnapshots() map[Channel][]Snapshot {
	return map[Channel][]Snapshot{
		NearMe: {
			{Epoch: 1},
			{Epoch: 2, Seq: 5, Beat: 9, Objects: []Entry{
				{ID: testID(1), Version: 5, Scope: ScopeNearMe, Data: []byte("a")},
				{ID: testID(2), Version: 1, Scope: ScopeAll, Data: []byte("bb")},
			}},
			{Epoch: 3, Presence: &Presence{Epoch: 3, Version: 2, Data: []byte{1, 'h', 'i'}}},
			fullSnapshot(NearMe),
		},
		Internet: {
			{Epoch: 1, Seq: 9, KeyID: 1},
			{Epoch: 2, Seq: 5, KeyID: 3, Objects: []Entry{
				{ID: testID(1), Version: 4, Scope: ScopeInternet, Data: fill(41, 1)},
			}, Presence: &Presence{Epoch: 2, Version: 1, KeyID: 3, Data: fill(41, 2)}},
			fullSnapshot(Internet),
		},
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	for ch, ss := range validSnapshots() {
		for _, s := range ss {
			b, err := EncodeSnapshot(ch, s)
			if err != nil {
				t.Fatalf("%s: EncodeSnapshot: %v", ch, err)
			}
			if len(b) > MaxSnapshotLen {
				t.Errorf("%d bytes, over MaxSnapshotLen %d", len(b), MaxSnapshotLen)
			}
			got, err := DecodeSnapshot(ch, b)
			if err != nil {
				t.Fatalf("%s: DecodeSnapshot: %v", ch, err)
			}
			if !reflect.DeepEqual(got, s) {
				t.Fatalf("%s: got %+v, want %+v", ch, got, s)
			}
			if len(b) < 1<<14 {
				mustPrefixesFail(t, b, func(b []byte) error { _, err := DecodeSnapshot(ch, b); return err })
			}
		}
	}
}

func TestSnapshotRejects(t *testing.T) {
	base := validSnapshots()[NearMe][1]
	for name, mutate := range map[string]func(*Snapshot){
		"epoch 0":        func(s *Snapshot) { s.Epoch = 0 },
		"key id":         func(s *Snapshot) { s.KeyID = 1 },
		"count > seq":    func(s *Snapshot) { s.Seq = 1; s.Objects[0].Version = 1 },
		"version 0":      func(s *Snapshot) { s.Objects[0].Version = 0 },
		"version > seq":  func(s *Snapshot) { s.Objects[0].Version = 6 },
		"same version":   func(s *Snapshot) { s.Objects[1].Version = 5 },
		"unsorted":       func(s *Snapshot) { s.Objects[0], s.Objects[1] = s.Objects[1], s.Objects[0] },
		"duplicate id":   func(s *Snapshot) { s.Objects[1].ID = s.Objects[0].ID },
		"nil id":         func(s *Snapshot) { s.Objects[0].ID = [16]byte{} },
		"scope internet": func(s *Snapshot) { s.Objects[0].Scope = ScopeInternet },
		"empty data":     func(s *Snapshot) { s.Objects[0].Data = nil },
		"oversize data":  func(s *Snapshot) { s.Objects[0].Data = fill(MaxObjectData+1, 0) },
	} {
		s := base
		s.Objects = append([]Entry(nil), base.Objects...)
		mutate(&s)
		_, err := EncodeSnapshot(NearMe, s)
		if err == nil {
			t.Errorf("%s: encoded", name)
			continue
		}
		wantInvalid(t, err)
	}
	full := fullSnapshot(NearMe)
	full.Objects = append(full.Objects, Entry{ID: testID(200), Version: 1, Scope: ScopeAll, Data: []byte("x")})
	_, err := EncodeSnapshot(NearMe, full)
	wantInvalid(t, err)
}

// TestDecodeSnapshotCountBound feeds counts the input cannot hold: the
// decoder must refuse them before allocating.
func TestDecodeSnapshotCountBound(t *testing.T) {
	b, _ := EncodeSnapshot(NearMe, validSnapshots()[NearMe][1])
	// b = 01 03 02 05 09 00 02 <entries>; the count is b[6].
	for _, count := range [][]byte{{3}, {0x81, 0x01}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}} {
		bad := append(append(bytes.Clone(b[:6]), count...), b[7:]...)
		_, err := DecodeSnapshot(NearMe, bad)
		wantInvalid(t, err)
	}
	// A count of 128 entries that the input cannot hold must be refused
	// before a slice for them is made. Bytes allocated, averaged over many
	// runs, tell that apart from background noise (a count of allocations
	// does not: the race detector and the runtime allocate too).
	const runs = 200
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		_, _ = DecodeSnapshot(NearMe, []byte{1, 3, 1, 200, 1, 0, 0x80, 0x01})
	}
	runtime.ReadMemStats(&after)
	if perRun := (after.TotalAlloc - before.TotalAlloc) / runs; perRun > 1024 {
		t.Errorf("rejecting a bogus count allocated %d bytes per call, want no room for the entries", perRun)
	}
}

// TestSnapshotPresenceRejects checks the presence a snapshot carries: its
// flag, its epoch (the snapshot's), its key id and its data bounds.
func TestSnapshotPresenceRejects(t *testing.T) {
	for name, s := range map[string]Snapshot{
		"other epoch":      {Epoch: 2, Presence: &Presence{Epoch: 1, Version: 1, Data: []byte{1}}},
		"version 0":        {Epoch: 2, Presence: &Presence{Epoch: 2, Data: []byte{1}}},
		"empty data":       {Epoch: 2, Presence: &Presence{Epoch: 2, Version: 1}},
		"key id on nearme": {Epoch: 2, Presence: &Presence{Epoch: 2, Version: 1, KeyID: 1, Data: []byte{1}}},
		"data too long":    {Epoch: 2, Presence: &Presence{Epoch: 2, Version: 1, Data: fill(MaxPresenceData+1, 1)}},
	} {
		if _, err := EncodeSnapshot(NearMe, s); err == nil {
			t.Errorf("%s: encoded", name)
		} else {
			wantInvalid(t, err)
		}
	}
	b, err := EncodeSnapshot(NearMe, Snapshot{Epoch: 1})
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"flag 2":          append(bytes.Clone(b[:len(b)-1]), 2),
		"no flag":         b[:len(b)-1],
		"flag 1, no body": append(bytes.Clone(b[:len(b)-1]), 1),
		"trailing byte":   append(bytes.Clone(b), 0),
	} {
		if _, err := DecodeSnapshot(NearMe, bad); err == nil {
			t.Errorf("%s: decoded", name)
		} else {
			wantInvalid(t, err)
		}
	}
}

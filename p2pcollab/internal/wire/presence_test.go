package wire

import (
	"bytes"
	"reflect"
	"testing"
)

func validPresences() map[Channel][]Presence {
	return map[Channel][]Presence{
		NearMe: {
			{Epoch: 1, Version: 1, Data: []byte{7}},
			{Epoch: 1 << 40, Version: 300, Data: append([]byte{2}, "out for lunch"...)},
			{Epoch: 2, Version: 2, Data: fill(MaxPresenceData, 'a')},
		},
		Internet: {
			{Epoch: 1, Version: 1, KeyID: 1, Data: fill(1+SealOverhead, 1)},
			{Epoch: 9, Version: 4, KeyID: MaxKeyID, Data: fill(MaxPresenceData+SealOverhead, 2)},
		},
	}
}

func TestPresenceRoundTrip(t *testing.T) {
	for ch, ps := range validPresences() {
		for _, p := range ps {
			b, err := EncodePresence(ch, p)
			if err != nil {
				t.Fatalf("%s: encode %+v: %v", ch, p, err)
			}
			if len(b) > MaxPresenceLen {
				t.Fatalf("%d bytes, over MaxPresenceLen %d", len(b), MaxPresenceLen)
			}
			got, err := DecodePresence(ch, b)
			if err != nil || !reflect.DeepEqual(got, p) {
				t.Fatalf("%s: decode: got %+v, %v; want %+v", ch, got, err, p)
			}
			mustPrefixesFail(t, b, func(b []byte) error { _, err := DecodePresence(ch, b); return err })
		}
	}
}

func TestPresenceRules(t *testing.T) {
	bad := map[Channel][]Presence{
		NearMe: {
			{Epoch: 0, Version: 1, Data: []byte{7}},
			{Epoch: 1, Version: 0, Data: []byte{7}},
			{Epoch: 1, Version: 1, KeyID: 1, Data: []byte{7}}, // a key on a plaintext channel
			{Epoch: 1, Version: 1},                            // no status
			{Epoch: 1, Version: 1, Data: fill(MaxPresenceData+1, 'a')},
		},
		Internet: {
			{Epoch: 1, Version: 1, Data: fill(1+SealOverhead, 1)}, // key id 0
			{Epoch: 1, Version: 1, KeyID: 1, Data: fill(SealOverhead, 1)},
			{Epoch: 1, Version: 1, KeyID: 1, Data: fill(MaxPresenceData+SealOverhead+1, 1)},
		},
	}
	for ch, ps := range bad {
		for _, p := range ps {
			_, err := EncodePresence(ch, p)
			wantInvalid(t, err)
		}
	}
	// A valid near-me presence is not a valid internet one, and the other
	// way round: the channel fixes the key id.
	b, _ := EncodePresence(NearMe, Presence{Epoch: 1, Version: 1, Data: fill(1+SealOverhead, 1)})
	_, err := DecodePresence(Internet, b)
	wantInvalid(t, err)
}

func TestDecodeGossipPresence(t *testing.T) {
	pub := testPeer(t, 1)
	b, _ := EncodePresence(NearMe, Presence{Epoch: 3, Version: 2, Data: []byte{5, 'x'}})
	g, err := DecodeGossip(Topic(NearMe, pub), pub, b)
	if err != nil || g.Type != TypePresence || g.Presence.Version != 2 {
		t.Fatalf("got %+v, %v", g, err)
	}
	_, err = DecodeGossip(Topic(NearMe, pub), testPeer(t, 2), b)
	wantInvalid(t, err)
}

func FuzzDecodePresence(f *testing.F) {
	for ch, ps := range validPresences() {
		for _, p := range ps {
			b, _ := EncodePresence(ch, p)
			f.Add(byte(ch-1), b)
		}
	}
	f.Fuzz(func(t *testing.T, c byte, b []byte) {
		ch := fuzzChannel(c)
		p, err := DecodePresence(ch, b)
		if err != nil {
			wantInvalid(t, err)
			return
		}
		again, err := EncodePresence(ch, p)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("re-encoding %x gave %x, %v", b, again, err)
		}
	})
}

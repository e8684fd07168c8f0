package wire

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"
)

func validUpdates() map[Channel][]Update {
	return map[Channel][]Update{
		NearMe: {
			{Epoch: 1, Seq: 1, Kind: KindUpsert, Object: testID(1), Scope: ScopeNearMe, Data: []byte("x")},
			{Epoch: 1 << 62, Seq: 1 << 40, Kind: KindUpsert, Object: testID(2), Scope: ScopeAll, Data: fill(MaxObjectData, 7)},
			{Epoch: 9, Seq: 3, Kind: KindDelete, Object: testID(3)},
		},
		Internet: {
			{Epoch: 1, Seq: 1, KeyID: 1, Kind: KindUpsert, Object: testID(1), Scope: ScopeInternet, Data: fill(1+SealOverhead, 1)},
			{Epoch: 2, Seq: 200, KeyID: MaxKeyID, Kind: KindUpsert, Object: testID(2), Scope: ScopeAll, Data: fill(MaxSealedData, 2)},
			{Epoch: 2, Seq: 201, KeyID: 5, Kind: KindDelete, Object: testID(2)},
		},
	}
}

func TestUpdateRoundTrip(t *testing.T) {
	for ch, us := range validUpdates() {
		for _, u := range us {
			b, err := EncodeUpdate(ch, u)
			if err != nil {
				t.Fatalf("%s: EncodeUpdate(%+v): %v", ch, u.Object, err)
			}
			if len(b) > MaxUpdateLen {
				t.Errorf("%d bytes, over MaxUpdateLen %d", len(b), MaxUpdateLen)
			}
			got, err := DecodeUpdate(ch, b)
			if err != nil {
				t.Fatalf("%s: DecodeUpdate: %v", ch, err)
			}
			if !reflect.DeepEqual(got, u) {
				t.Fatalf("%s: got %+v, want %+v", ch, got, u)
			}
			mustPrefixesFail(t, b, func(b []byte) error { _, err := DecodeUpdate(ch, b); return err })
			// The other channel disagrees on the key id or the data size.
			other := Internet + NearMe - ch
			_, err = DecodeUpdate(other, b)
			wantInvalid(t, err)
		}
	}
}

func TestEncodeUpdateRejects(t *testing.T) {
	ok := Update{Epoch: 1, Seq: 1, Kind: KindUpsert, Object: testID(1), Scope: ScopeNearMe, Data: []byte("x")}
	for name, mutate := range map[string]func(*Update){
		"epoch 0":          func(u *Update) { u.Epoch = 0 },
		"seq 0":            func(u *Update) { u.Seq = 0 },
		"key id":           func(u *Update) { u.KeyID = 1 },
		"kind 0":           func(u *Update) { u.Kind = 0 },
		"kind 3":           func(u *Update) { u.Kind = 3 },
		"nil id":           func(u *Update) { u.Object = [16]byte{} },
		"scope none":       func(u *Update) { u.Scope = ScopeNone },
		"scope internet":   func(u *Update) { u.Scope = ScopeInternet },
		"scope 4":          func(u *Update) { u.Scope = 4 },
		"empty data":       func(u *Update) { u.Data = []byte{} },
		"oversize data":    func(u *Update) { u.Data = fill(MaxObjectData+1, 1) },
		"delete with data": func(u *Update) { u.Kind = KindDelete; u.Scope = ScopeNone },
		"delete scope":     func(u *Update) { u.Kind = KindDelete; u.Data = nil },
	} {
		u := ok
		mutate(&u)
		if _, err := EncodeUpdate(NearMe, u); err == nil {
			t.Errorf("%s: encoded", name)
		} else {
			wantInvalid(t, err)
		}
	}
	if _, err := EncodeUpdate(0, ok); err == nil {
		t.Error("encoded for channel 0")
	}
	sealed := Update{Epoch: 1, Seq: 1, KeyID: 1, Kind: KindUpsert, Object: testID(1), Scope: ScopeInternet, Data: fill(SealOverhead, 1)}
	if _, err := EncodeUpdate(Internet, sealed); err == nil {
		t.Error("encoded sealed data shorter than the seal overhead + 1")
	}
}

// TestDecodeUpdateRejects edits valid encodings byte by byte.
func TestDecodeUpdateRejects(t *testing.T) {
	u := Update{Epoch: 5, Seq: 6, Kind: KindUpsert, Object: testID(1), Scope: ScopeNearMe, Data: []byte("hi")}
	b, _ := EncodeUpdate(NearMe, u)
	// b = 01 01 05 06 00 01 <16 id> 01 02 'h' 'i'
	edit := func(i int, v byte) []byte { c := bytes.Clone(b); c[i] = v; return c }
	for name, bad := range map[string][]byte{
		"version 0":      edit(0, 0),
		"version 2":      edit(0, 2),
		"type digest":    edit(1, byte(TypeDigest)),
		"type 0":         edit(1, 0),
		"epoch 0":        edit(2, 0),
		"key id 1":       edit(4, 1),
		"kind 0":         edit(5, 0),
		"kind 9":         edit(5, 9),
		"scope none":     edit(22, 0),
		"scope internet": edit(22, 2),
		"scope 255":      edit(22, 255),
		"length short":   edit(23, 1),
		"length long":    edit(23, 3),
		"length 0":       edit(23, 0)[:24],
		"padded epoch":   append([]byte{1, 1, 0x85, 0x00}, b[3:]...),
		"delete + data":  edit(5, byte(KindDelete)),
		"huge length":    append(bytes.Clone(b[:23]), binary.AppendUvarint(nil, 1<<62)...),
		"overflow epoch": append([]byte{1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, b[3:]...),
	} {
		if _, err := DecodeUpdate(NearMe, bad); err == nil {
			t.Errorf("%s: decoded", name)
		} else {
			wantInvalid(t, err)
		}
	}
	// A plaintext one byte over the limit, written by hand since the
	// encoder refuses to.
	id := testID(1)
	over := append([]byte{1, 1, 1, 1, 0, byte(KindUpsert)}, id[:]...)
	over = append(over, byte(ScopeNearMe))
	over = appendData(over, fill(MaxObjectData+1, 1))
	if _, err := DecodeUpdate(NearMe, over); err == nil {
		t.Error("plaintext of MaxObjectData+1 bytes decoded")
	}
	if _, err := DecodeUpdate(NearMe, over[:len(over)-1]); err == nil {
		t.Error("truncated message decoded")
	}
	ok := append(over[:23], appendData(nil, fill(MaxObjectData, 1))...)
	if _, err := DecodeUpdate(NearMe, ok); err != nil {
		t.Errorf("plaintext of MaxObjectData bytes: %v", err)
	}
}

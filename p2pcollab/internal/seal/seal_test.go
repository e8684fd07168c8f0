package seal

import (
	"bytes"
	"testing"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

func testKey(epoch uint64, id uint32, b byte) Key {
	return Key{Epoch: epoch, ID: id, Secret: [wire.KeySize]byte{b, 1, 2, 31: b}}
}

func TestSealOpen(t *testing.T) {
	k := testKey(7, 1, 1)
	s := Slot{Publisher: testPeer(t, 1), Epoch: 7, Seq: 3, Object: testID(1), Kind: wire.KindUpsert, Scope: wire.ScopeInternet}
	for _, n := range []int{1, 100, wire.MaxObjectData} {
		plain := bytes.Repeat([]byte{0xab}, n)
		sealed, err := Seal(k, s, plain, detRand(1))
		if err != nil {
			t.Fatal(err)
		}
		if len(sealed) != n+Overhead {
			t.Fatalf("sealed %d bytes into %d, want %d", n, len(sealed), n+Overhead)
		}
		if bytes.Contains(sealed, plain[:min(n, 16)]) {
			t.Fatal("plaintext visible in the sealed payload")
		}
		got, err := Open(k, s, sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("Open: got %d bytes, %v", len(got), err)
		}
	}
}

func TestSealNoncesDiffer(t *testing.T) {
	k := testKey(1, 1, 1)
	s := Slot{Epoch: 1, Seq: 1, Object: testID(1), Kind: wire.KindUpsert}
	a, _ := Seal(k, s, []byte("same"), nil)
	b, _ := Seal(k, s, []byte("same"), nil)
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same plaintext are equal: nonce reused")
	}
}

func TestOpenRejects(t *testing.T) {
	pub := testPeer(t, 1)
	k := testKey(7, 2, 1)
	s := Slot{Publisher: pub, Epoch: 7, Seq: 3, Object: testID(1), Kind: wire.KindUpsert, Scope: wire.ScopeAll}
	sealed, err := Seal(k, s, []byte("secret"), detRand(2))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("wrong key", func(t *testing.T) {
		_, err := Open(testKey(7, 2, 9), s, sealed)
		wantInvalid(t, err)
	})
	t.Run("wrong key id", func(t *testing.T) {
		other := k
		other.ID = 3 // same secret: the id is bound too
		_, err := Open(other, s, sealed)
		wantInvalid(t, err)
	})
	t.Run("wrong epoch key", func(t *testing.T) {
		other := k
		other.Epoch = 8
		_, err := Open(other, s, sealed)
		wantInvalid(t, err)
	})
	for name, mutate := range map[string]func(*Slot){
		"publisher": func(s *Slot) { s.Publisher = testPeer(t, 2) },
		"epoch":     func(s *Slot) { s.Epoch = 8 },
		"seq":       func(s *Slot) { s.Seq = 4 },
		"object":    func(s *Slot) { s.Object = testID(2) },
		"kind":      func(s *Slot) { s.Kind = wire.KindDelete },
		"scope":     func(s *Slot) { s.Scope = wire.ScopeInternet },
	} {
		t.Run("tampered "+name, func(t *testing.T) {
			other := s
			mutate(&other)
			key := k
			key.Epoch = other.Epoch // isolate the AD check from the epoch guard
			_, err := Open(key, other, sealed)
			wantInvalid(t, err)
		})
	}
	t.Run("tampered ciphertext", func(t *testing.T) {
		for i := range sealed {
			bad := bytes.Clone(sealed)
			bad[i] ^= 0x01
			if _, err := Open(k, s, bad); err == nil {
				t.Fatalf("flipping byte %d went unnoticed", i)
			}
		}
		_, err := Open(k, s, sealed[:len(sealed)-1])
		wantInvalid(t, err)
		_, err = Open(k, s, sealed[:Overhead])
		wantInvalid(t, err)
	})
}

func TestSealRejects(t *testing.T) {
	k := testKey(1, 1, 1)
	s := Slot{Epoch: 1, Seq: 1, Object: testID(1), Kind: wire.KindUpsert}
	for _, n := range []int{0, wire.MaxObjectData + 1} {
		_, err := Seal(k, s, make([]byte, n), nil)
		wantInvalid(t, err)
	}
	s.Epoch = 2
	_, err := Seal(k, s, []byte("x"), nil)
	wantInvalid(t, err)
	s.Epoch = 1
	if _, err := Seal(k, s, []byte("x"), bytes.NewReader(nil)); err == nil {
		t.Fatal("sealed without randomness")
	}
}

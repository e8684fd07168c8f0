package seal

import (
	"bytes"
	"testing"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
)

// FuzzOpen feeds Open arbitrary payloads for a fixed key and slot: it must
// never panic, must reject everything but the genuine ciphertext (a forger
// without the key cannot produce another that opens) and must report
// failures as ErrInvalidArg.
func FuzzOpen(f *testing.F) {
	k := testKey(3, 1, 7)
	s := Slot{Publisher: testPeer(f, 1), Epoch: 3, Seq: 9, Object: testID(1), Kind: wire.KindUpsert, Scope: wire.ScopeAll}
	genuine, err := Seal(k, s, []byte("genuine"), detRand(1))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(genuine)
	f.Add(genuine[:Overhead])
	f.Add(make([]byte, Overhead+1))
	f.Fuzz(func(t *testing.T, sealed []byte) {
		plain, err := Open(k, s, sealed)
		if err != nil {
			wantInvalid(t, err)
			return
		}
		if !bytes.Equal(sealed, genuine) || string(plain) != "genuine" {
			t.Fatalf("forged payload %x opened to %q", sealed, plain)
		}
	})
}

package wire

import (
	"bytes"
	"testing"
)

func TestKeyGrantRoundTrip(t *testing.T) {
	for _, g := range []KeyGrant{
		{Epoch: 1, KeyID: 1, Key: [KeySize]byte{1}},
		{Epoch: 1 << 63, KeyID: MaxKeyID, Key: [KeySize]byte(fill(KeySize, 0xff))},
	} {
		b, err := EncodeKeyGrant(g)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > MaxKeyGrantLen {
			t.Errorf("%d bytes, over MaxKeyGrantLen %d", len(b), MaxKeyGrantLen)
		}
		got, err := DecodeKeyGrant(b)
		if err != nil || got != g {
			t.Fatalf("got %+v, %v; want %+v", got, err, g)
		}
		mustPrefixesFail(t, b, func(b []byte) error { _, err := DecodeKeyGrant(b); return err })
	}
}

func TestKeyGrantRejects(t *testing.T) {
	for _, g := range []KeyGrant{
		{KeyID: 1, Key: [KeySize]byte{1}},
		{Epoch: 1, Key: [KeySize]byte{1}},
		{Epoch: 1, KeyID: 1},
	} {
		_, err := EncodeKeyGrant(g)
		wantInvalid(t, err)
	}
	b, _ := EncodeKeyGrant(KeyGrant{Epoch: 1, KeyID: 1, Key: [KeySize]byte{1}})
	bigID := append([]byte{1, 4, 1, 0x80, 0x80, 0x80, 0x80, 0x10}, b[4:]...) // 2^32
	for _, bad := range [][]byte{
		bigID,
		append([]byte{2}, b[1:]...),
		append(bytes.Clone(b[:4]), make([]byte, KeySize)...),
	} {
		_, err := DecodeKeyGrant(bad)
		wantInvalid(t, err)
	}
}

package wire

import (
	"bytes"
	"testing"
)

func validDigests() []Digest {
	return []Digest{
		{Epoch: 1, Beat: 1},
		{Epoch: 1 << 63, Beat: 1 << 63, Seq: 1 << 63, Count: MaxLiveObjects, Presence: 1 << 63, Hash: [HashSize]byte{1, 2, 3}},
		{Epoch: 3, Beat: 10, Seq: 2, Count: 2, Presence: 4, Hash: [HashSize]byte{31: 9}},
	}
}

func TestDigestRoundTrip(t *testing.T) {
	for _, d := range validDigests() {
		b, err := EncodeDigest(d)
		if err != nil {
			t.Fatalf("EncodeDigest(%+v): %v", d, err)
		}
		if len(b) > MaxDigestLen {
			t.Errorf("%d bytes, over MaxDigestLen %d", len(b), MaxDigestLen)
		}
		got, err := DecodeDigest(b)
		if err != nil || got != d {
			t.Fatalf("got %+v, %v; want %+v", got, err, d)
		}
		mustPrefixesFail(t, b, func(b []byte) error { _, err := DecodeDigest(b); return err })
	}
}

func TestDigestRejects(t *testing.T) {
	for _, d := range []Digest{
		{Beat: 1},
		{Epoch: 1},
		{Epoch: 1, Beat: 1, Seq: 1, Count: 2},
		{Epoch: 1, Beat: 1, Seq: 200, Count: MaxLiveObjects + 1},
		{Epoch: 1, Beat: 1, Seq: 200, Count: -1},
	} {
		_, err := EncodeDigest(d)
		wantInvalid(t, err)
	}
	b, _ := EncodeDigest(Digest{Epoch: 1, Beat: 1, Seq: 2, Count: 1})
	// b = 01 02 01 01 02 01 00 <hash>
	edit := func(i int, v byte) []byte { c := bytes.Clone(b); c[i] = v; return c }
	for name, bad := range map[string][]byte{
		"type update":  edit(1, byte(TypeUpdate)),
		"count > seq":  edit(5, 3),
		"count > 128":  append(append(bytes.Clone(b[:5]), 0x81, 0x01), b[6:]...),
		"padded count": append(append(bytes.Clone(b[:5]), 0x81, 0x00), b[6:]...),
	} {
		if _, err := DecodeDigest(bad); err == nil {
			t.Errorf("%s: decoded", name)
		} else {
			wantInvalid(t, err)
		}
	}
}

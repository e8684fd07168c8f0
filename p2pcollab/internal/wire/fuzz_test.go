package wire

import (
	"bytes"
	"reflect"
	"testing"
)

// The fuzzers check, for every input a decoder accepts, that re-encoding
// gives back the same bytes (the encoding is canonical) and that decoding
// those bytes gives back the same value; for every input it rejects, that
// the error wraps ErrInvalidArg. Seeds come from the encoders.

func fuzzChannel(c byte) Channel { return Channel(c%2 + 1) }

func FuzzDecodeUpdate(f *testing.F) {
	for ch, us := range validUpdates() {
		for _, u := range us {
			b, _ := EncodeUpdate(ch, u)
			f.Add(byte(ch-1), b)
		}
	}
	f.Fuzz(func(t *testing.T, c byte, b []byte) {
		ch := fuzzChannel(c)
		u, err := DecodeUpdate(ch, b)
		if err != nil {
			wantInvalid(t, err)
			return
		}
		again, err := EncodeUpdate(ch, u)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("re-encoding %x gave %x, %v", b, again, err)
		}
		if u2, err := DecodeUpdate(ch, again); err != nil || !reflect.DeepEqual(u2, u) {
			t.Fatalf("decode(encode(u)) = %+v, %v; want %+v", u2, err, u)
		}
	})
}

func FuzzDecodeDigest(f *testing.F) {
	for _, d := range validDigests() {
		b, _ := EncodeDigest(d)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := DecodeDigest(b)
		if err != nil {
			wantInvalid(t, err)
			return
		}
		again, err := EncodeDigest(d)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("re-encoding %x gave %x, %v", b, again, err)
		}
		if d2, err := DecodeDigest(again); err != nil || d2 != d {
			t.Fatalf("decode(encode(d)) = %+v, %v; want %+v", d2, err, d)
		}
	})
}

func FuzzDecodeSnapshot(f *testing.F) {
	for ch, ss := range validSnapshots() {
		for _, s := range ss {
			if len(s.Objects) > 4 {
				s.Objects = s.Objects[:4] // small seeds mutate faster
				for i := range s.Objects {
					s.Objects[i].Data = s.Objects[i].Data[:41]
				}
			}
			b, err := EncodeSnapshot(ch, s)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(byte(ch-1), b)
		}
	}
	f.Fuzz(func(t *testing.T, c byte, b []byte) {
		ch := fuzzChannel(c)
		s, err := DecodeSnapshot(ch, b)
		if err != nil {
			wantInvalid(t, err)
			return
		}
		again, err := EncodeSnapshot(ch, s)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("re-encoding %x gave %x, %v", b, again, err)
		}
		if s2, err := DecodeSnapshot(ch, again); err != nil || !reflect.DeepEqual(s2, s) {
			t.Fatalf("decode(encode(s)) = %+v, %v; want %+v", s2, err, s)
		}
	})
}

func FuzzDecodeKeyGrant(f *testing.F) {
	for _, g := range []KeyGrant{{Epoch: 1, KeyID: 1, Key: [KeySize]byte{1}}, {Epoch: 1 << 40, KeyID: MaxKeyID, Key: [KeySize]byte{31: 1}}} {
		b, _ := EncodeKeyGrant(g)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := DecodeKeyGrant(b)
		if err != nil {
			wantInvalid(t, err)
			return
		}
		again, err := EncodeKeyGrant(g)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("re-encoding %x gave %x, %v", b, again, err)
		}
		if g2, err := DecodeKeyGrant(again); err != nil || g2 != g {
			t.Fatalf("decode(encode(g)) = %+v, %v; want %+v", g2, err, g)
		}
	})
}

// FuzzDecodeGossip runs the validator's whole structural check: topic,
// author and payload, on the real publisher's topics.
func FuzzDecodeGossip(f *testing.F) {
	pub := testPeer(f, 1)
	for ch, us := range validUpdates() {
		for _, u := range us {
			b, _ := EncodeUpdate(ch, u)
			f.Add(byte(ch-1), false, b)
		}
	}
	for _, d := range validDigests() {
		b, _ := EncodeDigest(d)
		f.Add(byte(0), true, b)
	}
	other := testPeer(f, 2)
	f.Fuzz(func(t *testing.T, c byte, forged bool, b []byte) {
		ch, author := fuzzChannel(c), pub
		if forged {
			author = other
		}
		g, err := DecodeGossip(Topic(ch, pub), author, b)
		if err != nil {
			wantInvalid(t, err)
			return
		}
		if forged || g.Publisher != pub || g.Channel != ch {
			t.Fatalf("accepted %+v from %s", g, author)
		}
		var again []byte
		switch g.Type {
		case TypeUpdate:
			again, err = EncodeUpdate(ch, g.Update)
		case TypeDigest:
			again, err = EncodeDigest(g.Digest)
		default:
			t.Fatalf("type %s", g.Type)
		}
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("re-encoding %x gave %x, %v", b, again, err)
		}
	})
}

package wire

import (
	"github.com/libp2p/go-libp2p/core/peer"
	"reflect"
	"testing"
)

func TestDecodeGossip(t *testing.T) {
	pub, other := testPeer(t, 1), testPeer(t, 2)
	u := validUpdates()[Internet][0]
	ub, _ := EncodeUpdate(Internet, u)
	d := validDigests()[2]
	db, _ := EncodeDigest(d)

	g, err := DecodeGossip(Topic(Internet, pub), pub, ub)
	if err != nil || g.Type != TypeUpdate || g.Channel != Internet || g.Publisher != pub || !reflect.DeepEqual(g.Update, u) {
		t.Fatalf("got %+v, %v", g, err)
	}
	g, err = DecodeGossip(Topic(NearMe, pub), pub, db)
	if err != nil || g.Type != TypeDigest || g.Channel != NearMe || g.Digest != d {
		t.Fatalf("got %+v, %v", g, err)
	}

	kb, _ := EncodeKeyGrant(KeyGrant{Epoch: 1, KeyID: 1, Key: [KeySize]byte{1}})
	sb, _ := EncodeSnapshot(Internet, Snapshot{Epoch: 1, KeyID: 1})
	for name, c := range map[string]struct {
		topic  string
		author string
		data   []byte
	}{
		"forged author":     {Topic(Internet, pub), string(other), ub},
		"bad topic":         {"/p2pcollab/1/x/" + pub.String(), string(pub), ub},
		"plaintext channel": {Topic(NearMe, pub), string(pub), ub},
		"key grant":         {Topic(Internet, pub), string(pub), kb},
		"snapshot":          {Topic(Internet, pub), string(pub), sb},
		"empty":             {Topic(Internet, pub), string(pub), nil},
		"one byte":          {Topic(Internet, pub), string(pub), []byte{1}},
	} {
		_, err := DecodeGossip(c.topic, peer.ID(c.author), c.data)
		if err == nil {
			t.Errorf("%s: decoded", name)
			continue
		}
		wantInvalid(t, err)
	}
}

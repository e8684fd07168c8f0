package wire

import (
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
)

func TestTopicRoundTrip(t *testing.T) {
	p := testPeer(t, 1)
	for _, ch := range []Channel{Internet, NearMe} {
		topic := Topic(ch, p)
		gotCh, gotP, err := ParseTopic(topic)
		if err != nil || gotCh != ch || gotP != p {
			t.Fatalf("ParseTopic(%q) = %v, %v, %v; want %v, %v", topic, gotCh, gotP, err, ch, p)
		}
	}
	if got, want := Topic(Internet, p), "/p2pcollab/1/objects/"+p.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := Topic(NearMe, p), "/p2pcollab/1/nearme/"+p.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if Topic(0, p) != "" || SyncProtocol(3) != "" {
		t.Error("invalid channel produced a name")
	}
	if got := SyncProtocol(NearMe); got != "/p2pcollab/1/sync/nearme" {
		t.Errorf("got %q", got)
	}
}

func TestParseTopicRejects(t *testing.T) {
	p := testPeer(t, 1)
	cid := peer.ToCid(p).String() // valid peer id, but not the canonical text
	for _, topic := range []string{
		"",
		"/p2pcollab/1/objects/",
		"/p2pcollab/2/objects/" + p.String(),
		"/p2pcollab/1/presence/" + p.String(),
		"/p2pcollab/1/objects/" + p.String() + "/",
		"/p2pcollab/1/objects/" + p.String() + "x",
		"/p2pcollab/1/objects//" + p.String(),
		"/p2pcollab/1/nearme/" + cid,
		"p2pcollab/1/objects/" + p.String(),
		"/p2pcollab/1/Objects/" + p.String(),
		"/p2pcollab/1/objects/" + strings.ToLower(p.String()),
	} {
		_, _, err := ParseTopic(topic)
		wantInvalid(t, err)
	}
}

func FuzzParseTopic(f *testing.F) {
	p := testPeer(f, 1)
	f.Add(Topic(Internet, p))
	f.Add(Topic(NearMe, p))
	f.Add("/p2pcollab/1/nearme/" + peer.ToCid(p).String())
	f.Fuzz(func(t *testing.T, topic string) {
		ch, p, err := ParseTopic(topic)
		if err != nil {
			wantInvalid(t, err)
			return
		}
		if got := Topic(ch, p); got != topic {
			t.Fatalf("Topic(ParseTopic(%q)) = %q", topic, got)
		}
	})
}

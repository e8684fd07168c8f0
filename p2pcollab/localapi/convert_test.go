package localapi

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/multiformats/go-multiaddr"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Every kind of event survives the trip through JSON unchanged.
func TestEventRoundTrip(t *testing.T) {
	id, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	obj := p2pcollab.Object{ID: objID, Data: []byte{0, 1, 0xff}, Scope: p2pcollab.ScopeInternet, Peer: id.ID}
	c := contacts.Contact{PeerID: id.ID, Nickname: "bob", DisplayName: "Bob", Email: "b@example.org", Watch: true,
		Permission: contacts.PermissionAllowed, Addrs: []multiaddr.Multiaddr{multiaddr.StringCast("/ip6/::1/udp/4001/quic-v1")}}
	pres := p2pcollab.Presence{Status: p2pcollab.PresenceOnThePhone, Text: "call"}
	for _, e := range []p2pcollab.Event{
		{Type: p2pcollab.EventMyObjectChanged, Change: p2pcollab.ChangeDeleted, Peer: id.ID, ObjectID: objID, Object: &obj},
		{Type: p2pcollab.EventEndpointObjectChanged, Change: p2pcollab.ChangeUpdated, Peer: id.ID, ObjectID: objID, Object: &obj, Contact: &c},
		{Type: p2pcollab.EventWatchlistChanged, Change: p2pcollab.ChangeAdded, Peer: id.ID, Contact: &c},
		{Type: p2pcollab.EventMyPresenceChanged, Change: p2pcollab.ChangeUpdated, Peer: id.ID, Presence: &pres},
		{Type: p2pcollab.EventEndpointPresenceChanged, Change: p2pcollab.ChangeUpdated, Peer: id.ID, Presence: &pres},
		{Type: p2pcollab.EventPeopleNearMeChanged, Change: p2pcollab.ChangeAdded, Peer: id.ID},
		{Type: p2pcollab.EventPeopleNearMeChanged, Change: p2pcollab.ChangeDeleted, Peer: id.ID},
		{Type: p2pcollab.EventRequestStatusChanged, Peer: id.ID}, // success
		{Type: p2pcollab.EventRequestStatusChanged, Peer: id.ID, Result: status.Errorf(status.ErrTimeout, "no answer in 30 s")},
		{Type: p2pcollab.EventOverflow, Dropped: 12},
	} {
		got, err := fromEvent(NewEvent(e))
		if err != nil {
			t.Fatalf("%v: %v", e.Type, err)
		}
		if e.Result != nil {
			if !errors.Is(got.Result, status.ErrTimeout) || got.Result.Error() != e.Result.Error() {
				t.Fatalf("%v: result %v, want %v", e.Type, got.Result, e.Result)
			}
			got.Result, e.Result = nil, nil
		}
		if !reflect.DeepEqual(got, e) {
			t.Fatalf("round trip: got %+v, want %+v", got, e)
		}
	}
}

// People near me and the network counters survive JSON unchanged.
func TestPersonAndNetStatsRoundTrip(t *testing.T) {
	id, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []p2pcollab.Person{
		{Peer: id.ID, Nickname: "bob", Addrs: []multiaddr.Multiaddr{multiaddr.StringCast("/ip4/192.0.2.1/udp/4001/quic-v1")}},
		{Peer: id.ID},
	} {
		b, err := json.Marshal(NewPerson(p))
		if err != nil {
			t.Fatal(err)
		}
		var w Person
		if err := json.Unmarshal(b, &w); err != nil {
			t.Fatal(err)
		}
		got, err := fromPerson(w)
		if err != nil || got.Peer != p.Peer || got.Nickname != p.Nickname || len(got.Addrs) != len(p.Addrs) {
			t.Fatalf("person %s: got %+v %v, want %+v", b, got, err, p)
		}
	}
	st := p2pcollab.NetStats{ValidateQueueDrops: 1, OutboundDrops: 2, Rejected: 3, InternalErrors: 4}
	b, err := json.Marshal(NewNetStats(st))
	if err != nil {
		t.Fatal(err)
	}
	var w NetStats
	if err := json.Unmarshal(b, &w); err != nil || p2pcollab.NetStats(w) != st {
		t.Fatalf("net stats %s: got %+v %v, want %+v", b, w, err, st)
	}
}

// An endpoint survives JSON unchanged; a negative object count, a bad
// peer ID or presence is refused.
func TestEndpointRoundTrip(t *testing.T) {
	id, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []p2pcollab.Endpoint{
		{Peer: id.ID, Nickname: "bob", Presence: p2pcollab.Presence{Status: p2pcollab.PresenceAway, Text: "lunch"}, Objects: 2, Watched: true, NearMe: true},
		{Peer: id.ID, Subscribed: true},
	} {
		b, err := json.Marshal(NewEndpoint(e))
		if err != nil {
			t.Fatal(err)
		}
		var w Endpoint
		if err := json.Unmarshal(b, &w); err != nil {
			t.Fatal(err)
		}
		if got, err := fromEndpoint(w); err != nil || got != e {
			t.Fatalf("endpoint %s: got %+v %v, want %+v", b, got, err, e)
		}
	}
	ok := NewEndpoint(p2pcollab.Endpoint{Peer: id.ID})
	for name, w := range map[string]Endpoint{
		"negative objects": {Peer: ok.Peer, Presence: ok.Presence, Objects: -1},
		"bad peer":         {Peer: "12D3KooW", Presence: ok.Presence},
		"no presence":      {Peer: ok.Peer},
		"bad presence":     {Peer: ok.Peer, Presence: Presence{Status: "sleepy"}},
	} {
		if _, err := fromEndpoint(w); !errors.Is(err, status.ErrInvalidArg) {
			t.Errorf("%s: got %v, want invalid argument", name, err)
		}
	}
}

func TestParseObjectID(t *testing.T) {
	for _, s := range []string{"6ba7b810-9dad-11d1-80b4-00c04fd430c8", "6BA7B810-9DAD-11D1-80B4-00C04FD430C8"} {
		if id, err := ParseObjectID(s); err != nil || id != objID {
			t.Errorf("%s: got %v %v, want %v", s, id, err, objID)
		}
	}
	for _, s := range []string{"", "6ba7b8109dad11d180b400c04fd430c8", "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}",
		"urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8", "6ba7b810-9dad-11d1-80b4-00c04fd430cg"} {
		if _, err := ParseObjectID(s); !errors.Is(err, status.ErrInvalidArg) {
			t.Errorf("%q: got %v, want invalid argument", s, err)
		}
	}
}

func TestHTTPStatusCoversEveryCode(t *testing.T) {
	want := map[status.Code]int{
		"E_INVALIDARG": 400, "PEER_E_NOT_FOUND": 404, "PEER_E_CONTACT_NOT_FOUND": 404,
		"PEER_E_ALREADY_EXISTS": 409, "PEER_E_NOT_SIGNED_IN": 409, "E_OUTOFMEMORY": 409,
		"E_ACCESSDENIED": 403, "PEER_E_NOT_INITIALIZED": 503, "PEER_E_SERVICE_NOT_AVAILABLE": 503,
		"PEER_E_TIMEOUT": 504, "PEER_E_CONNECTION_FAILED": 502,
	}
	for _, e := range status.All() {
		code, ok := want[e.Code()]
		if !ok {
			t.Errorf("%s: no HTTP status documented (add it to docs/api.md and this test)", e.Code())
			continue
		}
		if got := HTTPStatus(status.Errorf(e, "x")); got != code {
			t.Errorf("%s: got HTTP %d, want %d", e.Code(), got, code)
		}
	}
	if got := HTTPStatus(errors.New("boom")); got != 500 {
		t.Errorf("plain error: got %d, want 500", got)
	}
}

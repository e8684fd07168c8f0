package localapi

import (
	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// NewPerson returns the JSON form of an entry of people near me.
func NewPerson(p p2pcollab.Person) Person {
	return Person{Peer: p.Peer.String(), Nickname: p.Nickname, Addrs: addrStrings(p.Addrs)}
}

func fromPerson(w Person) (p2pcollab.Person, error) {
	p := p2pcollab.Person{Nickname: w.Nickname}
	var err error
	if p.Peer, err = ParsePeer(w.Peer); err != nil {
		return p, err
	}
	p.Addrs, err = parseAddrs("addrs", w.Addrs)
	return p, err
}

// NewEndpoint returns the JSON form of an endpoint.
func NewEndpoint(e p2pcollab.Endpoint) Endpoint {
	return Endpoint{Peer: e.Peer.String(), Nickname: e.Nickname, Presence: NewPresence(e.Presence),
		Objects: e.Objects, Watched: e.Watched, Subscribed: e.Subscribed, NearMe: e.NearMe}
}

func fromEndpoint(w Endpoint) (p2pcollab.Endpoint, error) {
	e := p2pcollab.Endpoint{Nickname: w.Nickname, Objects: w.Objects, Watched: w.Watched, Subscribed: w.Subscribed, NearMe: w.NearMe}
	var err error
	if e.Peer, err = ParsePeer(w.Peer); err != nil {
		return e, err
	}
	if w.Objects < 0 {
		return e, status.Errorf(status.ErrInvalidArg, "objects: %d is negative", w.Objects)
	}
	e.Presence, err = fromPresence(w.Presence)
	return e, err
}

// NewNetStats returns the JSON form of the network counters.
func NewNetStats(st p2pcollab.NetStats) NetStats { return NetStats(st) }

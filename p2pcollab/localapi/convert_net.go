package localapi

import (
	"github.com/peerd/peerd/p2pcollab"
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

// NewNetStats returns the JSON form of the network counters.
func NewNetStats(st p2pcollab.NetStats) NetStats { return NetStats(st) }

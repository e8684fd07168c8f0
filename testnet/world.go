package testnet

import (
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

// World is everything a scenario decides before the run: keys, trust,
// subnets and adversaries. Peers 0..Honest-1 are honest; the rest attack.
type World struct {
	S      Scenario
	Honest int
	Keys   []crypto.PrivKey
	IDs    []peer.ID
	Edges  []Edge
	// Contacts[i] is peer i's contact list: one entry per trust edge.
	Contacts [][]ContactSpec
	// Watchers[p] lists the peers that may and want to watch p's
	// internet-scope objects (effective edges), sorted.
	Watchers [][]int
	// Subnet[i] is peer i's shared subnet, or -1.
	Subnet  []int
	Subnets [][]int
	// Attack[i] is the kind of adversary i (for i >= Honest); Targets[i]
	// the honest peers it connects to.
	Attack  []AttackKind
	Targets [][]int
}

// ContactSpec is one contact record: Watch (I watch Peer) and Allow (Peer
// may watch me).
type ContactSpec struct {
	Peer         int
	Watch, Allow bool
}

// AttackKind is what an adversary does.
type AttackKind string

const (
	Forge     AttackKind = "forge"     // publishes on honest publishers' topics under its own key, and garbage
	Replay    AttackKind = "replay"    // re-publishes captured updates after they went stale
	Flood     AttackKind = "flood"     // floods honest topics with malformed messages
	Oversize  AttackKind = "oversize"  // floods honest topics with oversized messages
	Eavesdrop AttackKind = "eavesdrop" // subscribes to honest topics and looks for plaintext
)

func parseKinds(s string) ([]AttackKind, error) {
	var out []AttackKind
	for _, k := range strings.Split(s, ",") {
		k = strings.TrimSpace(k)
		switch AttackKind(k) {
		case Forge, Replay, Flood, Oversize, Eavesdrop:
			out = append(out, AttackKind(k))
		case "":
		default:
			return nil, fmt.Errorf("unknown attack kind %q (want forge, replay, flood, oversize, eavesdrop)", k)
		}
	}
	return out, nil
}

// NewWorld derives the world from the scenario and its seed.
func NewWorld(s Scenario) (*World, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x7465_73746e6574)) // "testnet"
	w := &World{S: s, Honest: s.honest()}
	w.Keys = make([]crypto.PrivKey, s.Peers)
	w.IDs = make([]peer.ID, s.Peers)
	for i := range s.Peers {
		var seed [ed25519.SeedSize]byte
		for j := 0; j < len(seed); j += 8 {
			v := rng.Uint64()
			for k := range 8 {
				seed[j+k] = byte(v >> (8 * k))
			}
		}
		priv, err := crypto.UnmarshalEd25519PrivateKey(ed25519.NewKeyFromSeed(seed[:]))
		if err != nil {
			return nil, err
		}
		w.Keys[i] = priv
		if w.IDs[i], err = peer.IDFromPrivateKey(priv); err != nil {
			return nil, err
		}
	}
	var err error
	if w.Edges, err = trustGraph(s, w.Honest, rng); err != nil {
		return nil, err
	}
	w.Contacts = make([][]ContactSpec, s.Peers)
	w.Watchers = make([][]int, s.Peers)
	for _, e := range w.Edges {
		w.Contacts[e.A] = append(w.Contacts[e.A], ContactSpec{Peer: e.B, Watch: e.AWatchesB, Allow: e.AAllowsB})
		w.Contacts[e.B] = append(w.Contacts[e.B], ContactSpec{Peer: e.A, Watch: e.BWatchesA, Allow: e.BAllowsA})
		if e.AWatchesB && e.BAllowsA {
			w.Watchers[e.B] = append(w.Watchers[e.B], e.A)
		}
		if e.BWatchesA && e.AAllowsB {
			w.Watchers[e.A] = append(w.Watchers[e.A], e.B)
		}
	}
	for p := range w.Watchers {
		sortInts(w.Watchers[p])
	}
	w.Subnet = make([]int, s.Peers)
	for i := range w.Subnet {
		w.Subnet[i] = -1
	}
	if near := int(float64(w.Honest)*s.NearMe + 0.5); near >= 2 {
		perm := rng.Perm(w.Honest)[:near]
		for i := 0; i < near; i += s.Subnet {
			members := perm[i:min(i+s.Subnet, near)]
			if len(members) < 2 {
				break
			}
			members = append([]int(nil), members...)
			sortInts(members)
			for _, m := range members {
				w.Subnet[m] = len(w.Subnets)
			}
			w.Subnets = append(w.Subnets, members)
		}
	}
	kinds, _ := parseKinds(s.AttackKinds)
	w.Attack = make([]AttackKind, s.Peers)
	w.Targets = make([][]int, s.Peers)
	for i := w.Honest; i < s.Peers; i++ {
		if len(kinds) > 0 {
			w.Attack[i] = kinds[(i-w.Honest)%len(kinds)]
		}
		w.Targets[i] = append(w.Targets[i], rng.Perm(w.Honest)[:min(s.Targets, w.Honest)]...)
	}
	return w, nil
}

// Audience returns the peers expected to see an object of publisher p:
// its watchers, and its subnet when p is near-me.
func (w *World) Audience(p int) []int {
	if w.Subnet[p] < 0 {
		return w.Watchers[p]
	}
	seen := map[int]bool{}
	var out []int
	for _, x := range w.Watchers[p] {
		seen[x] = true
		out = append(out, x)
	}
	for _, x := range w.Subnets[w.Subnet[p]] {
		if x != p && !seen[x] {
			out = append(out, x)
		}
	}
	sortInts(out)
	return out
}

// Links lists the pairs of peers that connect: trust edges, subnet
// neighbours and adversaries' targets. Each pair appears once.
func (w *World) Links() [][2]int {
	type key struct{ a, b int }
	seen := map[key]bool{}
	var out [][2]int
	add := func(a, b int) {
		if a > b {
			a, b = b, a
		}
		if a != b && !seen[key{a, b}] {
			seen[key{a, b}] = true
			out = append(out, [2]int{a, b})
		}
	}
	for _, e := range w.Edges {
		add(e.A, e.B)
	}
	for _, sn := range w.Subnets {
		for i, a := range sn {
			for _, b := range sn[i+1:] {
				add(a, b)
			}
		}
	}
	for i := w.Honest; i < len(w.IDs); i++ {
		for _, t := range w.Targets[i] {
			add(i, t)
		}
	}
	return out
}

func sortInts(s []int) { slices.Sort(s) }

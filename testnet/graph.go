package testnet

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Edge is one trust relation between two honest peers, as both sides
// record it in their contact lists. A watches B when AWatchesB (A's
// contact for B has watch) and BAllowsA (B's contact for A is allowed).
type Edge struct {
	A, B                 int
	AWatchesB, BWatchesA bool
	AAllowsB, BAllowsA   bool
}

// trustGraph returns the undirected edges of the scenario's graph over
// peers 0..n-1, each oriented and given its kind (mutual, one-way,
// blocked) from rng.
func trustGraph(s Scenario, n int, rng *rand.Rand) ([]Edge, error) {
	var pairs [][2]int
	var err error
	switch s.Graph {
	case "regular":
		pairs, err = regularGraph(n, s.Degree, rng)
	case "smallworld":
		pairs = smallWorld(n, s.Degree, s.Rewire, rng)
	default:
		err = fmt.Errorf("unknown graph %q", s.Graph)
	}
	if err != nil {
		return nil, err
	}
	edges := make([]Edge, 0, len(pairs))
	for _, p := range pairs {
		a, b := p[0], p[1]
		if rng.IntN(2) == 0 {
			a, b = b, a
		}
		e := Edge{A: a, B: b, AWatchesB: true, BWatchesA: true, AAllowsB: true, BAllowsA: true}
		switch r := rng.Float64(); {
		case r < s.OneWay:
			e.BWatchesA = false // only A watches B
		case r < s.OneWay+s.Blocked:
			e.BAllowsA = false // A watches B, but B blocks A
		}
		edges = append(edges, e)
	}
	return edges, nil
}

// regularGraph returns a random d-regular simple graph on n vertices by
// the pairing model with restarts, repairing the few bad pairs by edge
// switches so that it stays fast at thousands of vertices.
func regularGraph(n, d int, rng *rand.Rand) ([][2]int, error) {
	if n*d%2 != 0 || d >= n {
		return nil, fmt.Errorf("no %d-regular graph on %d vertices", d, n)
	}
	for attempt := 0; attempt < 100; attempt++ {
		stubs := make([]int, 0, n*d)
		for v := range n {
			for range d {
				stubs = append(stubs, v)
			}
		}
		rng.Shuffle(len(stubs), func(i, j int) { stubs[i], stubs[j] = stubs[j], stubs[i] })
		type key struct{ a, b int }
		seen := make(map[key]bool, len(stubs)/2)
		norm := func(a, b int) key {
			if a > b {
				a, b = b, a
			}
			return key{a, b}
		}
		var edges [][2]int
		var bad [][2]int
		for i := 0; i < len(stubs); i += 2 {
			a, b := stubs[i], stubs[i+1]
			if a == b || seen[norm(a, b)] {
				bad = append(bad, [2]int{a, b})
				continue
			}
			seen[norm(a, b)] = true
			edges = append(edges, [2]int{a, b})
		}
		// Repair each bad pair (a, b) by switching with a random good
		// edge (c, e): remove it, add (a, c) and (b, e).
		ok := true
		for _, p := range bad {
			fixed := false
			for try := 0; try < 1000 && !fixed; try++ {
				j := rng.IntN(len(edges))
				c, e := edges[j][0], edges[j][1]
				a, b := p[0], p[1]
				if a == c || a == e || b == c || b == e || seen[norm(a, c)] || seen[norm(b, e)] || norm(a, c) == norm(b, e) {
					continue
				}
				delete(seen, norm(c, e))
				seen[norm(a, c)], seen[norm(b, e)] = true, true
				edges[j] = [2]int{a, c}
				edges = append(edges, [2]int{b, e})
				fixed = true
			}
			if !fixed {
				ok = false
				break
			}
		}
		if ok {
			slices.SortFunc(edges, func(x, y [2]int) int {
				if x[0] != y[0] {
					return x[0] - y[0]
				}
				return x[1] - y[1]
			})
			return edges, nil
		}
	}
	return nil, fmt.Errorf("could not build a %d-regular graph on %d vertices", d, n)
}

// smallWorld returns a Watts–Strogatz graph: a ring where each vertex is
// joined to its d nearest neighbours (d/2 each side, rounded up on the
// right for odd d), each edge rewired to a random vertex with probability
// beta.
func smallWorld(n, d int, beta float64, rng *rand.Rand) [][2]int {
	type key struct{ a, b int }
	norm := func(a, b int) key {
		if a > b {
			a, b = b, a
		}
		return key{a, b}
	}
	seen := map[key]bool{}
	var edges [][2]int
	right := (d + 1) / 2
	for v := range n {
		for k := 1; k <= right; k++ {
			w := (v + k) % n
			if rng.Float64() < beta {
				for try := 0; try < 100; try++ {
					x := rng.IntN(n)
					if x != v && !seen[norm(v, x)] {
						w = x
						break
					}
				}
			}
			if w == v || seen[norm(v, w)] {
				continue
			}
			seen[norm(v, w)] = true
			edges = append(edges, [2]int{v, w})
		}
	}
	return edges
}

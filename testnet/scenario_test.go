package testnet

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestScenarioFileRoundTrip(t *testing.T) {
	s := DefaultScenario()
	s.Peers, s.Graph, s.Latency, s.Loss, s.Seed = 1000, "smallworld", 35*time.Millisecond, 0.01, 42
	var b bytes.Buffer
	if err := s.Format(&b); err != nil {
		t.Fatal(err)
	}
	got, err := ParseScenario(&b, Scenario{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("round trip: got %+v, want %+v", got, s)
	}
}

func TestScenarioFileErrors(t *testing.T) {
	for _, text := range []string{"peers 10", "nosuchkey = 1", "latency = fast", "peers = many"} {
		if _, err := ParseScenario(strings.NewReader(text), DefaultScenario()); err == nil {
			t.Errorf("ParseScenario(%q) succeeded, want an error", text)
		}
	}
	s, err := ParseScenario(strings.NewReader("# comment\n\n  Peers = 7 \ngraph=smallworld\n"), DefaultScenario())
	if err != nil || s.Peers != 7 || s.Graph != "smallworld" {
		t.Errorf("got %d %q %v, want 7 smallworld nil", s.Peers, s.Graph, err)
	}
}

func TestSameSeedSameScenario(t *testing.T) {
	s := DefaultScenario()
	s.Peers, s.Adversaries, s.NearMe, s.SessionKills, s.Restarts, s.Partitions, s.Revocations = 200, 0.1, 0.2, 3, 3, 2, 3
	w1, err := NewWorld(s)
	if err != nil {
		t.Fatal(err)
	}
	w2, _ := NewWorld(s)
	if !reflect.DeepEqual(w1.IDs, w2.IDs) || !reflect.DeepEqual(w1.Edges, w2.Edges) || !reflect.DeepEqual(w1.Targets, w2.Targets) || !reflect.DeepEqual(w1.Subnets, w2.Subnets) {
		t.Error("same seed gave different worlds")
	}
	if !reflect.DeepEqual(NewPlan(w1), NewPlan(w2)) {
		t.Error("same seed gave different plans")
	}
	s.Seed++
	w3, _ := NewWorld(s)
	if reflect.DeepEqual(w1.Edges, w3.Edges) {
		t.Error("another seed gave the same trust graph")
	}
}

func TestRegularGraph(t *testing.T) {
	s := DefaultScenario()
	s.Peers, s.Degree = 1000, 16
	w, err := NewWorld(s)
	if err != nil {
		t.Fatal(err)
	}
	deg := make([]int, s.Peers)
	seen := map[[2]int]bool{}
	for _, e := range w.Edges {
		a, b := min(e.A, e.B), max(e.A, e.B)
		if a == b || seen[[2]int{a, b}] {
			t.Fatalf("edge %v is a loop or a duplicate", e)
		}
		seen[[2]int{a, b}] = true
		deg[e.A]++
		deg[e.B]++
	}
	for i, d := range deg {
		if d != 16 {
			t.Fatalf("peer %d has degree %d, want 16", i, d)
		}
	}
}

package main

import (
	"encoding/json"
	"strings"
	"syscall"
	"testing"

	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab/localapi"
)

// subscribe, refresh, near and endpoints against one daemon with nobody
// to reach: each failure is one line and exit status 1.
func TestEndpointVerbsFail(t *testing.T) {
	dir := initDir(t, "alice")
	daemon(t, dir)
	ghost, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	me := strings.TrimSpace(in(t, dir, "id"))
	if out := in(t, dir, "near"); !strings.Contains(out, "nobody near me") || !strings.Contains(out, "peerd signin near-me") {
		t.Fatalf("near while signed out: %q", out)
	}
	if out := in(t, dir, "status"); !strings.Contains(out, "net drops") || !strings.Contains(out, "outbox 0") {
		t.Fatalf("status has no net counters: %q", out)
	}
	fail := func(want string, args ...string) {
		t.Helper()
		r := peerd(t, nil, "", append([]string{"--data-dir", dir}, args...)...)
		if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and one line saying %q", args, r.code, r.stderr, want)
		}
	}
	fail("peerd signin", "subscribe", ghost.ID.String())
	// No process may release another's subscription: the verb is gone,
	// and says what to do instead.
	if r := peerd(t, nil, "", "--data-dir", dir, "unsubscribe", ghost.ID.String()); r.code != 2 || !strings.Contains(r.stderr, "Ctrl-C") {
		t.Errorf("unsubscribe: exit %d, stderr %q; want 2 and how to release a subscription", r.code, r.stderr)
	}
	fail("own peer ID", "refresh", me)
	in(t, dir, "signin")
	if out := in(t, dir, "near", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("near --json with nobody around: %q", out)
	}
	if out := in(t, dir, "endpoints"); !strings.Contains(out, "no peer followed") {
		t.Fatalf("endpoints with nobody followed: %q", out)
	}
	if out := in(t, dir, "endpoints", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("endpoints --json with nobody followed: %q", out)
	}
	fail("connection failed", "refresh", ghost.ID.String())
	fail("subscription released", "subscribe", ghost.ID.String())
	// The failed subscribe has exited, and its subscription with it.
	if out := in(t, dir, "endpoints"); !strings.Contains(out, "no peer followed") {
		t.Fatalf("endpoints after a failed subscribe exited: %q, want nobody followed", out)
	}
}

// Bob refreshes and subscribes to alice's near-me data through the CLI
// and sees the outcome; alice is not his contact (he does not watch her),
// but he has her card for her address. The subscription lasts while
// `peerd subscribe` runs.
func TestEndpointVerbsReachAPeer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two daemons")
	}
	aDir, bDir := initDir(t, "alice"), initDir(t, "bob")
	_, a := daemon(t, aDir, "--signin", "all")
	daemon(t, bDir, "--signin", "all")
	aID := peerOf(t, a).String()
	in(t, bDir, "contact", "add", strings.TrimSpace(in(t, aDir, "card")))
	pub := start(t, "--data-dir", aDir, "publish", "--id", objIDText, "--data", "nearby", "--scope", "near-me")
	pub.until(t, "published ")

	if out := in(t, bDir, "refresh", aID); !strings.HasPrefix(out, "refreshed "+aID) {
		t.Fatalf("refresh: %q", out)
	}
	if out := in(t, bDir, "objects", "--peer", aID); !strings.Contains(out, objIDText) || !strings.Contains(out, `"nearby"`) {
		t.Fatalf("objects --peer after refresh: %q", out)
	}
	var e localapi.Event
	sub := start(t, "--data-dir", bDir, "subscribe", aID, "--json")
	out := sub.line(t) // indented JSON: read up to its closing brace
	for out[len(out)-1] != '}' || strings.Count(out, "{") != strings.Count(out, "}") {
		out += sub.line(t)
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil || e.Type != "request_status_changed" || e.Peer != aID || e.Result != nil {
		t.Fatalf("subscribe --json: %q %v, want request_status_changed about alice without a result", out, err)
	}
	if !subscribedTo(t, bDir, aID) {
		t.Fatalf("endpoints while `peerd subscribe` runs: alice is not subscribed to")
	}
	if code := sub.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("subscribe after SIGINT: exit %d, stderr %s", code, sub.stderr)
	}
	if subscribedTo(t, bDir, aID) {
		t.Fatalf("endpoints after `peerd subscribe` was interrupted: alice is still subscribed to")
	}
}

// subscribedTo reports whether the daemon in dir lists p as subscribed to.
func subscribedTo(t *testing.T, dir, p string) bool {
	t.Helper()
	var eps []localapi.Endpoint
	if err := json.Unmarshal([]byte(in(t, dir, "endpoints", "--json")), &eps); err != nil {
		t.Fatal(err)
	}
	for _, ep := range eps {
		if ep.Peer == p {
			return ep.Subscribed
		}
	}
	return false
}

const objIDText = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"

package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/multiformats/go-multiaddr"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/localapi"
)

// The client verbs against a running daemon, text and --json.
func TestVerbs(t *testing.T) {
	dir := initDir(t, "alice")
	daemon(t, dir)
	var st localapi.Status
	if err := json.Unmarshal([]byte(in(t, dir, "status", "--json")), &st); err != nil || st.SignedIn != "none" || st.Presence.Status != "offline" {
		t.Fatalf("status --json: %+v %v, want signed out", st, err)
	}
	if out := in(t, dir, "signin", "near-me"); out != "signed in: near-me\n" {
		t.Fatalf("signin near-me: %q", out)
	}
	if out := in(t, dir, "signin"); out != "signed in: all\n" {
		t.Fatalf("signin: %q", out)
	}
	in(t, dir, "presence", "busy", "in a call")
	if out := in(t, dir, "status"); !strings.Contains(out, `busy "in a call"`) || !regexp.MustCompile(`(?m)^signed in +all$`).MatchString(out) {
		t.Fatalf("status: %q", out)
	}
	card := strings.TrimSpace(in(t, dir, "card"))
	if parsed, err := contacts.ParseCard(card); err != nil || parsed.Nickname != "alice" || parsed.PeerID.String() != strings.TrimSpace(in(t, dir, "id")) {
		t.Fatalf("card: %+v %v", parsed, err)
	}

	bob, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	bobCard, err := contacts.ExportCard(bob.PrivKey, contacts.Contact{PeerID: bob.ID, Nickname: "bob", Addrs: []multiaddr.Multiaddr{multiaddr.StringCast("/ip4/192.0.2.1/tcp/1")}})
	if err != nil {
		t.Fatal(err)
	}
	var ct localapi.Contact
	if err := json.Unmarshal([]byte(in(t, dir, "contact", "add", bobCard, "--allow", "--json")), &ct); err != nil ||
		ct.Peer != bob.ID.String() || ct.Watch || ct.Permission != "allowed" {
		t.Fatalf("contact add --json: %+v %v", ct, err)
	}
	if out := in(t, dir, "contact", "set", bob.ID.String(), "--watch", "--block", "--nickname", "robert"); !strings.Contains(out, "robert") || !strings.Contains(out, "blocked") {
		t.Fatalf("contact set: %q", out)
	}
	var list []localapi.Contact
	if err := json.Unmarshal([]byte(in(t, dir, "contact", "ls", "--json")), &list); err != nil || len(list) != 1 || list[0].Nickname != "robert" || !list[0].Watch {
		t.Fatalf("contact ls --json: %+v %v", list, err)
	}
	if out := in(t, dir, "contact", "show", bob.ID.String()); !strings.Contains(out, "/ip4/192.0.2.1/tcp/1") {
		t.Fatalf("contact show: %q", out)
	}
	if out := in(t, dir, "objects", "--peer", bob.ID.String(), "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("objects --peer: %q", out)
	}
	in(t, dir, "contact", "rm", bob.ID.String())
	if out := in(t, dir, "contact", "ls"); !strings.Contains(out, "no contacts") {
		t.Fatalf("contact ls after rm: %q", out)
	}
	if out := in(t, dir, "signout", "all"); out != "signed in: none\n" {
		t.Fatalf("signout: %q", out)
	}
	for _, args := range [][]string{{"contact", "rm", bob.ID.String()}, {"presence", "away"}} {
		if r := peerd(t, nil, "", append([]string{"--data-dir", dir}, args...)...); r.code != 1 || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 1 and one line", args, r.code, r.stderr)
		}
	}
}

// `peerd watch` prints one line per event and stops cleanly on SIGINT.
func TestWatch(t *testing.T) {
	dir := initDir(t, "alice")
	_, c := daemon(t, dir, "--signin", "all")
	w := start(t, "--data-dir", dir, "watch", "--json", "--type", "my_presence_changed")
	// The watcher registers at some point after it starts; change presence
	// until it reports a change. Each round waits for a line or a short
	// poll interval, never for a fixed time.
	statuses := []p2pcollab.PresenceStatus{p2pcollab.PresenceAway, p2pcollab.PresenceBusy}
	var line string
	for i := 0; line == ""; i++ {
		if err := c.SetPresence(guard(t), p2pcollab.Presence{Status: statuses[i%2]}); err != nil {
			t.Fatal(err)
		}
		select {
		case line = <-w.lines:
		case <-time.After(50 * time.Millisecond):
		case <-guard(t).Done():
			t.Fatalf("watch printed nothing; stderr %s", w.stderr)
		}
	}
	var e localapi.Event
	if err := json.Unmarshal([]byte(line), &e); err != nil || e.Type != "my_presence_changed" || e.Presence == nil {
		t.Fatalf("watch --json line %q: %+v %v", line, e, err)
	}
	if code := w.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("watch after SIGINT: exit %d, stderr %q", code, w.stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := shortDir(t)
	for _, args := range [][]string{
		{}, {"bogus"}, {"--bogus"}, {"status", "extra"}, {"contact"}, {"contact", "bogus"},
		{"publish", "--id", "nope", "--data", "x"}, {"publish", "--id", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
		{"publish", "--id", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "--data", ""},
		{"publish", "--id", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "--data", strings.Repeat("x", 16384)},
		{"publish", "--id", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "--data", "x", "--scope", "moon"},
		{"signin", "none"}, {"presence", "sleepy"}, {"watch", "--type", "bogus"}, {"objects", "--id", "1"},
		{"contact", "add", "garbage"}, {"contact", "set", "not-a-peer", "--watch"}, {"run", "--signin", "moon"},
		{"init", "--nickname", strings.Repeat("n", 256)},
		{"subscribe"}, {"subscribe", "not-a-peer"}, {"refresh", "a", "b"}, {"unsubscribe"}, {"unsubscribe", "12D3KooW"}, {"help", "unsubscribe"}, {"near", "extra"}, {"endpoints", "extra"},
		{"publish", "--bogus"}, {"testnet", "--peers", "many"},
	} {
		r := peerd(t, nil, "", append([]string{"--data-dir", dir}, args...)...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, "peerd: ") && !strings.HasPrefix(r.stderr, "usage: ") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, r.code, r.stderr)
		}
		if strings.Contains(r.stdout, "usage: peerd") {
			t.Errorf("%v: a usage error printed the --help text to stdout: %q", args, r.stdout)
		}
	}
	for _, args := range [][]string{{"--help"}, {"help"}, {"help", "publish"}, {"publish", "--help"}, {"contact", "--help"}, {"contact", "set", "-h"}, {"run", "--help"},
		{"subscribe", "--help"}, {"refresh", "--help"}, {"near", "--help"}, {"help", "near"}, {"endpoints", "--help"}} {
		if r := peerd(t, nil, "", args...); r.code != 0 || strings.Count(r.stdout, "usage: peerd") != 1 {
			t.Errorf("%v: exit %d, stdout %q; want 0 and one usage text", args, r.code, r.stdout)
		}
	}
	// Nothing was created by the failed init.
	if r := peerd(t, nil, "", "--data-dir", dir, "run"); r.code != 1 {
		t.Errorf("run after failed init: exit %d, want 1 (no identity)", r.code)
	}
}

// The data directory: --data-dir, else PEERD_DATA_DIR, else
// XDG_DATA_HOME/peerd, else ~/.local/share/peerd.
func TestDataDir(t *testing.T) {
	for _, tc := range []struct {
		flag string
		env  map[string]string
		want string
	}{
		{"/flag", map[string]string{"PEERD_DATA_DIR": "/env", "XDG_DATA_HOME": "/xdg"}, "/flag"},
		{"", map[string]string{"PEERD_DATA_DIR": "/env", "XDG_DATA_HOME": "/xdg"}, "/env"},
		{"", map[string]string{"XDG_DATA_HOME": "/xdg"}, "/xdg/peerd"},
		{"", map[string]string{"XDG_DATA_HOME": "relative", "HOME": "/home/u"}, "/home/u/.local/share/peerd"},
		{"", map[string]string{"HOME": "/home/u"}, "/home/u/.local/share/peerd"},
	} {
		t.Setenv("HOME", tc.env["HOME"])
		e := &env{getenv: func(k string) string { return tc.env[k] }, dataDir: tc.flag}
		got, err := newCmd(e, "x", "", "", false).dir()
		if err != nil || got != tc.want {
			t.Errorf("flag %q env %v: got %q %v, want %q", tc.flag, tc.env, got, err, tc.want)
		}
	}
	// And through the binary: init honours PEERD_DATA_DIR.
	dir := filepath.Join(shortDir(t), "data")
	if r := peerd(t, []string{"PEERD_DATA_DIR=" + dir}, "", "init"); r.code != 0 || !strings.Contains(r.stdout, dir) {
		t.Fatalf("init with PEERD_DATA_DIR: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if _, err := identity.Load(dir); err != nil {
		t.Fatalf("identity in PEERD_DATA_DIR: %v", err)
	}
}

package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/localapi"
)

// callTimeout bounds a one-shot verb, so that a wedged daemon cannot hang
// a script.
const callTimeout = 30 * time.Second

// oneShot parses a verb without positional arguments beyond [minPos,
// maxPos] and returns its client and a bounded context.
func oneShot(ctx context.Context, c *cmd, args []string, minPos, maxPos int) (context.Context, context.CancelFunc, *localapi.Client, []string, error) {
	pos, err := c.parse(args, minPos, maxPos)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	cl, err := c.client()
	if err != nil {
		return nil, nil, nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	return ctx, cancel, cl, pos, nil
}

func runID(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "id", "", "Print my peer ID, the name others know me by.", true)
	ctx, cancel, cl, _, err := oneShot(ctx, c, args, 0, 0)
	if err != nil {
		return err
	}
	defer cancel()
	st, err := cl.Status(ctx)
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(e.stdout, map[string]string{"peerID": st.PeerID.String()})
	}
	fmt.Fprintln(e.stdout, st.PeerID)
	return nil
}

func runCard(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "card", "", "Print my contact card, signed with my key, to give to others\n(they add it with `peerd contact add`).", true)
	ctx, cancel, cl, _, err := oneShot(ctx, c, args, 0, 0)
	if err != nil {
		return err
	}
	defer cancel()
	card, err := cl.Card(ctx)
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(e.stdout, localapi.Card{Card: card})
	}
	fmt.Fprintln(e.stdout, card)
	return nil
}

func runStatus(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "status", "", "Print the daemon's state: peer ID, sign-in, presence, objects, sessions, addresses,\nand the network's counters of dropped, refused and failed messages (--json prints\nthe status alone, as GET /v1/status; GET /v1/netstats has the counters).", true)
	ctx, cancel, cl, _, err := oneShot(ctx, c, args, 0, 0)
	if err != nil {
		return err
	}
	defer cancel()
	st, err := cl.Status(ctx)
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(e.stdout, localapi.NewStatus(st))
	}
	presence := st.Presence.Status.String()
	if st.Presence.Text != "" {
		presence += " " + strconv.Quote(st.Presence.Text)
	}
	addrs := make([]string, len(st.Addrs))
	for i, a := range st.Addrs {
		addrs[i] = a.String()
	}
	net, err := netRows(ctx, cl)
	if err != nil {
		return err
	}
	return table(e.stdout, append([][2]string{
		{"peer ID", st.PeerID.String()},
		{"signed in", st.SignedIn.String()},
		{"presence", presence},
		{"objects", strconv.Itoa(st.Objects)},
		{"sessions", strconv.Itoa(st.Sessions)},
		{"addresses", strings.Join(addrs, " ")},
	}, net...)...)
}

func runSignIn(ctx context.Context, e *env, args []string) error {
	return scopeVerb(ctx, e, args, "signin", "Sign in to a scope: near-me (this subnet), internet (contacts) or all.", true)
}

func runSignOut(ctx context.Context, e *env, args []string) error {
	return scopeVerb(ctx, e, args, "signout", "Sign out of a scope. Signing out of the last one withdraws every object:\napplications must publish again after the next sign-in.", false)
}

func scopeVerb(ctx context.Context, e *env, args []string, name, summary string, in bool) error {
	c := newCmd(e, name, "[SCOPE]", summary+"\nSCOPE defaults to all.", false)
	ctx, cancel, cl, pos, err := oneShot(ctx, c, args, 0, 1)
	if err != nil {
		return err
	}
	defer cancel()
	scope := p2pcollab.ScopeAll
	if len(pos) == 1 {
		if scope, err = p2pcollab.ParseScope(pos[0]); err != nil || scope == p2pcollab.ScopeNone {
			return usagef("%s: scope %q: want near-me, internet or all", name, pos[0])
		}
	}
	call := cl.SignOut
	if in {
		call = cl.SignIn
	}
	if err := call(ctx, scope); err != nil {
		return err
	}
	st, err := cl.Status(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "signed in: %s\n", st.SignedIn)
	return nil
}

func runPresence(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "presence", "STATUS [TEXT]", "Set my presence while signed in. STATUS is one of out-to-lunch, away,\nbe-right-back, idle, busy, on-the-phone, online; TEXT is up to 255 characters.", false)
	ctx, cancel, cl, pos, err := oneShot(ctx, c, args, 1, 2)
	if err != nil {
		return err
	}
	defer cancel()
	var p p2pcollab.Presence
	if err := p.Status.UnmarshalText([]byte(pos[0])); err != nil {
		return usagef("presence: status %q: want out-to-lunch, away, be-right-back, idle, busy, on-the-phone or online", pos[0])
	}
	if len(pos) == 2 {
		p.Text = pos[1]
	}
	if err := p.Validate(); err != nil {
		return usagef("presence: %v", err)
	}
	return cl.SetPresence(ctx, p)
}

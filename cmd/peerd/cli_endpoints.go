package main

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/localapi"
	"github.com/peerd/peerd/p2pcollab/status"
)

// requestWait bounds how long subscribe and refresh wait for their
// outcome: the daemon reports one within its 30-second request timeout,
// plus a margin for a busy machine.
const requestWait = 35 * time.Second

func runSubscribe(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "subscribe", "PEER",
		"Follow a peer's objects and presence (near-me ones, and internet ones if the peer\n"+
			"allows you) and hold the subscription until interrupted (SIGINT or SIGTERM): a\n"+
			"subscription lives as long as the application that made it, as an object does.\n"+
			"Prints the first pull's outcome once it arrives; if it failed, exits with status\n"+
			"1, which releases the subscription. Watched contacts are followed without it.", true)
	name := c.fs.String("name", "peerd subscribe", "application name the daemon shows for this session")
	id, cl, err := requestArgs(c, args)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	sess, err := cl.OpenSession(ctx, *name)
	if err != nil {
		return err
	}
	// Closing the session releases the subscription, whichever way we
	// leave; were this process killed, the daemon would release it too.
	defer sess.Close()
	if err := awaitRequest(ctx, c, cl, id, sess.SubscribeEndpoint); err != nil {
		return err
	}
	if !c.json {
		fmt.Fprintf(e.stdout, "subscribed to %s: its data is followed until interrupted\n", id)
	}
	select {
	case <-ctx.Done():
		return nil
	case <-sess.(*localapi.Session).Done():
		return fmt.Errorf("the daemon ended the session (did it stop?); %s is no longer followed", id)
	}
}

func runRefresh(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "refresh", "PEER",
		"Pull a peer's current objects and presence once (then `peerd objects --peer\nPEER` shows them). Waits for the outcome and prints it; exit status 1 if it failed.", true)
	id, cl, err := requestArgs(c, args)
	if err != nil {
		return err
	}
	if err := awaitRequest(ctx, c, cl, id, cl.RefreshEndpoint); err != nil {
		return err
	}
	if !c.json {
		fmt.Fprintf(e.stdout, "refreshed %s: `peerd objects --peer %s` shows its objects\n", id, id)
	}
	return nil
}

// requestArgs parses the PEER argument of subscribe and refresh.
func requestArgs(c *cmd, args []string) (peer.ID, *localapi.Client, error) {
	pos, err := c.parse(args, 1, 1)
	if err != nil {
		return "", nil, err
	}
	id, err := localapi.ParsePeer(pos[0])
	if err != nil {
		return "", nil, usagef("%s: %v", c.name, err)
	}
	cl, err := c.client()
	return id, cl, err
}

// awaitRequest issues a subscribe or refresh and waits for the
// request_status_changed event about that peer, printing it with --json.
// It registers for events before it issues the request, so the outcome
// cannot slip past it. A failed outcome is the error returned.
func awaitRequest(ctx context.Context, c *cmd, cl *localapi.Client, id peer.ID, call func(context.Context, peer.ID) error) error {
	wait, cancel := context.WithTimeout(ctx, requestWait)
	defer cancel()
	stream, err := cl.Events(wait, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventRequestStatusChanged}})
	if err != nil {
		return err
	}
	defer stream.Close()
	if err := call(wait, id); err != nil {
		return err
	}
	var ev p2pcollab.Event
	for ev.Peer != id {
		if ev, err = stream.Next(wait); err != nil {
			if ctx.Err() == nil && wait.Err() != nil {
				return status.Errorf(status.ErrTimeout, "%s %s: no outcome within %v", c.name, id, requestWait)
			}
			return err
		}
	}
	if c.json {
		if err := printJSON(c.e.stdout, localapi.NewEvent(ev)); err != nil {
			return err
		}
	}
	if ev.Result != nil {
		// The result names the peer already.
		if c.name == "subscribe" {
			return fmt.Errorf("%s: %w (subscription released; run it again to retry)", c.name, ev.Result)
		}
		return fmt.Errorf("%s: %w", c.name, ev.Result)
	}
	return nil
}

func runNear(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "near", "", "List the people near me: peers on this network signed in to near-me, with\nyour nickname for those who are contacts, and their addresses.", true)
	ctx, cancel, cl, _, err := oneShot(ctx, c, args, 0, 0)
	if err != nil {
		return err
	}
	defer cancel()
	people, err := cl.PeopleNearMe(ctx)
	if err != nil {
		return err
	}
	if c.json {
		return printJSONList(e.stdout, people, localapi.NewPerson)
	}
	if len(people) == 0 {
		msg := "nobody near me"
		if st, err := cl.Status(ctx); err == nil && !st.SignedIn.Has(p2pcollab.ScopeNearMe) {
			msg += " (you are not signed in to near-me: `peerd signin near-me`)"
		}
		fmt.Fprintln(e.stdout, msg)
		return nil
	}
	rows := [][2]string{{"PEER", "NICKNAME\tADDRESSES"}}
	for _, p := range people {
		addrs := make([]string, len(p.Addrs))
		for i, a := range p.Addrs {
			addrs[i] = a.String()
		}
		nick := safe(p.Nickname)
		if nick == "" {
			nick = "-"
		}
		rows = append(rows, [2]string{p.Peer.String(), nick + "\t" + strings.Join(addrs, " ")})
	}
	return table(e.stdout, rows...)
}

func runEndpoints(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "endpoints", "", "List the peers I follow: the contacts I watch, the peers I subscribed to and\nthe people near me, with their presence and how many of their objects I see.", true)
	ctx, cancel, cl, _, err := oneShot(ctx, c, args, 0, 0)
	if err != nil {
		return err
	}
	defer cancel()
	eps, err := cl.Endpoints(ctx)
	if err != nil {
		return err
	}
	if c.json {
		return printJSONList(e.stdout, eps, localapi.NewEndpoint)
	}
	if len(eps) == 0 {
		fmt.Fprintln(e.stdout, "no peer followed (watch a contact, `peerd subscribe PEER`, or sign in to near-me)")
		return nil
	}
	rows := [][2]string{{"PEER", "NICKNAME\tFOLLOWED AS\tOBJECTS\tPRESENCE"}}
	for _, ep := range eps {
		nick := safe(ep.Nickname)
		if nick == "" {
			nick = "-"
		}
		var as []string
		for _, f := range []struct {
			on   bool
			name string
		}{{ep.Watched, "watched"}, {ep.Subscribed, "subscribed"}, {ep.NearMe, "near-me"}} {
			if f.on {
				as = append(as, f.name)
			}
		}
		// The text comes from the peer: quoted, so it cannot drive the terminal.
		pres := ep.Presence.Status.String()
		if ep.Presence.Text != "" {
			pres += " " + strconv.Quote(ep.Presence.Text)
		}
		rows = append(rows, [2]string{ep.Peer.String(), fmt.Sprintf("%s\t%s\t%d\t%s", nick, strings.Join(as, ","), ep.Objects, pres)})
	}
	return table(e.stdout, rows...)
}

// netRows are the network counters as status rows; none for a daemon
// without a network.
func netRows(ctx context.Context, cl *localapi.Client) ([][2]string, error) {
	st, err := cl.NetStats(ctx)
	if errors.Is(err, status.ErrServiceNotAvailable) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return [][2]string{
		{"net drops", fmt.Sprintf("validate %d, outbound %d, subscription %d, outbox %d", st.ValidateQueueDrops, st.OutboundDrops, st.SubscriptionDrops, st.OutboxDrops)},
		{"net refused", fmt.Sprintf("rejected %d, stale %d, undecryptable %d, filtered %d, refused %d", st.Rejected, st.Stale, st.Undecryptable, st.Filtered, st.Refused)},
		{"net sync", fmt.Sprintf("snapshots %d, key grants %d, key rotations %d", st.Snapshots, st.KeyGrants, st.KeyRotations)},
		{"net failures", fmt.Sprintf("pull %d, dial %d, publish %d, internal %d", st.PullFailures, st.DialFailures, st.PublishErrors, st.InternalErrors)},
	}, nil
}

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/google/uuid"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/localapi"
)

func runPublish(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "publish", "--id UUID (--data TEXT|--file PATH) [--scope S]",
		"Publish an object and hold it until interrupted (SIGINT or SIGTERM): an object\nlives as long as the application that set it. Prints one line once published.", true)
	idText := c.fs.String("id", "", "the object's GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")
	dataText := c.fs.String("data", "", "the object's data, as text")
	file := c.fs.String("file", "", "read the object's data from this file ('-': stdin)")
	scopeText := c.fs.String("scope", "all", "publication scope: none, near-me, internet or all")
	name := c.fs.String("name", "peerd publish", "application name the daemon shows for this session")
	if _, err := c.parse(args, 0, 0); err != nil {
		return err
	}
	// Everything is checked before the daemon is contacted.
	id, err := localapi.ParseObjectID(*idText)
	if err != nil || id == uuid.Nil {
		return usagef("publish: --id %q: want a GUID such as %s", *idText, uuid.New())
	}
	scope, err := p2pcollab.ParseScope(*scopeText)
	if err != nil {
		return usagef("publish: --scope %q: want none, near-me, internet or all", *scopeText)
	}
	set := map[string]bool{}
	c.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	data, err := publishData(e, set["data"], *dataText, set["file"], *file)
	if err != nil {
		return err
	}
	if err := p2pcollab.ValidateObject(id, data, scope); err != nil {
		return usagef("publish: %v", err)
	}
	cl, err := c.client()
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	sess, err := cl.OpenSession(ctx, *name)
	if err != nil {
		return err
	}
	defer sess.Close()
	if err := sess.SetObject(ctx, id, data, scope); err != nil {
		return err
	}
	if c.json {
		st, err := cl.Status(ctx)
		if err != nil {
			return err
		}
		o := p2pcollab.Object{ID: id, Data: data, Scope: scope, Peer: st.PeerID}
		// One line, like the text form, so a script can read it with
		// one read.
		if err := json.NewEncoder(e.stdout).Encode(localapi.NewObject(o)); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "published %s (%d bytes, scope %s); interrupt to withdraw it\n", id, len(data), scope)
	}
	select {
	case <-ctx.Done():
		// Close (deferred) withdraws the object before we exit.
		return nil
	case <-sess.(*localapi.Session).Done():
		return fmt.Errorf("the daemon ended the session (did it stop?); %s is no longer published", id)
	}
}

// publishData returns the object's data from --data or --file, refusing a
// file larger than an object can be without reading all of it.
func publishData(e *env, hasText bool, text string, hasFile bool, file string) ([]byte, error) {
	switch {
	case hasText && hasFile:
		return nil, usagef("publish: give --data or --file, not both")
	case hasText:
		return []byte(text), nil
	case !hasFile:
		return nil, usagef("publish: --data or --file is required")
	}
	var r io.Reader = e.stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, p2pcollab.MaxObjectSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if len(data) > p2pcollab.MaxObjectSize {
		return nil, usagef("publish: %s is larger than %d bytes, the most an object holds", file, p2pcollab.MaxObjectSize)
	}
	return data, nil
}

func runObjects(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "objects", "[--peer PEER] [--id UUID]", "List objects: mine, or those a peer publishes that I may see; --id narrows to one.", true)
	peerText := c.fs.String("peer", "", "a peer ID (default: me)")
	idText := c.fs.String("id", "", "one object's GUID")
	ctx, cancel, cl, _, err := oneShot(ctx, c, args, 0, 0)
	if err != nil {
		return err
	}
	defer cancel()
	var q p2pcollab.ObjectQuery
	if *peerText != "" {
		if q.Peer, err = localapi.ParsePeer(*peerText); err != nil {
			return usagef("objects: --peer: %v", err)
		}
	}
	if *idText != "" {
		if q.ID, err = localapi.ParseObjectID(*idText); err != nil || q.ID == uuid.Nil {
			return usagef("objects: --id %q is not a GUID", *idText)
		}
	}
	objs, err := cl.Objects(ctx, q)
	if err != nil {
		return err
	}
	if c.json {
		return printJSONList(e.stdout, objs, localapi.NewObject)
	}
	for _, o := range objs {
		fmt.Fprintln(e.stdout, objectLine(o))
	}
	return nil
}

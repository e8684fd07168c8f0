package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/signal"
	"strings"
	"syscall"

	"github.com/google/uuid"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/localapi"
)

func runWatch(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "watch", "[--type T,...] [--id UUID]",
		"Print events as they happen, one line each (JSON lines with --json), until\ninterrupted. Types: my_object_changed, endpoint_object_changed,\nwatchlist_changed, my_presence_changed, ... (see docs/api.md).", true)
	types := c.fs.String("type", "", "comma-separated event types (default: all)")
	idText := c.fs.String("id", "", "only events about this object GUID")
	if _, err := c.parse(args, 0, 0); err != nil {
		return err
	}
	var f p2pcollab.EventFilter
	if *types != "" {
		for _, name := range strings.Split(*types, ",") {
			t, err := p2pcollab.ParseEventType(strings.TrimSpace(name))
			if err != nil || t == p2pcollab.EventOverflow {
				return usagef("watch: --type: unknown event type %q", name)
			}
			f.Types = append(f.Types, t)
		}
	}
	if *idText != "" {
		id, err := localapi.ParseObjectID(*idText)
		if err != nil || id == uuid.Nil {
			return usagef("watch: --id %q is not a GUID", *idText)
		}
		f.ObjectID = id
	}
	cl, err := c.client()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	stream, err := cl.Events(ctx, f)
	if err != nil {
		return err
	}
	defer stream.Close()
	enc := json.NewEncoder(e.stdout)
	for {
		ev, err := stream.Next(ctx)
		if ctx.Err() != nil {
			return nil // interrupted: the normal way to stop
		}
		if err != nil {
			return err
		}
		if c.json {
			err = enc.Encode(localapi.NewEvent(ev))
		} else {
			_, err = fmt.Fprintln(e.stdout, eventLine(ev))
		}
		if err != nil {
			return err // stdout closed, e.g. piped into head
		}
	}
}

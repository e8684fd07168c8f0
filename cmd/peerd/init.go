package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/identity"
)

func runInit(_ context.Context, e *env, args []string) error {
	c := newCmd(e, "init", "[--nickname N]", "Create the identity (an Ed25519 key pair; its peer ID is your name)\nand the trust list in the data directory. An existing identity is never replaced.", true)
	nickname := c.fs.String("nickname", "", "your nickname, shown on your contact card")
	if _, err := c.parse(args, 0, 0); err != nil {
		return err
	}
	dir, err := c.dir()
	if err != nil {
		return err
	}
	// Check the nickname before anything is written, so a typo leaves no
	// half-made data directory behind.
	probe, err := identity.Generate()
	if err != nil {
		return err
	}
	if err := (contacts.Contact{PeerID: probe.ID, Nickname: *nickname}).Validate(); err != nil {
		return usagef("--nickname: %v", err)
	}
	id, err := identity.Create(dir)
	if errors.Is(err, identity.ErrExists) {
		if old, lerr := identity.Load(dir); lerr == nil {
			return fmt.Errorf("%s already holds the identity %s; peerd never replaces an identity", dir, old.ID)
		}
		return fmt.Errorf("%s already holds an identity; peerd never replaces one", dir)
	}
	if err != nil {
		return err
	}
	store, err := contacts.Open(dir, id)
	if err != nil {
		return err
	}
	if *nickname != "" {
		if err := store.SetMe(*nickname, "", "", nil); err != nil {
			return err
		}
	}
	if c.json {
		return printJSON(e.stdout, map[string]string{"peerID": id.ID.String(), "dataDir": dir})
	}
	fmt.Fprintf(e.stdout, "created identity %s in %s\nstart the daemon with: %s run\n", id.ID, dir, c.self())
	return nil
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/localapi"
)

var contactVerbs = []verb{
	{"add", "CARD|- [--watch] [--allow]", "add a contact from their card ('-' reads it from stdin)", contactAdd},
	{"ls", "", "list the contacts", contactList},
	{"show", "PEER", "show one contact (your own peer ID shows you)", contactShow},
	{"set", "PEER [--watch|--no-watch] [--allow|--block] [--nickname N] [--display-name N] [--email E]", "change a contact", contactSet},
	{"rm", "PEER", "remove a contact", contactRemove},
}

func runContact(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "-help" {
		w := e.stdout
		if len(args) == 0 {
			w = e.stderr
		}
		fmt.Fprintf(w, "usage: peerd contact COMMAND [ARGS]\n\ncommands:\n")
		for _, v := range contactVerbs {
			fmt.Fprintf(w, "  %-5s %s\n", v.name, v.summary)
		}
		if len(args) == 0 {
			return usagef("contact: missing command")
		}
		return errHelpShown
	}
	for _, v := range contactVerbs {
		if v.name == args[0] {
			return v.run(ctx, e, args[1:])
		}
	}
	return usagef("contact: unknown command %q (want add, ls, show, set or rm)", args[0])
}

// maxCardInput bounds what `contact add -` reads: a card is at most 8 KiB.
const maxCardInput = 64 << 10

func contactAdd(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "contact add", "CARD|- [--watch] [--allow]", "Add a contact from the card they gave you (see `peerd card`).\n--watch: follow their presence and objects; --allow: let them follow yours.", true)
	watch := c.fs.Bool("watch", false, "watch this contact")
	allow := c.fs.Bool("allow", false, "allow this contact to watch you")
	ctx, cancel, cl, pos, err := oneShot(ctx, c, args, 1, 1)
	if err != nil {
		return err
	}
	defer cancel()
	card := pos[0]
	if card == "-" {
		b, err := io.ReadAll(io.LimitReader(e.stdin, maxCardInput+1))
		if err != nil {
			return fmt.Errorf("read the card from stdin: %w", err)
		}
		if len(b) > maxCardInput {
			return usagef("contact add: stdin holds more than %d bytes; a card is one short line", maxCardInput)
		}
		card = strings.TrimSpace(string(b))
	}
	if _, err := contacts.ParseCard(card); err != nil {
		return usagef("contact add: %v", err)
	}
	ct, err := cl.AddContact(ctx, card, *watch, *allow)
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(e.stdout, localapi.NewContact(ct))
	}
	fmt.Fprintf(e.stdout, "added %s (%s), watch %s, permission %s\n", safe(ct.Nickname), ct.PeerID, yesNo(ct.Watch), ct.Permission)
	return nil
}

func contactList(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "contact ls", "", "List the contacts (not you).", true)
	ctx, cancel, cl, _, err := oneShot(ctx, c, args, 0, 0)
	if err != nil {
		return err
	}
	defer cancel()
	cs, err := cl.Contacts(ctx)
	if err != nil {
		return err
	}
	if c.json {
		return printJSONList(e.stdout, cs, localapi.NewContact)
	}
	rows := [][2]string{{"PEER", "NICKNAME\tWATCH\tPERMISSION"}}
	for _, ct := range cs {
		rows = append(rows, [2]string{ct.PeerID.String(), safe(ct.Nickname) + "\t" + yesNo(ct.Watch) + "\t" + ct.Permission.String()})
	}
	if len(cs) == 0 {
		fmt.Fprintln(e.stdout, "no contacts; add one with `peerd contact add CARD`")
		return nil
	}
	return table(e.stdout, rows...)
}

func contactShow(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "contact show", "PEER", "Show one contact.", true)
	ctx, cancel, cl, pos, err := oneShot(ctx, c, args, 1, 1)
	if err != nil {
		return err
	}
	defer cancel()
	id, err := localapi.ParsePeer(pos[0])
	if err != nil {
		return usagef("contact show: %v", err)
	}
	ct, err := cl.Contact(ctx, id)
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(e.stdout, localapi.NewContact(ct))
	}
	return printContact(e.stdout, ct)
}

func contactSet(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "contact set", "PEER [--watch|--no-watch] [--allow|--block] [--nickname N] [--display-name N] [--email E]", "Change a contact; what is not given stays as it is.", true)
	watch := c.fs.Bool("watch", false, "watch this contact")
	noWatch := c.fs.Bool("no-watch", false, "stop watching this contact")
	allow := c.fs.Bool("allow", false, "allow this contact to watch you")
	block := c.fs.Bool("block", false, "block this contact from watching you")
	nickname := c.fs.String("nickname", "", "new nickname")
	display := c.fs.String("display-name", "", "new display name")
	email := c.fs.String("email", "", "new email")
	ctx, cancel, cl, pos, err := oneShot(ctx, c, args, 1, 1)
	if err != nil {
		return err
	}
	defer cancel()
	id, err := localapi.ParsePeer(pos[0])
	if err != nil {
		return usagef("contact set: %v", err)
	}
	set := map[string]bool{}
	c.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if (*watch && *noWatch) || (*allow && *block) {
		return usagef("contact set: --watch and --no-watch, or --allow and --block, contradict each other")
	}
	var u p2pcollab.ContactUpdate
	switch {
	case *watch:
		u.Watch = ptr(true)
	case *noWatch:
		u.Watch = ptr(false)
	}
	switch {
	case *allow:
		u.Permission = ptr(contacts.PermissionAllowed)
	case *block:
		u.Permission = ptr(contacts.PermissionBlocked)
	}
	if set["nickname"] {
		u.Nickname = nickname
	}
	if set["display-name"] {
		u.DisplayName = display
	}
	if set["email"] {
		u.Email = email
	}
	if u == (p2pcollab.ContactUpdate{}) {
		return usagef("contact set: nothing to change (see 'peerd contact set --help')")
	}
	ct, err := cl.UpdateContact(ctx, id, u)
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(e.stdout, localapi.NewContact(ct))
	}
	return printContact(e.stdout, ct)
}

func contactRemove(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "contact rm", "PEER", "Remove a contact from the trust list.", false)
	ctx, cancel, cl, pos, err := oneShot(ctx, c, args, 1, 1)
	if err != nil {
		return err
	}
	defer cancel()
	id, err := localapi.ParsePeer(pos[0])
	if err != nil {
		return usagef("contact rm: %v", err)
	}
	if err := cl.DeleteContact(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "removed %s\n", id)
	return nil
}

func ptr[T any](v T) *T { return &v }

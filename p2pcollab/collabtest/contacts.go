package collabtest

import (
	"strings"
	"testing"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

var contactTests = []test{
	{"ContactLifecycle", testContactLifecycle},
	{"Me", testMe},
	{"BadCardsAreRefused", testBadCards},
	{"MyCard", testMyCard},
	{"WatchlistEvents", testWatchlistEvents},
}

func ptr[T any](v T) *T { return &v }

func testContactLifecycle(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	bob := newSomeone(t, "bob")
	c, err := api.AddContact(ctx, bob.card, true, false)
	must(t, "AddContact", err)
	if c.PeerID != bob.id.ID || c.Nickname != "bob" || c.DisplayName != "bob D." || !c.Watch ||
		c.Permission != contacts.PermissionBlocked || len(c.Addrs) != 1 || c.Addrs[0].String() != "/ip4/192.0.2.7/tcp/4001" {
		t.Fatalf("added: got %+v, want bob from his card, watched, blocked", c)
	}
	list, err := api.Contacts(ctx)
	must(t, "Contacts", err)
	if len(list) != 1 || list[0].PeerID != bob.id.ID {
		t.Fatalf("Contacts: got %+v, want only bob", list)
	}
	got, err := api.Contact(ctx, bob.id.ID)
	must(t, "Contact", err)
	if got.PeerID != c.PeerID || got.Nickname != c.Nickname || got.Watch != c.Watch || got.Permission != c.Permission {
		t.Fatalf("Contact: got %+v, want %+v", got, c)
	}
	_, err = api.AddContact(ctx, bob.card, false, true)
	wantErr(t, "add twice", err, status.ErrAlreadyExists)

	u := p2pcollab.ContactUpdate{Nickname: ptr("robert"), Email: ptr("bob@example.org"), Watch: ptr(false), Permission: ptr(contacts.PermissionAllowed)}
	c, err = api.UpdateContact(ctx, bob.id.ID, u)
	must(t, "UpdateContact", err)
	got, err = api.Contact(ctx, bob.id.ID)
	must(t, "Contact", err)
	for _, x := range []contacts.Contact{c, got} {
		if x.Nickname != "robert" || x.Email != "bob@example.org" || x.DisplayName != "bob D." || x.Watch || x.Permission != contacts.PermissionAllowed {
			t.Fatalf("after update: got %+v, want robert, bob@example.org, display name kept, not watched, allowed", x)
		}
	}
	_, err = api.UpdateContact(ctx, bob.id.ID, p2pcollab.ContactUpdate{Nickname: ptr(strings.Repeat("n", 256))})
	wantErr(t, "256-character nickname", err, status.ErrInvalidArg)
	_, err = api.UpdateContact(ctx, bob.id.ID, p2pcollab.ContactUpdate{Email: ptr("\xff@example.org")})
	wantErr(t, "invalid UTF-8", err, status.ErrInvalidArg)
	_, err = api.UpdateContact(ctx, bob.id.ID, p2pcollab.ContactUpdate{Permission: ptr(contacts.Permission(7))})
	wantErr(t, "permission 7", err, status.ErrInvalidArg)

	stranger := newSomeone(t, "eve")
	_, err = api.Contact(ctx, stranger.id.ID)
	wantErr(t, "get a stranger", err, status.ErrContactNotFound)
	_, err = api.UpdateContact(ctx, stranger.id.ID, p2pcollab.ContactUpdate{Nickname: ptr("x")})
	wantErr(t, "update a stranger", err, status.ErrContactNotFound)
	wantErr(t, "delete a stranger", api.DeleteContact(ctx, stranger.id.ID), status.ErrContactNotFound)

	must(t, "DeleteContact", api.DeleteContact(ctx, bob.id.ID))
	_, err = api.Contact(ctx, bob.id.ID)
	wantErr(t, "get after delete", err, status.ErrContactNotFound)
	wantErr(t, "delete twice", api.DeleteContact(ctx, bob.id.ID), status.ErrContactNotFound)
	list, err = api.Contacts(ctx)
	must(t, "Contacts", err)
	if len(list) != 0 {
		t.Fatalf("Contacts after delete: got %+v, want none", list)
	}
}

// "Me" is a contact that cannot be deleted, has no watch or permission, and
// is not listed among the contacts.
func testMe(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	id := me(t, api)
	c, err := api.Contact(ctx, id)
	must(t, "Contact(me)", err)
	if c.PeerID != id {
		t.Fatalf("Contact(me): got %v, want %v", c.PeerID, id)
	}
	wantErr(t, "delete me", api.DeleteContact(ctx, id), status.ErrInvalidArg)
	c, err = api.UpdateContact(ctx, id, p2pcollab.ContactUpdate{Nickname: ptr("alice")})
	must(t, "rename me", err)
	if c.Nickname != "alice" {
		t.Fatalf("rename me: got %q, want alice", c.Nickname)
	}
	_, err = api.UpdateContact(ctx, id, p2pcollab.ContactUpdate{Watch: ptr(true)})
	wantErr(t, "watch me", err, status.ErrInvalidArg)
	_, err = api.Contact(ctx, "")
	wantErr(t, "empty peer ID", err, status.ErrInvalidArg)
	list, err := api.Contacts(ctx)
	must(t, "Contacts", err)
	if len(list) != 0 {
		t.Fatalf("Contacts: got %+v, want none (me is not listed)", list)
	}
	card, err := api.Card(ctx)
	must(t, "Card", err)
	_, err = api.AddContact(ctx, card, true, true)
	wantErr(t, "add my own card", err, status.ErrInvalidArg)
}

func testBadCards(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	bob := newSomeone(t, "bob")
	// Change one character in the middle: the signature no longer matches.
	mid := len(bob.card) / 2
	flip := byte('A')
	if bob.card[mid] == 'A' {
		flip = 'B'
	}
	tampered := bob.card[:mid] + string(flip) + bob.card[mid+1:]
	for name, card := range map[string]string{
		"empty":     "",
		"garbage":   "hello",
		"truncated": bob.card[:len(bob.card)-10],
		"tampered":  tampered,
		"huge":      strings.Repeat("A", 100000),
	} {
		_, err := api.AddContact(ctx, card, true, true)
		wantErr(t, name+" card", err, status.ErrInvalidArg)
	}
	list, err := api.Contacts(ctx)
	must(t, "Contacts", err)
	if len(list) != 0 {
		t.Fatalf("Contacts after bad cards: got %+v, want none", list)
	}
}

func testMyCard(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	_, err := api.UpdateContact(ctx, me(t, api), p2pcollab.ContactUpdate{Nickname: ptr("alice")})
	must(t, "rename me", err)
	card, err := api.Card(ctx)
	must(t, "Card", err)
	parsed, err := contacts.ParseCard(card)
	must(t, "ParseCard", err)
	if parsed.PeerID != me(t, api) || parsed.Nickname != "alice" {
		t.Fatalf("my card: got %v %q, want my peer ID and alice", parsed.PeerID, parsed.Nickname)
	}
}

func testWatchlistEvents(t *testing.T, api p2pcollab.API) {
	ctx := ctxFor(t)
	ev := events(t, api, p2pcollab.EventFilter{Types: []p2pcollab.EventType{p2pcollab.EventWatchlistChanged}})
	bob := newSomeone(t, "bob")
	expect := func(change p2pcollab.Change, nickname string) {
		t.Helper()
		e := next(t, ev)
		if e.Type != p2pcollab.EventWatchlistChanged || e.Change != change || e.Peer != bob.id.ID ||
			e.Contact == nil || e.Contact.PeerID != bob.id.ID || e.Contact.Nickname != nickname {
			t.Fatalf("got %v %v about %v (%+v), want watchlist_changed %v about bob (%s)", e.Type, e.Change, e.Peer, e.Contact, change, nickname)
		}
	}
	_, err := api.AddContact(ctx, bob.card, true, true)
	must(t, "AddContact", err)
	expect(p2pcollab.ChangeAdded, "bob")
	_, err = api.UpdateContact(ctx, bob.id.ID, p2pcollab.ContactUpdate{Nickname: ptr("robert")})
	must(t, "UpdateContact", err)
	expect(p2pcollab.ChangeUpdated, "robert")
	must(t, "DeleteContact", api.DeleteContact(ctx, bob.id.ID))
	expect(p2pcollab.ChangeDeleted, "robert")
}

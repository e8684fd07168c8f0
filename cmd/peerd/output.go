package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/p2pcollab"
)

// printJSON prints v as indented JSON: --json output is for programs, but
// people read it too.
// printJSONList prints items as a JSON array in the local API's shape,
// converted by conv; an empty list prints [] rather than null.
func printJSONList[T, J any](w io.Writer, items []T, conv func(T) J) error {
	out := make([]J, 0, len(items))
	for _, it := range items {
		out = append(out, conv(it))
	}
	return printJSON(w, out)
}

func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// table prints aligned "label  value" lines.
func table(w io.Writer, rows ...[2]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\n", r[0], r[1])
	}
	return tw.Flush()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// preview shows object data safely on a terminal: quoted, escaped and cut
// short, so that remote bytes cannot move the cursor or fill the screen.
func preview(data []byte) string {
	const max = 40
	if !utf8.Valid(data) {
		return fmt.Sprintf("(%d bytes of binary data)", len(data))
	}
	s, cut := string(data), ""
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		cut = "..."
	}
	return strconv.Quote(s) + cut
}

// safe quotes text that came from elsewhere (nicknames from cards) if it
// holds anything but printable characters.
func safe(s string) string {
	for _, r := range s {
		if !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

func printContact(w io.Writer, c contacts.Contact) error {
	addrs := make([]string, len(c.Addrs))
	for i, a := range c.Addrs {
		addrs[i] = a.String()
	}
	return table(w,
		[2]string{"peer", c.PeerID.String()},
		[2]string{"nickname", safe(c.Nickname)},
		[2]string{"display name", safe(c.DisplayName)},
		[2]string{"email", safe(c.Email)},
		[2]string{"watch", yesNo(c.Watch)},
		[2]string{"permission", c.Permission.String()},
		[2]string{"addresses", strings.Join(addrs, " ")},
	)
}

func objectLine(o p2pcollab.Object) string {
	return fmt.Sprintf("%s  %-8s  %5d bytes  %s", o.ID, o.Scope, len(o.Data), preview(o.Data))
}

func eventLine(e p2pcollab.Event) string {
	var b strings.Builder
	b.WriteString(e.Type.String())
	if e.Change != p2pcollab.ChangeNone {
		b.WriteString(" " + e.Change.String())
	}
	if e.Peer != "" {
		b.WriteString(" peer=" + e.Peer.String())
	}
	if e.Object != nil {
		fmt.Fprintf(&b, " id=%s scope=%s data=%s", e.Object.ID, e.Object.Scope, preview(e.Object.Data))
	} else if e.ObjectID != [16]byte{} {
		b.WriteString(" id=" + e.ObjectID.String())
	}
	if e.Contact != nil {
		fmt.Fprintf(&b, " nickname=%s watch=%s permission=%s", safe(e.Contact.Nickname), yesNo(e.Contact.Watch), e.Contact.Permission)
	}
	if e.Presence != nil {
		fmt.Fprintf(&b, " presence=%s", e.Presence.Status)
		if e.Presence.Text != "" {
			b.WriteString(" text=" + strconv.Quote(e.Presence.Text))
		}
	}
	if e.Result != nil {
		b.WriteString(" result=" + strconv.Quote(e.Result.Error()))
	} else if e.Type == p2pcollab.EventRequestStatusChanged {
		b.WriteString(" result=ok")
	}
	if e.Type == p2pcollab.EventOverflow {
		fmt.Fprintf(&b, " dropped=%d (events were lost; run `peerd objects` to see the current state)", e.Dropped)
	}
	return b.String()
}

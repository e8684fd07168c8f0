// Peerd is the peer collaboration daemon and its command-line client, in
// one binary.
//
// The daemon (`peerd run`) holds the user's identity, trust list and
// published objects, runs a libp2p host as that identity, and serves the
// local API (docs/api.md) on <data-dir>/peerd.sock. Every other verb is a
// client of that socket:
//
//	peerd init [--nickname N]              create the identity and trust list
//	peerd run [--listen ADDR]... [--signin SCOPE]
//	                                       run the daemon in the foreground
//	peerd id | card | status               who am I, my contact card, the daemon's state
//	peerd signin [SCOPE] | signout [SCOPE] scopes: near-me, internet, all (default)
//	peerd presence STATUS [TEXT]           online, away, busy, ...
//	peerd contact add CARD|- [--watch] [--allow]
//	peerd contact ls | show PEER | rm PEER
//	peerd contact set PEER [--watch|--no-watch] [--allow|--block] [--nickname N]
//	peerd publish --id UUID (--data TEXT|--file PATH) [--scope S]
//	                                       publish an object until interrupted
//	peerd objects [--peer PEER] [--id UUID]
//	peerd watch [--type T,...] [--id UUID] stream events until interrupted
//	peerd subscribe PEER                   follow a peer's data until interrupted,
//	                                       printing the first pull's outcome
//	peerd refresh PEER                     pull a peer's data once, print the outcome
//	peerd near                             list the people near me
//	peerd endpoints                        list the peers I follow, their presence
//
// The data directory is --data-dir, else $PEERD_DATA_DIR, else
// $XDG_DATA_HOME/peerd, else ~/.local/share/peerd. Every verb takes --help,
// and those that print data take --json, which prints the local API's JSON
// shapes.
//
// Exit status: 0 on success, 1 on failure (including a daemon that is not
// running), 2 on a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/peerd/peerd/p2pcollab/status"
)

// env is what a verb may touch of the process, so that verbs are plain
// functions of their inputs.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// dataDir is the global --data-dir, if given before the verb.
	dataDir string
}

type verb struct {
	name, args, summary string
	run                 func(ctx context.Context, e *env, args []string) error
}

var verbs []verb

func init() {
	verbs = []verb{
		{"init", "[--nickname N]", "create the identity and the trust list", runInit},
		{"run", "[--listen MULTIADDR]... [--signin SCOPE]", "run the daemon in the foreground", runDaemon},
		{"id", "", "print my peer ID", runID},
		{"card", "", "print my signed contact card", runCard},
		{"status", "", "print the daemon's state", runStatus},
		{"signin", "[SCOPE]", "sign in (near-me, internet or all; default all)", runSignIn},
		{"signout", "[SCOPE]", "sign out (default all: every object is withdrawn)", runSignOut},
		{"presence", "STATUS [TEXT]", "set my presence", runPresence},
		{"contact", "add|ls|show|set|rm ...", "manage the trust list", runContact},
		{"publish", "--id UUID (--data TEXT|--file PATH) [--scope S]", "publish an object until interrupted", runPublish},
		{"objects", "[--peer PEER] [--id UUID]", "list published objects", runObjects},
		{"watch", "[--type T,...] [--id UUID]", "print events until interrupted", runWatch},
		{"subscribe", "PEER", "follow a peer's objects and presence until interrupted", runSubscribe},
		{"refresh", "PEER", "pull a peer's objects and presence once; print the outcome", runRefresh},
		{"near", "", "list the people near me", runNear},
		{"endpoints", "", "list the peers I follow, with their presence", runEndpoints},
		{"testnet", "[flags] [--scenario FILE] [--baseline] [--json] [--svg FILE]", "simulate thousands of peers in one process and report", runTestnet},
	}
}

func main() {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(dispatch(context.Background(), e, os.Args[1:]))
}

// dispatch runs one command line and returns the exit status.
func dispatch(ctx context.Context, e *env, args []string) int {
	global := flag.NewFlagSet("peerd", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&e.dataDir, "data-dir", "", "data directory")
	global.Usage = func() {}
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(e.stdout)
			return 0
		}
		fmt.Fprintf(e.stderr, "peerd: %v\n", err)
		usage(e.stderr)
		return 2
	}
	args = global.Args()
	if len(args) == 0 {
		usage(e.stderr)
		return 2
	}
	name, args := args[0], args[1:]
	if name == "help" {
		if len(args) > 0 {
			args, name = []string{"--help"}, args[0]
		} else {
			usage(e.stdout)
			return 0
		}
	}
	for _, v := range verbs {
		if v.name == name {
			return exitStatus(e, v.run(ctx, e, args))
		}
	}
	if why, ok := retired[name]; ok {
		return exitStatus(e, usagef("%s", why))
	}
	fmt.Fprintf(e.stderr, "peerd: unknown command %q\n", name)
	usage(e.stderr)
	return 2
}

// retired are verbs that no longer exist, with what to do instead.
var retired = map[string]string{
	// A subscription belongs to the application session that made it,
	// so no other process may release it.
	"unsubscribe": "there is no `peerd unsubscribe`: a subscription lasts as long as the `peerd subscribe` that made it; interrupt that one (Ctrl-C) to release it",
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: peerd [--data-dir DIR] COMMAND [ARGS]\n\ncommands:\n")
	for _, v := range verbs {
		fmt.Fprintf(w, "  %-11s %s\n", v.name, v.summary)
	}
	fmt.Fprintf(w, "\nRun 'peerd COMMAND --help' for a command's arguments.\n")
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// errHelpShown: --help was answered; exit 0.
var errHelpShown = errors.New("help shown")

// exitStatus prints err, on one line, and returns the exit status.
func exitStatus(e *env, err error) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, errHelpShown):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "peerd: %s\n", oneLine(ue.msg))
		return 2
	}
	fmt.Fprintf(e.stderr, "peerd: %s\n", oneLine(message(err)))
	return 1
}

// message phrases an error for a person, with the next step where there
// is an obvious one.
func message(err error) string {
	switch {
	case errors.Is(err, status.ErrServiceNotAvailable):
		return status.Detail(err) // already says what to do
	case errors.Is(err, status.ErrNotSignedIn):
		return err.Error() + " (run `peerd signin`)"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	return err.Error()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

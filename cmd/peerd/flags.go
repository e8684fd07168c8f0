package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/peerd/peerd/p2pcollab/localapi"
)

// SocketName is the API socket's name inside the data directory.
const socketName = "peerd.sock"

// cmd is one verb's command line: its flag set plus the flags every verb
// shares.
type cmd struct {
	e       *env
	fs      *flag.FlagSet
	name    string
	args    string // positional arguments, for the usage line
	summary string
	dataDir string
	json    bool
}

// newCmd starts a verb's flag set. withJSON adds --json.
func newCmd(e *env, name, args, summary string, withJSON bool) *cmd {
	c := &cmd{e: e, fs: flag.NewFlagSet("peerd "+name, flag.ContinueOnError), name: name, args: args}
	c.fs.SetOutput(io.Discard) // errors are reported once, by exitStatus
	c.fs.StringVar(&c.dataDir, "data-dir", e.dataDir, "data directory (default $PEERD_DATA_DIR, $XDG_DATA_HOME/peerd or ~/.local/share/peerd)")
	if withJSON {
		c.fs.BoolVar(&c.json, "json", false, "print JSON (the local API's shapes)")
	}
	c.summary = summary
	// The flag package calls Usage on every parse error as well as on
	// --help; only --help should print the usage (to stdout), so parse
	// prints it itself and parse errors get the one-line message alone.
	c.fs.Usage = func() {}
	return c
}

// printUsage writes the verb's usage to stdout, for --help.
func (c *cmd) printUsage() {
	w := c.e.stdout
	fmt.Fprintf(w, "usage: peerd %s %s\n\n%s\n\nflags:\n", c.name, c.args, c.summary)
	c.fs.SetOutput(w)
	c.fs.PrintDefaults()
	c.fs.SetOutput(io.Discard)
}

// parse parses flags and positional arguments in any order ("contact add
// CARD --watch" as well as "contact add --watch CARD"); "--" ends the
// flags. It checks the number of positional arguments.
func (c *cmd) parse(args []string, minPos, maxPos int) ([]string, error) {
	var pos []string
	for {
		if err := c.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.printUsage()
				return nil, errHelpShown
			}
			return nil, usagef("%s: %v (see 'peerd %s --help')", c.name, err, c.name)
		}
		rest := c.fs.Args()
		consumed := args[:len(args)-len(rest)]
		if len(rest) == 0 || (len(consumed) > 0 && consumed[len(consumed)-1] == "--") {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if len(pos) < minPos || (maxPos >= 0 && len(pos) > maxPos) {
		return nil, usagef("%s: wrong number of arguments; usage: peerd %s %s", c.name, c.name, c.args)
	}
	return pos, nil
}

// dir returns the data directory: --data-dir, $PEERD_DATA_DIR,
// $XDG_DATA_HOME/peerd, or ~/.local/share/peerd, made absolute so that
// messages name it unambiguously.
func (c *cmd) dir() (string, error) {
	d := c.dataDir
	if d == "" {
		d = c.e.getenv("PEERD_DATA_DIR")
	}
	// The XDG spec says to ignore a relative XDG_DATA_HOME.
	if x := c.e.getenv("XDG_DATA_HOME"); d == "" && filepath.IsAbs(x) {
		d = filepath.Join(x, "peerd")
	}
	if d == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no data directory: set --data-dir or PEERD_DATA_DIR (%v)", err)
		}
		d = filepath.Join(home, ".local", "share", "peerd")
	}
	return filepath.Abs(d)
}

// self is how to invoke peerd again with the same data directory, for
// hints.
func (c *cmd) self() string {
	if c.dataDir != "" {
		return "peerd --data-dir " + strconv.Quote(c.dataDir)
	}
	return "peerd"
}

// client returns a client of the daemon serving the data directory.
func (c *cmd) client() (*localapi.Client, error) {
	d, err := c.dir()
	if err != nil {
		return nil, err
	}
	return &localapi.Client{SocketPath: filepath.Join(d, socketName)}, nil
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/peerd/peerd/contacts"
	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/localapi"
)

// shutdownGrace bounds how long the daemon waits for requests in flight
// when it stops; streams are ended at once.
const shutdownGrace = 5 * time.Second

func runDaemon(ctx context.Context, e *env, args []string) error {
	c := newCmd(e, "run", "[--listen MULTIADDR]... [--signin SCOPE]",
		"Run the daemon in the foreground until SIGINT or SIGTERM: a libp2p host as\nyour identity, and the local API on <data-dir>/peerd.sock. It starts signed out\nunless --signin says otherwise.", false)
	var listen stringList
	c.fs.Var(&listen, "listen", "multiaddr to listen on, repeatable (default: all interfaces, TCP and QUIC, IPv4 and IPv6, random ports)")
	signin := c.fs.String("signin", "", "sign in to this scope at start: near-me, internet or all")
	if _, err := c.parse(args, 0, 0); err != nil {
		return err
	}
	var scope p2pcollab.Scope
	if *signin != "" {
		s, err := p2pcollab.ParseScope(*signin)
		if err != nil || s == p2pcollab.ScopeNone {
			return usagef("--signin %q: want near-me, internet or all", *signin)
		}
		scope = s
	}
	dir, err := c.dir()
	if err != nil {
		return err
	}
	id, err := identity.Load(dir)
	if errors.Is(err, identity.ErrNotFound) {
		return fmt.Errorf("no identity in %s; create one with `%s init`", dir, c.self())
	}
	if err != nil {
		return err
	}
	store, err := contacts.Open(dir, id)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	logger := log.New(e.stderr, "peerd: ", log.LstdFlags)
	return serve(ctx, e, logger, daemonConfig{dir: dir, id: id, store: store, listen: listen, signin: scope})
}

type daemonConfig struct {
	dir    string
	id     *identity.Identity
	store  *contacts.Store
	listen []string
	signin p2pcollab.Scope
}

// serve runs the daemon until ctx ends, then stops everything in the
// reverse order it started: the API first (its socket goes away and every
// session ends, deleting its objects), then the node, then the host.
func serve(ctx context.Context, e *env, logger *log.Logger, cfg daemonConfig) error {
	sock := filepath.Join(cfg.dir, socketName)
	// The socket first: it claims the data directory, so a second daemon
	// on it fails before starting a host.
	l, err := localapi.Listen(sock)
	if err != nil {
		return err
	}
	defer l.Close()
	h, err := newHost(cfg.id.PrivKey, cfg.listen)
	if err != nil {
		return err
	}
	defer h.Close()
	node, err := p2pcollab.NewNode(p2pcollab.Config{Identity: cfg.id, Contacts: cfg.store, Host: h,
		Network: p2pcollab.NetConfig{DataDir: cfg.dir, Discovery: p2pcollab.MDNSDiscovery(h)}})
	if err != nil {
		return err
	}
	defer node.Close()
	srv := localapi.NewServer(node, localapi.Config{Logf: logger.Printf})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			logger.Printf("shutdown: %v", err)
		}
	}()

	if cfg.signin != p2pcollab.ScopeNone {
		if err := node.SignIn(ctx, cfg.signin); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "peerd running as %s\n", cfg.id.ID)
	for _, a := range h.Addrs() {
		fmt.Fprintf(e.stdout, "listening on %s/p2p/%s\n", a, cfg.id.ID)
	}
	fmt.Fprintf(e.stdout, "local API on %s (signed in: %s)\n", sock, cfg.signin)

	select {
	case <-ctx.Done():
		logger.Printf("stopping")
		return nil
	case err := <-served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("local API stopped: %w", err)
	}
}

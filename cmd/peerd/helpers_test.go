package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/peerd/peerd/p2pcollab/localapi"
)

// The end-to-end tests run the real binary, built once, against real
// sockets and real libp2p hosts on loopback.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "peerd-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "peerd")
	// go test puts its own GOROOT/bin first in PATH, so this is the go
	// that runs the test.
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build peerd:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// waitLimit guards every wait on a child so a broken build fails instead of
// hanging; nothing asserts on time.
const waitLimit = 2 * time.Minute

func guard(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	t.Cleanup(cancel)
	return ctx
}

// shortDir returns a fresh short directory: socket paths are limited.
func shortDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// childEnv is the test process's environment without the variables that
// choose a data directory, so only the flags under test decide.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PEERD_DATA_DIR=") && !strings.HasPrefix(kv, "XDG_DATA_HOME=") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

type result struct {
	stdout, stderr string
	code           int
}

// peerd runs one CLI command to completion.
func peerd(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(guard(t), binary, args...)
	cmd.Env = childEnv(env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), code: cmd.ProcessState.ExitCode()}
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("peerd %v: %v", args, err)
	}
	return r
}

// in runs a CLI command on data directory dir and requires success.
func in(t *testing.T, dir string, args ...string) string {
	t.Helper()
	r := peerd(t, nil, "", append([]string{"--data-dir", dir}, args...)...)
	if r.code != 0 {
		t.Fatalf("peerd %v: exit %d, stderr %q", args, r.code, r.stderr)
	}
	return r.stdout
}

// initDir creates a data directory with an identity.
func initDir(t *testing.T, nickname string) string {
	t.Helper()
	dir := shortDir(t)
	in(t, dir, "init", "--nickname", nickname)
	return dir
}

// proc is a long-running child (a daemon, a publisher, a watcher) whose
// stdout is read line by line.
type proc struct {
	cmd    *exec.Cmd
	lines  chan string
	stderr *syncBuffer
	waited chan struct{}
	err    error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func start(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = childEnv()
	p := &proc{cmd: cmd, lines: make(chan string, 1024), stderr: &syncBuffer{}, waited: make(chan struct{})}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
		io.Copy(io.Discard, out)
		p.err = cmd.Wait()
		close(p.waited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.waited:
		default:
			cmd.Process.Kill()
			<-p.waited
		}
	})
	return p
}

// line returns the next stdout line, failing if the process ends first.
func (p *proc) line(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-p.lines:
		if !ok {
			<-p.waited
			t.Fatalf("%v ended (%v) before printing; stderr: %s", p.cmd.Args, p.err, p.stderr)
		}
		return l
	case <-guard(t).Done():
		t.Fatalf("%v printed nothing; stderr: %s", p.cmd.Args, p.stderr)
	}
	return ""
}

// until reads stdout lines until one starts with prefix.
func (p *proc) until(t *testing.T, prefix string) string {
	t.Helper()
	for {
		if l := p.line(t); strings.HasPrefix(l, prefix) {
			return l
		}
	}
}

// stop signals the process and returns its exit code.
func (p *proc) stop(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
	return p.wait(t)
}

func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.waited:
	case <-guard(t).Done():
		t.Fatalf("%v did not exit; stderr: %s", p.cmd.Args, p.stderr)
	}
	return p.cmd.ProcessState.ExitCode()
}

// daemon starts `peerd run` on dir, listening on loopback only, and
// returns once its API answers (it prints its socket path last).
func daemon(t *testing.T, dir string, extra ...string) (*proc, *localapi.Client) {
	t.Helper()
	args := append([]string{"--data-dir", dir, "run", "--listen", "/ip4/127.0.0.1/tcp/0", "--listen", "/ip4/127.0.0.1/udp/0/quic-v1"}, extra...)
	p := start(t, args...)
	p.until(t, "local API on ")
	c := &localapi.Client{SocketPath: filepath.Join(dir, socketName)}
	t.Cleanup(c.CloseIdleConnections)
	return p, c
}

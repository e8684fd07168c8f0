// Package crashtest runs a child process and kills it with SIGKILL at a
// random moment, for tests that show a file survives a crash at any point.
//
// The child is the test binary itself, re-run with -test.run naming a
// writer test and an environment variable telling that test to act as the
// writer. The writer prints "ready" once it has started and may print one
// line per completed step; KillAtRandom returns those lines so the parent
// can check that nothing acknowledged was lost.
package crashtest

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"
)

// MaxDelay bounds the random time between "ready" and the kill. The delay
// only chooses where the kill lands; the checks a caller makes must hold
// for every delay, so the outcome does not depend on it.
const MaxDelay = 30 * time.Millisecond

// KillAtRandom starts os.Args[0] -test.run=<writerTest> with env added,
// waits for its "ready" line, kills it after a random delay up to
// MaxDelay, and returns every line it printed after "ready". A child that
// does not start, writes to stderr, or is not ready within 30 s fails t.
func KillAtRandom(t *testing.T, writerTest string, env ...string) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+writerTest+"$")
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready, done := make(chan bool, 1), make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		ready <- sc.Scan() && sc.Text() == "ready"
		var lines []string
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		done <- lines
	}()
	select {
	case ok := <-ready:
		if !ok {
			<-done
			cmd.Wait()
			t.Fatalf("writer did not start: %s", stderr.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		cmd.Wait()
		t.Fatalf("writer not ready after 30s")
	}
	time.Sleep(rand.N(MaxDelay))
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	lines := <-done // all output read before Wait closes the pipe
	cmd.Wait()      // reports "signal: killed"; that is the point
	if stderr.Len() > 0 {
		t.Fatalf("writer failed: %s", stderr.String())
	}
	return lines
}

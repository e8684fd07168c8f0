package atomicfile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// crashEnv names the file the child process rewrites until it is killed.
const crashEnv = "ATOMICFILE_TEST_CRASH_WRITER"

// version returns self-checking content: a header with the sha256 of a
// body whose size grows with n, so that a torn write cannot verify.
func version(n int) []byte {
	body := bytes.Repeat(fmt.Appendf(nil, "version %d;", n), 1000+n%7*4000)
	sum := sha256.Sum256(body)
	return append([]byte(hex.EncodeToString(sum[:])+"\n"), body...)
}

func verify(data []byte) error {
	header, body, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return fmt.Errorf("no header in %d bytes", len(data))
	}
	sum := sha256.Sum256(body)
	if string(header) != hex.EncodeToString(sum[:]) {
		return fmt.Errorf("checksum mismatch over %d bytes (partial or mixed file)", len(data))
	}
	return nil
}

// TestCrashWriter is the child side of TestKillDuringWriteFile; it does
// nothing unless started by it.
func TestCrashWriter(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("child process of TestKillDuringWriteFile only")
	}
	fmt.Println("ready")
	for n := 0; ; n++ {
		if err := WriteFile(path, version(n), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
}

// TestKillDuringWriteFile kills a process that rewrites one file in a loop
// at random moments and checks that the file always holds one complete
// version. The timing is random but the property must hold for every
// timing, so the outcome is deterministic.
func TestKillDuringWriteFile(t *testing.T) {
	iterations := 20
	if testing.Short() {
		iterations = 5
	}
	path := filepath.Join(t.TempDir(), "f")
	if err := WriteFile(path, version(0), 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range iterations {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriter$")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready, done := make(chan bool, 1), make(chan struct{})
		go func() {
			defer close(done)
			sc := bufio.NewScanner(stdout)
			ready <- sc.Scan() && sc.Text() == "ready"
			for sc.Scan() {
			}
		}()
		select {
		case ok := <-ready:
			if !ok {
				<-done
				cmd.Wait()
				t.Fatalf("iteration %d: child did not start: %s", i, stderr.String())
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
			cmd.Wait()
			t.Fatalf("iteration %d: child not ready after 30s", i)
		}
		// The random delay only chooses where the kill lands; the check
		// below does not depend on it.
		time.Sleep(time.Duration(rand.N(30_000)) * time.Microsecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-done     // all output read before Wait closes the pipe
		cmd.Wait() // reports "signal: killed"; that is the point
		if stderr.Len() > 0 {
			t.Fatalf("iteration %d: child failed: %s", i, stderr.String())
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("iteration %d: %v", i, err)
		}
		if err := verify(data); err != nil {
			t.Fatalf("iteration %d: %v", i, err)
		}
	}
}

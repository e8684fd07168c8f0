package atomicfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/peerd/peerd/internal/crashtest"
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
		crashtest.KillAtRandom(t, "TestCrashWriter", crashEnv+"="+path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("iteration %d: %v", i, err)
		}
		if err := verify(data); err != nil {
			t.Fatalf("iteration %d: %v", i, err)
		}
	}
}

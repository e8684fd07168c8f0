// Package atomicfile replaces files so that a crash at any moment (kill -9,
// power loss after the call returns) leaves either the old or the new content
// at the path, never a partial file.
//
// Both functions write the data to a temporary file in the same directory,
// fsync it, move it into place with a single rename (or link) and fsync the
// directory so that the new name itself is durable. The temporary file lives
// in the same directory because rename is only atomic within one file system.
//
// A process killed between creating and renaming the temporary file leaves
// it behind (named ".<base>.tmp-<random>"); it never replaces the target and
// is safe to delete once no writer is running. The package does not remove
// such leftovers itself because it cannot know whether another process is
// still writing one.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
)

// WriteFile atomically replaces the content of path with data. A new file is
// created with perm (before umask); an existing file is replaced by a new one
// with perm, so its old mode, owner and hard links are not kept.
//
// When WriteFile returns nil the new content is durable. When it returns an
// error the temporary file has been removed and path holds its old content,
// except when only the final directory fsync failed: then path may hold
// either content, and the caller should treat the write as not durable.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return write(path, data, perm, false)
}

// Create is WriteFile for a file that must not exist yet: it fails with an
// error wrapping fs.ErrExist, leaving the existing file untouched, if path
// already exists, even when another process creates it concurrently. Use it
// for files whose loss would be unrecoverable, such as a private key.
func Create(path string, data []byte, perm os.FileMode) error {
	return write(path, data, perm, true)
}

func write(path string, data []byte, perm os.FileMode, exclusive bool) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if exclusive {
		// Fail early without writing anything; the link below is what
		// actually guarantees that nothing is overwritten.
		if _, err := os.Lstat(path); err == nil {
			return &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist}
		}
	}
	f, tmp, err := createTemp(dir, base, perm)
	if err != nil {
		return err
	}
	placed := false
	defer func() {
		if err != nil && !placed {
			f.Close()      // may already be closed; the error is irrelevant then
			os.Remove(tmp) // best effort: the write already failed
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	// Without this fsync the rename could reach the disk before the data,
	// and a power loss would leave an empty or partial file at path.
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if exclusive {
		err = linkNoReplace(tmp, path)
	} else {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return err
	}
	placed = true
	if exclusive {
		// tmp is now a second name for the new file; drop it. Best effort:
		// a leftover is only an extra name, never a wrong content.
		os.Remove(tmp)
	}
	return syncDir(dir)
}

// createTemp creates a new file next to the target. os.CreateTemp is not
// used because it always creates files with mode 0600, and the caller's perm
// must hold from the first byte written (no window with a wider mode).
func createTemp(dir, base string, perm os.FileMode) (*os.File, string, error) {
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", fmt.Errorf("atomicfile: cannot create a temporary file in %s", dir)
}

// linkNoReplace gives the file at tmp the name path unless path exists.
// rename(2) would silently replace an existing file; link(2) refuses to.
func linkNoReplace(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	// Some file systems (FAT, some network and FUSE mounts) have no hard
	// links. Fall back to check-then-rename: only a concurrent creator of
	// the same path in the few microseconds between the two calls can be
	// overwritten, which is acceptable next to not working at all.
	if _, serr := os.Lstat(path); serr == nil {
		return &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist}
	}
	return os.Rename(tmp, path)
}

// syncDir makes a rename in dir durable: on POSIX systems the directory
// entry lives in the directory's own data, which fsync of the file does not
// cover.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		// Windows cannot open a directory for fsync; NTFS journals the
		// rename itself.
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}

package p2pcollab

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/peerd/peerd/internal/atomicfile"
	"github.com/peerd/peerd/p2pcollab/internal/view"
	"github.com/peerd/peerd/p2pcollab/status"
)

// startEpoch returns this run's publisher epoch: the configured one, or
// the next after the one persisted in dir (persisted again before it is
// used), or the current time. A corrupt epoch file is an error rather than
// a silent restart from the clock: an epoch that went backwards would make
// watchers ignore everything this run publishes.
func startEpoch(cfg NetConfig, now time.Time) (uint64, error) {
	if cfg.Epoch != 0 {
		return cfg.Epoch, nil
	}
	if cfg.DataDir == "" {
		return view.NextEpoch(0, now.UnixNano()), nil
	}
	path := filepath.Join(cfg.DataDir, EpochFile)
	var last uint64
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return 0, status.Errorf(status.ErrServiceNotAvailable, "reading the epoch: %v", err)
	default:
		last, err = strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
		if err != nil {
			return 0, status.Errorf(status.ErrServiceNotAvailable, "epoch file %s is corrupt: %v", path, err)
		}
	}
	epoch := view.NextEpoch(last, now.UnixNano())
	if err := atomicfile.WriteFile(path, []byte(strconv.FormatUint(epoch, 10)+"\n"), 0o600); err != nil {
		return 0, status.Errorf(status.ErrServiceNotAvailable, "persisting the epoch: %v", err)
	}
	return epoch, nil
}

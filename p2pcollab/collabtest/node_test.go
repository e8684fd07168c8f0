package collabtest_test

import (
	"testing"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/collabtest"
)

// The in-process node passes the suite; localapi runs the same suite
// through the daemon's socket.
func TestNodeConformance(t *testing.T) {
	collabtest.Run(t, func(t *testing.T) p2pcollab.API { return collabtest.NewNode(t) })
}

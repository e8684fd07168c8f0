package p2pcollab

import (
	"bufio"
	"bytes"
	"errors"
	"testing"

	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

func syncReplySeeds(f *testing.F) {
	snap := wire.Snapshot{Epoch: 3, Seq: 2, Beat: 1, Objects: []wire.Entry{{ID: nthID(1), Version: 2, Scope: wire.ScopeNearMe, Data: []byte("x")}}}
	b, _ := wire.EncodeSnapshot(wire.NearMe, snap)
	var ok bytes.Buffer
	ok.WriteByte(syncOK)
	writeFrame(&ok, b)
	f.Add(ok.Bytes(), false)
	grant, _ := wire.EncodeKeyGrant(wire.KeyGrant{Epoch: 3, KeyID: 1, Key: [32]byte{1}})
	sealed := wire.Snapshot{Epoch: 3, Seq: 0, KeyID: 1}
	sb, _ := wire.EncodeSnapshot(wire.Internet, sealed)
	var sok bytes.Buffer
	sok.WriteByte(syncOK)
	writeFrame(&sok, grant)
	writeFrame(&sok, sb)
	f.Add(sok.Bytes(), true)
	f.Add([]byte{syncNotAllowed}, true)
	f.Add([]byte{syncNotSignedIn}, false)
	f.Add([]byte{syncOK, 0xff, 0xff, 0xff, 0xff, 0x0f}, false)
	f.Add([]byte{}, false)
}

// FuzzReadSyncReply feeds the snapshot-pull reader arbitrary replies: it
// never panics, never reads past its limits, fails with a status error, and
// what it accepts re-encodes to the same bytes.
func FuzzReadSyncReply(f *testing.F) {
	syncReplySeeds(f)
	f.Fuzz(func(t *testing.T, b []byte, sealed bool) {
		ch := wire.NearMe
		if sealed {
			ch = wire.Internet
		}
		grant, snap, err := readSyncReply(bufio.NewReader(bytes.NewReader(b)), "peer", ch)
		if err != nil {
			var se interface{ Code() status.Code }
			if !errors.As(err, &se) {
				t.Fatalf("error without a status: %v", err)
			}
			return
		}
		var again bytes.Buffer
		again.WriteByte(syncOK)
		if sealed {
			g, err := wire.EncodeKeyGrant(grant)
			if err != nil {
				t.Fatal(err)
			}
			writeFrame(&again, g)
		}
		s, err := wire.EncodeSnapshot(ch, snap)
		if err != nil {
			t.Fatal(err)
		}
		writeFrame(&again, s)
		if !bytes.Equal(again.Bytes(), b) {
			t.Fatalf("accepted %x, re-encodes as %x", b, again.Bytes())
		}
	})
}

// FuzzReadFrame checks the frame reader's bound: it never returns more
// than its limit.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{3, 'a', 'b', 'c'}, 8)
	f.Add([]byte{0x80, 0x80, 0x80, 0x80, 0x01}, 16)
	f.Fuzz(func(t *testing.T, b []byte, limit int) {
		if limit < 0 || limit > 1<<20 {
			return
		}
		got, err := readFrame(bufio.NewReader(bytes.NewReader(b)), limit)
		if err == nil && len(got) > limit {
			t.Fatalf("frame of %d bytes over the limit %d", len(got), limit)
		}
	})
}

func TestReadFrameRefusesPaddedLengths(t *testing.T) {
	for _, b := range [][]byte{{0x81, 0x00, 'a'}, {0x80, 0x80, 0}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}} {
		if _, err := readFrame(bufio.NewReader(bytes.NewReader(b)), 1<<20); !errors.Is(err, status.ErrInvalidArg) {
			t.Errorf("readFrame(%x): got %v, want invalid", b, err)
		}
	}
	if got, err := readFrame(bufio.NewReader(bytes.NewReader([]byte{1, 'a'})), 1); err != nil || string(got) != "a" {
		t.Errorf("readFrame(01 61): got %q, %v", got, err)
	}
}

package p2pcollab

import (
	"bufio"
	"encoding/binary"
	"io"

	"github.com/peerd/peerd/p2pcollab/status"
)

// Direct streams (snapshot pulls and key grants) carry wire messages as
// frames: an unsigned varint length, then that many bytes. A sync reply
// starts with one status byte before its frames.

// Status bytes that open a reply on a sync stream.
const (
	syncOK          byte = 0 // frames follow: [KeyGrant on Internet,] Snapshot
	syncNotAllowed  byte = 1 // the requester may not watch this channel
	syncNotSignedIn byte = 2 // the publisher is not signed in to the channel's scope
)

func writeFrame(w io.Writer, b []byte) error {
	buf := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(b)), uint64(len(b)))
	_, err := w.Write(append(buf, b...))
	return err
}

// readFrame reads one frame of at most limit bytes. The length is checked
// before anything is allocated, so a hostile peer costs at most limit.
func readFrame(r *bufio.Reader, limit int) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > uint64(limit) {
		return nil, status.Errorf(status.ErrInvalidArg, "frame of %d bytes (limit %d)", n, limit)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	return b, nil
}

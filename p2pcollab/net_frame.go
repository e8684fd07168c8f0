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
	n, err := readUvarint(r)
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

// readUvarint reads a minimal unsigned varint, as the wire codecs do: a
// padded length (such as 0x81 0x00 for 1) is refused, so a frame has one
// encoding.
func readUvarint(r io.ByteReader) (uint64, error) {
	var v uint64
	for i := 0; i < binary.MaxVarintLen64; i++ {
		b, err := r.ReadByte()
		if err != nil {
			if i > 0 && err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		if i == binary.MaxVarintLen64-1 && b > 1 {
			break
		}
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			if i > 0 && b == 0 {
				return 0, status.Errorf(status.ErrInvalidArg, "frame length: non-minimal varint")
			}
			return v, nil
		}
	}
	return 0, status.Errorf(status.ErrInvalidArg, "frame length: varint overflows 64 bits")
}

package wire

import (
	"encoding/binary"

	"github.com/google/uuid"
	"github.com/peerd/peerd/p2pcollab/status"
)

func invalid(format string, args ...any) error {
	return status.Errorf(status.ErrInvalidArg, "wire: "+format, args...)
}

// header returns the two leading bytes of a message of type t.
func header(t Type) []byte { return []byte{Version, byte(t)} }

// reader consumes a message front to back. The first failure sticks: later
// reads return zero values, so a decoder reads every field and checks err
// once, and no read can run past the input.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = invalid(format, args...)
	}
}

// header checks the version and type bytes.
func (r *reader) header(want Type) {
	if len(r.b) < 2 {
		r.fail("%s: %d bytes, shorter than a header", want, len(r.b))
		return
	}
	if r.b[0] != Version {
		r.fail("%s: unknown version %d (want %d)", want, r.b[0], Version)
		return
	}
	if Type(r.b[1]) != want {
		r.fail("%s: message type is %s", want, Type(r.b[1]))
		return
	}
	r.b = r.b[2:]
}

func (r *reader) byte(field string) byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 1 {
		r.fail("%s: truncated", field)
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// uvarint reads a minimal unsigned varint. binary.Uvarint alone accepts
// padded forms such as 0x80 0x00 for 0; a final zero byte after the first
// marks one, and rejecting it keeps the encoding canonical.
func (r *reader) uvarint(field string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	switch {
	case n == 0:
		r.fail("%s: truncated varint", field)
		return 0
	case n < 0:
		r.fail("%s: varint overflows 64 bits", field)
		return 0
	case n > 1 && r.b[n-1] == 0:
		r.fail("%s: non-minimal varint", field)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// bytes returns a copy of the next n bytes, so decoded messages never alias
// the caller's buffer. Callers bound n by a protocol limit first; the check
// against the remaining input here comes before the allocation.
func (r *reader) bytes(n uint64, field string) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.fail("%s: %d bytes but %d remain", field, n, len(r.b))
		return nil
	}
	v := make([]byte, n)
	copy(v, r.b)
	r.b = r.b[n:]
	return v
}

func (r *reader) fixed(dst []byte, field string) {
	if r.err != nil {
		return
	}
	if len(r.b) < len(dst) {
		r.fail("%s: truncated", field)
		return
	}
	copy(dst, r.b)
	r.b = r.b[len(dst):]
}

func (r *reader) objectID(field string) uuid.UUID {
	var id uuid.UUID
	r.fixed(id[:], field)
	if r.err == nil && id == uuid.Nil {
		r.fail("%s: nil GUID", field)
	}
	return id
}

// data reads a length-prefixed object payload within [lo, hi] bytes.
func (r *reader) data(lo, hi int, field string) []byte {
	n := r.uvarint(field + " length")
	if r.err == nil && (n < uint64(lo) || n > uint64(hi)) {
		r.fail("%s: %d bytes (want %d..%d)", field, n, lo, hi)
	}
	return r.bytes(n, field)
}

// end fails if any input is left: a message has exactly one encoding.
func (r *reader) end(what Type) error {
	if r.err == nil && len(r.b) > 0 {
		r.fail("%s: %d trailing bytes", what, len(r.b))
	}
	return r.err
}

func appendData(b, data []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(data)))
	return append(b, data...)
}

func checkData(field string, data []byte, lo, hi int) error {
	if len(data) < lo || len(data) > hi {
		return invalid("%s: %d bytes (want %d..%d)", field, len(data), lo, hi)
	}
	return nil
}

package testnet

import (
	"bytes"
	"encoding/binary"

	"github.com/google/uuid"
)

// An object's data starts with a header that names the update it belongs
// to, so a watcher's event says exactly which update arrived:
//
//	magic "PDTN" | publisher uint32 | object uint16 | version uint32 | 2 zero bytes
//
// The rest is filler derived from the header, so every byte of a
// plaintext is known to the tracker (which detects forgeries by comparing
// all of it) and is incompressible.
const payloadHeader = 16

var payloadMagic = []byte("PDTN")

// payloadFor returns the data of version ver of publisher pub's object obj.
func payloadFor(pub, obj int, ver uint32, size int) []byte {
	b := make([]byte, size)
	copy(b, payloadMagic)
	binary.BigEndian.PutUint32(b[4:], uint32(pub))
	binary.BigEndian.PutUint16(b[8:], uint16(obj))
	binary.BigEndian.PutUint32(b[10:], ver)
	x := uint64(pub)<<40 ^ uint64(obj)<<32 ^ uint64(ver) ^ 0x9e3779b97f4a7c15
	for i := payloadHeader; i < size; i += 8 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], x)
		copy(b[i:], w[:])
	}
	return b
}

// parsePayload reads the header of data; ok is false when it has none.
func parsePayload(data []byte) (pub, obj int, ver uint32, ok bool) {
	if len(data) < payloadHeader || !bytes.Equal(data[:4], payloadMagic) {
		return 0, 0, 0, false
	}
	return int(binary.BigEndian.Uint32(data[4:])), int(binary.BigEndian.Uint16(data[8:])), binary.BigEndian.Uint32(data[10:]), true
}

// objectID is the GUID of publisher pub's object obj: fixed per seed.
func objectID(seed uint64, pub, obj int) uuid.UUID {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:], seed)
	binary.BigEndian.PutUint32(b[8:], uint32(pub))
	binary.BigEndian.PutUint32(b[12:], uint32(obj)+1)
	b[6] = b[6]&0x0f | 0x80 // version 8 (custom)
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return uuid.UUID(b)
}

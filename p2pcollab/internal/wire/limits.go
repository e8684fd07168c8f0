package wire

import (
	"fmt"
	"math"
)

// Version is the format version written as the first byte of every message.
const Version = 1

// Limits of the protocol. MaxObjectData and MaxLiveObjects are the
// PeerCollabSetObject limits; SealOverhead is what package seal adds to a
// sealed payload (a 24-byte XChaCha20 nonce and a 16-byte Poly1305 tag).
const (
	MaxObjectData  = 16383
	MaxLiveObjects = 128
	SealOverhead   = 24 + 16
	MaxSealedData  = MaxObjectData + SealOverhead
	KeySize        = 32
	HashSize       = 32
	MaxKeyID       = math.MaxUint32
)

// Upper bounds on encoded sizes, for callers that must bound a read before
// decoding (stream frames). Varints take at most 10 bytes.
const (
	maxVarint      = 10
	maxEntryLen    = 16 + maxVarint + 1 + 3 + MaxSealedData
	MaxUpdateLen   = 2 + 3*maxVarint + 1 + 16 + 1 + 3 + MaxSealedData
	MaxDigestLen   = 2 + 5*maxVarint + HashSize
	MaxSnapshotLen = 2 + 5*maxVarint + MaxLiveObjects*maxEntryLen + 1 + maxPresenceBody
	MaxKeyGrantLen = 2 + 2*maxVarint + KeySize
	MaxPresenceLen = 2 + 3*maxVarint + maxVarint + MaxPresenceData + SealOverhead
	// maxPresenceBody is a presence without header and epoch, as a
	// snapshot carries it.
	maxPresenceBody = 2*maxVarint + maxVarint + MaxPresenceData + SealOverhead
)

// Presence payload bounds: one status byte, then at most 255 characters of
// UTF-8 text (4 bytes each at most). Sealed on Internet like object data.
const (
	MaxPresenceText = 255 * 4
	MaxPresenceData = 1 + MaxPresenceText
)

// Type is the message type, the second byte of every message.
type Type uint8

const (
	TypeUpdate   Type = 1
	TypeDigest   Type = 2
	TypeSnapshot Type = 3
	TypeKeyGrant Type = 4
	TypePresence Type = 5
)

func (t Type) String() string {
	switch t {
	case TypeUpdate:
		return "update"
	case TypeDigest:
		return "digest"
	case TypeSnapshot:
		return "snapshot"
	case TypeKeyGrant:
		return "key grant"
	case TypePresence:
		return "presence"
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// Scope is an object's publication scope, with the values of the original
// PEER_PUBLICATION_SCOPE. ScopeNone never appears on the wire: such objects
// stay on their node.
type Scope uint8

const (
	ScopeNone     Scope = 0
	ScopeNearMe   Scope = 1
	ScopeInternet Scope = 2
	ScopeAll      Scope = 3
)

// Kind says what an update does to its object.
type Kind uint8

const (
	KindUpsert Kind = 1 // create the object or replace its data and scope
	KindDelete Kind = 2 // remove the object

	// KindPresence never appears in an update: it is the kind a Presence
	// payload is sealed under, which keeps its ciphertexts apart from any
	// object's.
	KindPresence Kind = 3
)

func (k Kind) String() string {
	switch k {
	case KindUpsert:
		return "upsert"
	case KindDelete:
		return "delete"
	case KindPresence:
		return "presence"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Channel is one of a publisher's two publications: its internet-scope
// objects (sealed, for allowed watchers) and its near-me objects (plaintext,
// for the local network). Each has its own topic, sequence and snapshot.
type Channel uint8

const (
	Internet Channel = 1
	NearMe   Channel = 2
)

func (c Channel) String() string {
	switch c {
	case Internet:
		return "objects"
	case NearMe:
		return "nearme"
	}
	return fmt.Sprintf("channel(%d)", uint8(c))
}

// Valid reports whether c is Internet or NearMe.
func (c Channel) Valid() bool { return c == Internet || c == NearMe }

// Carries reports whether objects of scope s are published on c: internet
// and all on Internet, near-me and all on NearMe.
func (c Channel) Carries(s Scope) bool {
	switch c {
	case Internet:
		return s == ScopeInternet || s == ScopeAll
	case NearMe:
		return s == ScopeNearMe || s == ScopeAll
	}
	return false
}

// Sealed reports whether payloads on c are encrypted, which is what key id
// 0 (plaintext) versus 1.. (sealed) must agree with.
func (c Channel) Sealed() bool { return c == Internet }

// dataBounds returns the allowed length of an object's data on c: the
// plaintext limits, plus the seal overhead on a sealed channel.
func (c Channel) dataBounds() (lo, hi int) {
	if c.Sealed() {
		return 1 + SealOverhead, MaxSealedData
	}
	return 1, MaxObjectData
}

// checkKeyID checks that id agrees with c: 0 on plaintext channels, within
// 1..MaxKeyID on sealed ones.
func (c Channel) checkKeyID(id uint64) error {
	if !c.Valid() {
		return invalid("unknown channel %d", uint8(c))
	}
	if c.Sealed() && (id == 0 || id > MaxKeyID) {
		return invalid("key id %d on a sealed channel (want 1..%d)", id, uint64(MaxKeyID))
	}
	if !c.Sealed() && id != 0 {
		return invalid("key id %d on a plaintext channel (want 0)", id)
	}
	return nil
}

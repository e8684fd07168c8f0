// Package contacts is the user's trust list: the people they know, whether
// they watch each one, and whether each one may watch them (the original
// API's PEER_CONTACT, fWatch and WatcherPermissions).
//
// A Store keeps the list in <dir>/contacts.json, a versioned JSON document
// rewritten atomically (internal/atomicfile) and fsynced before every
// mutating method returns, so a crash loses at most the call in progress.
// A store that cannot be read is reported at Open (ErrCorruptStore), never
// replaced by an empty one: silently forgetting whom the user trusts would
// be worse than not starting.
//
// The store always holds the special "me" contact, keyed by the user's own
// peer ID: Me returns it, SetMe edits it, and it can be neither added nor
// deleted. Its Watch and Permission fields have no meaning.
//
// Mutating methods return only an error. Raising change events is the
// caller's job (the node knows which ones to raise); keeping the store free
// of callbacks keeps it a plain, deterministic type.
//
// A contact card (ExportCard, ParseCard) is a one-line text form of a
// contact that a user can paste into a chat or an email. It carries the peer
// ID, nickname, display name and addresses, signed by the key of that peer
// ID, so a card cannot be forged or altered in transit. Its format:
//
//	peerd-card:v1:<base64url, no padding, of body || signature>
//
//	body      = field(peer ID bytes) field(nickname) field(display name)
//	            count(addrs) field(addr bytes)...
//	field(x)  = uint16 big-endian length of x, then x
//	count(n)  = one byte, 0..32
//	signature = Ed25519 over "peerd-card-v1\x00" || body (64 bytes)
//
// The peer ID is an Ed25519 identity multihash, so the verifying key comes
// from the card itself. Every card has exactly one encoding: a parsed card
// re-exported with the same key yields the same string.
package contacts

// Package seal encrypts the payloads of a publisher's internet channel end
// to end, so that the peers relaying them, subscribers the publisher never
// trusted and passive listeners see only ciphertext.
//
// Each publisher holds one symmetric group key per epoch at a time (a
// Keyring) and hands it to the watchers it allows, over an authenticated
// stream, as a wire.KeyGrant; watchers keep what they were granted in
// Grants. Payloads are sealed with XChaCha20-Poly1305 under a fresh random
// 24-byte nonce: random nonces of that size never collide in practice, so a
// key needs no counter state and survives being used from several places.
//
// The associated data binds each ciphertext to its slot: the publisher's
// peer ID and topic, the epoch, the sequence number (the object's version),
// the key id, the object id, the change kind and the scope. A ciphertext
// moved to another publisher, topic, object or position, or replayed at a
// later sequence number, fails to open.
//
// Revocation is rotation. When a publisher blocks or deletes a contact it
// calls Keyring.Rotate before sealing anything else and grants the new key
// to the remaining watchers only. The revoked watcher keeps the keys it had
// and so can still read what it already received, but nothing sealed after
// the rotation: every later update and every later snapshot is sealed under
// a key it never gets. Watchers keep the previous key as well as the current
// one so that updates already in flight when the key changed still open.
//
// Keys live for one epoch: a restarted publisher makes a new Keyring, and a
// grant for a newer epoch replaces every older key of that publisher.
//
// The package holds no clock, socket or goroutine; randomness comes from
// an io.Reader (crypto/rand by default) so tests can be deterministic.
// Neither Keyring nor Grants is safe for concurrent use.
package seal

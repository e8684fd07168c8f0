// Package view keeps the ordered state of one publisher's channel: the
// publisher's side (Log), which numbers every change, and the watcher's
// side (View), which decides for each message it receives whether to apply
// it, hold it, ignore it or resynchronise.
//
// # Ordering without tombstones
//
// A publisher stamps each change with (epoch, seq). The epoch is fixed for
// the life of the publishing daemon and grows across restarts (NextEpoch);
// seq starts at 1 in each epoch and grows by exactly one per change. That
// gives every publisher's changes a single total order, so a watcher only
// needs the position it has reached, not a record per deleted object: an
// update at or before that position is stale whatever object it names. A
// replayed upsert of an object deleted since is therefore ignored, after
// the pubsub seen-cache has expired as well as before, and a replay from an
// older epoch is ignored after a restart. State per publisher is the live
// objects, each with the seq that last set it (its version), plus a bounded
// buffer for updates that arrive out of order.
//
// # Gaps, restarts and partitions
//
// Updates are applied strictly in order. One that arrives early is held
// (up to MaxPending of them) until the gap before it fills; one beyond that
// window, one from a newer epoch (the publisher restarted and started from
// nothing) or any update while the state is unknown calls for a snapshot,
// a complete copy of the publisher's state pulled over a direct stream. The
// publisher's periodic Digest lets a watcher that saw no update notice it is
// behind or has diverged, which is how partitions heal without waiting for
// the next change.
//
// # Limits
//
// A publisher has at most wire.MaxLiveObjects live objects per channel. A
// Log refuses to exceed that; a View rejects, as Invalid, an update that
// would, so the pubsub validator can penalise whoever relays it.
//
// Everything here is deterministic: no clock, goroutine or I/O, time only
// as a value passed in. Neither View nor Log is safe for concurrent use;
// the caller serialises access, typically with one mutex per publisher.
package view

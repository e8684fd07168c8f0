// Package wire defines the binary messages of the p2pcollab network
// protocol, version 1, and the names of its gossipsub topics and stream
// protocols.
//
// Every message starts with two bytes, the format version (1) and the
// message type, followed by fixed-width fields and minimal unsigned varints.
// The encoding is canonical: each value has exactly one encoding, so
// Decode(Encode(x)) == x and, whenever Decode(b) succeeds,
// Encode(Decode(b)) == b. Canonical bytes let a validator compare messages
// byte for byte and leave a fuzzer nothing to disagree about.
//
// Decoders are strict because their input comes from any peer on the
// network: they reject unknown versions, types and enum values, fields out
// of range, non-minimal varints and trailing bytes, with an error wrapping
// status.ErrInvalidArg. They never allocate on the strength of a length
// read from the input before checking it against both the remaining input
// and the protocol limit, so a hostile message costs at most its own size.
//
// Messages are decoded in the context of a Channel (the topic or the stream
// they arrived on) rather than carrying one: a near-me message is plaintext
// with key id 0, an internet message is sealed (see package seal) with a key
// id of 1 or more, and each channel carries only its own scopes.
//
// docs/protocol.md describes the formats field by field and explains them.
package wire

// Package testnet runs a whole simulated population of peerd peers in one
// process and measures what they see: a trust graph, applications that
// publish and update objects, peers that restart and get cut off, and
// attackers, on a simulated network, with the real peerd code on top.
//
// # The model
//
// A run is described by a Scenario (flags or a key=value file; see
// docs/testnet.md). From the scenario and its seed alone the package
// derives, deterministically, a World: every peer's Ed25519 key, the trust
// graph (who watches whom and who allows whom), which peers are
// adversaries, and a Plan, the timeline of everything that happens
// (objects set, updated and deleted, sessions killed, daemons restarted,
// partitions cut and healed, contacts revoked). Same seed, same world and
// same plan.
//
// A Fabric is the network underneath: go-libp2p's simulated QUIC network
// (x/simlibp2p over simnet, with per-peer latency, jitter, bandwidth and
// loss) or mocknet (in-memory streams). Both run on time.Now, so the same
// code runs in real time under the peerd testnet command and in virtual
// time under testing/synctest in tests.
//
// A Driver puts an application on every peer. Two exist, so that overhead
// is a ratio measured in one run:
//
//   - the baseline driver publishes on plain go-libp2p-pubsub topics, one
//     per publisher, which the publisher's watchers subscribe to (no trust,
//     no encryption, no registry);
//   - the peerd driver runs a real *p2pcollab.Node per peer (registry,
//     validators, encryption, key grants, sync), with contacts made from
//     each other's signed cards, and adversaries as raw libp2p/pubsub
//     peers that forge, replay, flood and eavesdrop.
//
// The Tracker is the ground truth. It knows every update sent (publisher,
// object, version, time) and who should see it, and it is told every
// object event a watcher raises. From that it computes delivery, latency
// (from SetObject to the first moment the watcher's view holds that
// version or a later one), convergence (every watcher's view equals its
// publishers' state) and the safety counters: objects accepted that should
// not have been (forged, replayed, resurrected, from a peer the watcher
// may not watch) and plaintext internet-scope objects obtained by peers
// that are not allowed. The Report adds cost (bytes on the wire per
// delivered update over the payload size, messages per update, CPU time,
// peak memory) and renders as text, JSON or an SVG figure.
package testnet

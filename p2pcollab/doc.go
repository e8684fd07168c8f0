// Package p2pcollab is peerd's object registry, its events and the node that
// applications talk to: the Go SDK of the Peer Collaboration API.
//
// The package is built as a deterministic core wrapped by a shell:
//
//   - Registry is the core. It holds the user's objects, the signed-in
//     scopes and the application sessions, and enforces every rule of
//     PeerCollabSetObject: 1..16383 bytes of data, at most 128 objects, one
//     per GUID, the last session that set an object owns it, a session that
//     ends takes its objects with it, and a full sign-out drops them all. It
//     has no goroutines, clocks or sockets; each call returns the events it
//     caused, so it is tested exhaustively and replayed exactly.
//
//   - Node is the shell. It serialises calls into the Registry, fans events
//     out to registrations (each with its own bounded queue that reports an
//     overflow instead of ever blocking the node), and owns the identity and
//     the trust list.
//
//   - With a Host, the Node runs the network layer (net_*.go), which makes
//     objects and presence travel: one signed gossipsub topic per
//     publisher and channel (internet, sealed end to end with a group key
//     handed only to allowed watchers and rotated on revocation; near-me,
//     plaintext), validators that accept only the topic owner's fresh,
//     well-formed messages, snapshots over a direct stream for late
//     joiners and healed partitions, digests for divergence and liveness,
//     near-me discovery, and contact dialing. The deterministic parts live
//     in internal/wire, internal/seal and internal/view; docs/protocol.md
//     describes the protocol and how this package implements it. The
//     network calls (RefreshEndpoint, PeopleNearMe, Endpoints, NetStats,
//     and a Session's SubscribeEndpoint and UnsubscribeEndpoint) need it;
//     without a Host they fail with status.ErrServiceNotAvailable.
//
// Sessions own what an application asked for: the objects it set last
// and the peers it subscribed to. When a session ends (Close, the end of
// its connection to the daemon, node shutdown) its objects are deleted
// and its subscriptions released, so the node follows a peer only while
// some live application subscribes to it.
//
// Applications use the API interface. *Node implements it in-process; the
// client in package localapi implements it over the daemon's unix socket,
// and both pass the same conformance suite (package collabtest). Every error
// wraps a sentinel of package status, so errors.Is works the same way on
// both sides.
package p2pcollab

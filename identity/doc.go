// Package identity holds a peerd user's identity: an Ed25519 key pair whose
// libp2p peer ID is the user's name on the network (the original API's
// "peer name").
//
// The private key is stored in <dir>/identity.key, mode 0600, in a small
// versioned text format:
//
//	peerd-identity v1
//	peer-id 12D3KooW...
//	private-key <standard base64 of crypto.MarshalPrivateKey>
//
// The peer ID line lets a person see which identity a file holds, and lets
// Load detect corruption: a damaged key derives a different ID.
//
// Losing or replacing an identity orphans every contact that trusts it, so
// nothing here ever overwrites a key file or creates one as a side effect:
// Create refuses an existing file, and Load reports a missing, corrupt or
// insecure file as an error (ErrNotFound, ErrCorrupt,
// ErrInsecurePermissions) for the user to resolve.
package identity

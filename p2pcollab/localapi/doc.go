// Package localapi is peerd's local API: versioned HTTP/1.1 with JSON over
// a unix socket, the way applications on the same machine talk to the
// daemon. docs/api.md is the contract; this package is both sides of it.
//
//   - Server serves a p2pcollab.API (the daemon's *p2pcollab.Node) on a
//     socket made by Listen (mode 0600, one daemon per socket).
//   - Client implements p2pcollab.API over that socket, so an application
//     uses the same Go API whether it embeds a node or talks to peerd.
//     Errors carry the same status sentinels on both sides.
//
// Everything that arrives on the socket is treated as hostile: bodies are
// bounded and decoded strictly (unknown fields, trailing data, bad UUIDs,
// bad base64 and bad scopes are refused with E_INVALIDARG before anything
// changes), and requests that carry an Origin or Referer header, which
// only a web browser would send, are refused outright.
//
// An application session lives exactly as long as the streaming response
// to its POST /v1/sessions: when the application closes it, or its process
// dies and the kernel closes the socket, the daemon ends the session and
// deletes every object the session owns.
package localapi

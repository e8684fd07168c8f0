package localapi

// The JSON shapes of the local API (docs/api.md). Identifiers travel as
// text: peer IDs in their usual base58 form, object IDs as canonical UUIDs
// (8-4-4-4-12 hex), scopes, changes, event types and permissions by name,
// object data as standard padded base64. Fields are plain strings here so
// that each side parses them strictly, with one error message per field,
// instead of relying on whatever the JSON decoder tolerates.

// OpenSessionRequest is the body of POST /v1/sessions.
type OpenSessionRequest struct {
	// Name names the application, for status and logs (1..255 bytes).
	Name string `json:"name"`
}

// SessionLine is the first line of the POST /v1/sessions response. The
// lines after it are empty keep-alives.
type SessionLine struct {
	Session string `json:"session"`
}

// SetObjectRequest is the body of PUT /v1/objects/{id}.
type SetObjectRequest struct {
	Data  string `json:"data"`  // standard base64, 1..16383 bytes decoded
	Scope string `json:"scope"` // none, near-me, internet or all
}

// Object is a published object.
type Object struct {
	ID    string `json:"id"`
	Data  string `json:"data"`
	Scope string `json:"scope"`
	Peer  string `json:"peer"`
}

// ScopeRequest is the body of POST /v1/signin and POST /v1/signout.
type ScopeRequest struct {
	Scope string `json:"scope"` // near-me, internet or all
}

// Presence is the body of POST /v1/presence and part of Status and events.
type Presence struct {
	Status string `json:"status"` // offline, away, busy, online, ...
	Text   string `json:"text,omitempty"`
}

// Status is the response of GET /v1/status.
type Status struct {
	PeerID   string   `json:"peerID"`
	Addrs    []string `json:"addrs"`
	SignedIn string   `json:"signedIn"` // a scope; none when signed out
	Presence Presence `json:"presence"`
	Objects  int      `json:"objects"`
	Sessions int      `json:"sessions"`
}

// Contact is one entry of the trust list.
type Contact struct {
	Peer        string   `json:"peer"`
	Nickname    string   `json:"nickname"`
	DisplayName string   `json:"displayName"`
	Email       string   `json:"email"`
	Watch       bool     `json:"watch"`
	Permission  string   `json:"permission"` // allowed or blocked
	Addrs       []string `json:"addrs"`
}

// AddContactRequest is the body of POST /v1/contacts.
type AddContactRequest struct {
	Card  string `json:"card"`
	Watch bool   `json:"watch"`
	Allow bool   `json:"allow"`
}

// ContactUpdate is the body of PATCH /v1/contacts/{peerID}: absent (or
// null) fields are left as they are.
type ContactUpdate struct {
	Nickname    *string `json:"nickname,omitempty"`
	DisplayName *string `json:"displayName,omitempty"`
	Email       *string `json:"email,omitempty"`
	Watch       *bool   `json:"watch,omitempty"`
	Permission  *string `json:"permission,omitempty"`
}

// Card is the response of GET /v1/card.
type Card struct {
	Card string `json:"card"`
}

// Person is one entry of GET /v1/near (people near me).
type Person struct {
	Peer     string   `json:"peer"`
	Nickname string   `json:"nickname,omitempty"` // the contact's, if the peer is one
	Addrs    []string `json:"addrs"`
}

// Endpoint is one entry of GET /v1/endpoints: another peer the daemon
// follows, with its presence as last shown and how many of its objects
// are shown.
type Endpoint struct {
	Peer       string   `json:"peer"`
	Nickname   string   `json:"nickname,omitempty"` // the contact's, if the peer is one
	Presence   Presence `json:"presence"`
	Objects    int      `json:"objects"`
	Watched    bool     `json:"watched"`
	Subscribed bool     `json:"subscribed"`
	NearMe     bool     `json:"nearMe"`
}

// NetStats is the response of GET /v1/netstats: the network layer's
// counters since the daemon started (see p2pcollab.NetStats). It converts
// to and from p2pcollab.NetStats directly, so the two cannot drift apart.
type NetStats struct {
	ValidateQueueDrops uint64 `json:"validateQueueDrops"`
	OutboundDrops      uint64 `json:"outboundDrops"`
	SubscriptionDrops  uint64 `json:"subscriptionDrops"`
	OutboxDrops        uint64 `json:"outboxDrops"`
	Rejected           uint64 `json:"rejected"`
	Stale              uint64 `json:"stale"`
	Undecryptable      uint64 `json:"undecryptable"`
	Filtered           uint64 `json:"filtered"`
	Refused            uint64 `json:"refused"`
	KeyRotations       uint64 `json:"keyRotations"`
	KeyGrants          uint64 `json:"keyGrants"`
	Snapshots          uint64 `json:"snapshots"`
	PullFailures       uint64 `json:"pullFailures"`
	DialFailures       uint64 `json:"dialFailures"`
	PublishErrors      uint64 `json:"publishErrors"`
	InternalErrors     uint64 `json:"internalErrors"`
	GrantFailures      uint64 `json:"grantFailures"`
	StaleConns         uint64 `json:"staleConns"`
}

// Event is one line of GET /v1/events. Which fields are present depends on
// Type, as in p2pcollab.Event. The last line of a stream that the daemon
// ends (because it shuts down) carries only Error.
type Event struct {
	Type     string     `json:"type,omitempty"`
	Change   string     `json:"change,omitempty"` // added, updated, deleted
	Peer     string     `json:"peer,omitempty"`
	ID       string     `json:"id,omitempty"`
	Object   *Object    `json:"object,omitempty"`
	Contact  *Contact   `json:"contact,omitempty"`
	Presence *Presence  `json:"presence,omitempty"`
	Result   *ErrorInfo `json:"result,omitempty"`
	Dropped  uint64     `json:"dropped,omitempty"`
	Error    *ErrorInfo `json:"error,omitempty"`
}

// ErrorBody is the body of every non-2xx response.
type ErrorBody struct {
	Error ErrorInfo `json:"error"`
}

// ErrorInfo is a status code name (such as E_INVALIDARG) and a message.
type ErrorInfo struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// SessionHeader carries the session token on the calls a session makes:
// object mutations and subscriptions.
const SessionHeader = "Peerd-Session"

package localapi

import (
	"strings"
	"testing"

	"github.com/peerd/peerd/identity"
)

// The calls that reach other peers, on a node without a network: bad
// requests are refused as everywhere else, and well-formed ones get a
// clear 503 that says the node has no network. Subscriptions are a
// session's: every request here names one (refresh ignores it), and
// those without a live one are refused.
func TestEndpointRequestsWithoutNetwork(t *testing.T) {
	d, n := serveNode(t)
	d.signIn(t)
	st, err := n.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	self, other := "/v1/endpoints/"+st.PeerID.String(), "/v1/endpoints/"+stranger.ID.String()
	_, token := d.session(t)
	ended, endedToken := d.session(t)
	ended.Close()
	cases := []struct {
		name, method, target, body string
		code                       int
		errCode                    string
		token                      string // the session header, if not token
	}{
		{"bad peer ID", "POST", "/v1/endpoints/not-a-peer/subscribe", "", 400, "E_INVALIDARG", ""},
		{"bad peer ID on unsubscribe", "DELETE", "/v1/endpoints/not-a-peer/subscribe", "", 400, "E_INVALIDARG", ""},
		{"bad peer ID on refresh", "POST", "/v1/endpoints/12D3KooW/refresh", "", 400, "E_INVALIDARG", ""},
		{"subscribe to myself", "POST", self + "/subscribe", "", 400, "E_INVALIDARG", ""},
		{"unsubscribe from myself", "DELETE", self + "/subscribe", "", 400, "E_INVALIDARG", ""},
		{"refresh myself", "POST", self + "/refresh", "", 400, "E_INVALIDARG", ""},
		{"a body with a field", "POST", other + "/subscribe", `{"peer":"x"}`, 400, "E_INVALIDARG", ""},
		{"a null body", "POST", other + "/refresh", `null`, 400, "E_INVALIDARG", ""},
		{"an array body", "POST", other + "/refresh", `[]`, 400, "E_INVALIDARG", ""},
		{"trailing data", "POST", other + "/refresh", `{} {}`, 400, "E_INVALIDARG", ""},
		{"oversized body", "POST", other + "/subscribe", strings.Repeat(" ", MaxBodyBytes+1), 413, "E_INVALIDARG", ""},
		{"query parameter", "POST", other + "/subscribe?watch=1", "", 400, "E_INVALIDARG", ""},
		{"query on near", "GET", "/v1/near?all=1", "", 400, "E_INVALIDARG", ""},
		{"query on netstats", "GET", "/v1/netstats?reset=1", "", 400, "E_INVALIDARG", ""},
		{"query on endpoints", "GET", "/v1/endpoints?peer=x", "", 400, "E_INVALIDARG", ""},
		{"endpoints are not deleted", "DELETE", "/v1/endpoints", "", 405, "E_INVALIDARG", ""},
		{"wrong method", "PUT", other + "/subscribe", "", 405, "E_INVALIDARG", ""},
		{"refresh is not deleted", "DELETE", other + "/refresh", "", 405, "E_INVALIDARG", ""},
		{"unknown endpoint call", "POST", other + "/follow", "", 404, "E_INVALIDARG", ""},
		{"no peer", "POST", "/v1/endpoints//subscribe", "", 404, "E_INVALIDARG", ""},
		{"subscribe", "POST", other + "/subscribe", "", 503, "PEER_E_SERVICE_NOT_AVAILABLE", ""},
		{"subscribe with {}", "POST", other + "/subscribe", ` {} `, 503, "PEER_E_SERVICE_NOT_AVAILABLE", ""},
		{"unsubscribe", "DELETE", other + "/subscribe", "", 503, "PEER_E_SERVICE_NOT_AVAILABLE", ""},
		{"refresh", "POST", other + "/refresh", "", 503, "PEER_E_SERVICE_NOT_AVAILABLE", ""},
		{"refresh needs no session", "POST", other + "/refresh", "", 503, "PEER_E_SERVICE_NOT_AVAILABLE", "none"},
		{"subscribe without a session", "POST", other + "/subscribe", "", 400, "E_INVALIDARG", "none"},
		{"unsubscribe without a session", "DELETE", other + "/subscribe", "", 400, "E_INVALIDARG", "none"},
		{"subscribe for an ended session", "POST", other + "/subscribe", "", 400, "E_INVALIDARG", endedToken},
		{"unsubscribe for an ended session", "DELETE", other + "/subscribe", "", 400, "E_INVALIDARG", endedToken},
		{"subscribe for an unknown session", "POST", other + "/subscribe", "", 400, "E_INVALIDARG", "forged"},
		{"people near me", "GET", "/v1/near", "", 503, "PEER_E_SERVICE_NOT_AVAILABLE", ""},
		{"net stats", "GET", "/v1/netstats", "", 503, "PEER_E_SERVICE_NOT_AVAILABLE", ""},
		{"endpoints", "GET", "/v1/endpoints", "", 503, "PEER_E_SERVICE_NOT_AVAILABLE", ""},
	}
	for _, tc := range cases {
		h := map[string]string{SessionHeader: token}
		switch tc.token {
		case "":
		case "none":
			h = nil
		default:
			h[SessionHeader] = tc.token
		}
		a := d.send(t, tc.method, tc.target, h, tc.body)
		if a.code != tc.code || a.err.Code != tc.errCode || a.err.Message == "" {
			t.Errorf("%s: got %d %+v, want %d %s with a message", tc.name, a.code, a.err, tc.code, tc.errCode)
		}
		if tc.code == 503 && !strings.Contains(a.err.Message, "no network") {
			t.Errorf("%s: message %q does not say the node has no network", tc.name, a.err.Message)
		}
	}
}

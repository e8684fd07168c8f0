package localapi

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/peerd/peerd/identity"
	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/collabtest"
)

func TestClientConformance(t *testing.T) {
	collabtest.Run(t, func(t *testing.T) p2pcollab.API {
		d, _ := serveNode(t)
		return d.client
	})
}

const objPath = "/v1/objects/6ba7b810-9dad-11d1-80b4-00c04fd430c8"

// Every malformed request gets a clear 4xx with a JSON error body, changes
// nothing, and leaves the daemon serving.
func TestHostileRequests(t *testing.T) {
	d, _ := serveNode(t)
	d.signIn(t)
	_, token := d.session(t)
	sess := map[string]string{SessionHeader: token}
	withSession := func(h map[string]string) map[string]string {
		out := map[string]string{SessionHeader: token}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	stranger, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	big := base64.StdEncoding.EncodeToString(make([]byte, 16384))
	ok := `{"data":"eA==","scope":"all"}`
	cases := []struct {
		name, method, target string
		header               map[string]string
		body                 string
		code                 int
		errCode              string
	}{
		{"malformed JSON", "PUT", objPath, sess, `{"data":`, 400, "E_INVALIDARG"},
		{"not an object", "PUT", objPath, sess, `[1,2]`, 400, "E_INVALIDARG"},
		{"unknown field", "PUT", objPath, sess, `{"data":"eA==","scope":"all","owner":"me"}`, 400, "E_INVALIDARG"},
		{"two values", "PUT", objPath, sess, ok + `{}`, 400, "E_INVALIDARG"},
		{"trailing garbage", "PUT", objPath, sess, ok + ` x`, 400, "E_INVALIDARG"},
		{"empty body", "PUT", objPath, sess, ``, 400, "E_INVALIDARG"},
		{"wrong type", "PUT", objPath, sess, `{"data":"eA==","scope":3}`, 400, "E_INVALIDARG"},
		{"bad base64", "PUT", objPath, sess, `{"data":"!!!!","scope":"all"}`, 400, "E_INVALIDARG"},
		{"unpadded base64", "PUT", objPath, sess, `{"data":"eA","scope":"all"}`, 400, "E_INVALIDARG"},
		{"base64 with a line break", "PUT", objPath, sess, `{"data":"eA=\n=","scope":"all"}`, 400, "E_INVALIDARG"},
		{"empty data", "PUT", objPath, sess, `{"data":"","scope":"all"}`, 400, "E_INVALIDARG"},
		{"16384 bytes", "PUT", objPath, sess, `{"data":"` + big + `","scope":"all"}`, 400, "E_INVALIDARG"},
		{"bad scope", "PUT", objPath, sess, `{"data":"eA==","scope":"everywhere"}`, 400, "E_INVALIDARG"},
		{"missing scope", "PUT", objPath, sess, `{"data":"eA=="}`, 400, "E_INVALIDARG"},
		{"oversized body", "PUT", objPath, sess, `{"data":"` + strings.Repeat("A", MaxBodyBytes) + `","scope":"all"}`, 413, "E_INVALIDARG"},
		{"bad UUID", "PUT", "/v1/objects/not-a-uuid", sess, ok, 400, "E_INVALIDARG"},
		{"UUID without dashes", "PUT", "/v1/objects/6ba7b8109dad11d180b400c04fd430c8", sess, ok, 400, "E_INVALIDARG"},
		{"UUID in braces", "PUT", "/v1/objects/%7B6ba7b810-9dad-11d1-80b4-00c04fd430c8%7D", sess, ok, 400, "E_INVALIDARG"},
		{"nil GUID", "PUT", "/v1/objects/00000000-0000-0000-0000-000000000000", sess, ok, 400, "E_INVALIDARG"},
		{"no session", "PUT", objPath, nil, ok, 400, "E_INVALIDARG"},
		{"empty session", "PUT", objPath, map[string]string{SessionHeader: ""}, ok, 400, "E_INVALIDARG"},
		{"wrong session", "PUT", objPath, map[string]string{SessionHeader: token + "x"}, ok, 400, "E_INVALIDARG"},
		{"delete without session", "DELETE", objPath, nil, "", 400, "E_INVALIDARG"},
		{"end an unknown session", "DELETE", "/v1/sessions", map[string]string{SessionHeader: "nope"}, "", 400, "E_INVALIDARG"},
		{"Origin", "PUT", objPath, withSession(map[string]string{"Origin": "https://evil.example"}), ok, 403, "E_ACCESSDENIED"},
		{"empty Origin", "GET", "/v1/status", map[string]string{"Origin": ""}, "", 403, "E_ACCESSDENIED"},
		{"Referer", "GET", "/v1/status", map[string]string{"Referer": "https://evil.example/page"}, "", 403, "E_ACCESSDENIED"},
		{"Origin on a session", "POST", "/v1/sessions", map[string]string{"Origin": "null"}, `{"name":"x"}`, 403, "E_ACCESSDENIED"},
		{"unknown path", "GET", "/v1/nothing", nil, "", 404, "E_INVALIDARG"},
		{"unversioned path", "GET", "/status", nil, "", 404, "E_INVALIDARG"},
		{"wrong method", "POST", "/v1/status", nil, "{}", 405, "E_INVALIDARG"},
		{"unknown query parameter", "GET", "/v1/objects?owner=me", nil, "", 400, "E_INVALIDARG"},
		{"repeated query parameter", "GET", "/v1/objects?id=" + objPath[12:] + "&id=" + objPath[12:], nil, "", 400, "E_INVALIDARG"},
		{"query on a call without one", "GET", "/v1/status?verbose=1", nil, "", 400, "E_INVALIDARG"},
		{"bad object query", "GET", "/v1/objects?id=xyz", nil, "", 400, "E_INVALIDARG"},
		{"bad peer query", "GET", "/v1/objects?peer=xyz", nil, "", 400, "E_INVALIDARG"},
		{"unknown object", "GET", objPath, nil, "", 404, "PEER_E_NOT_FOUND"},
		{"objects of a stranger", "GET", "/v1/objects?peer=" + stranger.ID.String(), nil, "", 404, "PEER_E_CONTACT_NOT_FOUND"},
		{"bad event type", "GET", "/v1/events?type=my_object_changed,bogus", nil, "", 400, "E_INVALIDARG"},
		{"overflow is not a filter", "GET", "/v1/events?type=overflow", nil, "", 400, "E_INVALIDARG"},
		{"bad event id", "GET", "/v1/events?id=1", nil, "", 400, "E_INVALIDARG"},
		{"sign in to none", "POST", "/v1/signin", nil, `{"scope":"none"}`, 400, "E_INVALIDARG"},
		{"sign in without scope", "POST", "/v1/signin", nil, `{}`, 400, "E_INVALIDARG"},
		{"sign in with null", "POST", "/v1/signin", nil, `null`, 400, "E_INVALIDARG"},
		{"bad presence", "POST", "/v1/presence", nil, `{"status":"sleepy"}`, 400, "E_INVALIDARG"},
		{"session without name", "POST", "/v1/sessions", nil, `{"name":""}`, 400, "E_INVALIDARG"},
		{"session with unknown field", "POST", "/v1/sessions", nil, `{"name":"x","pid":1}`, 400, "E_INVALIDARG"},
		{"bad peer ID", "GET", "/v1/contacts/not-a-peer", nil, "", 400, "E_INVALIDARG"},
		{"unknown contact", "GET", "/v1/contacts/" + stranger.ID.String(), nil, "", 404, "PEER_E_CONTACT_NOT_FOUND"},
		{"patch unknown field", "PATCH", "/v1/contacts/" + stranger.ID.String(), nil, `{"trust":true}`, 400, "E_INVALIDARG"},
		{"patch bad permission", "PATCH", "/v1/contacts/" + stranger.ID.String(), nil, `{"permission":"maybe"}`, 400, "E_INVALIDARG"},
		{"bad card", "POST", "/v1/contacts", nil, `{"card":"peerd-card:v1:AAAA"}`, 400, "E_INVALIDARG"},
	}
	for _, tc := range cases {
		a := d.send(t, tc.method, tc.target, tc.header, tc.body)
		if a.code != tc.code || a.err.Code != tc.errCode || a.err.Message == "" {
			t.Errorf("%s: got %d %+v, want %d %s with a message", tc.name, a.code, a.err, tc.code, tc.errCode)
		}
	}
	objs, err := d.client.Objects(t.Context(), p2pcollab.ObjectQuery{})
	if err != nil || len(objs) != 0 {
		t.Fatalf("after hostile requests: objects %v, err %v; want none", objs, err)
	}
	cs, err := d.client.Contacts(t.Context())
	if err != nil || len(cs) != 0 {
		t.Fatalf("after hostile requests: contacts %v, err %v; want none", cs, err)
	}
	// The well-formed version of the same request works.
	if a := d.send(t, "PUT", objPath, sess, ok); a.code != 204 {
		t.Fatalf("valid PUT: got %d %+v, want 204", a.code, a.err)
	}
	if a := d.send(t, "GET", objPath, nil, ""); a.code != 200 || !strings.Contains(string(a.body), `"data":"eA=="`) {
		t.Fatalf("GET object: got %d %s", a.code, a.body)
	}
}

func TestMethodNotAllowedNamesAllowedMethods(t *testing.T) {
	d, _ := serveNode(t)
	req := d.send(t, "PATCH", objPath, nil, "{}")
	if req.code != 405 || !strings.Contains(req.err.Message, "PUT") {
		t.Fatalf("got %d %+v, want 405 naming PUT", req.code, req.err)
	}
}

package localapi

import (
	"context"
	"net/http"
	"net/url"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/peerd/peerd/p2pcollab"
)

// The calls that reach other peers: subscribe, unsubscribe and refresh a
// peer's data, people near me, the endpoints followed, the network
// counters. Subscriptions belong to the session named by the
// Peerd-Session header, as objects do: they are released when its
// response ends, however the application ended.

func (s *Server) subscribe(w http.ResponseWriter, r *http.Request, _ url.Values) {
	s.endpointCall(w, r, p2pcollab.Session.SubscribeEndpoint, http.StatusAccepted)
}

func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request, _ url.Values) {
	s.endpointCall(w, r, p2pcollab.Session.UnsubscribeEndpoint, http.StatusNoContent)
}

func (s *Server) refresh(w http.ResponseWriter, r *http.Request, _ url.Values) {
	s.endpointCall(w, r, nil, http.StatusAccepted)
}

// endpointCall runs a call on the peer named by the path: sessionCall on
// the request's session, or RefreshEndpoint, which needs none, when
// sessionCall is nil. Subscribe and refresh answer 202: the request is
// under way, and its outcome arrives as a request_status_changed event.
func (s *Server) endpointCall(w http.ResponseWriter, r *http.Request, sessionCall func(p2pcollab.Session, context.Context, peer.ID) error, code int) {
	id, err := ParsePeer(r.PathValue("peer"))
	if err != nil {
		writeError(w, err)
		return
	}
	if err := emptyBody(w, r); err != nil {
		writeDecodeError(w, err)
		return
	}
	if sessionCall == nil {
		err = s.api.RefreshEndpoint(r.Context(), id)
	} else {
		var ss *serverSession
		if ss, err = s.session(r); err == nil {
			err = sessionCall(ss.sess, r.Context(), id)
		}
	}
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(code)
}

func (s *Server) peopleNearMe(w http.ResponseWriter, r *http.Request, _ url.Values) {
	people, err := s.api.PeopleNearMe(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]Person, 0, len(people))
	for _, p := range people {
		out = append(out, NewPerson(p))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listEndpoints(w http.ResponseWriter, r *http.Request, _ url.Values) {
	eps, err := s.api.Endpoints(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]Endpoint, 0, len(eps))
	for _, e := range eps {
		out = append(out, NewEndpoint(e))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) netStats(w http.ResponseWriter, r *http.Request, _ url.Values) {
	st, err := s.api.NetStats(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, NewNetStats(st))
}

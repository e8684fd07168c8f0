package localapi

import (
	"context"
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

var errNilID = status.Errorf(status.ErrInvalidArg, "object id is the nil GUID")

func errNotFoundObject(id uuid.UUID) error {
	return status.Errorf(status.ErrNotFound, "no object %s", id)
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request, _ url.Values) {
	s.scopeCall(w, r, s.api.SignIn)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request, _ url.Values) {
	s.scopeCall(w, r, s.api.SignOut)
}

func (s *Server) scopeCall(w http.ResponseWriter, r *http.Request, call func(ctx context.Context, sc p2pcollab.Scope) error) {
	var req ScopeRequest
	if err := decodeBody(w, r, &req); err != nil {
		writeDecodeError(w, err)
		return
	}
	scope, err := p2pcollab.ParseScope(req.Scope)
	if err == nil {
		err = call(r.Context(), scope)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) setPresence(w http.ResponseWriter, r *http.Request, _ url.Values) {
	var req Presence
	if err := decodeBody(w, r, &req); err != nil {
		writeDecodeError(w, err)
		return
	}
	p, err := fromPresence(req)
	if err == nil {
		err = s.api.SetPresence(r.Context(), p)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) status(w http.ResponseWriter, r *http.Request, _ url.Values) {
	st, err := s.api.Status(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, NewStatus(st))
}

func (s *Server) card(w http.ResponseWriter, r *http.Request, _ url.Values) {
	card, err := s.api.Card(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, Card{Card: card})
}

package localapi

import (
	"net/http"
	"net/url"

	"github.com/peerd/peerd/contacts"
)

func (s *Server) listContacts(w http.ResponseWriter, r *http.Request, _ url.Values) {
	cs, err := s.api.Contacts(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]Contact, 0, len(cs))
	for _, c := range cs {
		out = append(out, NewContact(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) addContact(w http.ResponseWriter, r *http.Request, _ url.Values) {
	var req AddContactRequest
	if err := decodeBody(w, r, &req); err != nil {
		writeDecodeError(w, err)
		return
	}
	c, err := s.api.AddContact(r.Context(), req.Card, req.Watch, req.Allow)
	s.writeContact(w, http.StatusCreated, c, err)
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request, _ url.Values) {
	id, err := ParsePeer(r.PathValue("peer"))
	if err != nil {
		writeError(w, err)
		return
	}
	c, err := s.api.Contact(r.Context(), id)
	s.writeContact(w, http.StatusOK, c, err)
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request, _ url.Values) {
	id, err := ParsePeer(r.PathValue("peer"))
	if err != nil {
		writeError(w, err)
		return
	}
	var req ContactUpdate
	if err := decodeBody(w, r, &req); err != nil {
		writeDecodeError(w, err)
		return
	}
	u, err := fromContactUpdate(req)
	if err != nil {
		writeError(w, err)
		return
	}
	c, err := s.api.UpdateContact(r.Context(), id, u)
	s.writeContact(w, http.StatusOK, c, err)
}

func (s *Server) deleteContact(w http.ResponseWriter, r *http.Request, _ url.Values) {
	id, err := ParsePeer(r.PathValue("peer"))
	if err == nil {
		err = s.api.DeleteContact(r.Context(), id)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) writeContact(w http.ResponseWriter, code int, c contacts.Contact, err error) {
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, code, NewContact(c))
}

package localapi

import (
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/peerd/peerd/p2pcollab"
)

func (s *Server) setObject(w http.ResponseWriter, r *http.Request, _ url.Values) {
	// Parse everything before touching the node, so that a bad request
	// changes nothing.
	id, err := ParseObjectID(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	var req SetObjectRequest
	if err := decodeBody(w, r, &req); err != nil {
		writeDecodeError(w, err)
		return
	}
	data, err := DecodeData(req.Data)
	if err != nil {
		writeError(w, err)
		return
	}
	scope, err := p2pcollab.ParseScope(req.Scope)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := p2pcollab.ValidateObject(id, data, scope); err != nil {
		writeError(w, err)
		return
	}
	ss, err := s.session(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := ss.sess.SetObject(r.Context(), id, data, scope); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request, _ url.Values) {
	id, err := ParseObjectID(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	ss, err := s.session(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := ss.sess.DeleteObject(r.Context(), id); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listObjects(w http.ResponseWriter, r *http.Request, q url.Values) {
	oq, err := objectQuery(q.Get("peer"), q.Get("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	objs, err := s.api.Objects(r.Context(), oq)
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]Object, 0, len(objs))
	for _, o := range objs {
		out = append(out, NewObject(o))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getObject(w http.ResponseWriter, r *http.Request, q url.Values) {
	oq, err := objectQuery(q.Get("peer"), r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	objs, err := s.api.Objects(r.Context(), oq)
	if err != nil {
		writeError(w, err)
		return
	}
	if len(objs) != 1 {
		// The API returns exactly one object or ErrNotFound for an id.
		writeError(w, errNotFoundObject(oq.ID))
		return
	}
	writeJSON(w, http.StatusOK, NewObject(objs[0]))
}

func objectQuery(peerText, idText string) (p2pcollab.ObjectQuery, error) {
	var oq p2pcollab.ObjectQuery
	var err error
	if peerText != "" {
		if oq.Peer, err = ParsePeer(peerText); err != nil {
			return oq, err
		}
	}
	if idText != "" {
		if oq.ID, err = ParseObjectID(idText); err != nil {
			return oq, err
		}
		if oq.ID == uuid.Nil {
			return oq, errNilID
		}
	}
	return oq, nil
}

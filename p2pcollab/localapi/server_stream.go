package localapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// The two streaming endpoints. A session lives exactly as long as its
// response: the handler holds the p2pcollab.Session and closes it when it
// returns, which happens when the client closes the connection (the
// request context ends), a write fails or stalls, the client ends the
// session with DELETE /v1/sessions, or the server shuts down.

type serverSession struct {
	sess  p2pcollab.Session
	once  sync.Once
	ended chan struct{}
}

// end closes the session once; concurrent callers wait until its objects
// are deleted, so DELETE /v1/sessions answers only after that.
func (ss *serverSession) end() {
	ss.once.Do(func() {
		ss.sess.Close()
		close(ss.ended)
	})
}

// newToken returns 256 random bits. The token names the session to the
// application that opened it; every process of the user can reach the
// socket anyway, so it guards against mix-ups, not against the user.
func newToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (s *Server) openSession(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r); err != nil {
		writeError(w, err)
		return
	}
	var req OpenSessionRequest
	if err := decodeBody(w, r, &req); err != nil {
		writeDecodeError(w, err)
		return
	}
	ctx, cancel := s.streamContext(r)
	defer cancel()
	sess, err := s.api.OpenSession(ctx, req.Name)
	if err != nil {
		writeError(w, err)
		return
	}
	ss := &serverSession{sess: sess, ended: make(chan struct{})}
	token := newToken()
	s.mu.Lock()
	closing := s.ctx.Err() != nil
	if !closing {
		s.sessions[token] = ss
	}
	s.mu.Unlock()
	if closing {
		ss.end()
		writeError(w, status.Errorf(status.ErrServiceNotAvailable, "peerd is shutting down"))
		return
	}
	defer func() {
		s.mu.Lock()
		delete(s.sessions, token)
		s.mu.Unlock()
		ss.end()
	}()

	lw := startStream(w, s.cfg.StreamWriteTimeout)
	if err := lw.writeJSON(SessionLine{Session: token}); err != nil {
		return
	}
	tick := time.NewTicker(s.cfg.KeepAlive)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ss.ended:
			return
		case <-tick.C:
			if err := lw.write([]byte("\n")); err != nil {
				s.cfg.Logf("localapi: session %q: keep-alive failed, ending it: %v", req.Name, err)
				return
			}
		}
	}
}

// closeSession ends the session named by the Peerd-Session header and
// answers once its objects are deleted, so that a client's Session.Close
// is as synchronous as the in-process one.
func (s *Server) closeSession(w http.ResponseWriter, r *http.Request, _ url.Values) {
	ss, err := s.session(r)
	if err != nil {
		writeError(w, err)
		return
	}
	ss.end()
	w.WriteHeader(http.StatusNoContent)
}

// session returns the open session named by the request's header.
func (s *Server) session(r *http.Request) (*serverSession, error) {
	vals := r.Header.Values(SessionHeader)
	if len(vals) != 1 || vals[0] == "" {
		return nil, status.Errorf(status.ErrInvalidArg, "missing %s header: open a session with POST /v1/sessions", SessionHeader)
	}
	s.mu.Lock()
	ss, ok := s.sessions[vals[0]]
	s.mu.Unlock()
	if !ok {
		return nil, status.Errorf(status.ErrInvalidArg, "unknown or ended session (%s header)", SessionHeader)
	}
	return ss, nil
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "type", "id")
	if err != nil {
		writeError(w, err)
		return
	}
	f, err := parseFilter(q)
	if err != nil {
		writeError(w, err)
		return
	}
	ctx, cancel := s.streamContext(r)
	defer cancel()
	stream, err := s.api.Events(ctx, f)
	if err != nil {
		writeError(w, err)
		return
	}
	defer stream.Close()
	// The registration exists before the client sees the headers, so it
	// receives every event caused after its Events call returned.
	lw := startStream(w, s.cfg.StreamWriteTimeout)
	for {
		next, cancelNext := context.WithTimeout(ctx, s.cfg.KeepAlive)
		e, err := stream.Next(next)
		cancelNext()
		switch {
		case err == nil:
			err = lw.writeJSON(NewEvent(e))
		case ctx.Err() != nil:
			if s.ctx.Err() != nil {
				lw.writeJSON(Event{Error: toErrorInfo(status.Errorf(status.ErrServiceNotAvailable, "peerd is shutting down"))})
			}
			return
		case errors.Is(err, context.DeadlineExceeded):
			err = lw.write([]byte("\n"))
		default:
			// The registration ended (the node shut down): say why.
			lw.writeJSON(Event{Error: toErrorInfo(err)})
			return
		}
		if err != nil {
			s.cfg.Logf("localapi: events: write failed, ending the stream: %v", err)
			return
		}
	}
}

// streamContext is the request's context, also cancelled by Shutdown.
func (s *Server) streamContext(r *http.Request) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(r.Context())
	stop := context.AfterFunc(s.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// lineWriter writes JSON lines on a streaming response, flushing each and
// bounding each write, since the whole response has no deadline.
type lineWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

func startStream(w http.ResponseWriter, timeout time.Duration) *lineWriter {
	h := w.Header()
	h.Set("Content-Type", "application/x-ndjson")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	lw := &lineWriter{w: w, rc: http.NewResponseController(w), timeout: timeout}
	_ = lw.rc.Flush() // a failure shows again on the first write
	return lw
}

func (l *lineWriter) write(b []byte) error {
	_ = l.rc.SetWriteDeadline(time.Now().Add(l.timeout))
	if _, err := l.w.Write(b); err != nil {
		return err
	}
	return l.rc.Flush()
}

func (l *lineWriter) writeJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return l.write(append(b, '\n'))
}

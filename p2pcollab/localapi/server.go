package localapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Config configures a Server. Its fields may be changed until NewServer.
type Config struct {
	// KeepAlive is the interval between the empty lines written on
	// streaming responses (sessions and events) while nothing else is
	// sent. Writing is what reveals a client that vanished without the
	// kernel closing its socket. 0 means DefaultKeepAlive.
	KeepAlive time.Duration
	// StreamWriteTimeout bounds each write on a streaming response: a
	// client that stops reading for this long is disconnected (its session
	// ends). 0 means DefaultStreamWriteTimeout.
	StreamWriteTimeout time.Duration
	// Logf receives one line per notable server event. Nil discards them.
	Logf func(format string, args ...any)
}

// Defaults of Config.
const (
	DefaultKeepAlive          = 15 * time.Second
	DefaultStreamWriteTimeout = time.Minute
)

// Timeouts of the http.Server that Serve runs. There is deliberately no
// WriteTimeout: it would cut the streaming responses, whose lifetime is a
// session's. Streaming handlers bound each write instead, and the other
// handlers bound their whole response with unaryWriteTimeout.
const (
	readHeaderTimeout = 10 * time.Second
	// readTimeout covers headers and body; bodies are at most
	// MaxBodyBytes from a local process. The deadline is lifted once the
	// handler runs, so it does not limit streams.
	readTimeout       = 30 * time.Second
	unaryWriteTimeout = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 16 << 10
)

// Server serves the local API for one p2pcollab.API. It is an
// http.Handler; Serve runs it on a listener with the timeouts above.
type Server struct {
	api p2pcollab.API
	cfg Config
	mux *http.ServeMux

	// ctx is cancelled by Shutdown: streaming responses end and no new
	// session opens.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	sessions map[string]*serverSession
	servers  []*http.Server
}

// NewServer returns a server for api.
func NewServer(api p2pcollab.API, cfg Config) *Server {
	if cfg.KeepAlive <= 0 {
		cfg.KeepAlive = DefaultKeepAlive
	}
	if cfg.StreamWriteTimeout <= 0 {
		cfg.StreamWriteTimeout = DefaultStreamWriteTimeout
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	s := &Server{api: api, cfg: cfg, mux: http.NewServeMux(), sessions: make(map[string]*serverSession)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.routes()
	return s
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("POST /v1/sessions", s.openSession)
	m.HandleFunc("DELETE /v1/sessions", s.unary(s.closeSession))
	m.HandleFunc("GET /v1/objects", s.unary(s.listObjects, "peer", "id"))
	m.HandleFunc("GET /v1/objects/{id}", s.unary(s.getObject, "peer"))
	m.HandleFunc("PUT /v1/objects/{id}", s.unary(s.setObject))
	m.HandleFunc("DELETE /v1/objects/{id}", s.unary(s.deleteObject))
	m.HandleFunc("POST /v1/signin", s.unary(s.signIn))
	m.HandleFunc("POST /v1/signout", s.unary(s.signOut))
	m.HandleFunc("POST /v1/presence", s.unary(s.setPresence))
	m.HandleFunc("GET /v1/status", s.unary(s.status))
	m.HandleFunc("GET /v1/card", s.unary(s.card))
	m.HandleFunc("GET /v1/contacts", s.unary(s.listContacts))
	m.HandleFunc("POST /v1/contacts", s.unary(s.addContact))
	m.HandleFunc("GET /v1/contacts/{peer}", s.unary(s.getContact))
	m.HandleFunc("PATCH /v1/contacts/{peer}", s.unary(s.updateContact))
	m.HandleFunc("DELETE /v1/contacts/{peer}", s.unary(s.deleteContact))
	m.HandleFunc("POST /v1/endpoints/{peer}/subscribe", s.unary(s.subscribe))
	m.HandleFunc("DELETE /v1/endpoints/{peer}/subscribe", s.unary(s.unsubscribe))
	m.HandleFunc("POST /v1/endpoints/{peer}/refresh", s.unary(s.refresh))
	m.HandleFunc("GET /v1/near", s.unary(s.peopleNearMe))
	m.HandleFunc("GET /v1/endpoints", s.unary(s.listEndpoints))
	m.HandleFunc("GET /v1/netstats", s.unary(s.netStats))
	m.HandleFunc("GET /v1/events", s.events)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Browsers send Origin or Referer; nothing else talking to a unix
	// socket has a reason to. Refusing them keeps a web page that found a
	// way to reach the socket (a forwarding proxy, a future transport)
	// from driving the daemon.
	if _, ok := r.Header["Origin"]; ok {
		writeErrorStatus(w, http.StatusForbidden, status.Errorf(status.ErrAccessDenied, "requests with an Origin header are refused"))
		return
	}
	if _, ok := r.Header["Referer"]; ok {
		writeErrorStatus(w, http.StatusForbidden, status.Errorf(status.ErrAccessDenied, "requests with a Referer header are refused"))
		return
	}
	if h, pattern := s.mux.Handler(r); pattern == "" {
		s.noRoute(w, r, h)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// noRoute answers a request that matches no route with a JSON error body
// instead of the mux's plain text, keeping the mux's 404 or 405 and its
// Allow header.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request, h http.Handler) {
	rec := &statusRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	if rec.code == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.header.Get("Allow"))
		writeErrorStatus(w, rec.code, status.Errorf(status.ErrInvalidArg, "method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, rec.header.Get("Allow")))
		return
	}
	writeErrorStatus(w, http.StatusNotFound, status.Errorf(status.ErrInvalidArg, "no such endpoint: %s %.200s", r.Method, r.URL.Path))
}

type statusRecorder struct {
	header http.Header
	code   int
}

func (r *statusRecorder) Header() http.Header         { return r.header }
func (r *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *statusRecorder) WriteHeader(code int)        { r.code = code }

// unary wraps a handler with a bounded response time and a strict query:
// only the named parameters, each at most once.
func (s *Server) unary(h func(http.ResponseWriter, *http.Request, url.Values), params ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// Not supported by every ResponseWriter (tests); then unbounded.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(unaryWriteTimeout))
		q, err := query(r, params...)
		if err != nil {
			writeError(w, err)
			return
		}
		h(w, r, q)
	}
}

func query(r *http.Request, params ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, status.Errorf(status.ErrInvalidArg, "malformed query: %v", err)
	}
	return q, onlyParams(q, params...)
}

// Serve accepts connections on l until Shutdown. It returns
// http.ErrServerClosed after Shutdown.
func (s *Server) Serve(l net.Listener) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          log.New(logWriter(s.cfg.Logf), "", 0),
		BaseContext:       func(net.Listener) context.Context { return context.Background() },
	}
	s.mu.Lock()
	if s.ctx.Err() != nil {
		s.mu.Unlock()
		return http.ErrServerClosed
	}
	s.servers = append(s.servers, srv)
	s.mu.Unlock()
	return srv.Serve(l)
}

// Shutdown ends every streaming response (so every session ends and its
// objects are deleted), stops the listeners and waits for the requests in
// flight until ctx is done, then closes the remaining connections.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.cancel()
	servers := s.servers
	sessions := s.sessions
	s.sessions = map[string]*serverSession{}
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, err, srv.Close())
		}
	}
	// Handlers end their own sessions; these are the ones whose handler
	// had not returned when ctx ran out.
	for _, ss := range sessions {
		ss.end()
	}
	return errors.Join(errs...)
}

type logWriter func(format string, args ...any)

func (f logWriter) Write(b []byte) (int, error) {
	f("%s", bytes.TrimSuffix(b, []byte("\n")))
	return len(b), nil
}

var _ io.Writer = logWriter(nil)

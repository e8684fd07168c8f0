package localapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/peerd/peerd/p2pcollab/status"
)

// MaxBodyBytes bounds every request body. The largest legitimate body is a
// PUT of a 16383-byte object: 21844 bytes of base64 plus a few bytes of
// JSON. 64 KiB leaves room for whitespace and a contact card (at most 8
// KiB) and still stops a client from making the daemon buffer much.
const MaxBodyBytes = 64 << 10

// HTTPStatus returns the HTTP status of the local API for an error, by its
// status code (docs/api.md has the table).
func HTTPStatus(err error) int {
	switch {
	case errors.Is(err, status.ErrInvalidArg):
		return http.StatusBadRequest
	case errors.Is(err, status.ErrNotFound), errors.Is(err, status.ErrContactNotFound):
		return http.StatusNotFound
	case errors.Is(err, status.ErrAlreadyExists):
		return http.StatusConflict
	// Not signed in and the 128-object limit are conflicts with the
	// node's current state, which the caller can resolve (sign in, delete
	// an object) and then retry: 409, not a 5xx that suggests a daemon
	// fault.
	case errors.Is(err, status.ErrNotSignedIn), errors.Is(err, status.ErrOutOfMemory):
		return http.StatusConflict
	case errors.Is(err, status.ErrAccessDenied):
		return http.StatusForbidden
	case errors.Is(err, status.ErrNotInitialized), errors.Is(err, status.ErrServiceNotAvailable):
		return http.StatusServiceUnavailable
	case errors.Is(err, status.ErrTimeout):
		return http.StatusGatewayTimeout
	case errors.Is(err, status.ErrConnectionFailed):
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}

// writeError writes the error body. A request whose context ended (the
// client went away) gets no useful answer; writing is harmless.
func writeError(w http.ResponseWriter, err error) {
	if status.CodeOf(err) == status.CodeFail &&
		(errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		err = status.Errorf(status.ErrTimeout, "request cancelled: %v", err)
	}
	writeErrorStatus(w, HTTPStatus(err), err)
}

func writeErrorStatus(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, ErrorBody{Error: *toErrorInfo(err)})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own types are marshalled; failing here is a bug.
		code = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"E_FAIL","message":"cannot encode the response"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

// errTooLarge marks a body over MaxBodyBytes, answered with 413.
type errTooLarge struct{ error }

// decodeBody decodes exactly one JSON value into v: no unknown fields, no
// trailing data, at most MaxBodyBytes. Errors wrap status.ErrInvalidArg.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	body := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		// A second value, or garbage after the first, is an error, but
		// trailing whitespace is not.
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("the body holds more than one JSON value")
			if terr != nil {
				err = terr
			}
		}
	}
	if err == nil {
		return nil
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return errTooLarge{status.Errorf(status.ErrInvalidArg, "request body is larger than %d bytes", MaxBodyBytes)}
	case errors.Is(err, io.EOF):
		return status.Errorf(status.ErrInvalidArg, "request body is empty; want a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return status.Errorf(status.ErrInvalidArg, "request body is truncated JSON")
	}
	return status.Errorf(status.ErrInvalidArg, "malformed request body: %v", err)
}

// emptyBody accepts no body, or an empty JSON object, for calls whose
// arguments are all in the path; anything else is refused as decodeBody
// would refuse it.
func emptyBody(w http.ResponseWriter, r *http.Request) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return errTooLarge{status.Errorf(status.ErrInvalidArg, "request body is larger than %d bytes", MaxBodyBytes)}
	case err != nil:
		return status.Errorf(status.ErrInvalidArg, "reading the request body: %v", err)
	case len(bytes.TrimSpace(b)) == 0:
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	var v *struct{}
	if err := decodeBody(w, r, &v); err != nil {
		return err
	}
	if v == nil {
		return status.Errorf(status.ErrInvalidArg, "this call takes no request body (or {})")
	}
	return nil
}

// writeDecodeError answers a failed decodeBody.
func writeDecodeError(w http.ResponseWriter, err error) {
	var tl errTooLarge
	if errors.As(err, &tl) {
		writeErrorStatus(w, http.StatusRequestEntityTooLarge, tl.error)
		return
	}
	writeError(w, err)
}

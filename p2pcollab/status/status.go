// Package status defines the typed errors that every peerd API returns and
// their mapping to the status codes of the Windows Peer Collaboration API.
//
// Each sentinel is usable with errors.Is; functions wrap a sentinel with
// detail (status.Errorf(status.ErrInvalidArg, "data is %d bytes", n)) so the
// caller gets both a clear message and a stable code. The local API sends the
// code name across the socket and the client rebuilds the same sentinel with
// FromCode, so errors.Is works the same in-process and through the daemon.
package status

import (
	"errors"
	"fmt"
)

// Code is the name of an original status code, such as "E_INVALIDARG".
type Code string

// Error is a sentinel status error. Compare with errors.Is, never by value.
type Error struct {
	code    Code
	hresult uint32
	text    string
}

func (e *Error) Error() string { return e.text }

// Code returns the original API's status code name.
func (e *Error) Code() Code { return e.code }

// HRESULT returns the original API's numeric status code.
func (e *Error) HRESULT() uint32 { return e.hresult }

func newError(code Code, hresult uint32, text string) *Error {
	e := &Error{code: code, hresult: hresult, text: text}
	all = append(all, e)
	return e
}

var all []*Error

// The sentinels, one per original status code that peerd can return.
var (
	ErrInvalidArg          = newError("E_INVALIDARG", 0x80070057, "invalid argument")
	ErrOutOfMemory         = newError("E_OUTOFMEMORY", 0x8007000E, "limit reached")
	ErrAccessDenied        = newError("E_ACCESSDENIED", 0x80070005, "access denied")
	ErrNotInitialized      = newError("PEER_E_NOT_INITIALIZED", 0x80630002, "not initialized")
	ErrNotSignedIn         = newError("PEER_E_NOT_SIGNED_IN", 0x80637003, "not signed in")
	ErrNotFound            = newError("PEER_E_NOT_FOUND", 0x80070490, "not found")
	ErrContactNotFound     = newError("PEER_E_CONTACT_NOT_FOUND", 0x80636001, "contact not found")
	ErrAlreadyExists       = newError("PEER_E_ALREADY_EXISTS", 0x800700B7, "already exists")
	ErrServiceNotAvailable = newError("PEER_E_SERVICE_NOT_AVAILABLE", 0x806320A1, "service not available")
	ErrTimeout             = newError("PEER_E_TIMEOUT", 0x80637005, "timed out")
	ErrConnectionFailed    = newError("PEER_E_CONNECTION_FAILED", 0x80630109, "connection failed")
)

// CodeFail is the code of an error that matches no sentinel.
const CodeFail Code = "E_FAIL"

// Errorf returns an error that wraps base (for errors.Is) and reads
// "<base>: <detail>".
func Errorf(base *Error, format string, args ...any) error {
	return &wrapped{base: base, detail: fmt.Sprintf(format, args...)}
}

type wrapped struct {
	base   *Error
	detail string
}

func (w *wrapped) Error() string { return w.base.text + ": " + w.detail }
func (w *wrapped) Unwrap() error { return w.base }

// Detail returns the message of err without the leading sentinel text when
// err came from Errorf, and err.Error() otherwise.
func Detail(err error) string {
	var w *wrapped
	if errors.As(err, &w) {
		return w.detail
	}
	return err.Error()
}

// CodeOf returns the status code of err: the code of the first sentinel it
// wraps, or CodeFail.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.code
	}
	return CodeFail
}

// Lookup returns the sentinel with the given code, or nil.
func Lookup(code Code) *Error {
	for _, e := range all {
		if e.code == code {
			return e
		}
	}
	return nil
}

// FromCode rebuilds an error received by code and message (from the local
// API) so that errors.Is matches the same sentinel as in-process. An unknown
// code yields a plain error carrying the message.
func FromCode(code Code, message string) error {
	if e := Lookup(code); e != nil {
		return &wrapped{base: e, detail: message}
	}
	return fmt.Errorf("%s: %s", code, message)
}

// All returns every sentinel, for documentation and tests.
func All() []*Error { return append([]*Error(nil), all...) }

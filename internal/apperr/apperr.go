// Package apperr is the API's error model: a fixed set of codes, the path
// of the offending field inside the mutation input, and a stable reason.
// The GraphQL error presenter turns these into errors[] entries; anything
// that is not an *Error is INTERNAL and its text never reaches the client.
package apperr

import (
	"errors"
	"fmt"
	"strings"

	"onboard/internal/apperr/vocab"
)

// Code is one of the fixed extensions.code values, and Reason one of the
// catalogue's extensions.reason values (see package vocab, which holds
// them so that internal/values can name reasons without importing ent).
type (
	Code   = vocab.Code
	Reason = vocab.Reason
)

// The codes, under the names callers have always used.
const (
	BadUserInput    = vocab.BadUserInput
	Unauthenticated = vocab.Unauthenticated
	Forbidden       = vocab.Forbidden
	NotFound        = vocab.NotFound
	Conflict        = vocab.Conflict
	RateLimited     = vocab.RateLimited
	QueryTooComplex = vocab.QueryTooComplex
	Unavailable     = vocab.Unavailable
	Internal        = vocab.Internal
)

// Path addresses a value inside the input, e.g.
// {"individualCustomer", "person", "addresses", 0, "country"}. Elements are
// strings (object fields) or ints (list indexes).
type Path []any

// With returns a new path with elems appended; p is left untouched so that
// one parent path can be extended for many children.
func (p Path) With(elems ...any) Path {
	out := make(Path, 0, len(p)+len(elems))
	return append(append(out, p...), elems...)
}

// String renders the path as a.b[0].c for messages.
func (p Path) String() string {
	var b strings.Builder
	for _, e := range p {
		switch v := e.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}

// Error is a problem a client can act on.
type Error struct {
	Code    Code
	Message string
	Field   Path
	Reason  Reason
	// Details are further extensions a client acts on, such as the
	// requirements an activation is missing or a transition's from and
	// to; they never override code, field, reason or requestId.
	Details map[string]any
	// cause is the error an INTERNAL one stands for, for the log only.
	cause error
}

// HTTPStatus is the status of an answer refused as a whole for e: its
// reason's own when the catalogue gives one (a refusal before GraphQL
// runs), else its code's (vocab.StatusOf).
func (e *Error) HTTPStatus() int {
	if entry, ok := vocab.Lookup(e.Reason); ok && entry.Status != 0 {
		return entry.Status
	}
	return vocab.StatusOf(e.Code)
}

// Unwrap returns the cause of an INTERNAL error, so that the log can
// describe it (LogText); the client sees only "internal error".
func (e *Error) Unwrap() error { return e.cause }

func (e *Error) Error() string {
	if len(e.Field) > 0 {
		return e.Field.String() + ": " + e.Message
	}
	return e.Message
}

// New returns an error with code, reason and message.
func New(code Code, reason Reason, message string) *Error {
	return &Error{Code: code, Reason: reason, Message: message}
}

// Invalid returns a BAD_USER_INPUT error on field.
func Invalid(field Path, reason Reason, message string) *Error {
	return &Error{Code: BadUserInput, Field: field, Reason: reason, Message: message}
}

// NotFoundf returns a NOT_FOUND error on field.
func NotFoundf(field Path, format string, args ...any) *Error {
	return &Error{Code: NotFound, Field: field, Reason: vocab.ReasonNotFound, Message: fmt.Sprintf(format, args...)}
}

// InternalError is the INTERNAL error standing for cause, which only the
// log sees: for an error of the data layer that has no meaning for the
// client, where a function's result must be an *Error.
func InternalError(cause error) *Error {
	return &Error{Code: Internal, Message: "internal error", cause: cause}
}

// ForbiddenScope is the error of a field whose scope the token lacks.
func ForbiddenScope(scope string) *Error {
	return &Error{Code: Forbidden, Reason: vocab.ReasonMissingScope, Message: "the token lacks the scope " + scope}
}

// List collects every problem of one request, so that a form can show
// them all at once. It is an error only when it holds at least one.
type List []*Error

func (l List) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// Add appends a problem.
func (l *List) Add(e *Error) { *l = append(*l, e) }

// Invalid appends a BAD_USER_INPUT problem on field.
func (l *List) Invalid(field Path, reason Reason, message string) {
	l.Add(Invalid(field, reason, message))
}

// Err returns the list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Flatten returns the problems err carries: the elements of a List, the
// *Error itself, or nil for any other error.
func Flatten(err error) []*Error {
	var l List
	if errors.As(err, &l) {
		return l
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return nil
}

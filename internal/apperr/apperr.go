// Package apperr is the API's error model: a fixed set of codes, the path
// of the offending field inside the mutation input, and a stable reason.
// The GraphQL error presenter turns these into errors[] entries; anything
// that is not an *Error is INTERNAL and its text never reaches the client.
package apperr

import (
	"errors"
	"fmt"
	"strings"
)

// Code is one of the fixed extensions.code values.
type Code string

// The codes clients can rely on.
const (
	BadUserInput    Code = "BAD_USER_INPUT"
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	NotFound        Code = "NOT_FOUND"
	Conflict        Code = "CONFLICT"
	RateLimited     Code = "RATE_LIMITED"
	// QueryTooComplex refuses an operation for its shape (depth, cost,
	// aliases, where nesting) rather than for its values.
	QueryTooComplex Code = "QUERY_TOO_COMPLEX"
	// Unavailable means a dependency (the database) is down or overloaded:
	// the request did nothing the client can see, and the same request,
	// retried after Retry-After, may succeed (see AsUnavailable).
	Unavailable Code = "UNAVAILABLE"
	Internal    Code = "INTERNAL"
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
	Reason  string
	// Status, when not zero, is the HTTP status the whole response should
	// carry (transport-level failures such as a missing X-Tenant-ID).
	Status int
}

func (e *Error) Error() string {
	if len(e.Field) > 0 {
		return e.Field.String() + ": " + e.Message
	}
	return e.Message
}

// New returns an error with code, reason and message.
func New(code Code, reason, message string) *Error {
	return &Error{Code: code, Reason: reason, Message: message}
}

// Invalid returns a BAD_USER_INPUT error on field.
func Invalid(field Path, reason, message string) *Error {
	return &Error{Code: BadUserInput, Field: field, Reason: reason, Message: message}
}

// NotFoundf returns a NOT_FOUND error on field.
func NotFoundf(field Path, format string, args ...any) *Error {
	return &Error{Code: NotFound, Field: field, Reason: "NOT_FOUND", Message: fmt.Sprintf(format, args...)}
}

// ForbiddenScope is the error of a field whose scope the token lacks.
func ForbiddenScope(scope string) *Error {
	return &Error{Code: Forbidden, Reason: "MISSING_SCOPE", Message: "the token lacks the scope " + scope}
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
func (l *List) Invalid(field Path, reason, message string) {
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

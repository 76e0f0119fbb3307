// Package vocab is the API's error vocabulary: the codes of
// extensions.code, the reasons of extensions.reason, and the catalogue that
// gives each reason its code, the HTTP status of a refusal before GraphQL
// runs, and its meaning.
//
// It imports nothing of the project, so that every layer, the value
// parsers of internal/values included, names its reasons here; apperr
// re-exports the types and the codes for the callers that build errors.
// Reasons are part of the API contract: clients switch on them, so a
// released spelling never changes (add a reason instead), and the README's
// error tables are checked against the catalogue by a test.
package vocab

import "net/http"

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
	// retried after Retry-After, may succeed.
	Unavailable Code = "UNAVAILABLE"
	Internal    Code = "INTERNAL"
)

// Codes lists every code, in the order the README gives them.
var Codes = []Code{BadUserInput, Unauthenticated, Forbidden, NotFound, Conflict, RateLimited,
	QueryTooComplex, Unavailable, Internal}

// codeStatus is the one code→status table: the HTTP status of an answer
// refused as a whole for an error of that code, before execution (the
// limits of an operation, a missing tenant) or before GraphQL runs at all
// (the transport, the token). A refusal whose reason the catalogue gives a
// status of its own (405 for a method, 415 for a media type) takes that
// one instead. Errors of a resolver answer 200, as GraphQL answers do,
// except UNAVAILABLE, whose 503 tells clients and proxies to retry.
var codeStatus = map[Code]int{
	BadUserInput:    http.StatusBadRequest,
	Unauthenticated: http.StatusUnauthorized,
	Forbidden:       http.StatusForbidden,
	NotFound:        http.StatusNotFound,
	Conflict:        http.StatusConflict,
	RateLimited:     http.StatusTooManyRequests,
	QueryTooComplex: http.StatusBadRequest,
	Unavailable:     http.StatusServiceUnavailable,
	Internal:        http.StatusInternalServerError,
}

// StatusOf returns the HTTP status of a refusal with code (500 for a code
// outside the table).
func StatusOf(code Code) int {
	if s, ok := codeStatus[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Reason is one of the stable extensions.reason values of the catalogue.
type Reason string

// Entry describes one reason.
type Entry struct {
	Reason Reason
	// Code is the extensions.code the reason always comes with; empty for
	// TOO_MANY_ERRORS, which takes the code of the errors it stands for.
	Code Code
	// Status, when not zero, is the HTTP status of the refusal, which
	// happens before GraphQL runs (the README's "Refused before GraphQL
	// runs" table lists exactly these reasons).
	Status int
	// Meaning says in one line when the reason is given.
	Meaning string
}

// Lookup returns the catalogue's entry for r.
func Lookup(r Reason) (Entry, bool) {
	e, ok := byReason[r]
	return e, ok
}

// Catalogue returns every entry, in the catalogue's order.
func Catalogue() []Entry { return append([]Entry(nil), catalogue...) }

var byReason = func() map[Reason]Entry {
	m := make(map[Reason]Entry, len(catalogue))
	for _, e := range catalogue {
		if _, dup := m[e.Reason]; dup {
			panic("vocab: reason " + string(e.Reason) + " is catalogued twice")
		}
		m[e.Reason] = e
	}
	return m
}()

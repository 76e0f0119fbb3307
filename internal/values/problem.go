// Package values holds the value types of the onboarding API: one Parse or
// Check function per kind of field (e-mail, phone, country, date, password…).
//
// Every function normalizes its input and reports failure as a *Problem with
// a stable machine Reason, so that registration code can validate all fields
// of a request, attach each problem to its input path and return them together
// instead of failing on the first one. The functions never panic on any input
// and their messages never repeat the input, because many fields are personal
// data (names, phone numbers, dates of birth) or secrets (passwords) and error
// messages end up in logs, traces and client screens.
//
// Empty input is not special-cased as REQUIRED by the parsers: whether a field
// is mandatory depends on the operation, so callers check that first (see
// Required) and call a parser only for values that were actually given.
package values

import (
	"errors"

	"onboard/internal/apperr/vocab"
)

// The reasons a Problem carries: the catalogue's entries (package vocab,
// where each one's meaning is), under the names the parsers have always
// used. They are part of the API contract: clients switch on them, so they
// never change spelling once released.
const (
	ReasonRequired           = vocab.ReasonRequired
	ReasonTooLong            = vocab.ReasonTooLong
	ReasonContainsNUL        = vocab.ReasonContainsNUL
	ReasonInvalidUTF8        = vocab.ReasonInvalidUTF8
	ReasonControlCharacter   = vocab.ReasonControlCharacter
	ReasonInvisibleCharacter = vocab.ReasonInvisibleCharacter
	ReasonMixedScript        = vocab.ReasonMixedScript
	ReasonInvalidEmail       = vocab.ReasonInvalidEmail
	ReasonInvalidPhone       = vocab.ReasonInvalidPhone
	ReasonUnknownCountry     = vocab.ReasonUnknownCountry
	ReasonInvalidSubdivision = vocab.ReasonInvalidSubdivision
	ReasonInvalidGender      = vocab.ReasonInvalidGender
	ReasonInvalidDate        = vocab.ReasonInvalidDate
	ReasonDateInFuture       = vocab.ReasonDateInFuture
	ReasonTooYoung           = vocab.ReasonTooYoung
	ReasonPasswordTooShort   = vocab.ReasonPasswordTooShort
	ReasonPasswordTooLong    = vocab.ReasonPasswordTooLong
	ReasonPasswordTooWeak    = vocab.ReasonPasswordTooWeak
	ReasonInvalidURL         = vocab.ReasonInvalidURL
)

// Problem is a field-level validation failure. It is an error so that parsers
// can use the ordinary (value, error) shape, and a separate type so that
// callers can recover the machine reason with errors.As and report every
// field's problem together, each under its own input path.
type Problem struct {
	// Reason is a stable machine word, one of the Reason constants, for
	// clients and tests to switch on.
	Reason vocab.Reason
	// Message is a human sentence that is safe to show to an end user and to
	// log: it never contains the rejected value, which may be personal data
	// or a secret.
	Message string
}

// Error returns "REASON: message" so that a Problem that reaches a log
// through a plain error path still carries its machine reason.
func (p *Problem) Error() string {
	if p == nil {
		return "<nil problem>"
	}
	return string(p.Reason) + ": " + p.Message
}

// newProblem builds a *Problem; a helper so each call site stays one line.
func newProblem(reason vocab.Reason, message string) *Problem {
	return &Problem{Reason: reason, Message: message}
}

// ReasonOf returns the Reason of the *Problem in err's chain, or "" when err
// is nil or holds no Problem. It lets callers and tests compare reasons
// without a type assertion at every call site.
func ReasonOf(err error) vocab.Reason {
	var p *Problem
	if errors.As(err, &p) && p != nil {
		return p.Reason
	}
	return ""
}

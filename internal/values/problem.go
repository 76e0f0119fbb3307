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

import "errors"

// Reason codes carried by Problem.Reason. They are part of the API contract:
// clients switch on them (to highlight a field, pick a translation) so they
// must never change spelling once released. Add new ones instead.
const (
	// ReasonRequired: a mandatory value is missing or blank.
	ReasonRequired = "REQUIRED"
	// ReasonTooLong: a free-text value has more characters than allowed.
	ReasonTooLong = "TOO_LONG"
	// ReasonContainsNUL: the value contains a NUL byte, which PostgreSQL text
	// columns reject and C-based tools truncate at; never legitimate input.
	ReasonContainsNUL = "CONTAINS_NUL"
	// ReasonInvalidUTF8: the value is not valid UTF-8, so it cannot be stored
	// or displayed faithfully; usually a broken client or a probe.
	ReasonInvalidUTF8 = "INVALID_UTF8"
	// ReasonControlCharacter: the value holds a C0 or C1 control character
	// (ESC of an ANSI escape sequence among them), or a tab or line break
	// in a single-line field. NUL keeps its own reason, CONTAINS_NUL.
	ReasonControlCharacter = "CONTROL_CHARACTER"
	// ReasonInvisibleCharacter: the value holds an invisible or formatting
	// character (Unicode category Cf, such as a zero width space, a soft
	// hyphen, a bidirectional override or a BOM, or another
	// default-ignorable code point), which would let two values that look
	// the same be stored as different ones.
	ReasonInvisibleCharacter = "INVISIBLE_CHARACTER"
	// ReasonMixedScript: an identity (e-mail local part, a domain label,
	// a username) mixes writing systems, such as Latin with a Cyrillic
	// look-alike letter, the classic way to imitate another account.
	ReasonMixedScript = "MIXED_SCRIPT"
	// ReasonInvalidEmail: not a single plain e-mail address.
	ReasonInvalidEmail = "INVALID_EMAIL"
	// ReasonInvalidPhone: not a valid (dialable, assigned-range) phone number.
	ReasonInvalidPhone = "INVALID_PHONE"
	// ReasonUnknownCountry: not an officially assigned ISO 3166-1 country.
	ReasonUnknownCountry = "UNKNOWN_COUNTRY"
	// ReasonInvalidSubdivision: an ISO 3166-2 code that belongs to a
	// different country than the one given alongside it.
	ReasonInvalidSubdivision = "INVALID_SUBDIVISION"
	// ReasonInvalidGender: not one of the accepted gender names or
	// ISO/IEC 5218 codes.
	ReasonInvalidGender = "INVALID_GENDER"
	// ReasonInvalidDate: not a real calendar date in an accepted format.
	ReasonInvalidDate = "INVALID_DATE"
	// ReasonDateInFuture: a date that must be in the past (birth,
	// incorporation) is after today.
	ReasonDateInFuture = "DATE_IN_FUTURE"
	// ReasonTooYoung: the person is below the minimum age for the product.
	ReasonTooYoung = "TOO_YOUNG"
	// ReasonPasswordTooShort: fewer characters than the minimum.
	ReasonPasswordTooShort = "PASSWORD_TOO_SHORT"
	// ReasonPasswordTooLong: more characters than the maximum.
	ReasonPasswordTooLong = "PASSWORD_TOO_LONG"
	// ReasonPasswordTooWeak: a required character class is missing.
	ReasonPasswordTooWeak = "PASSWORD_TOO_WEAK"
	// ReasonInvalidURL: not an absolute http(s) URL with a domain name.
	ReasonInvalidURL = "INVALID_URL"
)

// Problem is a field-level validation failure. It is an error so that parsers
// can use the ordinary (value, error) shape, and a separate type so that
// callers can recover the machine reason with errors.As and report every
// field's problem together, each under its own input path.
type Problem struct {
	// Reason is a stable machine word, one of the Reason constants, for
	// clients and tests to switch on.
	Reason string
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
	return p.Reason + ": " + p.Message
}

// newProblem builds a *Problem; a helper so each call site stays one line.
func newProblem(reason, message string) *Problem {
	return &Problem{Reason: reason, Message: message}
}

// ReasonOf returns the Reason of the *Problem in err's chain, or "" when err
// is nil or holds no Problem. It lets callers and tests compare reasons
// without a type assertion at every call site.
func ReasonOf(err error) string {
	var p *Problem
	if errors.As(err, &p) && p != nil {
		return p.Reason
	}
	return ""
}

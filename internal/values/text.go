package values

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// sanitize is the common first step of every parser: it rejects input that
// cannot be stored faithfully (invalid UTF-8, NUL bytes) before any other
// check, so those reasons win over type-specific ones, and trims the Unicode
// white space that copy-paste and mobile keyboards add around values.
func sanitize(s string) (string, *Problem) {
	if !utf8.ValidString(s) {
		return "", newProblem(ReasonInvalidUTF8, "The value is not valid UTF-8 text.")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "", newProblem(ReasonContainsNUL, "The value must not contain NUL characters.")
	}
	return strings.TrimSpace(s), nil
}

// CleanString prepares a free-text field (names, address lines, company
// names) for storage. It rejects invalid UTF-8 (INVALID_UTF8) and NUL bytes
// (CONTAINS_NUL) first, because those can't be stored or shown faithfully,
// then trims leading and trailing Unicode white space, then rejects text of
// more than max characters (runes, not bytes, so that the limit means the
// same in every script) with TOO_LONG. A max of zero or less means no limit.
//
// Empty text is returned without error: whether a field is mandatory depends
// on the operation, so callers decide (see Required).
func CleanString(s string, max int) (string, error) {
	t, p := sanitize(s)
	if p != nil {
		return "", p
	}
	if max > 0 && utf8.RuneCountInString(t) > max {
		return "", newProblem(ReasonTooLong, fmt.Sprintf("The value must be at most %d characters long.", max))
	}
	return t, nil
}

// Required returns a REQUIRED problem when s is empty or only white space,
// and nil otherwise. Parsers don't do this themselves because the same value
// type is mandatory in one operation and optional in another; call Required
// first for mandatory fields and the parser only for non-blank values.
func Required(s string) error {
	if strings.TrimSpace(s) == "" {
		return newProblem(ReasonRequired, "This field is required.")
	}
	return nil
}

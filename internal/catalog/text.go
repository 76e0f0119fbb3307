package catalog

import (
	"errors"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/values"
)

// RequiredText trims s and reports it when empty, not UTF-8, holding a NUL
// byte, a control or invisible character (values.CleanString), or longer
// than max characters.
func RequiredText(problems *apperr.List, path apperr.Path, s string, max int) string {
	reported := len(*problems)
	s = CleanText(problems, path, s, max)
	// A value refused by cleanText is reported once, with its own reason.
	if s == "" && len(*problems) == reported {
		problems.Invalid(path, vocab.ReasonRequired, "a value is required")
	}
	return s
}

// OptionalText is RequiredText for optional values; nil and blank give nil.
func OptionalText(problems *apperr.List, path apperr.Path, s *string, max int) *string {
	if s == nil {
		return nil
	}
	v := CleanText(problems, path, *s, max)
	if v == "" {
		return nil
	}
	return &v
}

// optionalDescription is optionalText for a description, which may span
// lines (values.CleanMultiline).
func optionalDescription(problems *apperr.List, path apperr.Path, s *string, max int) *string {
	if s == nil {
		return nil
	}
	v, err := values.CleanMultiline(*s, max)
	if err != nil {
		problems.Invalid(path, values.ReasonOf(err), ProblemMessage(err))
		return nil
	}
	if v == "" {
		return nil
	}
	return &v
}

// CleanText is values.CleanString reported on path: the cleaned text, or
// "" with the problem added.
func CleanText(problems *apperr.List, path apperr.Path, s string, max int) string {
	clean, err := values.CleanString(s, max)
	if err != nil {
		problems.Invalid(path, values.ReasonOf(err), ProblemMessage(err))
		return ""
	}
	return clean
}

// ProblemMessage is the message of a values.Problem, for the client.
func ProblemMessage(err error) string {
	var p *values.Problem
	if errors.As(err, &p) {
		return p.Message
	}
	return "invalid value"
}

// checkCode validates a catalog code (letters, digits, '_', '.', '-').
func checkCode(problems *apperr.List, path apperr.Path, s string) string {
	code := RequiredText(problems, path, s, 100)
	if code != "" && !codePattern.MatchString(code) {
		problems.Invalid(path, vocab.ReasonInvalidFormat, "a code starts with a letter and has only letters, digits, '_', '.' or '-'")
	}
	return code
}

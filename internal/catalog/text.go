package catalog

import (
	"errors"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/values"
)

// requiredText trims s and reports it when empty, not UTF-8, holding a NUL
// byte, a control or invisible character (values.CleanString), or longer
// than max characters.
func requiredText(problems *apperr.List, path apperr.Path, s string, max int) string {
	reported := len(*problems)
	s = cleanText(problems, path, s, max)
	// A value refused by cleanText is reported once, with its own reason.
	if s == "" && len(*problems) == reported {
		problems.Invalid(path, vocab.ReasonRequired, "a value is required")
	}
	return s
}

// optionalText is requiredText for optional values; nil and blank give nil.
func optionalText(problems *apperr.List, path apperr.Path, s *string, max int) *string {
	if s == nil {
		return nil
	}
	v := cleanText(problems, path, *s, max)
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
		problems.Invalid(path, values.ReasonOf(err), problemMessage(err))
		return nil
	}
	if v == "" {
		return nil
	}
	return &v
}

func cleanText(problems *apperr.List, path apperr.Path, s string, max int) string {
	clean, err := values.CleanString(s, max)
	if err != nil {
		problems.Invalid(path, values.ReasonOf(err), problemMessage(err))
		return ""
	}
	return clean
}

func problemMessage(err error) string {
	var p *values.Problem
	if errors.As(err, &p) {
		return p.Message
	}
	return "invalid value"
}

// checkCode validates a catalog code (letters, digits, '_', '.', '-').
func checkCode(problems *apperr.List, path apperr.Path, s string) string {
	code := requiredText(problems, path, s, 100)
	if code != "" && !codePattern.MatchString(code) {
		problems.Invalid(path, vocab.ReasonInvalidFormat, "a code starts with a letter and has only letters, digits, '_', '.' or '-'")
	}
	return code
}

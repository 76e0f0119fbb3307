package onboarding

import (
	"errors"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/values"
)

// The text checks of the lifecycle's inputs: values.CleanString's rules
// (no control or invisible characters, valid UTF-8, a length in runes),
// reported on the input's path. They mirror internal/catalog's small
// unexported helpers of the same name; the registration's own are
// unexported too, so these few lines are local rather than shared.

// requiredText cleans s and reports it when refused or blank.
func requiredText(problems *apperr.List, path apperr.Path, s string, max int) string {
	reported := len(*problems)
	s = cleanText(problems, path, s, max)
	if s == "" && len(*problems) == reported {
		problems.Invalid(path, vocab.ReasonRequired, "a value is required")
	}
	return s
}

// optionalText is requiredText for an optional value: nil and blank give "".
func optionalText(problems *apperr.List, path apperr.Path, s *string, max int) string {
	if s == nil {
		return ""
	}
	return cleanText(problems, path, *s, max)
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

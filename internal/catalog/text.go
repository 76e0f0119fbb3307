package catalog

import (
	"strings"
	"unicode/utf8"

	"onboard/internal/apperr"
)

// requiredText trims s and reports it when empty, not UTF-8, holding a NUL
// byte or longer than max characters.
func requiredText(problems *apperr.List, path apperr.Path, s string, max int) string {
	s = cleanText(problems, path, s, max)
	if s == "" {
		problems.Invalid(path, "REQUIRED", path.String()+" is required")
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

func cleanText(problems *apperr.List, path apperr.Path, s string, max int) string {
	switch {
	case !utf8.ValidString(s):
		problems.Invalid(path, "INVALID_UTF8", path.String()+" is not valid UTF-8")
		return ""
	case strings.ContainsRune(s, 0):
		problems.Invalid(path, "CONTAINS_NUL", path.String()+" contains a NUL character")
		return ""
	}
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		problems.Invalid(path, "TOO_LONG", path.String()+" is too long")
		return ""
	}
	return s
}

// checkCode validates a catalog code (letters, digits, '_', '.', '-').
func checkCode(problems *apperr.List, path apperr.Path, s string) string {
	code := requiredText(problems, path, s, 100)
	if code != "" && !codePattern.MatchString(code) {
		problems.Invalid(path, "INVALID_FORMAT", "a code starts with a letter and has only letters, digits, '_', '.' or '-'")
	}
	return code
}

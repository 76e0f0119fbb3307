package registration

import (
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/values"
	"onboard/schema/schematype"
)

// msgRequired is the message of every REQUIRED problem, the catalog's
// wording: messages are sentences that need no path, which the client has
// in extensions.field.
const msgRequired = "a value is required"

// checker collects problems while normalizing values.
type checker struct {
	problems apperr.List
	// defaultCountry is the tenant's default country (alpha-2, "" for
	// none): see Settings.
	defaultCountry string
}

func (c *checker) fail(path apperr.Path, err error) {
	var p *values.Problem
	msg := "invalid value"
	if errors.As(err, &p) {
		msg = p.Message
	}
	c.problems.Invalid(path, values.ReasonOf(err), msg)
}

// text cleans an optional string (nil and blank give "").
func (c *checker) text(path apperr.Path, s *string, max int) string {
	return c.optional(path, s, max, values.CleanString)
}

// multiline cleans an optional multi-line text (a description), which may
// keep inner line feeds and tabs (values.CleanMultiline).
func (c *checker) multiline(path apperr.Path, s *string, max int) string {
	return c.optional(path, s, max, values.CleanMultiline)
}

// optional cleans an optional string with clean; nil gives "".
func (c *checker) optional(path apperr.Path, s *string, max int, clean func(string, int) (string, error)) string {
	if s == nil {
		return ""
	}
	v, err := clean(*s, max)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

// required cleans a required string.
func (c *checker) required(path apperr.Path, s string, max int) string {
	v, err := values.CleanString(s, max)
	if err != nil {
		c.fail(path, err)
		return ""
	}
	if v == "" {
		c.problems.Invalid(path, vocab.ReasonRequired, msgRequired)
	}
	return v
}

func (c *checker) email(path apperr.Path, s string) string {
	if c.required(path, s, schematype.MaxEmailLen) == "" {
		return ""
	}
	v, err := values.ParseEmail(s)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

func (c *checker) country(path apperr.Path, s string) string {
	v, err := values.ParseCountry(s)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

func (c *checker) phone(path apperr.Path, s, region string) string {
	v, err := values.ParsePhone(s, region)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

// oneOf upper-cases s and checks it against allowed.
func (c *checker) oneOf(path apperr.Path, s string, allowed []string, def string) string {
	v := strings.ToUpper(strings.TrimSpace(s))
	if v == "" {
		return def
	}
	if !slices.Contains(allowed, v) {
		c.problems.Invalid(path, vocab.ReasonInvalidValue, "must be one of "+strings.Join(allowed, ", "))
	}
	return v
}

// truncate cuts s to at most max runes.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max])
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// tags validates a customer's tags at path: at most schematype.MaxTags,
// each required and at most schematype.MaxTagLen characters; duplicates
// are dropped.
func (c *checker) tags(path apperr.Path, in []string) []string {
	if len(in) > schematype.MaxTags {
		c.problems.Invalid(path, vocab.ReasonTooMany, "too many tags")
	}
	var out []string
	for i, tag := range in {
		if t := c.required(path.With(i), tag, schematype.MaxTagLen); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// nonBlank reports whether s has more than white space.
func nonBlank(s *string) bool { return s != nil && strings.TrimSpace(*s) != "" }

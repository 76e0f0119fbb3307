package scalar

import (
	"time"

	"github.com/99designs/gqlgen/graphql"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
)

// MarshalDateTime writes RFC 3339 in UTC with the fraction the value has.
// The driver hands timestamps back in the server process's time zone, so
// without the conversion the same instant would read differently from
// servers in different zones (and differently from what a mutation sent).
func MarshalDateTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t.UTC()) }

// UnmarshalDateTime reads an RFC 3339 date-time (the forms gqlgen's Time
// accepts: RFC 3339 with or without a fraction, and "YYYY-MM-DD hh:mm:ss"
// as UTC), and refuses anything else as BAD_USER_INPUT.
func UnmarshalDateTime(v any) (time.Time, error) {
	if v == nil {
		return time.Time{}, nil
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, invalidDateTime()
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateTime} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, invalidDateTime()
}

func invalidDateTime() error {
	// gqlgen's own Time scalar fails with a plain error, which the API
	// could only answer as INTERNAL.
	return apperr.Invalid(nil, vocab.ReasonInvalidDateTime,
		"a DateTime is an RFC 3339 date-time such as 2024-05-01T12:00:00Z")
}

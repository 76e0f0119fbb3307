// Package scalar implements the custom GraphQL scalars that gqlgen binds.
package scalar

import (
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// DateLayout is the wire format of the Date scalar.
const DateLayout = time.DateOnly

// MarshalDate writes a calendar date as "YYYY-MM-DD".
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(DateLayout)))
	})
}

// UnmarshalDate reads "YYYY-MM-DD", or an RFC 3339 date-time whose date part
// is kept (the time of day is dropped), as midnight UTC.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, errors.New("a Date is a string in the form YYYY-MM-DD")
	}
	return ParseDate(s)
}

// ParseDate parses a Date scalar value.
func ParseDate(s string) (time.Time, error) {
	if t, err := time.Parse(DateLayout, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	return time.Time{}, errors.New("a Date is a string in the form YYYY-MM-DD")
}

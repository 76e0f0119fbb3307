package scalar

import (
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
)

// MarshalFloat writes a finite float; a non-finite one, which input
// never lets in, is written as null rather than as invalid JSON.
func MarshalFloat(f float64) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			_, _ = io.WriteString(w, "null")
			return
		}
		_, _ = w.Write(strconv.AppendFloat(nil, f, 'g', -1, 64))
	})
}

// UnmarshalFloat reads a number, or a string holding one as gqlgen's Float
// does, and refuses NaN, ±Infinity and numbers beyond float64's range.
func UnmarshalFloat(v any) (float64, error) {
	var f float64
	switch v := v.(type) {
	case float64:
		f = v
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case json.Number:
		return parseFloat(string(v))
	case string:
		return parseFloat(v)
	default:
		return 0, apperr.Invalid(nil, vocab.ReasonInvalidNumber, "a Float is a number")
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, notFinite()
	}
	return f, nil
}

func parseFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err == nil && !math.IsNaN(f) && !math.IsInf(f, 0):
		return f, nil
	case err == nil, errorIsRange(err):
		return 0, notFinite()
	}
	return 0, apperr.Invalid(nil, vocab.ReasonInvalidNumber, "a Float is a number")
}

func errorIsRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// notFinite refuses NaN and ±Infinity, which gqlgen's Float accepts as the
// strings "NaN" and "Infinity" and which no share, limit or score can
// mean: they break comparisons (NaN is neither above nor below 100 %) and
// cannot be written back as JSON.
func notFinite() error {
	return apperr.Invalid(nil, vocab.ReasonNotFinite, "a Float must be a finite number (not NaN or Infinity)")
}

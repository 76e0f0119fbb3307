package scalar

import (
	"encoding/json"
	"io"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
)

// JSON is a JSON document that goes out as it is, already encoded: the
// export builds its document from typed structs with json tags (a stable
// shape) and encodes it once, rather than through a map whose keys
// gqlgen would have to walk.
type JSON json.RawMessage

// MarshalGQL writes the document; an empty one is null.
func (j JSON) MarshalGQL(w io.Writer) {
	if len(j) == 0 {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = w.Write(j)
}

// UnmarshalGQL takes any input value and keeps its encoding. No argument
// takes a JSON today; it is here because gqlgen wants a scalar both ways.
func (j *JSON) UnmarshalGQL(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return apperr.Invalid(nil, vocab.ReasonInvalidJSON, "a JSON value is a JSON document")
	}
	*j = b
	return nil
}

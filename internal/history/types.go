package history

import (
	"slices"
	"strings"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/schema/schematype"
)

// CheckEventType refuses, on path, a t that is not an event type
// (schematype.EventTypes): the one check of every place a client names
// event types (history's types filter, a webhook endpoint's eventTypes).
// The message lists the types and does not repeat the value sent.
func CheckEventType(path apperr.Path, t string) *apperr.Error {
	if slices.Contains(schematype.EventTypes, t) {
		return nil
	}
	return apperr.Invalid(path, vocab.ReasonInvalidValue,
		"unknown event type; one of "+strings.Join(schematype.EventTypes, ", "))
}

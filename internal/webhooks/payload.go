package webhooks

import (
	"encoding/json"
	"errors"
	"time"

	"onboard/ent"
)

// eventBody is the JSON of an event as a webhook carries it. It is a
// struct, not a map, so that its fields come in one stable order that
// receivers (and their tests) can rely on.
type eventBody struct {
	ID         string        `json:"id"`
	Type       string        `json:"type"`
	Sequence   int64         `json:"sequence"`
	CreatedAt  string        `json:"createdAt"`
	Tenant     string        `json:"tenant"`
	CustomerID string        `json:"customerId"`
	SubjectID  *string       `json:"subjectId"`
	Actor      *string       `json:"actor"`
	RequestID  *string       `json:"requestId"`
	Reason     *string       `json:"reason"`
	Changes    []fieldChange `json:"changes"`
}

// fieldChange is one changed field. A personal field is named, and marked,
// but its values are left out: a webhook goes to a URL outside the
// platform and is kept in the receiver's logs, so personal data stays
// behind the API, where pii:read guards it and an erasure reaches it.
type fieldChange struct {
	Field    string  `json:"field"`
	Before   *string `json:"before"`
	After    *string `json:"after"`
	Personal bool    `json:"personal"`
}

// Body is the JSON that delivers ev, an event of the tenant whose key is
// tenantKey: the agreed event shape (README, "Events and webhooks") with
// the personal values of its changes and the decision's note left out.
// ev must be sequenced: receivers order and deduplicate by its sequence.
func Body(ev *ent.CustomerEvent, tenantKey string) ([]byte, error) {
	if ev.Sequence == nil {
		return nil, errors.New("webhooks: an unsequenced event is not delivered")
	}
	b := eventBody{
		ID:         ev.ID,
		Type:       ev.Type,
		Sequence:   *ev.Sequence,
		CreatedAt:  ev.CreatedAt.UTC().Format(time.RFC3339Nano),
		Tenant:     tenantKey,
		CustomerID: ev.CustomerID,
		SubjectID:  nonEmpty(ev.SubjectID),
		Actor:      nonEmpty(ev.Actor),
		RequestID:  nonEmpty(ev.RequestID),
		Reason:     nonEmpty(ev.Reason),
		Changes:    make([]fieldChange, 0, len(ev.Changes)),
	}
	for _, c := range ev.Changes {
		fc := fieldChange{Field: c.Field, Personal: c.Personal}
		if !c.Personal {
			fc.Before, fc.After = c.Before, c.After
		}
		b.Changes = append(b.Changes, fc)
	}
	return json.Marshal(b)
}

// nonEmpty is s, or nil (JSON null) for an empty optional column.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

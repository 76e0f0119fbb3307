package onboarding

import (
	"context"
	"time"

	"onboard/ent"
)

// Requirement is one thing a customer needs or has wrong: a stable code,
// the path in the customer graph it concerns (person, organization,
// representatives.rep_…, consents.TERMS), why it is listed and what to do.
type Requirement struct {
	Code        string
	Field       string
	Reason      string
	Description string
}

// Requirements are a customer's requirements, as Stripe's accounts list
// them: due before activation, due eventually, awaiting a verification's
// result, and errors (a failed verification, shares over 100 %).
type Requirements struct {
	CurrentlyDue        []Requirement
	EventuallyDue       []Requirement
	PendingVerification []Requirement
	Errors              []Requirement
}

// Outstanding reports whether anything keeps the customer from activation.
func (r *Requirements) Outstanding() bool {
	return len(r.CurrentlyDue) > 0 || len(r.PendingVerification) > 0 || len(r.Errors) > 0
}

// Compute returns the requirements of the customers customerIDs, keyed by
// id, read through client (a transaction's client inside one), at now. Its
// statements do not grow with the number of customers.
//
// TODO(requirements): the engine; until then nothing is ever due.
func Compute(ctx context.Context, client *ent.Client, now time.Time, customerIDs []string) (map[string]*Requirements, error) {
	out := make(map[string]*Requirements, len(customerIDs))
	for _, id := range customerIDs {
		out[id] = &Requirements{}
	}
	return out, nil
}

package onboarding

import (
	"context"
	"slices"
	"time"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/history"
	"onboard/schema/schematype"
)

// The customer statuses (schematype.CustomerStatuses).
const (
	StatusPendingVerification = customer.StatusPENDING_VERIFICATION
	StatusInReview            = customer.StatusIN_REVIEW
	StatusActive              = customer.StatusACTIVE
	StatusSuspended           = customer.StatusSUSPENDED
	StatusRejected            = customer.StatusREJECTED
	StatusClosed              = customer.StatusCLOSED
)

// transitions are the moves the lifecycle allows: a customer awaiting
// verification goes into review (a NEEDS_REVIEW result) or is decided; a
// reviewed one is decided; an active one is suspended and reinstated; any
// status but a terminal one (REJECTED, CLOSED) may close.
var transitions = map[customer.Status][]customer.Status{
	StatusPendingVerification: {StatusInReview, StatusActive, StatusRejected, StatusClosed},
	StatusInReview:            {StatusActive, StatusRejected, StatusClosed},
	StatusActive:              {StatusSuspended, StatusClosed},
	StatusSuspended:           {StatusActive, StatusClosed},
}

// CanMove reports whether the lifecycle allows from → to.
func CanMove(from, to customer.Status) bool {
	return slices.Contains(transitions[from], to)
}

// invalidTransition is the CONFLICT of a move the lifecycle does not
// allow, naming from and to.
func invalidTransition(from, to customer.Status) *apperr.Error {
	e := apperr.New(apperr.Conflict, vocab.ReasonInvalidTransition,
		"a customer cannot move from "+string(from)+" to "+string(to))
	e.Details = map[string]any{"from": string(from), "to": string(to)}
	return e
}

// transition moves customerID from `from` to `to` at `at` inside tx and appends
// its history event. The UPDATE names the status it moves from, so of two
// decisions racing on one customer exactly one changes a row: the other
// finds none and is refused (DECISION_CONFLICT), whichever database runs
// it.
func transition(ctx context.Context, tx *ent.Tx, at time.Time, customerID string, from, to customer.Status, reason, note string) error {
	if !CanMove(from, to) {
		return invalidTransition(from, to)
	}
	// An update of one customer (the customer tallies refuse a status
	// set by an update of many), conditional on the status it moves from:
	// ent answers not found when the condition no longer holds.
	update := tx.Customer.UpdateOneID(customerID).
		Where(customer.StatusEQ(from)).
		SetStatus(to).
		SetStatusChangedAt(at)
	if reason != "" {
		update.SetStatusReason(reason)
	} else {
		update.ClearStatusReason()
	}
	if err := update.Exec(ctx); err != nil {
		if ent.IsNotFound(err) {
			return apperr.New(apperr.Conflict, vocab.ReasonDecisionConflict,
				"another decision changed the customer's status first; read it again")
		}
		return err
	}
	before, after := string(from), string(to)
	return history.Record(ctx, tx, history.Event{
		CustomerID: customerID,
		Type:       schematype.EventCustomerStatusChanged,
		Changes:    []schematype.FieldChange{{Field: "status", Before: &before, After: &after}},
		Reason:     reason,
		Note:       note,
	})
}

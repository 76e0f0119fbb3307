package onboarding

import (
	"context"
	"slices"
	"time"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/user"
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
// verification goes into review (a NEEDS_REVIEW result, or by hand) or is
// decided; a reviewed one is decided; an active one is suspended and
// reinstated; any status but a terminal one (REJECTED, CLOSED) may close.
// The decisions of decision.go are the names these moves have in the API.
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

// Terminal reports whether no move leaves status (REJECTED, CLOSED).
func Terminal(status customer.Status) bool {
	return len(transitions[status]) == 0
}

// invalidTransition is the CONFLICT of a move the lifecycle does not
// allow, naming from and to.
func invalidTransition(from, to customer.Status, message string) *apperr.Error {
	if message == "" {
		message = "a customer cannot move from " + string(from) + " to " + string(to)
	}
	e := apperr.New(apperr.Conflict, vocab.ReasonInvalidTransition, message)
	e.Details = map[string]any{"from": string(from), "to": string(to)}
	return e
}

// loginStatus is the status the customer's login user takes when the
// customer enters status, and whether it changes at all: the login works
// only while the customer is ACTIVE, is suspended with it, and is closed
// for good with a rejected or closed customer. Entering review leaves it
// as it is (PENDING_ACTIVATION), and a LOCKED login stays locked but for
// closing (followLogin).
func loginStatus(status customer.Status) (user.Status, bool) {
	switch status {
	case StatusActive:
		return user.StatusACTIVE, true
	case StatusSuspended:
		return user.StatusSUSPENDED, true
	case StatusRejected, StatusClosed:
		return user.StatusCLOSED, true
	}
	return "", false
}

// transition moves customerID from `from` to `to` at `at` inside tx, makes
// its login user follow, and appends the status event. It is the one way
// a status changes, whether a decision (Decide) or a verification's
// NEEDS_REVIEW result moves it.
func transition(ctx context.Context, tx *ent.Tx, at time.Time, customerID string, from, to customer.Status, reason, note string) error {
	return move(ctx, tx, at, customerID, from, to, nil, reason, note)
}

// move is transition for a caller that read the customer at version
// (nil: any; Decide always names the one it read, since every change to
// a customer moves its version, history.Record). The UPDATE names the
// status it moves from (and the version, when given), so of two decisions
// racing on one customer exactly one changes a row, whichever database
// runs them: on PostgreSQL the second waits for the first's row lock and
// then finds its condition false. The loser is refused with
// DECISION_CONFLICT when the status moved under it, STALE_WRITE when only
// the version did (an update, a verification came first); both are
// CONFLICT and nothing of the loser is written.
//
// It is an UpdateOne, not an Update: the customer tallies' hook moves the
// customer between status groups only one customer at a time.
func move(ctx context.Context, tx *ent.Tx, at time.Time, customerID string, from, to customer.Status, version *int, reason, note string) error {
	if !CanMove(from, to) {
		return invalidTransition(from, to, "")
	}
	update := tx.Customer.UpdateOneID(customerID).
		Where(customer.StatusEQ(from)).
		SetStatus(to).
		SetStatusChangedAt(at)
	if version != nil {
		update.Where(customer.Version(*version))
	}
	if reason != "" {
		update.SetStatusReason(reason)
	} else {
		update.ClearStatusReason()
	}
	if _, err := update.Save(ctx); err != nil {
		if ent.IsNotFound(err) {
			return lostRace(ctx, tx, customerID, from, version != nil)
		}
		return err
	}
	before, after := string(from), string(to)
	changes := []schematype.FieldChange{{Field: "status", Before: &before, After: &after}}
	userChange, err := followLogin(ctx, tx, customerID, to)
	if err != nil {
		return err
	}
	if userChange != nil {
		changes = append(changes, *userChange)
	}
	return history.Record(ctx, tx, history.Event{
		CustomerID: customerID,
		Type:       schematype.EventCustomerStatusChanged,
		Changes:    changes,
		Reason:     reason,
		Note:       note,
	})
}

// lostRace explains a conditional UPDATE that changed no row: another
// decision moved the status first, or, when the caller named a version,
// another change moved the version (STALE_WRITE: read it again, check
// again).
func lostRace(ctx context.Context, tx *ent.Tx, customerID string, from customer.Status, versioned bool) error {
	current, err := tx.Customer.Query().Where(customer.ID(customerID)).Select(customer.FieldStatus).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return err
	}
	if versioned && current != nil && current.Status == from {
		return staleWrite()
	}
	return apperr.New(apperr.Conflict, vocab.ReasonDecisionConflict,
		"another decision changed the customer's status first; read it again")
}

// staleWrite is the CONFLICT of a change sent with a version that is no
// longer the customer's, or of a decision whose customer another change
// moved between its checks and its UPDATE.
func staleWrite() *apperr.Error {
	return apperr.New(apperr.Conflict, vocab.ReasonStaleWrite,
		"the customer changed since the version sent, or while the decision was made; read it again")
}

// followLogin gives the customer's login user the status its customer's
// new status implies (loginStatus), and returns the change to record, nil
// when there is none (no login, or already so). A LOCKED login stays
// LOCKED until the customer is rejected or closed: the lock is a guard of
// the login itself, which activation, suspension or reinstatement of the
// customer must not lift; only whoever locked it unlocks it.
func followLogin(ctx context.Context, tx *ent.Tx, customerID string, to customer.Status) (*schematype.FieldChange, error) {
	status, ok := loginStatus(to)
	if !ok {
		return nil, nil
	}
	login, err := tx.User.Query().Where(user.HasCustomerWith(customer.ID(customerID))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if login.Status == user.StatusLOCKED && status != user.StatusCLOSED {
		return nil, nil
	}
	active := status == user.StatusACTIVE
	if login.Status == status && login.IsActive == active {
		return nil, nil
	}
	if err := tx.User.UpdateOne(login).SetStatus(status).SetIsActive(active).Exec(ctx); err != nil {
		return nil, err
	}
	before, after := string(login.Status), string(status)
	return history.Change("user.status", &before, &after, false), nil
}

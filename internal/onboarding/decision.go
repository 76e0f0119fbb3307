package onboarding

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/pulid"
	"onboard/internal/values"
	"onboard/schema/schematype"
)

// Action is a decision on a customer's status, as the API names it
// (activateCustomer, reviewCustomer …).
type Action string

// The decisions.
const (
	ActionReview    Action = "REVIEW"
	ActionActivate  Action = "ACTIVATE"
	ActionReject    Action = "REJECT"
	ActionSuspend   Action = "SUSPEND"
	ActionReinstate Action = "REINSTATE"
	ActionClose     Action = "CLOSE"
)

// decision is what an Action does: the status it moves to, the statuses
// it moves from (a part of the transitions table: together the decisions
// name every move it allows, see TestDecisionsCoverTransitions), and
// whether it must say why. Activation and reinstatement both enter
// ACTIVE, from different places, so that "reinstate" cannot activate a
// customer never activated, nor "activate" lift a suspension unnoticed.
type decision struct {
	to             customer.Status
	from           []customer.Status
	reasonRequired bool
}

var decisions = map[Action]decision{
	ActionReview:    {to: StatusInReview, from: []customer.Status{StatusPendingVerification}},
	ActionActivate:  {to: StatusActive, from: []customer.Status{StatusPendingVerification, StatusInReview}},
	ActionReject:    {to: StatusRejected, from: []customer.Status{StatusPendingVerification, StatusInReview}, reasonRequired: true},
	ActionSuspend:   {to: StatusSuspended, from: []customer.Status{StatusActive}, reasonRequired: true},
	ActionReinstate: {to: StatusActive, from: []customer.Status{StatusSuspended}},
	ActionClose:     {to: StatusClosed, from: []customer.Status{StatusPendingVerification, StatusInReview, StatusActive, StatusSuspended}, reasonRequired: true},
}

// DecisionInput is a decision's request (CustomerDecisionInput): the
// customer, the version the caller read (nil: whatever it is now), a
// reason code and a note.
type DecisionInput struct {
	CustomerID      string
	ExpectedVersion *int
	ReasonCode      *string
	Note            *string
}

// reasonCodePattern is a reason code: UPPER_SNAKE, as the API's own
// reasons are, so that a platform's codes can be matched and counted.
var reasonCodePattern = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)

// Decide applies action to the customer of in, in one transaction. The
// refusals, in the order they are checked, each before anything is
// written:
//
//   - the reason code and note are checked first, every problem at once
//     (BAD_USER_INPUT on reasonCode, note): reject, suspend and close
//     require a reason code;
//   - a customer the tenant does not have is NOT_FOUND on customerId;
//   - an expectedVersion that is not the customer's is STALE_WRITE;
//   - a move the action does not make from the customer's status is
//     INVALID_TRANSITION naming from and to. That covers an erased
//     customer: erasure needs CLOSED, which is terminal;
//   - entering ACTIVE, by activation or by reinstatement, needs nothing
//     outstanding (Compute, read in the transaction):
//     REQUIREMENTS_OUTSTANDING lists what is due. Reinstatement checks
//     too, because ACTIVE always means "nothing keeps this customer from
//     activation": a verification that expired or was invalidated during
//     the suspension must be redone before the customer is active again;
//   - a decision that loses a race on the customer is DECISION_CONFLICT
//     (or STALE_WRITE), see move. The race includes any change to the
//     customer committed after Decide read it, expectedVersion or not:
//     the status UPDATE is conditioned on the version read, so an
//     activation never commits on requirements that stopped holding
//     under it (a failed result, a changed verified field).
//
// The status change moves the login user with it and appends a
// customer.status_changed event carrying the reason code and note.
func (s *Service) Decide(ctx context.Context, action Action, in DecisionInput) error {
	d, ok := decisions[action]
	if !ok {
		return apperr.InternalError(errors.New("onboarding: unknown decision " + string(action)))
	}
	reason, note, err := decisionTexts(d, in)
	if err != nil {
		return err
	}
	// An id that is not a customer's is not looked up: PostgreSQL
	// refuses text holding NUL, which must not become INTERNAL.
	if !pulid.Valid(in.CustomerID, schematype.PrefixCustomer) {
		return apperr.NotFoundf(apperr.Path{"customerId"}, "no customer with this id")
	}
	at := s.now()
	err = catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		c, err := tx.Customer.Query().Where(customer.ID(in.CustomerID)).Only(ctx)
		if err != nil {
			return apperr.FromLookup(err, apperr.Path{"customerId"}, "no customer with this id")
		}
		if in.ExpectedVersion != nil && *in.ExpectedVersion != c.Version {
			return staleWrite()
		}
		if !slices.Contains(d.from, c.Status) {
			return refusedMove(action, d, c.Status)
		}
		if d.to == StatusActive {
			if err := checkActivation(ctx, tx, at, c.ID); err != nil {
				return err
			}
		}
		if hook := testHookBeforeMove.Load(); hook != nil {
			(*hook)(c.ID)
		}
		// The UPDATE names the version read here, not only the caller's:
		// a change committed since (a failed result, a changed name, a
		// member) moved it, and what was checked above no longer holds.
		return move(ctx, tx, at, c.ID, c.Status, d.to, &c.Version, reason, note)
	})
	return apperr.FromData(err, nil)
}

// testHookBeforeMove, set only by tests (SetTestHookBeforeMove), runs in
// Decide after the customer was read and its requirements checked and
// before the status UPDATE: a test commits there, from another
// transaction, a change that makes what Decide checked no longer hold.
var testHookBeforeMove atomic.Pointer[func(customerID string)]

// SetTestHookBeforeMove installs f as the hook Decide calls between its
// checks and its UPDATE, with the customer's id, and returns the function
// that removes it. For tests only: nothing else may call it.
func SetTestHookBeforeMove(f func(customerID string)) (remove func()) {
	testHookBeforeMove.Store(&f)
	return func() { testHookBeforeMove.Store(nil) }
}

// refusedMove is the INVALID_TRANSITION of action on a customer in status
// from; when the lifecycle allows the move but by another decision
// (activate on a suspended customer), the message names that one.
func refusedMove(action Action, d decision, from customer.Status) *apperr.Error {
	if CanMove(from, d.to) {
		for other, od := range decisions {
			if other != action && od.to == d.to && slices.Contains(od.from, from) {
				return invalidTransition(from, d.to, "a "+string(from)+" customer is moved to "+string(d.to)+
					" by the "+strings.ToLower(string(other))+" decision, not "+strings.ToLower(string(action)))
			}
		}
	}
	return invalidTransition(from, d.to, "")
}

// checkActivation refuses to make a customer ACTIVE while anything keeps
// it from activation, listing it in the error's requirements.
func checkActivation(ctx context.Context, tx *ent.Tx, at time.Time, customerID string) error {
	all, err := Compute(ctx, tx.Client(), at, []string{customerID})
	if err != nil {
		return err
	}
	r := all[customerID]
	if r == nil || !r.Outstanding() {
		return nil
	}
	var due []map[string]any
	for _, list := range [][]Requirement{r.CurrentlyDue, r.PendingVerification, r.Errors} {
		for _, q := range list {
			due = append(due, map[string]any{"code": q.Code, "field": q.Field, "reason": q.Reason})
		}
	}
	e := apperr.New(apperr.Conflict, vocab.ReasonRequirementsOutstanding,
		"the customer cannot be activated while requirements are outstanding: see requirements")
	e.Details = map[string]any{"requirements": due}
	return e
}

// decisionTexts checks a decision's reason code and note, reporting every
// problem at once, and returns them cleaned ("" for none).
func decisionTexts(d decision, in DecisionInput) (reason, note string, err error) {
	var problems apperr.List
	path := apperr.Path{"reasonCode"}
	if in.ReasonCode != nil {
		reason = catalog.CleanText(&problems, path, *in.ReasonCode, schematype.MaxReasonCodeLen)
		if reason != "" && !reasonCodePattern.MatchString(reason) {
			problems.Invalid(path, vocab.ReasonInvalidFormat,
				"a reason code is UPPER_SNAKE: capital letters and digits in words joined by '_', starting with a letter")
		}
	}
	if reason == "" && d.reasonRequired && len(problems) == 0 {
		problems.Invalid(path, vocab.ReasonRequired, "this decision needs a reason code")
	}
	if in.Note != nil {
		note, err = values.CleanMultiline(*in.Note, schematype.MaxDecisionNoteLen)
		if err != nil {
			problems.Invalid(apperr.Path{"note"}, values.ReasonOf(err), catalog.ProblemMessage(err))
		}
	}
	if err := problems.Err(); err != nil {
		return "", "", err
	}
	return reason, note, nil
}

package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"onboard/ent"
	"onboard/ent/consentdocument"
	"onboard/ent/customer"
	"onboard/ent/customerevent"
	"onboard/ent/user"
	"onboard/ent/verification"
	"onboard/internal/onboarding"
	"onboard/internal/testutil"
	"onboard/schema/schematype"
)

// The tests of the decisions on a customer's status (activateCustomer …
// closeCustomer): each drives the real handler with a customers:decide
// token against customers registered from the FinHub individual fixture,
// and reads the result back from the database (the customer, its login
// user, its customer_events rows).

// decisionMutations are the decisions' root fields, by action, and the
// status each one moves to.
var decisionMutations = map[onboarding.Action]struct{ field, to string }{
	onboarding.ActionReview:    {"reviewCustomer", "IN_REVIEW"},
	onboarding.ActionActivate:  {"activateCustomer", "ACTIVE"},
	onboarding.ActionReject:    {"rejectCustomer", "REJECTED"},
	onboarding.ActionSuspend:   {"suspendCustomer", "SUSPENDED"},
	onboarding.ActionReinstate: {"reinstateCustomer", "ACTIVE"},
	onboarding.ActionClose:     {"closeCustomer", "CLOSED"},
}

// decisionActions are the actions in a fixed order, for the tables.
var decisionActions = []onboarding.Action{onboarding.ActionReview, onboarding.ActionActivate, onboarding.ActionReject,
	onboarding.ActionSuspend, onboarding.ActionReinstate, onboarding.ActionClose}

// loginAfter is the login user's status a customer status implies; ""
// where the login keeps its own (review: PENDING_ACTIVATION).
var loginAfter = map[string]string{"ACTIVE": "ACTIVE", "SUSPENDED": "SUSPENDED", "REJECTED": "CLOSED", "CLOSED": "CLOSED"}

// decisionEnv is a registration env ("acme") with a token that may decide.
type decisionEnv struct {
	*registrationEnv
	decider string
	n       atomic.Int64
	reqs    atomic.Int64
}

func newDecisionEnv(t *testing.T) *decisionEnv {
	t.Helper()
	e := &decisionEnv{registrationEnv: newRegistrationEnv(t)}
	e.decider = e.Token([]string{"acme"}, "customers:decide", "customers:read")
	return e
}

// newCustomer registers a FinHub individual with e-mails of its own and
// returns its id; it is PENDING_VERIFICATION at version 1.
func (e *decisionEnv) newCustomer(t *testing.T) string {
	t.Helper()
	in := hostileClone(testutil.Fixture(t, "finhub-individual.json"))
	hostileReplaceStrings(in, "marcus.jensen@", fmt.Sprintf("decision%d@", e.n.Add(1)))
	var got struct{ RegisterIndividual struct{ ID string } }
	e.mutate(`mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`, in).Into(t, &got)
	return got.RegisterIndividual.ID
}

const decisionSelection = `{ customer { id status statusReason statusChangedAt version user { status isActive } } }`

// decisionRequest is action on customerID with the fields of input
// besides customerId, under a request id of its own.
func (e *decisionEnv) decisionRequest(token string, action onboarding.Action, customerID string, input map[string]any) (testutil.Request, string) {
	in := map[string]any{"customerId": customerID}
	for k, v := range input {
		in[k] = v
	}
	rid := fmt.Sprintf("decision-%d", e.reqs.Add(1))
	return testutil.Request{Token: token, TenantKey: "acme",
		Query:     `mutation($input: CustomerDecisionInput!) { ` + decisionMutations[action].field + `(input: $input) ` + decisionSelection + ` }`,
		Variables: map[string]any{"input": in}, Header: http.Header{"X-Request-Id": {rid}}}, rid
}

// decide sends action with the decider's token and returns the response
// and the request id it was sent with.
func (e *decisionEnv) decide(action onboarding.Action, customerID string, input map[string]any) (*testutil.Response, string) {
	req, rid := e.decisionRequest(e.decider, action, customerID, input)
	return e.Do(req), rid
}

// mustDecide is decide for a decision that must succeed.
func (e *decisionEnv) mustDecide(t *testing.T, action onboarding.Action, customerID string, input map[string]any) {
	t.Helper()
	r, _ := e.decide(action, customerID, input)
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("%s: %d %s", action, r.Status, r.Raw)
	}
}

// customerState is what the database holds of a customer's status.
type customerState struct {
	Status, Reason, Login string
	LoginActive           bool
	Version, Events       int
	ChangedAt             string
}

func (e *decisionEnv) state(t *testing.T, id string) customerState {
	t.Helper()
	ctx := e.As(e.tenantID)
	c, err := e.Client().Customer.Get(ctx, id)
	if err != nil {
		t.Fatalf("reading customer: %v", err)
	}
	login, err := e.Client().User.Query().Where(user.HasCustomerWith(customer.ID(id))).Only(ctx)
	if err != nil {
		t.Fatalf("reading login: %v", err)
	}
	events, err := e.Client().CustomerEvent.Query().Where(customerevent.CustomerID(id)).Count(ctx)
	if err != nil {
		t.Fatalf("counting events: %v", err)
	}
	s := customerState{Status: string(c.Status), Login: string(login.Status), LoginActive: login.IsActive,
		Version: c.Version, Events: events}
	if c.StatusChangedAt != nil {
		s.ChangedAt = c.StatusChangedAt.UTC().Format(time.RFC3339Nano)
	}
	if c.StatusReason != nil {
		s.Reason = *c.StatusReason
	}
	return s
}

// eventOf is the one event the request rid appended to the customer.
func (e *decisionEnv) eventOf(t *testing.T, customerID, rid string) *ent.CustomerEvent {
	t.Helper()
	evs, err := e.Client().CustomerEvent.Query().
		Where(customerevent.CustomerID(customerID), customerevent.RequestID(rid)).All(e.As(e.tenantID))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("request %s appended %d events, want 1", rid, len(evs))
	}
	return evs[0]
}

// satisfyRequirements records, straight in the database, what the
// requirements of a FinHub individual can ask for: a passed verification
// of every kind of its person, resting on its current fields, and the
// acceptance of the latest version of every consent document published
// for individuals. It fails the test when something is still outstanding,
// so that the tests that need an ACTIVE customer say why they cannot get
// one. (With the stub Compute nothing is ever due.)
func (e *decisionEnv) satisfyRequirements(t *testing.T, customerID string) {
	t.Helper()
	satisfyRequirements(t, e.Env, e.tenantID, customerID)
}

// satisfyRequirements is decisionEnv.satisfyRequirements in any env.
func satisfyRequirements(t *testing.T, env *testutil.Env, tenantID, customerID string) {
	t.Helper()
	ctx, client := env.As(tenantID), env.Client()
	person, err := client.Customer.Query().Where(customer.ID(customerID)).QueryPerson().WithIdentityDocuments().Only(ctx)
	if err != nil {
		t.Fatalf("reading person: %v", err)
	}
	digest := onboarding.PersonDigest(person, person.Edges.IdentityDocuments)
	now, expires := time.Now().UTC(), time.Now().UTC().AddDate(1, 0, 0)
	for _, kind := range schematype.VerificationKinds {
		err := client.Verification.Create().SetCustomerID(customerID).SetSubjectType(verification.SubjectTypePERSON).
			SetSubjectID(person.ID).SetKind(verification.Kind(kind)).SetOutcome(verification.OutcomePASSED).
			SetProvider("test-kyc").SetReference("ref-" + kind).SetCheckedAt(now).SetExpiresAt(expires).
			SetSubjectDigest(digest).Exec(ctx)
		if err != nil {
			t.Fatalf("recording %s: %v", kind, err)
		}
	}
	docs, err := client.ConsentDocument.Query().Order(ent.Asc(consentdocument.FieldCode), ent.Desc(consentdocument.FieldVersion)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range docs {
		if seen[d.Code] || !slices.Contains(d.CustomerTypes, "INDIVIDUAL") {
			continue
		}
		seen[d.Code] = true
		if err := client.Consent.Create().SetCustomerID(customerID).SetDocumentID(d.ID).SetCode(d.Code).
			SetVersion(d.Version).SetAcceptedBy("test").Exec(ctx); err != nil {
			t.Fatalf("accepting %s: %v", d.Code, err)
		}
	}
	reqs, err := onboarding.Compute(ctx, client, time.Now(), []string{customerID})
	if err != nil {
		t.Fatal(err)
	}
	if r := reqs[customerID]; r != nil && r.Outstanding() {
		t.Fatalf("the FinHub individual still has requirements outstanding after verifications and consents: %+v", *r)
	}
}

// TestDecisionEveryAllowedMove takes six customers through every move the
// lifecycle allows, each decision checked in the answer and the
// database: the status, the reason code, the login user's status, the
// version moved by one, and one customer.status_changed event with the
// token's subject, the request id, the reason code, the note and the
// changes.
func TestDecisionEveryAllowedMove(t *testing.T) {
	env := newDecisionEnv(t)
	paths := [][]onboarding.Action{
		{onboarding.ActionReview, onboarding.ActionActivate, onboarding.ActionSuspend, onboarding.ActionReinstate, onboarding.ActionSuspend, onboarding.ActionClose},
		{onboarding.ActionActivate, onboarding.ActionClose},
		{onboarding.ActionReject},
		{onboarding.ActionClose},
		{onboarding.ActionReview, onboarding.ActionReject},
		{onboarding.ActionReview, onboarding.ActionClose},
	}
	moves := map[string]bool{}
	for i, path := range paths {
		id := env.newCustomer(t)
		for j, action := range path {
			before := env.state(t, id)
			to := decisionMutations[action].to
			if to == "ACTIVE" {
				env.satisfyRequirements(t, id)
			}
			reason := fmt.Sprintf("STEP_%d_%d", i, j)
			note := fmt.Sprintf("path %d, step %d:\n%s", i, j, action)
			input := map[string]any{"reasonCode": reason, "note": note}
			if j%2 == 0 { // every other decision names the version it read
				input["expectedVersion"] = before.Version
			}
			r, rid := env.decide(action, id, input)
			var got map[string]struct {
				Customer struct {
					ID, Status, StatusReason, StatusChangedAt string
					Version                                   int
					User                                      struct {
						Status   string
						IsActive bool
					}
				}
			}
			r.Into(t, &got)
			c := got[decisionMutations[action].field].Customer
			step := fmt.Sprintf("path %d step %d (%s %s → %s)", i, j, action, before.Status, to)
			want(t, step+" answer", []any{c.ID, c.Status, c.StatusReason, c.Version}, []any{id, to, reason, before.Version + 1})
			if c.StatusChangedAt == "" {
				t.Errorf("%s: no statusChangedAt", step)
			}
			wantLogin := before.Login
			if l := loginAfter[to]; l != "" {
				wantLogin = l
			}
			want(t, step+" login in the answer", []any{c.User.Status, c.User.IsActive}, []any{wantLogin, wantLogin == "ACTIVE"})

			after := env.state(t, id)
			want(t, step+" stored", []any{after.Status, after.Reason, after.Login, after.LoginActive, after.Version, after.Events},
				[]any{to, reason, wantLogin, wantLogin == "ACTIVE", before.Version + 1, before.Events + 1})
			ev := env.eventOf(t, id, rid)
			want(t, step+" event", []any{ev.Type, ev.Actor, ev.Reason, ev.Note}, []any{"customer.status_changed", "test", reason, note})
			changes := map[string]string{}
			for _, ch := range ev.Changes {
				changes[ch.Field] = deref(ch.Before) + "→" + deref(ch.After)
			}
			wantChanges := map[string]string{"status": before.Status + "→" + to}
			if wantLogin != before.Login {
				wantChanges["user.status"] = before.Login + "→" + wantLogin
			}
			want(t, step+" event changes", changes, wantChanges)
			moves[before.Status+"→"+to] = true
		}
	}
	// Every move of the lifecycle was made.
	for _, from := range schematype.CustomerStatuses {
		for _, to := range schematype.CustomerStatuses {
			if onboarding.CanMove(customer.Status(from), customer.Status(to)) && !moves[from+"→"+to] {
				t.Errorf("the move %s → %s was not made", from, to)
			}
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// customersInEveryStatus registers one customer per status and brings it
// there through the decisions.
func (e *decisionEnv) customersInEveryStatus(t *testing.T) map[string]string {
	t.Helper()
	reason := map[string]any{"reasonCode": "SETUP"}
	out := map[string]string{}
	for _, s := range schematype.CustomerStatuses {
		id := e.newCustomer(t)
		switch s {
		case "IN_REVIEW":
			e.mustDecide(t, onboarding.ActionReview, id, nil)
		case "ACTIVE", "SUSPENDED":
			e.satisfyRequirements(t, id)
			e.mustDecide(t, onboarding.ActionActivate, id, nil)
			if s == "SUSPENDED" {
				e.mustDecide(t, onboarding.ActionSuspend, id, reason)
			}
		case "REJECTED":
			e.mustDecide(t, onboarding.ActionReject, id, reason)
		case "CLOSED":
			e.mustDecide(t, onboarding.ActionClose, id, reason)
		}
		out[s] = id
	}
	return out
}

// TestDecisionRefusedMoves sends every decision to a customer in every
// status from which it does not move: each is CONFLICT /
// INVALID_TRANSITION naming from and to, and changes nothing. REJECTED
// and CLOSED refuse every decision: they are terminal.
func TestDecisionRefusedMoves(t *testing.T) {
	env := newDecisionEnv(t)
	ids := env.customersInEveryStatus(t)
	refusedFromTerminal := map[string]int{}
	for _, from := range schematype.CustomerStatuses {
		id := ids[from]
		for _, action := range decisionActions {
			to := decisionMutations[action].to
			allowed := map[string][]onboarding.Action{
				"PENDING_VERIFICATION": {onboarding.ActionReview, onboarding.ActionActivate, onboarding.ActionReject, onboarding.ActionClose},
				"IN_REVIEW":            {onboarding.ActionActivate, onboarding.ActionReject, onboarding.ActionClose},
				"ACTIVE":               {onboarding.ActionSuspend, onboarding.ActionClose},
				"SUSPENDED":            {onboarding.ActionReinstate, onboarding.ActionClose},
			}[from]
			if slices.Contains(allowed, action) {
				continue
			}
			t.Run(from+"/"+string(action), func(t *testing.T) {
				before := env.state(t, id)
				r, _ := env.decide(action, id, map[string]any{"reasonCode": "NOT_ALLOWED", "note": "refused"})
				if len(r.Errors) != 1 {
					t.Fatalf("want one error: %s", r.Raw)
				}
				e := r.Errors[0]
				want(t, "error", []any{e.Code(), e.Reason(), e.Extensions["from"], e.Extensions["to"]},
					[]any{"CONFLICT", "INVALID_TRANSITION", from, to})
				if string(r.Data) != "null" {
					t.Errorf("a refused decision answers data: %s", r.Raw)
				}
				want(t, "unchanged", env.state(t, id), before)
				if from == "REJECTED" || from == "CLOSED" {
					refusedFromTerminal[from]++
				}
			})
		}
	}
	want(t, "decisions refused on REJECTED and CLOSED", refusedFromTerminal, map[string]int{"REJECTED": 6, "CLOSED": 6})
}

// TestDecisionReasonAndNote refuses a missing or malformed reason code
// and an overlong or unsafe note, every problem at once, on its field,
// before anything is read or written.
func TestDecisionReasonAndNote(t *testing.T) {
	env := newDecisionEnv(t)
	id := env.newCustomer(t)
	cases := []struct {
		name   string
		action onboarding.Action
		input  map[string]any
		want   map[string]string // field → reason
	}{
		{"reject without a reason code", onboarding.ActionReject, nil, map[string]string{"reasonCode": "REQUIRED"}},
		{"close with a blank reason code", onboarding.ActionClose, map[string]any{"reasonCode": "   "}, map[string]string{"reasonCode": "REQUIRED"}},
		{"reject with a null reason code", onboarding.ActionReject, map[string]any{"reasonCode": nil, "note": "why not"}, map[string]string{"reasonCode": "REQUIRED"}},
		{"reject with a lower-case reason code", onboarding.ActionReject, map[string]any{"reasonCode": "sanctions_hit"}, map[string]string{"reasonCode": "INVALID_FORMAT"}},
		{"close with spaces in the reason code", onboarding.ActionClose, map[string]any{"reasonCode": "SANCTIONS HIT"}, map[string]string{"reasonCode": "INVALID_FORMAT"}},
		{"close with a trailing underscore", onboarding.ActionClose, map[string]any{"reasonCode": "SANCTIONS_"}, map[string]string{"reasonCode": "INVALID_FORMAT"}},
		{"reject with an overlong reason code", onboarding.ActionReject, map[string]any{"reasonCode": strings.Repeat("A", schematype.MaxReasonCodeLen+1)}, map[string]string{"reasonCode": "TOO_LONG"}},
		{"activate with a malformed optional reason code", onboarding.ActionActivate, map[string]any{"reasonCode": "ok?"}, map[string]string{"reasonCode": "INVALID_FORMAT"}},
		{"review with an overlong note", onboarding.ActionReview, map[string]any{"note": strings.Repeat("n", schematype.MaxDecisionNoteLen+1)}, map[string]string{"note": "TOO_LONG"}},
		{"review with an invisible character in the note", onboarding.ActionReview, map[string]any{"note": "see\u200bthis"}, map[string]string{"note": "INVISIBLE_CHARACTER"}},
		{"reject with both wrong", onboarding.ActionReject, map[string]any{"reasonCode": "", "note": "bell\u0007"},
			map[string]string{"reasonCode": "REQUIRED", "note": "CONTROL_CHARACTER"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := env.state(t, id)
			r, _ := env.decide(c.action, id, c.input)
			got := map[string]string{}
			for _, e := range r.Errors {
				if e.Code() != "BAD_USER_INPUT" {
					t.Errorf("code %s: %s", e.Code(), r.Raw)
				}
				got[e.Field()] = e.Reason()
			}
			want(t, "problems", got, c.want)
			want(t, "unchanged", env.state(t, id), before)
		})
	}
	// At the limits they are taken.
	reason, note := strings.Repeat("A", schematype.MaxReasonCodeLen), strings.Repeat("n", schematype.MaxDecisionNoteLen)
	r, rid := env.decide(onboarding.ActionReject, id, map[string]any{"reasonCode": reason, "note": note})
	if len(r.Errors) > 0 {
		t.Fatalf("the longest reason code and note: %s", r.Raw)
	}
	ev := env.eventOf(t, id, rid)
	want(t, "stored at the limits", []any{ev.Reason == reason, ev.Note == note}, []any{true, true})
}

// TestDecisionStaleVersion refuses a decision sent with a version the
// customer no longer has, and one with a version it never had.
func TestDecisionStaleVersion(t *testing.T) {
	env := newDecisionEnv(t)
	id := env.newCustomer(t)
	env.mustDecide(t, onboarding.ActionReview, id, map[string]any{"expectedVersion": 1})
	for _, v := range []int{1, 3, 0, -1} {
		t.Run(fmt.Sprint(v), func(t *testing.T) {
			before := env.state(t, id)
			r, _ := env.decide(onboarding.ActionReject, id, map[string]any{"expectedVersion": v, "reasonCode": "LATE"})
			if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Reason() != "STALE_WRITE" {
				t.Fatalf("want CONFLICT STALE_WRITE: %s", r.Raw)
			}
			want(t, "unchanged", env.state(t, id), before)
		})
	}
	env.mustDecide(t, onboarding.ActionReject, id, map[string]any{"expectedVersion": 2, "reasonCode": "CURRENT"})
	want(t, "after the current version", env.state(t, id).Status, "REJECTED")
}

// TestDecisionScopeAndTenancy: a token without customers:decide is
// FORBIDDEN, another tenant's customer and an unknown id are NOT_FOUND on
// customerId, and none of them changes anything.
func TestDecisionScopeAndTenancy(t *testing.T) {
	env := newDecisionEnv(t)
	id := env.newCustomer(t)
	before := env.state(t, id)

	others := slices.DeleteFunc(slices.Clone(testutil.AllScopes), func(s string) bool { return s == "customers:decide" })
	others = append(others, "customers:verify", "customers:sessions")
	noDecide := env.Token([]string{"acme"}, others...)
	for _, action := range decisionActions {
		req, _ := env.decisionRequest(noDecide, action, id, map[string]any{"reasonCode": "NO_SCOPE"})
		r := env.Do(req)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" || r.Errors[0].Reason() != "MISSING_SCOPE" {
			t.Errorf("%s without customers:decide: %s", action, r.Raw)
		}
	}

	env.Tenant("beta")
	beta := env.Token([]string{"beta"}, "customers:decide", "customers:read")
	for _, action := range decisionActions {
		req, _ := env.decisionRequest(beta, action, id, map[string]any{"reasonCode": "OTHER_TENANT"})
		req.TenantKey = "beta"
		r := env.Do(req)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" || r.Errors[0].Field() != "customerId" {
			t.Errorf("%s on another tenant's customer: %s", action, r.Raw)
		}
		if strings.Contains(r.Raw, "PENDING_VERIFICATION") {
			t.Errorf("the answer tells the other tenant's customer's status: %s", r.Raw)
		}
	}
	for _, unknown := range []string{"cus_01JZZZZZZZZZZZZZZZZZZZZZZZ", "not-an-id", "", "cus_\x00"} {
		r, _ := env.decide(onboarding.ActionClose, unknown, map[string]any{"reasonCode": "UNKNOWN"})
		if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" || r.Errors[0].Field() != "customerId" {
			t.Errorf("close %q: %s", unknown, r.Raw)
		}
	}
	want(t, "unchanged", env.state(t, id), before)
}

// TestDecisionRequirementsOutstanding activates a FinHub individual with
// no verification at all, from PENDING_VERIFICATION and from IN_REVIEW:
// the requirements engine counts its identity as due, so the activation
// is CONFLICT / REQUIREMENTS_OUTSTANDING listing what is due as Compute
// does, and changes nothing. Reinstatement checks the same: a customer
// suspended after activation whose identity check then failed is not
// reinstated. Until the requirements engine replaces the stub Compute
// (nothing is ever due) the test is skipped.
func TestDecisionRequirementsOutstanding(t *testing.T) {
	env := newDecisionEnv(t)
	ctx := env.As(env.tenantID)
	outstanding := func(id string) []any {
		t.Helper()
		reqs, err := onboarding.Compute(ctx, env.Client(), time.Now(), []string{id})
		if err != nil {
			t.Fatal(err)
		}
		r := reqs[id]
		if r == nil || !r.Outstanding() {
			return nil
		}
		var due []any
		for _, list := range [][]onboarding.Requirement{r.CurrentlyDue, r.PendingVerification, r.Errors} {
			for _, q := range list {
				due = append(due, map[string]any{"code": q.Code, "field": q.Field, "reason": q.Reason})
			}
		}
		return due
	}
	refused := func(action onboarding.Action, id string) {
		t.Helper()
		due := outstanding(id)
		if due == nil {
			t.Skip("needs the requirements engine")
		}
		before := env.state(t, id)
		r, _ := env.decide(action, id, nil)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Reason() != "REQUIREMENTS_OUTSTANDING" {
			t.Fatalf("%s from %s: %s", action, before.Status, r.Raw)
		}
		want(t, "requirements of "+string(action)+" from "+before.Status, r.Errors[0].Extensions["requirements"], due)
		want(t, "unchanged", env.state(t, id), before)
	}

	refused(onboarding.ActionActivate, env.newCustomer(t))

	inReview := env.newCustomer(t)
	env.mustDecide(t, onboarding.ActionReview, inReview, nil)
	refused(onboarding.ActionActivate, inReview)

	suspended := env.newCustomer(t)
	env.satisfyRequirements(t, suspended)
	env.mustDecide(t, onboarding.ActionActivate, suspended, nil)
	env.mustDecide(t, onboarding.ActionSuspend, suspended, map[string]any{"reasonCode": "IDENTITY_DOUBT"})
	person, err := env.Client().Customer.Query().Where(customer.ID(suspended)).QueryPerson().Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Client().Verification.Create().SetCustomerID(suspended).SetSubjectType(verification.SubjectTypePERSON).
		SetSubjectID(person.ID).SetKind(verification.KindIDENTITY).SetOutcome(verification.OutcomeFAILED).
		SetProvider("test-kyc").SetReference("ref-recheck").SetCheckedAt(time.Now().UTC().Add(time.Minute)).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	refused(onboarding.ActionReinstate, suspended)
}

// TestRaceDecisions releases concurrent decisions on one customer: ten
// activations (half naming the version they read), then suspensions
// racing closures, all made on the same read (its version). Exactly one
// wins with a 200 and no error; every other is CONFLICT; one status event
// is appended and the version moves by one. (Closures that name no
// version may each win after a suspension: closing a suspended customer
// is a decision of its own.) On SQLite the transactions run one at a
// time; it bites on PostgreSQL.
func TestRaceDecisions(t *testing.T) {
	env := newDecisionEnv(t)
	const n = 10
	conflicts := []raceOutcome{"CONFLICT DECISION_CONFLICT", "CONFLICT INVALID_TRANSITION", "CONFLICT STALE_WRITE"}

	id := env.newCustomer(t)
	env.satisfyRequirements(t, id)
	before := env.state(t, id)
	reqs := make([]testutil.Request, n)
	for i := range reqs {
		input := map[string]any{"note": fmt.Sprintf("racer %d", i)}
		if i%2 == 1 {
			input["expectedVersion"] = before.Version
		}
		reqs[i], _ = env.decisionRequest(env.decider, onboarding.ActionActivate, id, input)
	}
	got := tally(t, race(t, env.Env, reqs), append([]raceOutcome{"OK"}, conflicts...)...)
	want(t, "activations that won", got["OK"], 1)
	t.Logf("outcomes of the activations: %v", got)
	after := env.state(t, id)
	want(t, "after the activations", []any{after.Status, after.Login, after.Version, after.Events},
		[]any{"ACTIVE", "ACTIVE", before.Version + 1, before.Events + 1})

	before = after
	for i := range reqs {
		action, input := onboarding.ActionSuspend, map[string]any{"reasonCode": "RACE_SUSPEND"}
		if i%2 == 1 {
			action, input = onboarding.ActionClose, map[string]any{"reasonCode": "RACE_CLOSE"}
		}
		input["expectedVersion"] = before.Version
		reqs[i], _ = env.decisionRequest(env.decider, action, id, input)
	}
	got = tally(t, race(t, env.Env, reqs), append([]raceOutcome{"OK"}, conflicts...)...)
	want(t, "suspensions and closures that won", got["OK"], 1)
	after = env.state(t, id)
	wantLogin := map[string]string{"RACE_SUSPEND": "SUSPENDED", "RACE_CLOSE": "CLOSED"}[after.Reason]
	wantStatus := map[string]string{"RACE_SUSPEND": "SUSPENDED", "RACE_CLOSE": "CLOSED"}[after.Reason]
	want(t, "after the suspensions and closures", []any{after.Status, after.Login, after.Version, after.Events},
		[]any{wantStatus, wantLogin, before.Version + 1, before.Events + 1})
	t.Logf("outcomes of the suspensions and closures: %v", got)
}

// decisionBases are the hostile suites' base inputs of the
// decisions in the tenant tenantKey: each a customer in a status its
// decision moves from, with a reason code and a note. A customer is
// reused while it stays in that status (a refused case changes nothing)
// and a new one registered (with token, which may register and decide)
// once a control has moved it (setup, not counted as the case's writes).
func (e *hostileEnv) decisionBases(t *testing.T, tenantID, tenantKey, token string) map[string]func(int64) map[string]any {
	env := e.Env
	individual := testutil.Fixture(t, "finhub-individual.json")
	var n atomic.Int64
	do := func(query string, input map[string]any) map[string]any {
		t.Helper()
		r := env.Do(testutil.Request{Token: token, TenantKey: tenantKey, Query: query, Variables: map[string]any{"input": input}})
		var data map[string]any
		r.Into(t, &data)
		return data
	}
	// fresh registers a customer and brings it to from; ready meets its
	// requirements too, so that an activation's control succeeds.
	fresh := func(from string, ready bool) string {
		in := hostileClone(individual)
		hostileReplaceStrings(in, "marcus.jensen@", fmt.Sprintf("hostile-decision-%s-%d@", tenantKey, n.Add(1)))
		id := testutil.Dig(do(`mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`, in),
			"registerIndividual", "id").(string)
		if ready || from == "ACTIVE" || from == "SUSPENDED" {
			satisfyRequirements(t, env, tenantID, id)
		}
		if from == "ACTIVE" || from == "SUSPENDED" {
			do(`mutation($input: CustomerDecisionInput!) { activateCustomer(input: $input) { __typename } }`, map[string]any{"customerId": id})
		}
		if from == "SUSPENDED" {
			do(`mutation($input: CustomerDecisionInput!) { suspendCustomer(input: $input) { __typename } }`,
				map[string]any{"customerId": id, "reasonCode": "SETUP"})
		}
		return id
	}
	bases := map[string]func(int64) map[string]any{}
	for action, m := range decisionMutations {
		from := map[onboarding.Action]string{onboarding.ActionSuspend: "ACTIVE", onboarding.ActionReinstate: "SUSPENDED"}[action]
		if from == "" {
			from = "PENDING_VERIFICATION"
		}
		var current string
		bases[m.field] = func(int64) map[string]any {
			if current != "" {
				c, err := env.Client().Customer.Get(env.As(tenantID), current)
				if err != nil {
					t.Fatal(err)
				}
				if string(c.Status) != from {
					current = ""
				}
			}
			if current == "" {
				current = fresh(from, action == onboarding.ActionActivate)
				e.counts = nil // the setup wrote rows
			}
			return map[string]any{"customerId": current, "reasonCode": "HOSTILE_CHECK", "note": "A hostile case."}
		}
	}
	return bases
}

// TestDecisionActivationRacesInvalidation commits, inside an activation's
// window (after its requirements check, before its status UPDATE: the
// onboarding test hook), a FAILED IDENTITY result for the customer
// through the API, from another request. The activation must not commit
// on the requirements it checked: it is CONFLICT (STALE_WRITE: the
// customer's version moved) and writes nothing, whether or not it named
// a version. On SQLite the window does not exist (one write transaction
// at a time: the result waits for the activation), so there the result
// lands after the activation, which then stands.
func TestDecisionActivationRacesInvalidation(t *testing.T) {
	env := newDecisionEnv(t)
	verifier := env.Token([]string{"acme"}, "customers:verify", "customers:read")
	postgres := env.DB.Dialect == dialect.Postgres
	for _, versioned := range []bool{false, true} {
		t.Run(fmt.Sprintf("expectedVersion %v", versioned), func(t *testing.T) {
			id := env.newCustomer(t)
			env.satisfyRequirements(t, id)
			person, err := env.Client().Customer.Query().Where(customer.ID(id)).QueryPerson().Only(env.As(env.tenantID))
			if err != nil {
				t.Fatal(err)
			}
			before := env.state(t, id)
			failed := make(chan *testutil.Response, 1)
			inWindow := false
			remove := onboarding.SetTestHookBeforeMove(func(customerID string) {
				if customerID != id {
					return
				}
				go func() {
					failed <- env.Do(testutil.Request{Token: verifier, TenantKey: "acme",
						Query: `mutation($input: RecordVerificationInput!) { recordVerification(input: $input) { verification { id } } }`,
						Variables: map[string]any{"input": map[string]any{"customerId": id, "subjectId": person.ID,
							"kind": "IDENTITY", "outcome": "FAILED", "provider": "test-kyc", "reference": "ref-race",
							"checkedAt": time.Now().UTC().Add(time.Second).Format(time.RFC3339)}}})
				}()
				wait := 5 * time.Second
				if !postgres {
					wait = 500 * time.Millisecond
				}
				select {
				case r := <-failed:
					inWindow = true
					failed <- r
				case <-time.After(wait):
				}
			})
			defer remove()
			input := map[string]any{}
			if versioned {
				input["expectedVersion"] = before.Version
			}
			r, _ := env.decide(onboarding.ActionActivate, id, input)
			remove()
			if fr := <-failed; len(fr.Errors) > 0 {
				t.Fatalf("recording the failed result: %s", fr.Raw)
			}
			if postgres && !inWindow {
				t.Fatal("on PostgreSQL the failed result must commit inside the activation's window")
			}
			after := env.state(t, id)
			// SQLite runs one write transaction at a time: the result
			// can only land after the activation, which then stands.
			if !postgres {
				if len(r.Errors) > 0 || after.Status != "ACTIVE" {
					t.Fatalf("serialized after the activation, the activation stands: %s", r.Raw)
				}
				return
			}
			if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Reason() != "STALE_WRITE" {
				t.Fatalf("an activation whose requirements stopped holding under it: want CONFLICT STALE_WRITE, got %s", r.Raw)
			}
			// Only the failed result was written: its event, one version.
			want(t, "after the refused activation", []any{after.Status, after.Login, after.Version, after.Events},
				[]any{before.Status, before.Login, before.Version + 1, before.Events + 1})
		})
	}
}

// TestDecisionKeepsLockedLogin: a login LOCKED (by whoever guards it)
// stays LOCKED through activation, suspension and reinstatement, which
// move the customer only; closing the customer closes it.
func TestDecisionKeepsLockedLogin(t *testing.T) {
	env := newDecisionEnv(t)
	id := env.newCustomer(t)
	env.satisfyRequirements(t, id)
	ctx := env.As(env.tenantID)
	if err := env.Client().User.Update().Where(user.HasCustomerWith(customer.ID(id))).
		SetStatus(user.StatusLOCKED).SetIsActive(false).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		action          onboarding.Action
		status, login   string
		wantLoginChange bool
	}{
		{onboarding.ActionActivate, "ACTIVE", "LOCKED", false},
		{onboarding.ActionSuspend, "SUSPENDED", "LOCKED", false},
		{onboarding.ActionReinstate, "ACTIVE", "LOCKED", false},
		{onboarding.ActionClose, "CLOSED", "CLOSED", true},
	}
	for _, s := range steps {
		r, rid := env.decide(s.action, id, map[string]any{"reasonCode": "LOCK_CHECK"})
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %s", s.action, r.Raw)
		}
		got := env.state(t, id)
		want(t, string(s.action), []any{got.Status, got.Login, got.LoginActive}, []any{s.status, s.login, false})
		changed := slices.ContainsFunc(env.eventOf(t, id, rid).Changes, func(c schematype.FieldChange) bool { return c.Field == "user.status" })
		want(t, string(s.action)+" records a login change", changed, s.wantLoginChange)
	}
}

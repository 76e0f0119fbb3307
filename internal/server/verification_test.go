package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/customerevent"
	"onboard/ent/person"
	"onboard/ent/verification"
	"onboard/internal/demo"
	"onboard/internal/onboarding"
	"onboard/internal/testutil"
	"onboard/schema/schematype"
)

// recordVerification selects the payload the tests read.
const recordVerification = `mutation($input: RecordVerificationInput!) {
	recordVerification(input: $input) {
		verification { id subjectType subjectID kind outcome provider reference checkedAt expiresAt recordedBy customer { id } }
		customer { id status version verifications { id subjectID kind outcome checkedAt } }
	}
}`

// lifecycleEnv is a registration env with an individual (FinHub's) and an
// organization registered, and the tokens of the lifecycle's powers.
type lifecycleEnv struct {
	*registrationEnv
	verifier string // customers:verify, customers:read, pii:read
	// individual and organization are the customers; person, org and
	// reps their subjects.
	individual, person   string
	organization, org    string
	reps                 []string
	otherOrganizationRep string
}

func newLifecycleEnv(t *testing.T) *lifecycleEnv {
	t.Helper()
	e := &lifecycleEnv{registrationEnv: newRegistrationEnv(t)}
	e.verifier = e.Token([]string{"acme"}, "customers:verify", "customers:read", "pii:read")
	var ind registered
	e.register(testutil.Fixture(t, "finhub-individual.json")).Into(t, &ind)
	e.individual, e.person = ind.RegisterIndividual.ID, ind.RegisterIndividual.PersonID
	var org registeredOrganization
	e.registerOrganization(testutil.Fixture(t, "finhub-organization-employees.json")).Into(t, &org)
	p := org.RegisterOrganization
	e.organization, e.org = p.ID, p.OrganizationID
	for _, d := range p.Directors {
		e.reps = append(e.reps, d.ID)
	}
	for _, s := range p.Shareholders {
		e.reps = append(e.reps, s.ID)
	}
	if e.individual == "" || e.person == "" || e.organization == "" || e.org == "" || len(e.reps) == 0 {
		t.Fatalf("unexpected registrations: %+v %+v", ind, org)
	}
	return e
}

// verificationInput is a valid input about the individual's person.
func (e *lifecycleEnv) verificationInput(changes ...any) map[string]any {
	in := map[string]any{
		"customerId": e.individual, "subjectId": e.person, "kind": "IDENTITY", "outcome": "PASSED",
		"provider": "Onfido", "reference": "chk-123",
		"checkedAt": time.Now().UTC().Add(-time.Hour).Format(time.RFC3339),
		"expiresAt": time.Now().UTC().Add(365 * 24 * time.Hour).Format(time.RFC3339),
	}
	for i := 0; i+1 < len(changes); i += 2 {
		if changes[i+1] == nil {
			delete(in, changes[i].(string))
		} else {
			in[changes[i].(string)] = changes[i+1]
		}
	}
	return in
}

type recordedVerification struct {
	RecordVerification struct {
		Verification struct {
			ID, SubjectType, SubjectID, Kind, Outcome, Provider, Reference, RecordedBy string
			CheckedAt                                                                  time.Time
			ExpiresAt                                                                  *time.Time
			Customer                                                                   struct{ ID string }
		}
		Customer struct {
			ID, Status    string
			Version       int
			Verifications []struct {
				ID, SubjectID, Kind, Outcome string
				CheckedAt                    time.Time
			}
		}
	}
}

func (e *lifecycleEnv) record(token string, input map[string]any, header ...string) *testutil.Response {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: recordVerification,
		Variables: map[string]any{"input": input}, Header: h})
}

func (e *lifecycleEnv) recorded(t *testing.T, input map[string]any) recordedVerification {
	t.Helper()
	var got recordedVerification
	e.record(e.verifier, input).Into(t, &got)
	return got
}

// lifecycleRows counts what a lifecycle change writes: verifications,
// consents, history events, and the sum of the customers' versions.
func (e *lifecycleEnv) lifecycleRows(t *testing.T) [4]int {
	t.Helper()
	ctx, c := e.As(e.tenantID), e.Client()
	versions := 0
	for _, cu := range c.Customer.Query().AllX(ctx) {
		versions += cu.Version
	}
	return [4]int{c.Verification.Query().CountX(ctx), c.Consent.Query().CountX(ctx), c.CustomerEvent.Query().CountX(ctx), versions}
}

// wantRefused fails unless resp holds exactly the problems want, each
// "CODE REASON field", in any order.
func wantRefused(t *testing.T, resp *testutil.Response, want ...string) {
	t.Helper()
	var got []string
	for _, err := range resp.Errors {
		got = append(got, strings.TrimSpace(err.Code()+" "+err.Reason()+" "+err.Field()))
	}
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("errors %q, want %q: %s", got, want, resp.Raw)
	}
	if strings.Contains(resp.Raw, `"recordVerification":{`) || strings.Contains(resp.Raw, `"acceptConsents":{`) {
		t.Fatalf("a refused change answered a payload: %s", resp.Raw)
	}
}

// TestRecordVerificationRefusesBadInput: every refused input has its
// case, its code, reason and field, and writes nothing (no verification,
// no event, no version moved).
func TestRecordVerificationRefusesBadInput(t *testing.T) {
	e := newLifecycleEnv(t)
	future := time.Now().UTC().Add(time.Hour).Format(time.RFC3339)
	checked := time.Now().UTC().Add(-time.Hour)
	rival := e.Tenant("rival")
	rivalToken := e.Token([]string{"rival"}, "customers:register")
	if err := demo.SeedCatalog(e.As(rival), e.Client()); err != nil {
		t.Fatal(err)
	}
	var other registered
	e.Do(testutil.Request{Token: rivalToken, TenantKey: "rival", Query: registerIndividual,
		Variables: map[string]any{"input": testutil.Fixture(t, "finhub-individual.json")}}).Into(t, &other)

	for _, c := range []struct {
		name  string
		token string
		input map[string]any
		want  []string
	}{
		{"no provider", "", e.verificationInput("provider", ""), []string{"BAD_USER_INPUT REQUIRED provider"}},
		{"a blank provider", "", e.verificationInput("provider", "   "), []string{"BAD_USER_INPUT REQUIRED provider"}},
		{"a provider too long", "", e.verificationInput("provider", strings.Repeat("p", schematype.MaxProviderLen+1)), []string{"BAD_USER_INPUT TOO_LONG provider"}},
		{"a provider with a line break", "", e.verificationInput("provider", "On\nfido"), []string{"BAD_USER_INPUT CONTROL_CHARACTER provider"}},
		{"a reference too long", "", e.verificationInput("reference", strings.Repeat("r", schematype.MaxProviderRefLen+1)), []string{"BAD_USER_INPUT TOO_LONG reference"}},
		{"a reference with a zero-width space", "", e.verificationInput("reference", "chk\u200b1"), []string{"BAD_USER_INPUT INVISIBLE_CHARACTER reference"}},
		{"a check in the future", "", e.verificationInput("checkedAt", future, "expiresAt", nil), []string{"BAD_USER_INPUT DATE_IN_FUTURE checkedAt"}},
		{"an expiry before the check", "", e.verificationInput("expiresAt", checked.Add(-time.Minute).Format(time.RFC3339)), []string{"BAD_USER_INPUT INVALID_RANGE expiresAt"}},
		{"an expiry at the check", "", e.verificationInput("checkedAt", checked.Format(time.RFC3339), "expiresAt", checked.Format(time.RFC3339)), []string{"BAD_USER_INPUT INVALID_RANGE expiresAt"}},
		{"every problem at once", "", e.verificationInput("provider", "", "reference", strings.Repeat("r", 300), "checkedAt", future),
			[]string{"BAD_USER_INPUT REQUIRED provider", "BAD_USER_INPUT TOO_LONG reference", "BAD_USER_INPUT DATE_IN_FUTURE checkedAt"}},
		{"an unknown customer", "", e.verificationInput("customerId", "cus_01HZZZZZZZZZZZZZZZZZZZZZZZ"), []string{"NOT_FOUND NOT_FOUND customerId"}},
		{"another tenant's customer", "", e.verificationInput("customerId", other.RegisterIndividual.ID, "subjectId", other.RegisterIndividual.PersonID),
			[]string{"NOT_FOUND NOT_FOUND customerId"}},
		{"another tenant's person", "", e.verificationInput("subjectId", other.RegisterIndividual.PersonID), []string{"NOT_FOUND NOT_FOUND subjectId"}},
		{"a malformed customer id", "", e.verificationInput("customerId", "cus_\x00'; --"), []string{"NOT_FOUND NOT_FOUND customerId"}},
		{"a malformed person id", "", e.verificationInput("subjectId", "per_\x00"), []string{"NOT_FOUND NOT_FOUND subjectId"}},
		{"an unknown person", "", e.verificationInput("subjectId", "per_01HZZZZZZZZZZZZZZZZZZZZZZZ"), []string{"NOT_FOUND NOT_FOUND subjectId"}},
		{"another customer's organization", "", e.verificationInput("subjectId", e.org), []string{"BAD_USER_INPUT SUBJECT_NOT_OF_CUSTOMER subjectId"}},
		{"another customer's representative", "", e.verificationInput("subjectId", e.reps[0]), []string{"BAD_USER_INPUT SUBJECT_NOT_OF_CUSTOMER subjectId"}},
		{"another customer's person", "", e.verificationInput("customerId", e.organization), []string{"BAD_USER_INPUT SUBJECT_NOT_OF_CUSTOMER subjectId"}},
		{"the customer itself as subject", "", e.verificationInput("subjectId", e.individual), []string{"BAD_USER_INPUT SUBJECT_NOT_OF_CUSTOMER subjectId"}},
		{"a kind that is no kind", "", e.verificationInput("kind", "HOROSCOPE"), []string{"BAD_USER_INPUT GRAPHQL_VALIDATION_FAILED"}},
		{"an outcome that is no outcome", "", e.verificationInput("outcome", "MAYBE"), []string{"BAD_USER_INPUT GRAPHQL_VALIDATION_FAILED"}},
		{"no checkedAt", "", e.verificationInput("checkedAt", nil), []string{"BAD_USER_INPUT GRAPHQL_VALIDATION_FAILED"}},
		{"a token without customers:verify", e.manager, e.verificationInput(), []string{"FORBIDDEN MISSING_SCOPE"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.lifecycleRows(t)
			token := c.token
			if token == "" {
				token = e.verifier
			}
			wantRefused(t, e.record(token, c.input), c.want...)
			if after := e.lifecycleRows(t); after != before {
				t.Fatalf("a refused recording wrote: %v → %v", before, after)
			}
		})
	}

	t.Run("an erased customer", func(t *testing.T) {
		e.Client().Customer.UpdateOneID(e.organization).SetErasedAt(time.Now()).ExecX(e.As(e.tenantID))
		before := e.lifecycleRows(t)
		wantRefused(t, e.record(e.verifier, e.verificationInput("customerId", e.organization, "subjectId", e.org, "kind", "BUSINESS")),
			"CONFLICT CUSTOMER_ERASED")
		if after := e.lifecycleRows(t); after != before {
			t.Fatalf("a refused recording wrote: %v → %v", before, after)
		}
	})
}

// TestRecordVerificationStoresTheResult: the result is stored as sent,
// with its subject type from the id, who recorded it, the digest of the
// subject's verified fields, its history event (actor, request id,
// changes) and the customer's version moved by one.
func TestRecordVerificationStoresTheResult(t *testing.T) {
	e := newLifecycleEnv(t)
	ctx := e.As(e.tenantID)
	checked := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	resp := e.record(e.verifier, e.verificationInput("checkedAt", checked.Format(time.RFC3339)), "X-Request-ID", "req-verify-1")
	var got recordedVerification
	resp.Into(t, &got)
	v, c := got.RecordVerification.Verification, got.RecordVerification.Customer
	if v.SubjectType != "PERSON" || v.SubjectID != e.person || v.Kind != "IDENTITY" || v.Outcome != "PASSED" ||
		v.Provider != "Onfido" || v.Reference != "chk-123" || v.RecordedBy != "test" || !v.CheckedAt.Equal(checked) ||
		v.ExpiresAt == nil || v.Customer.ID != e.individual {
		t.Fatalf("unexpected verification: %+v", v)
	}
	if c.Status != "PENDING_VERIFICATION" || c.Version != 2 || len(c.Verifications) != 1 || c.Verifications[0].ID != v.ID {
		t.Fatalf("unexpected customer: %+v", c)
	}
	stored := e.Client().Verification.GetX(ctx, v.ID)
	p := e.Client().Person.Query().Where(person.ID(e.person)).WithIdentityDocuments().OnlyX(ctx)
	if want := onboarding.PersonDigest(p, p.Edges.IdentityDocuments); stored.SubjectDigest != want || want == "" {
		t.Fatalf("subject digest %q, want %q", stored.SubjectDigest, want)
	}
	events := e.Client().CustomerEvent.Query().
		Where(customerevent.CustomerID(e.individual), customerevent.Type(schematype.EventVerificationRecorded)).AllX(ctx)
	if len(events) != 1 {
		t.Fatalf("%d verification.recorded events, want 1", len(events))
	}
	ev := events[0]
	if ev.Actor != "test" || ev.RequestID != "req-verify-1" || ev.SubjectID != v.ID {
		t.Fatalf("unexpected event: actor %q request %q subject %q", ev.Actor, ev.RequestID, ev.SubjectID)
	}
	changes := map[string]string{}
	for _, ch := range ev.Changes {
		if ch.Before != nil || ch.After == nil {
			t.Fatalf("change %+v: want no before and an after", ch)
		}
		changes[ch.Field] = *ch.After
	}
	if changes["kind"] != "IDENTITY" || changes["outcome"] != "PASSED" || changes["subject"] != e.person {
		t.Fatalf("unexpected changes: %v", changes)
	}

	// The organization and a representative: their subject types, and
	// a representative's digest is its person's.
	org := e.recorded(t, e.verificationInput("customerId", e.organization, "subjectId", e.org, "kind", "BUSINESS"))
	rep := e.recorded(t, e.verificationInput("customerId", e.organization, "subjectId", e.reps[0], "kind", "BENEFICIAL_OWNER"))
	if org.RecordVerification.Verification.SubjectType != "ORGANIZATION" || rep.RecordVerification.Verification.SubjectType != "REPRESENTATIVE" {
		t.Fatalf("subject types %s, %s", org.RecordVerification.Verification.SubjectType, rep.RecordVerification.Verification.SubjectType)
	}
	r := e.Client().Representative.GetX(ctx, e.reps[0])
	rp := e.Client().Person.Query().Where(person.ID(r.PersonID)).WithIdentityDocuments().OnlyX(ctx)
	if got, want := e.Client().Verification.GetX(ctx, rep.RecordVerification.Verification.ID).SubjectDigest,
		onboarding.PersonDigest(rp, rp.Edges.IdentityDocuments); got != want {
		t.Fatalf("representative digest %q, want its person's %q", got, want)
	}
}

// TestVerificationNeedsReviewMovesPendingCustomerToReview: a NEEDS_REVIEW
// result moves a PENDING_VERIFICATION customer to IN_REVIEW, with its
// status event, in the recording's transaction; an ACTIVE customer stays
// ACTIVE, and a customer already in review stays there without a second
// status event.
func TestVerificationNeedsReviewMovesPendingCustomerToReview(t *testing.T) {
	e := newLifecycleEnv(t)
	ctx := e.As(e.tenantID)
	statusEvents := func(id string) int {
		return e.Client().CustomerEvent.Query().
			Where(customerevent.CustomerID(id), customerevent.Type(schematype.EventCustomerStatusChanged)).CountX(ctx)
	}
	got := e.recorded(t, e.verificationInput("outcome", "NEEDS_REVIEW"))
	if c := got.RecordVerification.Customer; c.Status != "IN_REVIEW" || c.Version != 3 {
		t.Fatalf("after NEEDS_REVIEW: status %s version %d, want IN_REVIEW 3", c.Status, c.Version)
	}
	if n := statusEvents(e.individual); n != 1 {
		t.Fatalf("%d status events, want 1", n)
	}
	stored := e.Client().Customer.GetX(ctx, e.individual)
	if stored.Status != customer.StatusIN_REVIEW || stored.StatusChangedAt == nil {
		t.Fatalf("stored status %s changed at %v", stored.Status, stored.StatusChangedAt)
	}
	again := e.recorded(t, e.verificationInput("outcome", "NEEDS_REVIEW", "kind", "ADDRESS"))
	if c := again.RecordVerification.Customer; c.Status != "IN_REVIEW" || statusEvents(e.individual) != 1 {
		t.Fatalf("a second NEEDS_REVIEW: status %s, %d status events", c.Status, statusEvents(e.individual))
	}

	e.Client().Customer.UpdateOneID(e.organization).SetStatus(customer.StatusACTIVE).ExecX(ctx)
	active := e.recorded(t, e.verificationInput("customerId", e.organization, "subjectId", e.org, "kind", "BUSINESS", "outcome", "NEEDS_REVIEW"))
	if c := active.RecordVerification.Customer; c.Status != "ACTIVE" || statusEvents(e.organization) != 0 {
		t.Fatalf("NEEDS_REVIEW on an ACTIVE customer: status %s, %d status events", c.Status, statusEvents(e.organization))
	}
}

// TestVerificationsInForceAreTheLatest: a later result for the same
// subject and kind supersedes the earlier one in Customer.verifications
// (both stay stored); a result checked before the one in force, recorded
// after it, does not supersede it; other kinds and subjects are listed
// beside it.
func TestVerificationsInForceAreTheLatest(t *testing.T) {
	e := newLifecycleEnv(t)
	at := func(h int) string { return time.Now().UTC().Add(time.Duration(-h) * time.Hour).Format(time.RFC3339) }
	first := e.recorded(t, e.verificationInput("outcome", "FAILED", "checkedAt", at(3)))
	second := e.recorded(t, e.verificationInput("outcome", "PASSED", "checkedAt", at(2)))
	late := e.recorded(t, e.verificationInput("outcome", "FAILED", "checkedAt", at(4)))
	address := e.recorded(t, e.verificationInput("kind", "ADDRESS", "checkedAt", at(5)))
	inForce := address.RecordVerification.Customer.Verifications
	ids := []string{}
	for _, v := range inForce {
		ids = append(ids, v.ID)
	}
	want := []string{second.RecordVerification.Verification.ID, address.RecordVerification.Verification.ID}
	if !slices.Equal(ids, want) {
		t.Fatalf("in force %v, want %v (first %s, late %s)", ids, want,
			first.RecordVerification.Verification.ID, late.RecordVerification.Verification.ID)
	}
	if n := e.Client().Verification.Query().CountX(e.As(e.tenantID)); n != 4 {
		t.Fatalf("%d verifications stored, want all 4", n)
	}

	// The organization's subjects, each its own line.
	e.recorded(t, e.verificationInput("customerId", e.organization, "subjectId", e.org, "kind", "BUSINESS"))
	e.recorded(t, e.verificationInput("customerId", e.organization, "subjectId", e.reps[0], "kind", "IDENTITY"))
	org := e.recorded(t, e.verificationInput("customerId", e.organization, "subjectId", e.reps[1], "kind", "IDENTITY"))
	if n := len(org.RecordVerification.Customer.Verifications); n != 3 {
		t.Fatalf("organization has %d verifications in force: %+v", n, org.RecordVerification.Customer.Verifications)
	}
}

// TestVerificationsRaceOnOneCustomer: results recorded at once for one
// pending customer, two of them NEEDS_REVIEW, all succeed; the customer
// moves to IN_REVIEW once (one status event), and its version counts
// every change.
func TestVerificationsRaceOnOneCustomer(t *testing.T) {
	e := newLifecycleEnv(t)
	kinds := []string{"IDENTITY", "ADDRESS", "SANCTIONS", "PEP"}
	errs := make([]string, len(kinds))
	atOnce(len(kinds), func(i int) {
		outcome := "PASSED"
		if i < 2 {
			outcome = "NEEDS_REVIEW"
		}
		resp := e.record(e.verifier, e.verificationInput("kind", kinds[i], "outcome", outcome))
		if len(resp.Errors) > 0 {
			errs[i] = resp.Raw
		}
	})
	for _, err := range errs {
		if err != "" {
			t.Fatalf("a concurrent recording failed: %s", err)
		}
	}
	ctx := e.As(e.tenantID)
	c := e.Client().Customer.GetX(ctx, e.individual)
	status := e.Client().CustomerEvent.Query().
		Where(customerevent.CustomerID(e.individual), customerevent.Type(schematype.EventCustomerStatusChanged)).CountX(ctx)
	if c.Status != customer.StatusIN_REVIEW || status != 1 || c.Version != 1+len(kinds)+1 {
		t.Fatalf("status %s, %d status events, version %d; want IN_REVIEW, 1, %d", c.Status, status, c.Version, len(kinds)+2)
	}
}

// TestVerificationsAndConsentsStatementsDoNotDependOnPageSize: a page
// of customers selecting verifications and consents runs as many
// statements at 5 customers as at 50, every customer holding some of
// each (so a flat count means batching, not empty lists).
func TestVerificationsAndConsentsStatementsDoNotDependOnPageSize(t *testing.T) {
	e := newDeepReadEnv(t, 60)
	ctx := e.As(e.tenantID)
	c := e.Client()
	docs := []*ent.ConsentDocument{
		c.ConsentDocument.Create().SetCode("MARKETING").SetVersion(1).SetTitle("Terms").SetURL("https://example.com/t1").SaveX(ctx),
		c.ConsentDocument.Create().SetCode("MARKETING").SetVersion(2).SetTitle("Terms").SetURL("https://example.com/t2").SaveX(ctx),
		c.ConsentDocument.Create().SetCode("PRIVACY").SetVersion(1).SetTitle("Privacy").SetURL("https://example.com/p").SaveX(ctx),
	}
	checked := time.Now().UTC().Add(-time.Hour)
	for _, id := range e.ids {
		for i, kind := range []verification.Kind{verification.KindIDENTITY, verification.KindSANCTIONS} {
			c.Verification.Create().SetCustomerID(id).SetSubjectType(verification.SubjectTypePERSON).SetSubjectID("per_x").
				SetKind(kind).SetOutcome(verification.OutcomePASSED).SetProvider("p").
				SetCheckedAt(checked.Add(time.Duration(i) * time.Minute)).ExecX(ctx)
		}
		for _, d := range docs {
			c.Consent.Create().SetCustomerID(id).SetDocumentID(d.ID).SetCode(d.Code).SetVersion(d.Version).ExecX(ctx)
		}
	}
	const query = `query($first: Int!) { customers(first: $first) { edges { node { id
		verifications { id kind } consents { id code version } } } } }`
	read := func(first int) (int64, []string) {
		var data struct {
			Customers struct {
				Edges []struct {
					Node struct {
						ID            string
						Verifications []struct{ ID, Kind string }
						Consents      []struct {
							ID, Code string
							Version  int
						}
					}
				}
			}
		}
		n, stmts := e.measure(t, query, map[string]any{"first": first}, &data)
		if len(data.Customers.Edges) != first {
			t.Fatalf("first %d: %d customers", first, len(data.Customers.Edges))
		}
		for _, edge := range data.Customers.Edges {
			// TERMS 1 is no longer in force: TERMS 2 and PRIVACY 1 are.
			if len(edge.Node.Verifications) != 2 || len(edge.Node.Consents) != 2 {
				t.Fatalf("customer %s: %d verifications, %d consents in force, want 2 and 2",
					edge.Node.ID, len(edge.Node.Verifications), len(edge.Node.Consents))
			}
		}
		return n, stmts
	}
	const small, large = 5, 50
	nSmall, sSmall := read(small)
	nLarge, sLarge := read(large)
	compareStatementCounts(t, "verifications and consents", small, large, nSmall, nLarge, sSmall, sLarge)
	if extra := countMatching(sLarge, "verifications") + countMatching(sLarge, "consent"); extra > 3 {
		t.Errorf("%d statements read verifications and consents, want at most 3:\n%s", extra, statementSummary(sLarge))
	}
}

// countMatching counts the statements that read from a table whose name
// contains table.
func countMatching(stmts []string, table string) int {
	n := 0
	for _, s := range stmts {
		if strings.Contains(s, fmt.Sprintf(`FROM "%s`, table)) || strings.Contains(s, "FROM `"+table) {
			n++
		}
	}
	return n
}

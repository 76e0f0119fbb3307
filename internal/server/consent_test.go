package server_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"onboard/ent/consent"
	"onboard/ent/consentdocument"
	"onboard/ent/customerevent"
	"onboard/internal/demo"
	"onboard/internal/testutil"
	"onboard/schema/schematype"
)

const publishConsentDocument = `mutation($input: PublishConsentDocumentInput!) {
	publishConsentDocument(input: $input) { consentDocument { id code version title url customerTypes } }
}`

const acceptConsents = `mutation($input: AcceptConsentsInput!) {
	acceptConsents(input: $input) {
		consents { id code version acceptedBy ip userAgent document { id version } }
		customer { id version consents { code version } }
	}
}`

type publishedDocument struct {
	PublishConsentDocument struct {
		ConsentDocument struct {
			ID, Code, Title, URL string
			Version              int
			CustomerTypes        []string
		}
	}
}

type acceptedConsents struct {
	AcceptConsents struct {
		Consents []struct {
			ID, Code, AcceptedBy, IP, UserAgent string
			Version                             int
			Document                            struct {
				ID      string
				Version int
			}
		}
		Customer struct {
			ID       string
			Version  int
			Consents []struct {
				Code    string
				Version int
			}
		}
	}
}

// publish sends publishConsentDocument with the catalog:write token.
func (e *lifecycleEnv) publish(input map[string]any) *testutil.Response {
	return e.Do(testutil.Request{Token: e.token, TenantKey: "acme", Query: publishConsentDocument,
		Variables: map[string]any{"input": input}})
}

func (e *lifecycleEnv) published(t *testing.T, code string) publishedDocument {
	t.Helper()
	var got publishedDocument
	e.publish(map[string]any{"code": code, "title": code + " title", "url": "https://finhub.example/" + strings.ToLower(code),
		"customerTypes": []any{"INDIVIDUAL"}}).Into(t, &got)
	return got
}

// accept sends acceptConsents for customerID with the manager's token and
// refs as code, version pairs.
func (e *lifecycleEnv) accept(token, customerID string, refs ...any) *testutil.Response {
	list := []any{}
	for i := 0; i+1 < len(refs); i += 2 {
		list = append(list, map[string]any{"code": refs[i], "version": refs[i+1]})
	}
	return e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: acceptConsents,
		Variables: map[string]any{"input": map[string]any{"customerId": customerID, "consents": list}},
		Header:    map[string][]string{"User-Agent": {"FinHubApp/1.0"}, "X-Request-Id": {"req-consent-1"}}})
}

func (e *lifecycleEnv) accepted(t *testing.T, customerID string, refs ...any) acceptedConsents {
	t.Helper()
	var got acceptedConsents
	e.accept(e.manager, customerID, refs...).Into(t, &got)
	return got
}

// TestPublishConsentDocumentVersions: versions are numbered per code from
// 1, each publication the next, and a document keeps what was sent.
func TestPublishConsentDocumentVersions(t *testing.T) {
	e := newLifecycleEnv(t)
	first := e.published(t, "MARKETING").PublishConsentDocument.ConsentDocument
	second := e.published(t, "MARKETING").PublishConsentDocument.ConsentDocument
	other := e.published(t, "PRIVACY_NOTICE").PublishConsentDocument.ConsentDocument
	if first.Version != 1 || second.Version != 2 || other.Version != 1 {
		t.Fatalf("versions %d, %d, %d; want 1, 2, 1", first.Version, second.Version, other.Version)
	}
	if first.Title != "MARKETING title" || first.URL != "https://finhub.example/marketing" || !slices.Equal(first.CustomerTypes, []string{"INDIVIDUAL"}) {
		t.Fatalf("unexpected document: %+v", first)
	}
}

// TestPublishConsentDocumentRace: publications of one code at once each
// take their own version, 1 to n, none refused.
func TestPublishConsentDocumentRace(t *testing.T) {
	e := newLifecycleEnv(t)
	const n = 6
	responses := make([]*testutil.Response, n)
	atOnce(n, func(i int) {
		responses[i] = e.publish(map[string]any{"code": "MARKETING", "title": "Terms", "url": "https://finhub.example/marketing"})
	})
	versions := make([]int, n)
	for i, resp := range responses {
		if len(resp.Errors) > 0 {
			t.Fatalf("a concurrent publication failed: %s", resp.Raw)
		}
		var got publishedDocument
		resp.Into(t, &got)
		versions[i] = got.PublishConsentDocument.ConsentDocument.Version
	}
	slices.Sort(versions)
	if !slices.Equal(versions, []int{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("versions %v, want 1 to %d", versions, n)
	}
}

// TestPublishConsentDocumentRefusesBadInput: each refused input, all of a
// request's problems at once, nothing written.
func TestPublishConsentDocumentRefusesBadInput(t *testing.T) {
	e := newLifecycleEnv(t)
	valid := func(changes ...any) map[string]any {
		in := map[string]any{"code": "MARKETING", "title": "Terms", "url": "https://finhub.example/marketing", "customerTypes": []any{"INDIVIDUAL"}}
		for i := 0; i+1 < len(changes); i += 2 {
			in[changes[i].(string)] = changes[i+1]
		}
		return in
	}
	for _, c := range []struct {
		name  string
		token string
		input map[string]any
		want  []string
	}{
		{"no code", "", valid("code", ""), []string{"BAD_USER_INPUT REQUIRED code"}},
		{"a lower-case code", "", valid("code", "terms"), []string{"BAD_USER_INPUT INVALID_FORMAT code"}},
		{"a code with a dash", "", valid("code", "MARKETING-2"), []string{"BAD_USER_INPUT INVALID_FORMAT code"}},
		{"a code starting with a digit", "", valid("code", "1MARKETING"), []string{"BAD_USER_INPUT INVALID_FORMAT code"}},
		{"a code too long", "", valid("code", strings.Repeat("T", schematype.MaxConsentCodeLen+1)), []string{"BAD_USER_INPUT TOO_LONG code"}},
		{"no title", "", valid("title", " "), []string{"BAD_USER_INPUT REQUIRED title"}},
		{"a title too long", "", valid("title", strings.Repeat("t", schematype.MaxConsentTitleLen+1)), []string{"BAD_USER_INPUT TOO_LONG title"}},
		{"a title with a NUL", "", valid("title", "Ter\x00ms"), []string{"BAD_USER_INPUT CONTAINS_NUL title"}},
		{"no url", "", valid("url", ""), []string{"BAD_USER_INPUT REQUIRED url"}},
		{"a relative url", "", valid("url", "/terms"), []string{"BAD_USER_INPUT INVALID_URL url"}},
		{"a javascript url", "", valid("url", "javascript:alert(1)"), []string{"BAD_USER_INPUT INVALID_URL url"}},
		{"an ftp url", "", valid("url", "ftp://finhub.example/marketing"), []string{"BAD_USER_INPUT INVALID_URL url"}},
		{"a customer type twice", "", valid("customerTypes", []any{"INDIVIDUAL", "ORGANIZATION", "INDIVIDUAL"}), []string{"BAD_USER_INPUT DUPLICATE customerTypes.2"}},
		{"an unknown customer type", "", valid("customerTypes", []any{"ROBOT"}), []string{"BAD_USER_INPUT GRAPHQL_VALIDATION_FAILED"}},
		{"every problem at once", "", valid("code", "x", "title", "", "url", "nope"),
			[]string{"BAD_USER_INPUT INVALID_FORMAT code", "BAD_USER_INPUT REQUIRED title", "BAD_USER_INPUT INVALID_URL url"}},
		{"a token without catalog:write", e.manager, valid(), []string{"FORBIDDEN MISSING_SCOPE"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			token := c.token
			if token == "" {
				token = e.token
			}
			before := e.Client().ConsentDocument.Query().CountX(e.As(e.tenantID)) // the demo catalog's
			resp := e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: publishConsentDocument,
				Variables: map[string]any{"input": c.input}})
			wantRefused(t, resp, c.want...)
			if n := e.Client().ConsentDocument.Query().CountX(e.As(e.tenantID)); n != before {
				t.Fatalf("a refused publication wrote %d documents", n-before)
			}
		})
	}
}

// TestAcceptConsentsRecordsWhoWhenAndWhere: an acceptance keeps who
// accepted, the address and user agent, and its event with actor and
// request id; the customer's version moves; accepting again writes
// nothing (no row, no event, no version).
func TestAcceptConsentsRecordsWhoWhenAndWhere(t *testing.T) {
	e := newLifecycleEnv(t)
	ctx := e.As(e.tenantID)
	terms := e.published(t, "MARKETING").PublishConsentDocument.ConsentDocument
	e.published(t, "PRIVACY")
	got := e.accepted(t, e.individual, "MARKETING", 1, "PRIVACY", 1).AcceptConsents
	if len(got.Consents) != 2 || got.Customer.Version != 2 || len(got.Customer.Consents) != 2 {
		t.Fatalf("unexpected payload: %+v", got)
	}
	for _, c := range got.Consents {
		if c.AcceptedBy != "test" || c.IP != "192.0.2.1" || c.UserAgent != "FinHubApp/1.0" || c.Version != 1 {
			t.Fatalf("unexpected consent: %+v", c)
		}
	}
	if i := slices.IndexFunc(got.Consents, func(c struct {
		ID, Code, AcceptedBy, IP, UserAgent string
		Version                             int
		Document                            struct {
			ID      string
			Version int
		}
	}) bool {
		return c.Code == "MARKETING"
	}); i < 0 || got.Consents[i].Document.ID != terms.ID {
		t.Fatalf("MARKETING is not accepted for its document %s: %+v", terms.ID, got.Consents)
	}
	events := e.Client().CustomerEvent.Query().
		Where(customerevent.CustomerID(e.individual), customerevent.Type(schematype.EventConsentAccepted)).AllX(ctx)
	if len(events) != 1 || events[0].Actor != "test" || events[0].RequestID != "req-consent-1" ||
		len(events[0].Changes) != 1 || events[0].Changes[0].After == nil || *events[0].Changes[0].After != "PRIVACY@1,MARKETING@1" &&
		*events[0].Changes[0].After != "MARKETING@1,PRIVACY@1" {
		t.Fatalf("unexpected consent.accepted events: %+v", events)
	}

	before := e.lifecycleRows(t)
	again := e.accepted(t, e.individual, "MARKETING", 1).AcceptConsents
	if after := e.lifecycleRows(t); after != before {
		t.Fatalf("accepting again wrote: %v → %v", before, after)
	}
	if len(again.Consents) != 1 || again.Consents[0].ID == "" || again.Customer.Version != 2 {
		t.Fatalf("accepting again: %+v", again)
	}
}

// TestNewConsentVersionOutdatesTheAcceptance: a new version takes the
// earlier acceptance out of Customer.consents, the earlier version is
// refused as outdated, and the new one is accepted.
func TestNewConsentVersionOutdatesTheAcceptance(t *testing.T) {
	e := newLifecycleEnv(t)
	e.published(t, "MARKETING")
	if c := e.accepted(t, e.individual, "MARKETING", 1).AcceptConsents.Customer.Consents; len(c) != 1 || c[0].Version != 1 {
		t.Fatalf("consents in force %+v, want MARKETING 1", c)
	}
	e.published(t, "MARKETING")
	var read struct {
		Node struct {
			Consents []struct {
				Code    string
				Version int
			}
		}
	}
	e.Do(testutil.Request{Token: e.manager, TenantKey: "acme", Query: `query($id: ID!) { node(id: $id) { ... on Customer { consents { code version } } } }`,
		Variables: map[string]any{"id": e.individual}}).Into(t, &read)
	if len(read.Node.Consents) != 0 {
		t.Fatalf("after MARKETING 2, consents in force %+v, want none", read.Node.Consents)
	}
	resp := e.accept(e.manager, e.individual, "MARKETING", 1)
	wantRefused(t, resp, "BAD_USER_INPUT CONSENT_VERSION_OUTDATED consents.0.version")
	if v := resp.Errors[0].Extensions["currentVersion"]; v != float64(2) {
		t.Fatalf("currentVersion %v, want 2", v)
	}
	if c := e.accepted(t, e.individual, "MARKETING", 2).AcceptConsents.Customer.Consents; len(c) != 1 || c[0].Version != 2 {
		t.Fatalf("consents in force %+v, want MARKETING 2", c)
	}
}

// TestAcceptConsentsRefusesBadInput: each refused input with its code,
// reason and field, all of a request's problems at once, nothing written.
func TestAcceptConsentsRefusesBadInput(t *testing.T) {
	e := newLifecycleEnv(t)
	e.published(t, "MARKETING")
	e.published(t, "MARKETING")
	e.published(t, "PRIVACY")
	rival := e.Tenant("rival")
	if err := demo.SeedCatalog(e.As(rival), e.Client()); err != nil {
		t.Fatal(err)
	}
	var other registered
	e.Do(testutil.Request{Token: e.Token([]string{"rival"}, "customers:register"), TenantKey: "rival", Query: registerIndividual,
		Variables: map[string]any{"input": testutil.Fixture(t, "finhub-individual.json")}}).Into(t, &other)
	many := []any{}
	for i := range schematype.MaxConsentsAccepted + 1 {
		many = append(many, fmt.Sprintf("C%d", i), 1)
	}
	for _, c := range []struct {
		name     string
		token    string
		customer string
		refs     []any
		want     []string
	}{
		{"an unknown code", "", "", []any{"NOPE", 1}, []string{"NOT_FOUND UNKNOWN_CONSENT consents.0"}},
		{"a lower-case code", "", "", []any{"terms", 2}, []string{"BAD_USER_INPUT INVALID_FORMAT consents.0.code"}},
		{"a blank code", "", "", []any{" ", 2}, []string{"BAD_USER_INPUT REQUIRED consents.0.code"}},
		{"a code with a control character", "", "", []any{"TERMS", 2}, []string{"BAD_USER_INPUT CONTROL_CHARACTER consents.0.code"}},
		{"an unpublished version", "", "", []any{"MARKETING", 3}, []string{"NOT_FOUND UNKNOWN_CONSENT consents.0"}},
		{"version 0", "", "", []any{"PRIVACY", 0}, []string{"NOT_FOUND UNKNOWN_CONSENT consents.0"}},
		{"an outdated version", "", "", []any{"MARKETING", 1}, []string{"BAD_USER_INPUT CONSENT_VERSION_OUTDATED consents.0.version"}},
		{"a code twice", "", "", []any{"PRIVACY", 1, "PRIVACY", 1}, []string{"BAD_USER_INPUT DUPLICATE consents.1"}},
		{"every problem at once", "", "", []any{"PRIVACY", 1, "NOPE", 1, "MARKETING", 1, "PRIVACY", 1, "terms", 2},
			[]string{"NOT_FOUND UNKNOWN_CONSENT consents.1", "BAD_USER_INPUT CONSENT_VERSION_OUTDATED consents.2.version",
				"BAD_USER_INPUT DUPLICATE consents.3", "BAD_USER_INPUT INVALID_FORMAT consents.4.code"}},
		{"no consent", "", "", nil, []string{"BAD_USER_INPUT REQUIRED consents"}},
		{"too many consents", "", "", many, []string{"BAD_USER_INPUT TOO_MANY consents"}},
		{"an unknown customer", "", "cus_01HZZZZZZZZZZZZZZZZZZZZZZZ", []any{"PRIVACY", 1}, []string{"NOT_FOUND NOT_FOUND customerId"}},
		{"another tenant's customer", "", other.RegisterIndividual.ID, []any{"PRIVACY", 1}, []string{"NOT_FOUND NOT_FOUND customerId"}},
		{"a token without customers:manage", e.verifier, "", []any{"PRIVACY", 1}, []string{"FORBIDDEN MISSING_SCOPE"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			token, customer := c.token, c.customer
			if token == "" {
				token = e.manager
			}
			if customer == "" {
				customer = e.individual
			}
			before := e.lifecycleRows(t)
			wantRefused(t, e.accept(token, customer, c.refs...), c.want...)
			if after := e.lifecycleRows(t); after != before {
				t.Fatalf("a refused acceptance wrote: %v → %v", before, after)
			}
		})
	}
	t.Run("an erased customer", func(t *testing.T) {
		e.Client().Customer.UpdateOneID(e.organization).SetErasedAt(e.Client().Customer.GetX(e.As(e.tenantID), e.organization).CreatedAt).
			ExecX(e.As(e.tenantID))
		before := e.lifecycleRows(t)
		wantRefused(t, e.accept(e.manager, e.organization, "PRIVACY", 1), "CONFLICT CUSTOMER_ERASED")
		if after := e.lifecycleRows(t); after != before {
			t.Fatalf("a refused acceptance wrote: %v → %v", before, after)
		}
	})
}

// TestAcceptConsentsRace: the same acceptance sent at once records one
// row and one event, and every call answers it.
func TestAcceptConsentsRace(t *testing.T) {
	e := newLifecycleEnv(t)
	e.published(t, "MARKETING")
	const n = 5
	errs := make([]string, n)
	atOnce(n, func(i int) {
		if resp := e.accept(e.manager, e.individual, "MARKETING", 1); len(resp.Errors) > 0 {
			errs[i] = resp.Raw
		}
	})
	for _, err := range errs {
		if err != "" {
			t.Fatalf("a concurrent acceptance failed: %s", err)
		}
	}
	ctx := e.As(e.tenantID)
	rows := e.Client().Consent.Query().Where(consent.CustomerID(e.individual)).CountX(ctx)
	events := e.Client().CustomerEvent.Query().
		Where(customerevent.CustomerID(e.individual), customerevent.Type(schematype.EventConsentAccepted)).CountX(ctx)
	if rows != 1 || events != 1 {
		t.Fatalf("%d consents and %d events after %d identical acceptances, want 1 and 1", rows, events, n)
	}
	if v := e.Client().ConsentDocument.Query().Where(consentdocument.Code("MARKETING")).CountX(ctx); v != 1 {
		t.Fatalf("%d MARKETING documents", v)
	}
}

package onboarding_test

import (
	"context"
	"errors"
	"testing"

	"onboard/ent/consent"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/onboarding"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// Customer sessions are another part's (createCustomerSession); until its
// tokens exist, these tests give AcceptConsents the viewer such a session
// carries (a CustomerID and customer:self) directly, against a real
// database. The HTTP-level session test belongs with the session part.

// sessionFixture is a tenant with two customers and a published TERMS.
type sessionFixture struct {
	svc            *onboarding.Service
	tenantID       string
	mine, theirs   string
	platform, self context.Context
}

func newSessionFixture(t *testing.T) sessionFixture {
	t.Helper()
	env := testutil.New(t)
	tenantID := env.Tenant("acme")
	ctx := env.As(tenantID)
	c := env.Client()
	customerOf := func(name string) string {
		return c.Customer.Create().SetType(schematype.CustomerTypeIndividual).SetName(name).SetCountry("DK").
			SaveX(ctx).ID
	}
	f := sessionFixture{svc: &onboarding.Service{Client: c},
		tenantID: tenantID, mine: customerOf("Mine"), theirs: customerOf("Theirs"), platform: ctx}
	c.ConsentDocument.Create().SetCode("TERMS").SetVersion(1).SetTitle("Terms").SetURL("https://example.com/t").ExecX(ctx)
	f.self = viewer.NewContext(context.Background(), &viewer.Viewer{Subject: "session:" + f.mine, TenantID: tenantID,
		Scopes: []string{viewer.ScopeCustomerSelf}, CustomerID: f.mine})
	return f
}

func reasonOf(err error) vocab.Reason {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// TestAcceptConsentsAsTheCustomersSession: a session accepts for its own
// customer, recorded as accepted by the session's subject.
func TestAcceptConsentsAsTheCustomersSession(t *testing.T) {
	f := newSessionFixture(t)
	res, err := f.svc.AcceptConsents(f.self, onboarding.Origin{IP: "203.0.113.7", UserAgent: "FinHubApp/1.0"},
		onboarding.AcceptConsentsInput{CustomerID: f.mine, Consents: []onboarding.ConsentRef{{Code: "TERMS", Version: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Consents) != 1 || res.Consents[0].AcceptedBy != "session:"+f.mine || res.Consents[0].IP != "203.0.113.7" {
		t.Fatalf("unexpected consents: %+v", res.Consents)
	}
}

// TestAcceptConsentsRefusesAnotherCustomersSession: a session never acts
// for another customer (NOT_YOUR_CUSTOMER), and a session without
// customer:self acts for none; nothing is written.
func TestAcceptConsentsRefusesAnotherCustomersSession(t *testing.T) {
	f := newSessionFixture(t)
	in := func(id string) onboarding.AcceptConsentsInput {
		return onboarding.AcceptConsentsInput{CustomerID: id, Consents: []onboarding.ConsentRef{{Code: "TERMS", Version: 1}}}
	}
	_, err := f.svc.AcceptConsents(f.self, onboarding.Origin{}, in(f.theirs))
	if reasonOf(err) != vocab.ReasonNotYourCustomer {
		t.Fatalf("another customer's consents: %v, want NOT_YOUR_CUSTOMER", err)
	}
	// A session's viewer that also carries customers:manage still acts
	// only for its own customer.
	both := viewer.NewContext(context.Background(), &viewer.Viewer{Subject: "s", TenantID: f.tenantID,
		Scopes: []string{viewer.ScopeCustomerSelf, viewer.ScopeCustomersManage}, CustomerID: f.mine})
	if _, err := f.svc.AcceptConsents(both, onboarding.Origin{}, in(f.theirs)); reasonOf(err) != vocab.ReasonNotYourCustomer {
		t.Fatalf("a session with customers:manage on another customer: %v, want NOT_YOUR_CUSTOMER", err)
	}
	bare := viewer.NewContext(context.Background(), &viewer.Viewer{Subject: "s", TenantID: f.tenantID, CustomerID: f.mine})
	if _, err := f.svc.AcceptConsents(bare, onboarding.Origin{}, in(f.mine)); reasonOf(err) != vocab.ReasonNotYourCustomer {
		t.Fatalf("a session without customer:self: %v, want NOT_YOUR_CUSTOMER", err)
	}
	if n := f.svc.Client.Consent.Query().Where(consent.CustomerIDIn(f.mine, f.theirs)).CountX(f.platform); n != 0 {
		t.Fatalf("refused acceptances wrote %d consents", n)
	}
}

package server_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"

	"onboard/ent/consentdocument"
	"onboard/ent/customer"
	"onboard/ent/customerevent"
	"onboard/ent/employee"
	"onboard/ent/idempotencyrecord"
	"onboard/ent/loginthrottle"
	"onboard/ent/person"
	"onboard/ent/representative"
	"onboard/internal/onboarding"
	"onboard/internal/sessions"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
	"onboard/schema"
	"onboard/schema/schematype"
)

// erasePersonalData and exportPersonalData, end to end on the FinHub
// individual and the categorized FinHub organization.

const eraseMutation = `mutation Erase($input: ErasePersonalDataInput!) {
  erasePersonalData(input: $input) {
    customer { id status name erasedAt version registrationIP person { firstName lastName email } user { username email status } }
    erased { kind count }
  }
}`

type erasedPayload struct {
	ErasePersonalData struct {
		Customer struct {
			ID, Status, Name string
			ErasedAt         *string
			Version          int
			RegistrationIP   string
			Person           *struct{ FirstName, LastName, Email string }
			User             *struct{ Username, Email, Status string }
		}
		Erased []struct {
			Kind  string
			Count int
		}
	}
}

// erasureEnv is a tenant with the FinHub individual (with a document, a
// consent, a verification and a history) and the FinHub organization,
// and a token that may decide.
type erasureEnv struct {
	*registrationEnv
	individual, organization string
	decider                  string
}

func newErasureEnv(t *testing.T) *erasureEnv {
	t.Helper()
	env := newRegistrationEnv(t)
	var ind registered
	env.register(testutil.Fixture(t, "finhub-individual.json"), "User-Agent", "onboarding-form/2.1", "deviceId", "device-42").Into(t, &ind)
	var org registeredOrganization
	env.registerOrganization(testutil.Fixture(t, "finhub-organization-categorized.json")).Into(t, &org)
	e := &erasureEnv{registrationEnv: env, individual: ind.RegisterIndividual.ID, organization: org.RegisterOrganization.ID,
		decider: env.Token([]string{"acme"}, viewer.ScopeCustomersDecide, viewer.ScopeCustomersRead, viewer.ScopePIIRead)}
	ctx, c := env.As(env.tenantID), env.Client()
	// Every personal field of the individual holds a value, so that the
	// schema-driven check below has something to see erased.
	c.Customer.UpdateOneID(e.individual).SetTags([]string{"vip", "Marcus J."}).ExecX(ctx)
	p := c.Customer.QueryPerson(c.Customer.GetX(ctx, e.individual)).OnlyX(ctx)
	c.Person.UpdateOne(p).SetMiddleName("Aurelius").SetPlaceOfBirth("Vilnius").SetPhone("+37060012345").ExecX(ctx)
	for _, a := range c.Person.QueryAddresses(p).AllX(ctx) {
		c.Address.UpdateOne(a).SetLine2("Flat 4").SetAddressLine("123 Medium Risk Street, Flat 4, Compliance City").ExecX(ctx)
	}
	c.IdentityDocument.Create().SetPersonID(p.ID).SetType("PASSPORT").SetNumber("LT1234567").SetIssuingCountry("LT").ExecX(ctx)
	doc := c.ConsentDocument.Query().Where(consentdocument.Code("TERMS"), consentdocument.Version(1)).OnlyX(ctx) // the demo catalog's
	c.Consent.Create().SetCustomerID(e.individual).SetDocumentID(doc.ID).SetCode("TERMS").SetVersion(1).
		SetAcceptedBy("test").SetIP("198.51.100.7").SetUserAgent("MarcusPhone/1.0").ExecX(ctx)
	c.Verification.Create().SetCustomerID(e.individual).SetSubjectType("PERSON").SetSubjectID(p.ID).
		SetKind("IDENTITY").SetOutcome("PASSED").SetProvider("onfido").SetReference("chk_42").
		SetCheckedAt(time.Now().UTC()).ExecX(ctx)
	recordEvents(t, env.Env, env.tenantID, sampleHistory(e.individual)...)
	return e
}

func (e *erasureEnv) erase(token, customerID, reason string) *testutil.Response {
	return e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: eraseMutation,
		Variables: map[string]any{"input": map[string]any{"customerId": customerID, "reason": reason}}})
}

// close moves a customer to CLOSED directly: decisions are another part's.
func (e *erasureEnv) close(t *testing.T, id string) {
	t.Helper()
	e.Client().Customer.UpdateOneID(id).SetStatus(customer.StatusCLOSED).ExecX(e.As(e.tenantID))
}

// personalColumn is a column of personal data: table, column, and for the
// customer's name, that it is personal only for individuals.
type personalColumn struct {
	table, column   string
	individualsOnly bool
}

// unmarkedPersonal are the personal columns the schema cannot mark with
// schema.PersonalData (a date of birth is formatted by a hand-written
// field, a gender is an enum, a password hash is not in GraphQL, a
// nationality and tags are not marked): the erasure must clear them too.
// Tags are free text, which often holds names.
var unmarkedPersonal = []personalColumn{
	{table: "persons", column: "date_of_birth"},
	{table: "persons", column: "gender"},
	{table: "persons", column: "nationality"},
	{table: "customers", column: "tags"},
	{table: "users", column: "password_hash"},
}

// personalColumns walks the ent schema (../../schema, as entc loads it)
// for the fields that carry schema.PersonalData, and adds unmarkedPersonal.
func personalColumns(t *testing.T) []personalColumn {
	t.Helper()
	g, err := entc.LoadGraph(testutil.ModuleRoot(t)+"/schema", &gen.Config{})
	if err != nil {
		t.Fatalf("loading the ent schema: %v", err)
	}
	cols := slices.Clone(unmarkedPersonal)
	for _, n := range g.Nodes {
		for _, f := range n.Fields {
			gql, _ := f.Annotations["EntGQL"].(map[string]any)
			dirs, _ := gql["Directives"].([]any)
			for _, d := range dirs {
				d, _ := d.(map[string]any)
				if d["name"] != schema.PersonalDataDirective {
					continue
				}
				_, individualsOnly := d["arguments"]
				cols = append(cols, personalColumn{table: n.Table(), column: f.StorageKey(), individualsOnly: individualsOnly})
			}
		}
	}
	if len(cols) < 20 {
		t.Fatalf("only %d personal columns found: the walk does not see the marks", len(cols))
	}
	return cols
}

// personalValues reads every row's value of each personal column in the
// tenant: table.column → row id → value (NULL as "").
func (e *erasureEnv) personalValues(t *testing.T, cols []personalColumn) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, c := range cols {
		sel := entsql.Dialect(e.DB.Dialect).Select("id", c.column).From(entsql.Table(c.table)).Where(entsql.EQ("tenant_id", e.tenantID))
		if c.individualsOnly {
			sel.Where(entsql.EQ("type", string(schematype.CustomerTypeIndividual)))
		}
		query, args := sel.Query()
		rows, err := e.DB.SQL.Query(query, args...)
		if err != nil {
			t.Fatalf("reading %s.%s: %v", c.table, c.column, err)
		}
		key := c.table + "." + c.column
		out[key] = map[string]string{}
		for rows.Next() {
			var id string
			var v sql.NullString
			if err := rows.Scan(&id, &v); err != nil {
				t.Fatalf("scanning %s: %v", key, err)
			}
			out[key][id] = v.String
		}
		rows.Close()
	}
	return out
}

// isErased reports whether v is what an erasure leaves in row id.
func isErased(id, v string) bool {
	return v == "" || v == onboarding.Erased || v == onboarding.ErasedLogin(id)
}

// graphIDs are the ids of every row of customerID's graph that holds
// personal data: the customer, its persons (the individual's, the
// representatives', the employees'), their and the organization's
// addresses and contacts, the persons' documents, the login users, the
// organization, the consents.
func (e *erasureEnv) graphIDs(t *testing.T, customerID string) map[string]bool {
	t.Helper()
	ctx, c := e.As(e.tenantID), e.Client()
	ids := map[string]bool{customerID: true}
	add := func(list []string) {
		for _, id := range list {
			ids[id] = true
		}
	}
	cus := c.Customer.GetX(ctx, customerID)
	persons := c.Customer.QueryPerson(cus).IDsX(ctx)
	add(c.Customer.QueryUser(cus).IDsX(ctx))
	for _, cn := range c.Customer.QueryConsents(cus).IDsX(ctx) {
		ids[cn] = true
	}
	if org, err := c.Customer.QueryOrganization(cus).Only(ctx); err == nil {
		ids[org.ID] = true
		add(c.Organization.QueryAddresses(org).IDsX(ctx))
		add(c.Organization.QueryContacts(org).IDsX(ctx))
		persons = append(persons, c.Representative.Query().Where(representative.OrganizationID(org.ID)).QueryPerson().IDsX(ctx)...)
		persons = append(persons, c.Employee.Query().Where(employee.OrganizationID(org.ID)).QueryPerson().IDsX(ctx)...)
		add(c.Employee.Query().Where(employee.OrganizationID(org.ID)).QueryUser().IDsX(ctx))
	}
	add(persons)
	for _, p := range c.Person.Query().Where(person.IDIn(persons...)).AllX(ctx) {
		add(c.Person.QueryAddresses(p).IDsX(ctx))
		add(c.Person.QueryContacts(p).IDsX(ctx))
		add(c.Person.QueryIdentityDocuments(p).IDsX(ctx))
	}
	return ids
}

// checkErasure fails on any personal value left in a row of the erased
// graphs, and on any placeholder in a row of the others.
func (e *erasureEnv) checkErasure(t *testing.T, cols []personalColumn, erased map[string]bool) {
	t.Helper()
	for key, rows := range e.personalValues(t, cols) {
		for id, v := range rows {
			switch {
			case erased[id] && !isErased(id, v):
				t.Errorf("%s of %s still holds %q after the erasure", key, id, v)
			case !erased[id] && v != "" && isErased(id, v):
				t.Errorf("%s of %s, of a customer not erased, holds %q", key, id, v)
			}
		}
	}
	// The history's personal values and notes, which the column walk
	// cannot see inside the JSON.
	for _, ev := range e.Client().CustomerEvent.Query().AllX(e.As(e.tenantID)) {
		if !erased[ev.CustomerID] {
			continue
		}
		if ev.Note != "" {
			t.Errorf("event %s keeps its note", ev.ID)
		}
		for _, c := range ev.Changes {
			if c.Personal && (c.Before != nil || c.After != nil) {
				t.Errorf("event %s keeps the personal values of %s", ev.ID, c.Field)
			}
		}
	}
}

func TestErasePersonalData(t *testing.T) {
	cols := personalColumns(t)
	e := newErasureEnv(t)
	ctx, c := e.As(e.tenantID), e.Client()

	// Before: every personal column holds a value somewhere, so each is
	// seen erased below (a column never filled would pass unseen).
	for key, rows := range e.personalValues(t, cols) {
		filled := false
		for _, v := range rows {
			filled = filled || v != ""
		}
		if !filled {
			t.Errorf("%s holds no value before the erasure: the check would not see it", key)
		}
	}

	e.close(t, e.individual)
	versionBefore := c.Customer.GetX(ctx, e.individual).Version
	var got erasedPayload
	e.erase(e.decider, e.individual, "GDPR_REQUEST").Into(t, &got)
	p := got.ErasePersonalData
	want(t, "status", p.Customer.Status, "CLOSED")
	want(t, "name", p.Customer.Name, onboarding.Erased)
	if p.Customer.ErasedAt == nil || p.Customer.RegistrationIP != "" {
		t.Errorf("erasedAt %v, registrationIP %v", p.Customer.ErasedAt, p.Customer.RegistrationIP)
	}
	want(t, "person", fmt.Sprint(p.Customer.Person.FirstName, " ", p.Customer.Person.LastName, " ", p.Customer.Person.Email),
		onboarding.Erased+" "+onboarding.Erased+" ")
	userID := c.Customer.QueryUser(c.Customer.GetX(ctx, e.individual)).OnlyIDX(ctx)
	want(t, "user", fmt.Sprint(p.Customer.User.Username, " ", p.Customer.User.Email, " ", p.Customer.User.Status),
		onboarding.ErasedLogin(userID)+" "+onboarding.ErasedLogin(userID)+" CLOSED")
	want(t, "version", p.Customer.Version, versionBefore+1)
	counts := map[string]int{}
	for _, k := range p.Erased {
		counts[k.Kind] = k.Count
	}
	want(t, "counts", counts, map[string]int{"customers": 1, "persons": 1, "addresses": 1, "contacts": 2,
		"identityDocuments": 1, "users": 1, "consents": 1, "events": 2})

	// Every personal column of the individual's rows is erased, and the
	// organization's rows are untouched.
	e.checkErasure(t, cols, e.graphIDs(t, e.individual))

	// What the tenant must keep stays.
	v := c.Verification.Query().OnlyX(ctx)
	want(t, "verification", v.Reference+" "+string(v.Outcome)+" "+v.Provider, "chk_42 PASSED onfido")
	decision := c.CustomerEvent.Query().Where(customerevent.TypeEQ(schematype.EventCustomerStatusChanged)).OnlyX(ctx)
	want(t, "decision reason", decision.Reason, "DOCUMENTS_UNCLEAR")
	want(t, "decision change", *decision.Changes[0].After, "IN_REVIEW")
	update := c.CustomerEvent.Query().Where(customerevent.TypeEQ(schematype.EventCustomerUpdated)).AllX(ctx)
	for _, ev := range update {
		for _, ch := range ev.Changes {
			if !ch.Personal && ch.After == nil {
				t.Errorf("a non-personal change (%s) lost its value", ch.Field)
			}
		}
	}

	// The erasure's own event: who, why, how many of each kind.
	ev := c.CustomerEvent.Query().Where(customerevent.CustomerID(e.individual),
		customerevent.TypeEQ(schematype.EventPersonalDataErased)).OnlyX(ctx)
	want(t, "event", ev.Reason+" "+ev.Actor, "GDPR_REQUEST test")
	kinds := map[string]string{}
	for _, ch := range ev.Changes {
		kinds[ch.Field] = *ch.After
		if ch.Personal || ch.Before != nil {
			t.Errorf("the erasure's event holds %+v", ch)
		}
	}
	want(t, "event counts", kinds["erased.persons"]+" "+kinds["erased.contacts"], "1 2")

	// Once only.
	r := e.erase(e.decider, e.individual, "GDPR_REQUEST")
	wantRefusal(t, r, "CONFLICT", "ALREADY_ERASED")

	// The organization: its representatives' and employees' persons and
	// login users are erased, its business data kept.
	e.close(t, e.organization)
	orgName := c.Customer.GetX(ctx, e.organization).Name
	orgPersons := c.Person.Query().Where(person.Or(person.HasRepresentatives(), person.HasEmployments())).CountX(ctx)
	var org erasedPayload
	e.erase(e.decider, e.organization, "RETENTION_ENDED").Into(t, &org)
	erased := e.graphIDs(t, e.individual)
	for id := range e.graphIDs(t, e.organization) {
		erased[id] = true
	}
	e.checkErasure(t, cols, erased)
	o := c.Customer.QueryOrganization(c.Customer.GetX(ctx, e.organization)).OnlyX(ctx)
	want(t, "organization kept", o.LegalName+" / "+c.Customer.GetX(ctx, e.organization).Name, "Acme Corporation Limited / "+orgName)
	if o.RegistrationNumber == nil || *o.RegistrationNumber == "" || o.TaxID != "" {
		t.Errorf("organization: registration number %q, tax id %q", deref(o.RegistrationNumber), o.TaxID)
	}
	for _, k := range org.ErasePersonalData.Erased {
		if k.Kind == "persons" && (k.Count != orgPersons || k.Count < 2) {
			t.Errorf("the organization's persons erased: %d of %d", k.Count, orgPersons)
		}
	}
}

// wantRefusal fails unless r is one error of code and reason.
func wantRefusal(t *testing.T, r *testutil.Response, code, reason string) {
	t.Helper()
	if len(r.Errors) != 1 || r.Errors[0].Code() != code || r.Errors[0].Reason() != reason {
		t.Fatalf("want %s/%s: %s", code, reason, r.Raw)
	}
}

func TestErasePersonalDataRefusals(t *testing.T) {
	e := newErasureEnv(t)
	ctx, c := e.As(e.tenantID), e.Client()
	firstName := func() string {
		return c.Customer.QueryPerson(c.Customer.GetX(ctx, e.individual)).OnlyX(ctx).FirstName
	}

	t.Run("not closed", func(t *testing.T) {
		r := e.erase(e.decider, e.individual, "GDPR_REQUEST")
		wantRefusal(t, r, "CONFLICT", "NOT_ERASABLE")
		want(t, "status named", r.Errors[0].Extensions["status"], "PENDING_VERIFICATION")
		want(t, "first name kept", firstName(), "Marcus")
	})
	e.close(t, e.individual)
	for name, tc := range map[string]struct{ reason, want string }{
		"blank reason":    {"  ", "REQUIRED"},
		"long reason":     {strings.Repeat("R", schematype.MaxReasonCodeLen+1), "TOO_LONG"},
		"control in text": {"GDPR\x1b[31m", "CONTROL_CHARACTER"},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.erase(e.decider, e.individual, tc.reason)
			wantRefusal(t, r, "BAD_USER_INPUT", tc.want)
			want(t, "field", r.Errors[0].Field(), "reason")
			want(t, "first name kept", firstName(), "Marcus")
		})
	}
	t.Run("without customers:decide", func(t *testing.T) {
		manager := e.Token([]string{"acme"}, viewer.ScopeCustomersManage, viewer.ScopeCustomersRead, viewer.ScopePIIRead)
		r := e.erase(manager, e.individual, "GDPR_REQUEST")
		wantRefusal(t, r, "FORBIDDEN", "MISSING_SCOPE")
	})
	t.Run("unknown customer", func(t *testing.T) {
		r := e.erase(e.decider, "cus_01JD3T2Z8Q9X4M5N6P7R8S9T0V", "GDPR_REQUEST")
		wantRefusal(t, r, "NOT_FOUND", "NOT_FOUND")
	})
	t.Run("another tenant's customer", func(t *testing.T) {
		e.Tenant("other")
		other := e.Token([]string{"other"}, viewer.ScopeCustomersDecide, viewer.ScopeCustomersRead)
		r := e.Do(testutil.Request{Token: other, TenantKey: "other", Query: eraseMutation,
			Variables: map[string]any{"input": map[string]any{"customerId": e.individual, "reason": "GDPR_REQUEST"}}})
		wantRefusal(t, r, "NOT_FOUND", "NOT_FOUND")
		want(t, "first name kept", firstName(), "Marcus")
	})
}

// TestEraseRejectedApplicant: a rejected applicant's lifecycle has ended
// (REJECTED is terminal: it cannot be closed), so its data can be erased;
// a suspended customer's cannot, as it may be reinstated.
func TestEraseRejectedApplicant(t *testing.T) {
	e := newErasureEnv(t)
	r := e.Do(testutil.Request{Token: e.decider, TenantKey: "acme",
		Query:     `mutation($input: CustomerDecisionInput!) { rejectCustomer(input: $input) { customer { status } } }`,
		Variables: map[string]any{"input": map[string]any{"customerId": e.individual, "reasonCode": "FAILED_KYC"}}})
	if len(r.Errors) > 0 {
		t.Fatalf("rejecting: %s", r.Raw)
	}
	if r := e.erase(e.decider, e.individual, "GDPR_REQUEST"); len(r.Errors) > 0 {
		t.Fatalf("erasing a rejected applicant: %s", r.Raw)
	}
	ctx, c := e.As(e.tenantID), e.Client()
	if p := c.Customer.QueryPerson(c.Customer.GetX(ctx, e.individual)).OnlyX(ctx); p.FirstName != onboarding.Erased {
		t.Errorf("the rejected applicant's first name is %q after the erasure", p.FirstName)
	}
}

// Two erasures of one customer at once: exactly one erases, the other is
// ALREADY_ERASED, and there is one erasure event.
func TestConcurrentErasures(t *testing.T) {
	e := newErasureEnv(t)
	e.close(t, e.individual)
	const n = 4
	results := make([]*testutil.Response, n)
	atOnce(n, func(i int) { results[i] = e.erase(e.decider, e.individual, "GDPR_REQUEST") })
	ok := 0
	for _, r := range results {
		switch {
		case len(r.Errors) == 0:
			ok++
		case len(r.Errors) == 1 && r.Errors[0].Reason() == "ALREADY_ERASED":
		default:
			t.Errorf("unexpected answer: %s", r.Raw)
		}
	}
	want(t, "erasures that won", ok, 1)
	events := e.Client().CustomerEvent.Query().Where(customerevent.TypeEQ(schematype.EventPersonalDataErased)).CountX(e.As(e.tenantID))
	want(t, "erasure events", events, 1)
}

const exportQuery = `query Export($id: ID!) { exportPersonalData(customerId: $id) }`

func (e *erasureEnv) export(token, tenantKey, id string) *testutil.Response {
	return e.Do(testutil.Request{Token: token, TenantKey: tenantKey, Query: exportQuery, Variables: map[string]any{"id": id}})
}

func TestExportPersonalData(t *testing.T) {
	e := newErasureEnv(t)
	exporter := e.Token([]string{"acme"}, viewer.ScopeCustomersManage, viewer.ScopePIIRead)
	r := e.export(exporter, "acme", e.individual)
	var data struct{ ExportPersonalData map[string]any }
	r.Into(t, &data)
	doc := data.ExportPersonalData
	want(t, "format", doc["format"], onboarding.ExportFormat)
	want(t, "customer", testutil.Dig(doc, "customer", "id"), e.individual)
	want(t, "person", fmt.Sprint(testutil.Dig(doc, "person", "first_name"), " ", testutil.Dig(doc, "person", "last_name")), "Marcus Jensen")
	want(t, "street", testutil.Dig(doc, "person", "edges", "addresses", 0, "street"), "123 Medium Risk Street")
	want(t, "document", testutil.Dig(doc, "person", "edges", "identity_documents", 0, "number"), "LT1234567")
	want(t, "user", testutil.Dig(doc, "user", "username"), "marcus.jensen@example.com")
	want(t, "organization", doc["organization"], nil)
	want(t, "consent ip", testutil.Dig(doc, "consents", 0, "ip"), "198.51.100.7")
	want(t, "verification", testutil.Dig(doc, "verifications", 0, "reference"), "chk_42")
	want(t, "features", len(doc["features"].([]any)), 1)
	history, _ := doc["history"].([]any)
	// The registration's own event, then the sample's.
	want(t, "history", len(history), 1+len(sampleHistory(e.individual)))
	want(t, "oldest first", testutil.Dig(history, 0, "type"), schematype.EventCustomerRegistered)
	want(t, "then", testutil.Dig(history, 1, "type"), schematype.EventCustomerUpdated)
	want(t, "changes", testutil.Dig(history, 2, "changes", 0, "before"), "Jensen")
	for _, leak := range []string{"argon2", "password_hash", "subject_digest", "Acme Corporation", "john.doe@acmecorp.com", "admin@acmecorp.com"} {
		if strings.Contains(r.Raw, leak) {
			t.Errorf("the export holds %q", leak)
		}
	}
	// A stable shape: the top-level keys, in this order.
	var keys []string
	dec := json.NewDecoder(strings.NewReader(string(mustField(t, r.Data, "exportPersonalData"))))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	want(t, "keys", keys, []string{"format", "exportedAt", "customer", "person", "organization", "user", "features", "verifications", "consents", "history"})

	// The organization's export has its representatives and employees.
	var orgData struct{ ExportPersonalData map[string]any }
	e.export(exporter, "acme", e.organization).Into(t, &orgData)
	want(t, "legal name", testutil.Dig(orgData.ExportPersonalData, "organization", "legal_name"), "Acme Corporation Limited")
	if reps, _ := testutil.Dig(orgData.ExportPersonalData, "organization", "edges", "representatives").([]any); len(reps) == 0 {
		t.Errorf("no representatives in the organization's export")
	}
	if strings.Contains(fmt.Sprint(orgData), "Marcus") {
		t.Errorf("the organization's export holds the individual's data")
	}

	// After an erasure the export holds nothing of the person.
	e.close(t, e.individual)
	e.erase(e.decider, e.individual, "GDPR_REQUEST").Into(t, &erasedPayload{})
	after := e.export(exporter, "acme", e.individual)
	for _, leak := range []string{"Marcus", "Jensen", "marcus.jensen", "123 Medium Risk", "LT1234567", "198.51.100.7"} {
		if strings.Contains(after.Raw, leak) {
			t.Errorf("the export after the erasure holds %q", leak)
		}
	}
}

func TestExportPersonalDataRefusals(t *testing.T) {
	e := newErasureEnv(t)
	for name, tc := range map[string]struct {
		scopes       []string
		code, reason string
	}{
		"without pii:read":         {[]string{viewer.ScopeCustomersManage, viewer.ScopeCustomersRead}, "FORBIDDEN", "MISSING_SCOPE"},
		"without customers:manage": {[]string{viewer.ScopeCustomersRead, viewer.ScopePIIRead}, "FORBIDDEN", "MISSING_SCOPE"},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.export(e.Token([]string{"acme"}, tc.scopes...), "acme", e.individual)
			wantRefusal(t, r, tc.code, tc.reason)
			if strings.Contains(r.Raw, "Marcus") {
				t.Errorf("refused export leaks: %s", r.Raw)
			}
		})
	}
	t.Run("another tenant's customer", func(t *testing.T) {
		e.Tenant("other")
		other := e.Token([]string{"other"}, viewer.ScopeCustomersManage, viewer.ScopePIIRead)
		r := e.export(other, "other", e.individual)
		wantRefusal(t, r, "NOT_FOUND", "NOT_FOUND")
	})
	t.Run("unknown customer", func(t *testing.T) {
		r := e.export(e.Token([]string{"acme"}, viewer.ScopeCustomersManage, viewer.ScopePIIRead), "acme", "cus_01JD3T2Z8Q9X4M5N6P7R8S9T0V")
		wantRefusal(t, r, "NOT_FOUND", "NOT_FOUND")
	})
}

// mustField returns the raw JSON of data's field name.
func mustField(t *testing.T, data json.RawMessage, name string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m[name]
}

// closedCustomer writes a CLOSED individual customer in tenantID directly
// (decisions are another part's), for the hostile suite's erasure inputs:
// each erasure that succeeds consumes its customer. The suite's row counts
// are reset, as after any setup request.
func (e *hostileEnv) closedCustomer(t *testing.T, tenantID string, n int64) string {
	t.Helper()
	e.counts = nil
	return e.Client().Customer.Create().SetType(schematype.CustomerTypeIndividual).
		SetName(fmt.Sprintf("Closed %d", n)).SetStatus(customer.StatusCLOSED).SaveX(e.As(tenantID)).ID
}

// loginlessCustomer writes an individual customer without a login in
// tenantID directly and returns a valid addCustomerLogin input for it, for
// the hostile suites: each login added consumes its customer. The suite's
// row counts are reset, as after any setup request.
func (e *hostileEnv) loginlessCustomer(t *testing.T, tenantID string, n int64) map[string]any {
	t.Helper()
	e.counts = nil
	id := e.Client().Customer.Create().SetType(schematype.CustomerTypeIndividual).
		SetName(fmt.Sprintf("Loginless %d", n)).SaveX(e.As(tenantID)).ID
	return map[string]any{"customerId": id, "email": fmt.Sprintf("login%d@example.com", n),
		"username": fmt.Sprintf("login%d", n), "password": fixturePassword, "matchingPassword": fixturePassword,
		"roles": []any{"USER"}}
}

// TestErasureDropsLoginTraces: an erasure deletes the customer's
// idempotency records (they hold a hash of its whole registration input)
// and its username's login throttle row (keyed by a hash of the username),
// and leaves another customer's alone.
func TestErasureDropsLoginTraces(t *testing.T) {
	e := newErasureEnv(t)
	ctx, c := e.As(e.tenantID), e.Client()
	in := hostileClone(testutil.Fixture(t, "finhub-individual.json"))
	hostileReplaceStrings(in, "marcus.jensen@", "traces@")
	var got registered
	e.register(in, "Idempotency-Key", "erasure-traces-1").Into(t, &got)
	id := got.RegisterIndividual.ID
	other := hostileClone(testutil.Fixture(t, "finhub-individual.json"))
	hostileReplaceStrings(other, "marcus.jensen@", "kept@")
	e.register(other, "Idempotency-Key", "erasure-traces-2").Into(t, &got)
	username := c.Customer.QueryUser(c.Customer.GetX(ctx, id)).OnlyX(ctx).Username
	for _, u := range []string{username, "kept@example.com"} {
		c.LoginThrottle.Create().SetKey(sessions.ThrottleKey(sessions.KindUsername, u)).
			SetFailures(2).SetWindowStartedAt(time.Now()).ExecX(ctx)
	}

	e.close(t, id)
	var erased erasedPayload
	e.erase(e.decider, id, "GDPR_REQUEST").Into(t, &erased)

	want(t, "idempotency records of the erased", c.IdempotencyRecord.Query().Where(idempotencyrecord.CustomerID(id)).CountX(ctx), 0)
	want(t, "idempotency records of the other", c.IdempotencyRecord.Query().Where(idempotencyrecord.Key("erasure-traces-2")).CountX(ctx), 1)
	want(t, "throttle of the erased", c.LoginThrottle.Query().Where(loginthrottle.Key(sessions.ThrottleKey(sessions.KindUsername, username))).CountX(ctx), 0)
	want(t, "throttle of the other", c.LoginThrottle.Query().Where(loginthrottle.Key(sessions.ThrottleKey(sessions.KindUsername, "kept@example.com"))).CountX(ctx), 1)
}

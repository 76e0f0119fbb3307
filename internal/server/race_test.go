package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"onboard/ent"
	"onboard/ent/address"
	"onboard/ent/contact"
	"onboard/ent/representative"
	"onboard/internal/apperr"
	"onboard/internal/catalog"
	"onboard/internal/testutil"
	"onboard/schema/schematype"
)

// The tests in this file release racers requests at once (every goroutine
// builds its request, then waits for one closed channel) through the real
// handler, and then count rows in SQL: each invariant must hold however the
// requests interleave, and every request must end in a documented outcome,
// never INTERNAL. On SQLite the transactions run one at a time
// (_txlock=immediate), so the tests bite on PostgreSQL
// (TEST_DATABASE_URL); they must pass on both.

// racers is how many requests each race releases at once.
const racers = 20

// atOnce runs f(0), …, f(n-1) in n goroutines held until all of them are
// started, then released together, and waits for them: a race test whose
// calls went one after the other would pass with the lock it checks
// missing. race does the same for plain requests.
func atOnce(n int, f func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			f(i)
		})
	}
	close(start)
	wg.Wait()
}

// raceOutcome is how one racing request ended: "OK", or the code and
// reason of its single error ("CONFLICT ALREADY_EXISTS"), or the whole body
// when it carried several errors or none could be read.
type raceOutcome string

// race sends the requests at once and returns how each ended, in order.
func race(t *testing.T, env *testutil.Env, reqs []testutil.Request) []raceOutcome {
	t.Helper()
	out := make([]raceOutcome, len(reqs))
	start := make(chan struct{})
	var ready, done sync.WaitGroup
	for i, req := range reqs {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			r := req.HTTP()
			w := httptest.NewRecorder()
			ready.Done()
			<-start
			env.Handler.ServeHTTP(w, r)
			out[i] = outcomeOf(w)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return out
}

func outcomeOf(w *httptest.ResponseRecorder) raceOutcome {
	var resp testutil.Response
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		return raceOutcome(fmt.Sprintf("status %d, not JSON: %s", w.Code, w.Body.String()))
	}
	switch {
	case len(resp.Errors) == 0 && w.Code == http.StatusOK:
		return "OK"
	case len(resp.Errors) == 1:
		return raceOutcome(resp.Errors[0].Code() + " " + resp.Errors[0].Reason())
	}
	return raceOutcome(fmt.Sprintf("status %d: %s", w.Code, w.Body.String()))
}

// tally counts the outcomes and fails the test on any outside allowed.
func tally(t *testing.T, outcomes []raceOutcome, allowed ...raceOutcome) map[raceOutcome]int {
	t.Helper()
	n := map[raceOutcome]int{}
	for _, o := range outcomes {
		n[o]++
	}
	var unexpected []string
	for o, k := range n {
		if !contains(allowed, o) {
			unexpected = append(unexpected, fmt.Sprintf("%d× %s", k, o))
		}
	}
	sort.Strings(unexpected)
	if len(unexpected) > 0 {
		t.Errorf("unexpected outcomes (allowed: %v): %s", allowed, strings.Join(unexpected, "; "))
	}
	return n
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// countSQL runs a SELECT count(*) … written with ? placeholders straight
// on the database (no ent, no privacy filter: the rows as they are).
func countSQL(t *testing.T, env *testutil.Env, query string, args ...any) int {
	t.Helper()
	if env.DB.Dialect == dialect.Postgres {
		var b strings.Builder
		n := 0
		for _, r := range query {
			if r == '?' {
				n++
				b.WriteString("$" + strconv.Itoa(n))
				continue
			}
			b.WriteRune(r)
		}
		query = b.String()
	}
	var n int
	if err := env.DB.SQL.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// catalogEnv is a fresh tenant "acme" and a token that may write its
// catalog.
type catalogEnv struct {
	*testutil.Env
	tenantID, token string
}

func newCatalogEnv(t *testing.T) *catalogEnv {
	t.Helper()
	env := testutil.New(t)
	id := env.Tenant("acme")
	return &catalogEnv{Env: env, tenantID: id, token: env.Token([]string{"acme"}, testutil.AllScopes...)}
}

// request is a request of the catalog token in acme.
func (e *catalogEnv) request(query string, input map[string]any) testutil.Request {
	return testutil.Request{Token: e.token, TenantKey: "acme", Query: query, Variables: map[string]any{"input": input}}
}

// createCategory creates a category and returns its id.
func (e *catalogEnv) createCategory(t *testing.T, input map[string]any) string {
	t.Helper()
	var data struct {
		CreateCategory struct{ Category struct{ ID string } }
	}
	e.Do(e.request(createCategoryMutation, input)).Into(t, &data)
	return data.CreateCategory.Category.ID
}

const (
	createCategoryMutation = `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id isDefault } } }`
	updateCategoryMutation = `mutation($input: UpdateCategoryInput!) { updateCategory(input: $input) { category { id isDefault isActive } } }`
)

// defaults counts the tenant's default categories of a customer type.
func (e *catalogEnv) defaults(t *testing.T, customerType string) int {
	t.Helper()
	return countSQL(t, e.Env, `SELECT count(*) FROM categories WHERE tenant_id = ? AND customer_type = ? AND is_default`,
		e.tenantID, customerType)
}

// TestRaceCreateDefaultCategory creates 20 default categories of one
// customer type at once: the last one wins, every create succeeds, and
// exactly one default remains.
func TestRaceCreateDefaultCategory(t *testing.T) {
	env := newCatalogEnv(t)
	env.createCategory(t, map[string]any{"code": "FIRST", "name": "First", "customerType": "INDIVIDUAL", "isDefault": true})
	reqs := make([]testutil.Request, racers)
	for i := range reqs {
		reqs[i] = env.request(createCategoryMutation, map[string]any{"code": fmt.Sprintf("C%02d", i), "name": "Racer",
			"customerType": "INDIVIDUAL", "isDefault": true})
	}
	n := tally(t, race(t, env.Env, reqs), "OK")
	want(t, "creates that succeeded", n["OK"], racers)
	want(t, "individual defaults", env.defaults(t, "INDIVIDUAL"), 1)
	want(t, "categories", countSQL(t, env.Env, `SELECT count(*) FROM categories WHERE tenant_id = ?`, env.tenantID), racers+1)

	// A registration naming no category gets that one default.
	var code string
	if err := env.DB.SQL.QueryRow(`SELECT code FROM categories WHERE is_default`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	in := testutil.Fixture(t, "finhub-individual.json")
	set(t, in, "customerCategory", nil)
	set(t, in, "individualCustomer.categorization", nil)
	var got registered
	env.Do(testutil.Request{Token: env.token, TenantKey: "acme", Query: registerIndividual, Variables: map[string]any{"input": in}}).Into(t, &got)
	if c := got.RegisterIndividual.Customer.Category; c == nil || c.Code != code {
		t.Errorf("a registration naming no category got %+v, want the default %s", c, code)
	}
}

// TestRaceUpdateDefaultCategory makes 20 categories the default at once
// with updateCategory: the last one wins, exactly one default remains.
func TestRaceUpdateDefaultCategory(t *testing.T) {
	env := newCatalogEnv(t)
	reqs := make([]testutil.Request, racers)
	for i := range reqs {
		id := env.createCategory(t, map[string]any{"code": fmt.Sprintf("C%02d", i), "name": "Racer", "customerType": "ORGANIZATION"})
		reqs[i] = env.request(updateCategoryMutation, map[string]any{"id": id, "isDefault": true})
	}
	n := tally(t, race(t, env.Env, reqs), "OK")
	want(t, "updates that succeeded", n["OK"], racers)
	want(t, "organization defaults", env.defaults(t, "ORGANIZATION"), 1)
}

// TestRaceDefaultCategoryStaysActive races "make it the default" against
// "deactivate it" on one category, 10 of each. Whichever kind comes first
// wins: the default cannot be deactivated and an inactive category cannot
// become the default, so the other kind is INACTIVE_DEFAULT every time. Each
// change is checked against what the others stored, so no change that
// answered OK is lost and the category never ends up an inactive default.
func TestRaceDefaultCategoryStaysActive(t *testing.T) {
	env := newCatalogEnv(t)
	id := env.createCategory(t, map[string]any{"code": "BOTH", "name": "Both", "customerType": "INDIVIDUAL"})
	reqs := make([]testutil.Request, racers)
	for i := range reqs {
		input := map[string]any{"id": id, "isDefault": true}
		if i%2 == 1 {
			input = map[string]any{"id": id, "isActive": false}
		}
		reqs[i] = env.request(updateCategoryMutation, input)
	}
	outcomes := race(t, env.Env, reqs)
	tally(t, outcomes, "OK", "BAD_USER_INPUT INACTIVE_DEFAULT")
	var madeDefault, deactivated int
	for i, o := range outcomes {
		switch {
		case o != "OK":
		case i%2 == 0:
			madeDefault++
		default:
			deactivated++
		}
	}
	if madeDefault*deactivated != 0 || madeDefault+deactivated != racers/2 {
		t.Errorf("%d made it the default and %d deactivated it; want one kind, all %d of it", madeDefault, deactivated, racers/2)
	}
	var isDefault, isActive bool
	if err := env.DB.SQL.QueryRow(`SELECT is_default, is_active FROM categories WHERE code = 'BOTH'`).Scan(&isDefault, &isActive); err != nil {
		t.Fatal(err)
	}
	want(t, "stored default, active", [2]bool{isDefault, isActive}, [2]bool{madeDefault > 0, madeDefault > 0})
}

// TestRaceCategoryParentCycle makes A the parent of B and B the parent of
// A at once: each change checks the hierarchy the other stored, so no
// cycle is ever stored.
func TestRaceCategoryParentCycle(t *testing.T) {
	env := newCatalogEnv(t)
	a := env.createCategory(t, map[string]any{"code": "A", "name": "A", "customerType": "INDIVIDUAL"})
	b := env.createCategory(t, map[string]any{"code": "B", "name": "B", "customerType": "INDIVIDUAL"})
	reqs := make([]testutil.Request, racers)
	for i := range reqs {
		input := map[string]any{"id": a, "parentId": b}
		if i%2 == 1 {
			input = map[string]any{"id": b, "parentId": a}
		}
		reqs[i] = env.request(updateCategoryMutation, input)
	}
	n := tally(t, race(t, env.Env, reqs), "OK", "BAD_USER_INPUT CYCLE")
	if n["OK"] == 0 {
		t.Errorf("no update succeeded")
	}
	want(t, "categories in a cycle", countSQL(t, env.Env, `SELECT count(*) FROM categories c
		JOIN categories p ON p.id = c.parent_id WHERE c.tenant_id = ? AND p.parent_id = c.id`, env.tenantID), 0)
}

// TestRaceCategoryFeatureRelations replaces one category's features with
// the same feature 20 times at once: each replacement is a whole, so every
// request succeeds and the category holds the feature once.
func TestRaceCategoryFeatureRelations(t *testing.T) {
	env := newCatalogEnv(t)
	env.Do(env.request(`mutation($input: CreateFeatureInput!) { createFeature(input: $input) { feature { id } } }`,
		map[string]any{"code": "LIMITS", "name": "Limits"})).Into(t, &struct{}{})
	id := env.createCategory(t, map[string]any{"code": "CAT", "name": "Cat", "customerType": "INDIVIDUAL"})
	reqs := make([]testutil.Request, racers)
	for i := range reqs {
		reqs[i] = env.request(updateCategoryMutation, map[string]any{"id": id, "features": []any{map[string]any{"featureCode": "LIMITS"}}})
	}
	n := tally(t, race(t, env.Env, reqs), "OK")
	want(t, "updates that succeeded", n["OK"], racers)
	want(t, "relations", countSQL(t, env.Env, `SELECT count(*) FROM feature_relations WHERE category_id = ?`, id), 1)
}

// TestRaceCatalogCodes creates 20 objects with one code (or external id)
// at once: one is created, the others are CONFLICT ALREADY_EXISTS.
func TestRaceCatalogCodes(t *testing.T) {
	const (
		createFeature = `mutation($input: CreateFeatureInput!) { createFeature(input: $input) { feature { id } } }`
		createRole    = `mutation($input: CreateRoleInput!) { createRole(input: $input) { role { id } } }`
	)
	for _, tc := range []struct {
		name, query, table string
		input              func(i int) map[string]any
	}{
		{"category code", createCategoryMutation, "categories", func(int) map[string]any {
			return map[string]any{"code": "SAME", "name": "Same", "customerType": "INDIVIDUAL"}
		}},
		{"category external id", createCategoryMutation, "categories", func(i int) map[string]any {
			return map[string]any{"code": fmt.Sprintf("C%02d", i), "externalId": "same-ext", "name": "Same", "customerType": "INDIVIDUAL"}
		}},
		{"feature code", createFeature, "features", func(int) map[string]any {
			return map[string]any{"code": "SAME", "name": "Same"}
		}},
		{"feature external id", createFeature, "features", func(i int) map[string]any {
			return map[string]any{"code": fmt.Sprintf("F%02d", i), "externalId": "same-ext", "name": "Same"}
		}},
		{"role code", createRole, "roles", func(int) map[string]any {
			return map[string]any{"code": "SAME", "name": "Same"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newCatalogEnv(t)
			before := countSQL(t, env.Env, `SELECT count(*) FROM `+tc.table+` WHERE tenant_id = ?`, env.tenantID)
			reqs := make([]testutil.Request, racers)
			for i := range reqs {
				reqs[i] = env.request(tc.query, tc.input(i))
			}
			n := tally(t, race(t, env.Env, reqs), "OK", "CONFLICT ALREADY_EXISTS")
			want(t, "creates that succeeded", n["OK"], 1)
			want(t, "rows created", countSQL(t, env.Env, `SELECT count(*) FROM `+tc.table+` WHERE tenant_id = ?`, env.tenantID)-before, 1)
		})
	}
}

// TestRaceTenantKey creates 20 tenants with one key at once: one is
// created with its standard roles, the others are CONFLICT ALREADY_EXISTS
// and leave no role behind.
func TestRaceTenantKey(t *testing.T) {
	env := testutil.New(t)
	op := env.Token([]string{"*"}, "tenants:admin")
	reqs := make([]testutil.Request, racers)
	for i := range reqs {
		reqs[i] = testutil.Request{Token: op, Query: `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } } }`,
			Variables: map[string]any{"input": map[string]any{"key": "same", "name": "Same"}}}
	}
	n := tally(t, race(t, env, reqs), "OK", "CONFLICT ALREADY_EXISTS")
	want(t, "creates that succeeded", n["OK"], 1)
	want(t, "tenants", countSQL(t, env, `SELECT count(*) FROM tenants`), 1)
	want(t, "roles", countSQL(t, env, `SELECT count(*) FROM roles`), len(catalog.StandardRoles))
}

// managerRequest is a management mutation of the registration env's
// manager token.
func (e *registrationEnv) managerRequest(op string, input map[string]any) testutil.Request {
	return testutil.Request{Token: e.manager, TenantKey: "acme", Query: memberQueries[op], Variables: map[string]any{"input": input}}
}

// primaryOwners counts an organization's primary owners.
func primaryOwners(t *testing.T, env *testutil.Env, orgID string) int {
	t.Helper()
	return countSQL(t, env, `SELECT count(*) FROM representatives WHERE organization_id = ? AND is_primary_owner`, orgID)
}

// TestRacePrimaryOwner makes 20 representatives the primary owner at
// once, by adding new ones and by updating stored ones: the organization's
// lock lets one through, the others are MULTIPLE_PRIMARY_OWNERS, and the
// organization has exactly one primary owner.
func TestRacePrimaryOwner(t *testing.T) {
	t.Run("addRepresentative", func(t *testing.T) {
		env := newRegistrationEnv(t)
		var got registeredOrganization
		env.registerOrganization(testutil.Fixture(t, "finhub-organization.json")).Into(t, &got) // one director, no owner
		orgID := got.RegisterOrganization.OrganizationID
		reqs := make([]testutil.Request, racers)
		for i := range reqs {
			rep := newRepresentative(1)
			rep["isPrimaryOwner"] = true
			reqs[i] = env.managerRequest("addRepresentative", map[string]any{"organizationId": orgID, "representative": rep})
		}
		n := tally(t, race(t, env.Env, reqs), "OK", "BAD_USER_INPUT MULTIPLE_PRIMARY_OWNERS")
		want(t, "adds that succeeded", n["OK"], 1)
		want(t, "primary owners", primaryOwners(t, env.Env, orgID), 1)
	})
	t.Run("updateRepresentative", func(t *testing.T) {
		env := newRegistrationEnv(t)
		var got registeredOrganization
		env.registerOrganization(testutil.Fixture(t, "finhub-organization.json")).Into(t, &got)
		orgID := got.RegisterOrganization.OrganizationID
		reqs := make([]testutil.Request, racers)
		for i := range reqs {
			added := env.managed(t, "addRepresentative", map[string]any{"organizationId": orgID, "representative": newRepresentative(1)})
			reqs[i] = env.managerRequest("updateRepresentative", map[string]any{"id": added.Representative.ID, "isPrimaryOwner": true})
		}
		n := tally(t, race(t, env.Env, reqs), "OK", "BAD_USER_INPUT MULTIPLE_PRIMARY_OWNERS")
		want(t, "updates that succeeded", n["OK"], 1)
		want(t, "primary owners", primaryOwners(t, env.Env, orgID), 1)
	})
}

// TestRaceLastAdmin takes ADMIN_USER from all ten admins of an
// organization at once, each twice (once demoted, once removed): the
// organization's lock makes each change see the others, so exactly one
// admin remains.
func TestRaceLastAdmin(t *testing.T) {
	env := newRegistrationEnv(t)
	m := env.registerMembers(t)
	admins := []string{m.admin}
	for i := range 9 {
		added := env.managed(t, "addEmployee", map[string]any{"organizationId": m.orgID, "employee": map[string]any{
			"person": map[string]any{"firstName": "Admin", "lastName": strconv.Itoa(i)}, "role": "ADMIN_USER"}})
		admins = append(admins, added.Employee.ID)
	}
	count := func() int {
		return countSQL(t, env.Env, `SELECT count(*) FROM employees e JOIN employee_roles er ON er.employee_id = e.id
			JOIN roles r ON r.id = er.role_id WHERE e.organization_id = ? AND r.code = 'ADMIN_USER'`, m.orgID)
	}
	want(t, "admins before", count(), len(admins))
	reqs := make([]testutil.Request, racers)
	for i := range reqs {
		id := admins[i%len(admins)]
		if i < len(admins) {
			reqs[i] = env.managerRequest("updateEmployee", map[string]any{"id": id, "roles": []any{"EMPLOYEE"}})
		} else {
			reqs[i] = env.managerRequest("removeEmployee", map[string]any{"id": id})
		}
	}
	n := tally(t, race(t, env.Env, reqs), "OK", "BAD_USER_INPUT MISSING_REQUIRED_ROLE", "NOT_FOUND NOT_FOUND")
	if n["OK"] < len(admins)-1 {
		t.Errorf("%d changes succeeded, want at least %d: %v", n["OK"], len(admins)-1, n)
	}
	want(t, "admins after", count(), 1)
}

// TestRacePrimaryAddressesAndContacts adds 20 employees to one
// organization at once, each with two addresses and two phone numbers of
// one type, one of each primary: every person and the organization end with
// exactly one primary address and at most one primary contact of each
// type. (No operation adds addresses or contacts to a stored person or
// organization: each owner's come with it in one transaction, which is why
// the rule cannot race today; the database keeps it regardless, see
// TestDatabaseKeepsOnePrimary.)
func TestRacePrimaryAddressesAndContacts(t *testing.T) {
	env := newRegistrationEnv(t)
	m := env.registerMembers(t)
	reqs := make([]testutil.Request, racers)
	for i := range reqs {
		reqs[i] = env.managerRequest("addEmployee", map[string]any{"organizationId": m.orgID, "employee": map[string]any{
			"person": map[string]any{"firstName": "Racer", "lastName": strconv.Itoa(i), "nationality": "LT",
				"addresses": []any{map[string]any{"street": "1 Home St", "city": "Vilnius", "country": "LT"}}},
			"addresses": []any{map[string]any{"street": "2 Work St", "city": "Vilnius", "country": "LT", "isPrimary": true}},
			"telephoneNumbers": []any{
				map[string]any{"number": fmt.Sprintf("+3706%07d", i), "phoneType": "MOBILE", "isPrimary": true},
				map[string]any{"number": fmt.Sprintf("+3706%07d", 100+i), "phoneType": "MOBILE"},
			},
		}})
	}
	n := tally(t, race(t, env.Env, reqs), "OK")
	want(t, "adds that succeeded", n["OK"], racers)
	for _, owner := range []string{"person_addresses", "organization_addresses"} {
		want(t, "owners with several primary addresses ("+owner+")", countSQL(t, env.Env, `SELECT count(*) FROM (SELECT `+owner+
			` FROM addresses WHERE tenant_id = ? AND is_primary AND `+owner+` IS NOT NULL GROUP BY `+owner+` HAVING count(*) > 1) x`, env.tenantID), 0)
		want(t, "owners without a primary address ("+owner+")", countSQL(t, env.Env, `SELECT count(*) FROM (SELECT `+owner+
			` FROM addresses WHERE tenant_id = ? AND `+owner+` IS NOT NULL GROUP BY `+owner+` HAVING sum(CASE WHEN is_primary THEN 1 ELSE 0 END) = 0) x`, env.tenantID), 0)
	}
	for _, owner := range []string{"person_contacts", "organization_contacts"} {
		want(t, "owners with several primary contacts of a type ("+owner+")", countSQL(t, env.Env, `SELECT count(*) FROM (SELECT `+owner+
			`, type FROM contacts WHERE tenant_id = ? AND is_primary AND `+owner+` IS NOT NULL GROUP BY `+owner+`, type HAVING count(*) > 1) x`, env.tenantID), 0)
	}
	want(t, "racers' primary addresses", countSQL(t, env.Env, `SELECT count(*) FROM addresses a JOIN persons p ON p.id = a.person_addresses
		WHERE p.first_name = 'Racer' AND a.is_primary AND a.street = '2 Work St'`), racers)
	want(t, "racers' primary mobiles", countSQL(t, env.Env, `SELECT count(*) FROM contacts c JOIN persons p ON p.id = c.person_contacts
		WHERE p.first_name = 'Racer' AND c.is_primary AND c.type = 'MOBILE'`), racers)
}

// TestDatabaseKeepsOnePrimary writes second primaries straight through
// ent, past every check of the domain code: the partial unique indexes
// refuse each, and leave the rows that do not compete (a primary contact of
// another type, a non-primary address, another tenant's default) alone.
func TestDatabaseKeepsOnePrimary(t *testing.T) {
	env := testutil.New(t)
	ctx, c := env.As(env.Tenant("acme")), env.Client()
	other := env.As(env.Tenant("other"))
	per := c.Person.Create().SetFirstName("Ada").SetLastName("Lovelace").SaveX(ctx)
	org := c.Organization.Create().SetLegalName("Acme").SetRegistrationNumber("R-1").SaveX(ctx)

	addAddress := func(primary bool, owner func(*ent.AddressCreate) *ent.AddressCreate) error {
		return owner(c.Address.Create().SetType(address.TypeHOME).SetStreet("1 St").SetCity("Vilnius").
			SetCountry("LT").SetIsPrimary(primary)).Exec(ctx)
	}
	ofPerson := func(a *ent.AddressCreate) *ent.AddressCreate { return a.SetPersonID(per.ID) }
	ofOrg := func(a *ent.AddressCreate) *ent.AddressCreate { return a.SetOrganizationID(org.ID) }
	addContact := func(typ contact.Type, primary bool, owner func(*ent.ContactCreate) *ent.ContactCreate) error {
		return owner(c.Contact.Create().SetType(typ).SetValue("x").SetIsPrimary(primary)).Exec(ctx)
	}
	cOfPerson := func(k *ent.ContactCreate) *ent.ContactCreate { return k.SetPersonID(per.ID) }
	cOfOrg := func(k *ent.ContactCreate) *ent.ContactCreate { return k.SetOrganizationID(org.ID) }
	owner := func(primary bool) error {
		p := c.Person.Create().SetFirstName("Owner").SetLastName("X").SaveX(ctx)
		return c.Representative.Create().SetOrganizationID(org.ID).SetPersonID(p.ID).
			SetPosition(representative.PositionSHAREHOLDER).SetIsPrimaryOwner(primary).Exec(ctx)
	}
	defaultCategory := func(ctx context.Context, code string, t schematype.CustomerType, isDefault bool) error {
		return c.Category.Create().SetCode(code).SetName(code).SetCustomerType(t).SetIsDefault(isDefault).Exec(ctx)
	}

	for _, tc := range []struct {
		name         string
		first, again func() error
		// others must succeed after the refused second.
		others []func() error
	}{
		{"primary address of a person",
			func() error { return addAddress(true, ofPerson) }, func() error { return addAddress(true, ofPerson) },
			[]func() error{func() error { return addAddress(false, ofPerson) }}},
		{"primary address of an organization",
			func() error { return addAddress(true, ofOrg) }, func() error { return addAddress(true, ofOrg) },
			[]func() error{func() error { return addAddress(false, ofOrg) }}},
		{"primary e-mail of a person",
			func() error { return addContact(contact.TypeEMAIL, true, cOfPerson) }, func() error { return addContact(contact.TypeEMAIL, true, cOfPerson) },
			[]func() error{func() error { return addContact(contact.TypePHONE, true, cOfPerson) }, func() error { return addContact(contact.TypeEMAIL, false, cOfPerson) }}},
		{"primary phone of an organization",
			func() error { return addContact(contact.TypePHONE, true, cOfOrg) }, func() error { return addContact(contact.TypePHONE, true, cOfOrg) },
			[]func() error{func() error { return addContact(contact.TypeEMAIL, true, cOfOrg) }, func() error { return addContact(contact.TypePHONE, false, cOfOrg) }}},
		{"primary owner",
			func() error { return owner(true) }, func() error { return owner(true) },
			[]func() error{func() error { return owner(false) }}},
		{"default category",
			func() error { return defaultCategory(ctx, "D1", schematype.CustomerTypeIndividual, true) },
			func() error { return defaultCategory(ctx, "D2", schematype.CustomerTypeIndividual, true) },
			[]func() error{
				func() error { return defaultCategory(ctx, "D3", schematype.CustomerTypeIndividual, false) },
				func() error { return defaultCategory(ctx, "D4", schematype.CustomerTypeOrganization, true) },
				func() error { return defaultCategory(other, "D5", schematype.CustomerTypeIndividual, true) },
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.first(); err != nil {
				t.Fatalf("first: %v", err)
			}
			if _, unique := apperr.UniqueViolation(tc.again()); !unique {
				t.Errorf("the second was not refused by a unique index")
			}
			for i, f := range tc.others {
				if err := f(); err != nil {
					t.Errorf("other %d: %v", i, err)
				}
			}
		})
	}
}

// TestRaceChangeAgainstRemoval updates and removes one representative and
// one employee at once, 5 times each: every change either takes effect or
// finds its object gone (NOT_FOUND on id), including an update whose
// object is removed between its commit and the read of its payload.
func TestRaceChangeAgainstRemoval(t *testing.T) {
	env := newRegistrationEnv(t)
	m := env.registerMembers(t)
	reqs := make([]testutil.Request, 0, racers)
	for i := range racers / 4 {
		reqs = append(reqs,
			env.managerRequest("updateRepresentative", map[string]any{"id": m.john, "firstName": "J" + strconv.Itoa(i)}),
			env.managerRequest("removeRepresentative", map[string]any{"id": m.john}),
			env.managerRequest("updateEmployee", map[string]any{"id": m.finance, "department": "D" + strconv.Itoa(i)}),
			env.managerRequest("removeEmployee", map[string]any{"id": m.finance}))
	}
	n := tally(t, race(t, env.Env, reqs), "OK", "NOT_FOUND NOT_FOUND")
	if n["OK"] < 2 {
		t.Errorf("%d changes succeeded, want at least the two removals: %v", n["OK"], n)
	}
	want(t, "john and finance left", countSQL(t, env.Env, `SELECT count(*) FROM representatives WHERE id = ?`, m.john)+
		countSQL(t, env.Env, `SELECT count(*) FROM employees WHERE id = ?`, m.finance), 0)
}

// TestRaceRegistrationNumber registers 20 organizations with one
// registration number (and 20 different logins) at once: one is
// registered, the others are CONFLICT ALREADY_EXISTS, and nothing of theirs
// is left behind.
func TestRaceRegistrationNumber(t *testing.T) {
	env := newRegistrationEnv(t)
	reqs := make([]testutil.Request, racers)
	for i := range reqs {
		in := testutil.Fixture(t, "finhub-organization.json")
		login := fmt.Sprintf("racer%02d@example.com", i)
		for _, p := range []string{"email", "organizationCustomer.user.email", "organizationCustomer.user.username"} {
			set(t, in, p, login)
		}
		reqs[i] = testutil.Request{Token: env.token, TenantKey: "acme", Query: registerOrganization, Variables: map[string]any{"input": in}}
	}
	n := tally(t, race(t, env.Env, reqs), "OK", "CONFLICT ALREADY_EXISTS")
	want(t, "registrations that succeeded", n["OK"], 1)
	for _, table := range []string{"organizations", "customers", "users"} {
		want(t, table, countSQL(t, env.Env, `SELECT count(*) FROM `+table+` WHERE tenant_id = ?`, env.tenantID), 1)
	}
}

// TestCatalogLockLetsRegistrationsThrough registers a customer while
// another transaction holds the catalog's lock (the tenant's row FOR NO KEY
// UPDATE, see catalog.lockCatalog): inserting tenant-owned rows takes only
// FOR KEY SHARE on the tenant, which that lock does not block, so a slow
// catalog change never holds registrations up. PostgreSQL only: SQLite
// has no row locks, its writers take turns.
func TestCatalogLockLetsRegistrationsThrough(t *testing.T) {
	env := newRegistrationEnv(t)
	if env.DB.Dialect != dialect.Postgres {
		t.Skip("SQLite serializes all writers")
	}
	holder, err := env.DB.SQL.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback() //nolint:errcheck // only the lock mattered
	if _, err := holder.Exec(`SELECT id FROM tenants WHERE id = $1 FOR NO KEY UPDATE`, env.tenantID); err != nil {
		t.Fatal(err)
	}
	// A registration blocked by the lock would wait for ever: give it a
	// deadline, so that the test fails instead.
	body, _ := json.Marshal(map[string]any{"query": registerIndividual,
		"variables": map[string]any{"input": testutil.Fixture(t, "finhub-individual.json")}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+env.token)
	req.Header.Set("X-Tenant-ID", "acme")
	w := httptest.NewRecorder()
	env.Handler.ServeHTTP(w, req)
	if o := outcomeOf(w); o != "OK" {
		t.Fatalf("registration under the catalog lock: %s", o)
	}
}

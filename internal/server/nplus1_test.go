package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"onboard/ent"
	"onboard/ent/category"
	"onboard/ent/customer"
	"onboard/ent/feature"
	"onboard/ent/organization"
	"onboard/ent/possibleduplicate"
	"onboard/ent/role"
	"onboard/internal/demo"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// This file proves issue 5's cost rule: the SQL statements of a read
// depend on the query's shape, never on the page size. A BI tool pages
// through the whole nested graph of a tenant; one statement per row (an
// N+1) would turn a page of 200 customers into a thousand round trips.

// deepReadFragment is the deep BI selection of a customer: every edge the
// issue names (person → addresses, contacts, identity documents;
// organization → addresses, representatives → person and back to the
// organization, employees; category → nested customers connection with
// totalCount, featureRelations → feature; applied features with their
// parameters; user → roles), plus the PII fields whose resolvers mask.
const deepReadFragment = `
fragment DeepCustomer on Customer {
  id name type status
  person {
    id firstName lastName dateOfBirth
    addresses { country street }
    contacts { value }
    identityDocuments { number }
  }
  organization {
    id legalName taxID
    addresses { country }
    representatives { ownershipShare isBeneficialOwner person { lastName } organization { id } }
    employees { id }
  }
  category {
    code
    customers(first: 5) { totalCount }
    featureRelations { enabled feature { code } }
  }
  features { code parameters { name value source } }
  user { email roles { code } }
  possibleDuplicates { rule customer { id name person { lastName } organization { legalName } } }
}`

// deepReadQuery is the deep BI read on the root connection.
const deepReadQuery = `query DeepRead($first: Int!) {
  customers(first: $first) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ...DeepCustomer } }
  }
}` + deepReadFragment

// deepReadTenantQuery is the same read through Tenant.customers, which
// entgql resolves as an edge of the tenant rather than a root query.
const deepReadTenantQuery = `query DeepReadTenant($first: Int!) {
  tenant {
    customers(first: $first) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { ...DeepCustomer } }
    }
  }
}` + deepReadFragment

// deepReadNodesQuery is the same read through nodes(ids:), the path a
// client takes to refresh the customers it already has.
const deepReadNodesQuery = `query DeepReadNodes($ids: [ID!]!) {
  nodes(ids: $ids) { ...DeepCustomer }
}` + deepReadFragment

// deepReadNodeQuery is the same read through node(id:).
const deepReadNodeQuery = `query DeepReadNode($id: ID!) {
  node(id: $id) { ...DeepCustomer }
}` + deepReadFragment

// deepCustomer decodes DeepCustomer.
type deepCustomer struct {
	ID, Name, Type, Status string
	Person                 *struct {
		ID, FirstName, LastName string
		DateOfBirth             *string
		Addresses               []struct{ Country, Street string }
		Contacts                []struct{ Value string }
		IdentityDocuments       []struct{ Number string }
	}
	Organization *struct {
		ID, LegalName   string
		TaxID           *string
		Addresses       []struct{ Country string }
		Representatives []struct {
			OwnershipShare    float64
			IsBeneficialOwner bool
			Person            *struct{ LastName string }
			Organization      *struct{ ID string }
		}
		Employees []struct{ ID string }
	}
	Category *struct {
		Code             string
		Customers        struct{ TotalCount int }
		FeatureRelations []struct {
			Enabled bool
			Feature *struct{ Code string }
		}
	}
	Features []struct {
		Code       string
		Parameters []struct{ Name, Value, Source string }
	}
	User *struct {
		Email string
		Roles []struct{ Code string }
	}
	PossibleDuplicates []struct {
		Rule     string
		Customer struct {
			ID, Name     string
			Person       *struct{ LastName string }
			Organization *struct{ LegalName string }
		}
	}
}

// deepConnection decodes a customers connection of DeepCustomer nodes.
type deepConnection struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage bool
		EndCursor   *string
	}
	Edges []struct {
		Cursor string
		Node   deepCustomer
	}
}

func (c deepConnection) nodes() []deepCustomer {
	out := make([]deepCustomer, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

// deepReadCategories are the demo catalog's categories the seeded customers
// get, two per customer type, so that category → featureRelations →
// feature and the nested category.customers connection have several
// parents to batch.
var deepReadCategories = map[bool][]string{
	false: {"LOW_RISK_INDIVIDUAL", "MEDIUM_RISK_INDIVIDUAL"},
	true:  {"SMALL_BUSINESS", "BUSINESS_MEDIUM_RISK"},
}

// deepReadSpecs are n customers alternating individual and organization
// (organizations with three representatives, one below the beneficial
// owner threshold), spread over two categories per type, two countries
// and three statuses. Individuals' last name is "Sample" (seedCustomers),
// organizations' names do not contain it, so a search for "sample" picks
// the individuals.
func deepReadSpecs(n int) []customerSpec {
	specs := make([]customerSpec, n)
	statuses := []customer.Status{customer.StatusACTIVE, customer.StatusACTIVE, customer.StatusPENDING_VERIFICATION}
	for i := range specs {
		org := i%2 == 1
		s := customerSpec{
			Organization: org,
			Status:       statuses[i%len(statuses)],
			Category:     deepReadCategories[org][(i/2)%2],
			Country:      []string{"LT", "DE"}[(i/4)%2],
			Nationality:  "LT",
		}
		if org {
			s.Name = fmt.Sprintf("Baltic Trading %05d UAB", i)
			s.Shares = []float64{40, 35, 20}
		} else {
			s.Name = fmt.Sprintf("Jonas%05d", i)
		}
		specs[i] = s
	}
	return specs
}

// seedDeepReadExtras gives the customers seedCustomers made what it leaves
// out, so that the deep read has rows on every edge: applied features with
// parameters (one for an individual, two for an organization, linked to
// the catalog's feature), a login user with roles, and one employee per
// organization. Like seedCustomers it writes in bulk, a few statements per
// 500 customers.
func seedDeepReadExtras(t testing.TB, ctx context.Context, client *ent.Client, ids []string, specs []customerSpec) {
	t.Helper()
	features := map[string]string{}
	for _, f := range client.Feature.Query().Select(feature.FieldID, feature.FieldCode).AllX(ctx) {
		features[f.Code] = f.ID
	}
	roles := map[string]string{}
	for _, r := range client.Role.Query().Select(role.FieldID, role.FieldCode).AllX(ctx) {
		roles[r.Code] = r.ID
	}
	applied := func(customerID, code string, params ...schematype.AppliedParameter) *ent.CustomerFeatureCreate {
		id, ok := features[code]
		if !ok {
			t.Fatalf("no feature %s: seed the demo catalog first", code)
		}
		return client.CustomerFeature.Create().SetCustomerID(customerID).SetCode(code).SetFeatureID(id).SetParameters(params)
	}
	p := func(name, value string, source schematype.ParameterSource) schematype.AppliedParameter {
		return schematype.AppliedParameter{Name: name, Value: value, Source: source}
	}
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		end := min(start+batch, len(ids))
		var (
			cfs   []*ent.CustomerFeatureCreate
			users []*ent.UserCreate
			orgs  []string
		)
		for i := start; i < end; i++ {
			id, s := ids[i], specs[i]
			login := strings.ToLower("login." + id + "@example.com")
			u := client.User.Create().SetUsername(login).SetEmail(login).SetCustomerID(id).AddRoleIDs(roles["ACCOUNT_OWNER"])
			if s.Organization {
				orgs = append(orgs, id)
				u.AddRoleIDs(roles["ADMIN_USER"])
				cfs = append(cfs,
					applied(id, "BUSINESS_RISK_ASSESSMENT",
						p("BUSINESS_RISK_LEVEL", "LOW", schematype.SourceCategoryDefault),
						p("BUSINESS_RISK_SCORE", "55", schematype.SourceRequest)),
					applied(id, "BUSINESS_TRANSACTION_LIMITS",
						p("MONTHLY_LIMIT", "25000", schematype.SourceCategoryDefault),
						p("DAILY_LIMIT", "5000", schematype.SourceCategoryDefault)))
			} else {
				cfs = append(cfs, applied(id, "MEDIUM_RISK_PROFILE",
					p("riskLevel", "LOW", schematype.SourceCategoryDefault),
					p("riskScore", "20", schematype.SourceCategoryDefault),
					p("pep", "false", schematype.SourceFeatureDefault)))
			}
			users = append(users, u)
		}
		client.CustomerFeature.CreateBulk(cfs...).ExecX(ctx)
		client.User.CreateBulk(users...).ExecX(ctx)
		// Every customer but the first of each kind looks like the one of
		// its kind before it (possibleDuplicates, with that customer's
		// person or organization).
		var dups []*ent.PossibleDuplicateCreate
		for i := max(start, 2); i < end; i++ {
			rule := possibleduplicate.RulePERSON_NAME_BIRTH_DATE_PHONE
			if specs[i].Organization {
				rule = possibleduplicate.RuleORGANIZATION_TAX_ID
			}
			dups = append(dups, client.PossibleDuplicate.Create().SetCustomerID(ids[i]).SetExistingCustomerID(ids[i-2]).SetRule(rule))
		}
		client.PossibleDuplicate.CreateBulk(dups...).ExecX(ctx)
		if len(orgs) > 0 {
			orgIDs := client.Organization.Query().Where(organization.HasCustomerWith(customer.IDIn(orgs...))).IDsX(ctx)
			employees := make([]*ent.EmployeeCreate, len(orgIDs))
			for i, o := range orgIDs {
				employees[i] = client.Employee.Create().SetOrganizationID(o).SetDepartment("Finance")
			}
			client.Employee.CreateBulk(employees...).ExecX(ctx)
		}
	}
}

// deepReadEnv is a service whose tenant "acme" has the demo catalog and seeded
// customers, with a statement counter on its database driver.
type deepReadEnv struct {
	*testutil.Env
	sql      *sqlCounter
	tenantID string
	ids      []string
	specs    []customerSpec
	// token has customers:read and pii:read: the BI reader's scopes, and
	// the masking resolvers run the unmasked path.
	token string
}

// newDeepReadEnv seeds n customers (deepReadSpecs) with their extras.
func newDeepReadEnv(t testing.TB, n int) *deepReadEnv {
	t.Helper()
	counter := &sqlCounter{}
	env := testutil.NewWith(t, testutil.Options{WrapDriver: counter.Wrap})
	id := env.Tenant("acme")
	ctx := env.As(id)
	if err := demo.SeedCatalog(ctx, env.Client()); err != nil {
		t.Fatalf("seeding the catalog: %v", err)
	}
	specs := deepReadSpecs(n)
	ids := seedCustomers(t, ctx, env.Client(), specs)
	seedDeepReadExtras(t, ctx, env.Client(), ids, specs)
	return &deepReadEnv{Env: env, sql: counter, tenantID: id, ids: ids, specs: specs,
		token: env.Token([]string{"acme"}, viewer.ScopeCustomersRead, viewer.ScopePIIRead)}
}

// measure sends query and decodes its data into v, returning the number
// of statements the request ran and their text.
func (e *deepReadEnv) measure(t testing.TB, query string, vars map[string]any, v any) (int64, []string) {
	t.Helper()
	var resp *testutil.Response
	n, stmts := e.sql.Measure(func() {
		resp = e.Do(testutil.Request{Token: e.token, TenantKey: "acme", Query: query, Variables: vars})
	})
	if resp.Status != http.StatusOK {
		t.Fatalf("status %d: %s", resp.Status, resp.Raw)
	}
	resp.Into(t, v)
	return n, stmts
}

// categoryTotals counts the seeded customers per category code: what each
// node's category.customers.totalCount must say.
func (e *deepReadEnv) categoryTotals() map[string]int {
	totals := map[string]int{}
	for _, s := range e.specs {
		totals[s.Category]++
	}
	return totals
}

// checkDeepCustomers fails unless every node carries the nested data seeded for
// it, unmasked: a statement count that stays flat because an edge came
// back empty would prove nothing.
func checkDeepCustomers(t testing.TB, nodes []deepCustomer, totals map[string]int) {
	t.Helper()
	var individuals, organizations, duplicates int
	for _, n := range nodes {
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("customer %s (%s): %s", n.ID, n.Name, fmt.Sprintf(format, args...))
		}
		if n.Category == nil || n.Category.Code == "" {
			fail("no category")
		}
		if got, want := n.Category.Customers.TotalCount, totals[n.Category.Code]; got != want {
			fail("category %s customers.totalCount %d, want %d", n.Category.Code, got, want)
		}
		if len(n.Category.FeatureRelations) == 0 {
			fail("category %s has no featureRelations", n.Category.Code)
		}
		for _, r := range n.Category.FeatureRelations {
			if r.Feature == nil || r.Feature.Code == "" {
				fail("a feature relation without its feature")
			}
		}
		if n.User == nil || n.User.Email == "" || len(n.User.Roles) == 0 {
			fail("no user with roles: %+v", n.User)
		}
		if len(n.Features) == 0 {
			fail("no applied features")
		}
		if d := n.PossibleDuplicates; len(d) > 1 || len(d) == 1 && (d[0].Customer.ID == "" || d[0].Customer.ID == n.ID ||
			(d[0].Customer.Person == nil) == (n.Type == "INDIVIDUAL") || (d[0].Customer.Organization == nil) == (n.Type == "ORGANIZATION")) {
			fail("possibleDuplicates %+v", d)
		}
		if len(n.PossibleDuplicates) == 1 {
			duplicates++
		}
		for _, f := range n.Features {
			if len(f.Parameters) < 2 || f.Parameters[0].Source == "" {
				fail("feature %s parameters %+v", f.Code, f.Parameters)
			}
		}
		switch n.Type {
		case "INDIVIDUAL":
			individuals++
			p := n.Person
			if p == nil || p.LastName != "Sample" || len(p.Addresses) != 1 || len(p.Contacts) != 1 || len(p.IdentityDocuments) != 1 {
				fail("person %+v", p)
			}
			if p.DateOfBirth == nil || *p.DateOfBirth != "1980-05-15" || p.Addresses[0].Street != "12 Sample Street" ||
				strings.HasPrefix(p.IdentityDocuments[0].Number, "****") {
				fail("personal data masked or missing with pii:read: %+v", p)
			}
			if n.Organization != nil {
				fail("an individual with an organization")
			}
		case "ORGANIZATION":
			organizations++
			o := n.Organization
			if o == nil || o.LegalName != n.Name || o.TaxID == nil || strings.HasPrefix(*o.TaxID, "****") ||
				len(o.Addresses) != 1 || len(o.Employees) != 1 {
				fail("organization %+v", o)
			}
			if len(o.Representatives) != 3 {
				fail("%d representatives, want 3", len(o.Representatives))
			}
			for _, r := range o.Representatives {
				if r.Person == nil || r.Person.LastName != n.Name || r.Organization == nil || r.Organization.ID != o.ID {
					fail("representative %+v", r)
				}
			}
			if n.Person != nil {
				fail("an organization with a person")
			}
		default:
			fail("type %q", n.Type)
		}
	}
	if individuals == 0 || organizations == 0 {
		t.Fatalf("%d individuals and %d organizations: want both kinds on the page", individuals, organizations)
	}
	if duplicates < len(nodes)-2 {
		t.Fatalf("%d of %d customers with a possible duplicate: the seed gives one to all but the first two", duplicates, len(nodes))
	}
}

// statementGrowth lists the statement texts that ran more often in the
// larger request, with both counts: the N+1 when counts differ.
func statementGrowth(small, large []string) string {
	count := func(stmts []string) map[string]int {
		m := map[string]int{}
		for _, s := range stmts {
			text, _, _ := strings.Cut(s, " -- ")
			m[text]++
		}
		return m
	}
	a, b := count(small), count(large)
	var out strings.Builder
	for text, nb := range b {
		if nb != a[text] {
			fmt.Fprintf(&out, "%d → %d× %s\n", a[text], nb, text)
		}
	}
	for text, na := range a {
		if _, ok := b[text]; !ok {
			fmt.Fprintf(&out, "%d → 0× %s\n", na, text)
		}
	}
	return out.String()
}

// compareStatementCounts fails when the larger read ran more statements, printing
// both requests' statements grouped by text.
func compareStatementCounts(t *testing.T, what string, small, large int, nSmall, nLarge int64, sSmall, sLarge []string) {
	t.Helper()
	t.Logf("%s: %d statements at %d nodes, %d at %d nodes", what, nSmall, small, nLarge, large)
	if testing.Verbose() {
		t.Logf("%s at %d nodes:\n%s", what, large, statementSummary(sLarge))
	}
	if nSmall != nLarge {
		t.Errorf("%s: %d statements at %d nodes but %d at %d: the count depends on the page size\n"+
			"statements whose count changed:\n%s\nat %d:\n%s\nat %d:\n%s",
			what, nSmall, small, nLarge, large, statementGrowth(sSmall, sLarge),
			small, statementSummary(sSmall), large, statementSummary(sLarge))
	}
}

// TestDeepReadStatementsDoNotDependOnPageSize is issue 5's statement-count
// test: the deep BI read at first: 10 and first: 200 (of 220 customers,
// half organizations with three representatives) must run the same number
// of statements, through the root connection, Tenant.customers and
// nodes(ids:). Every page holds both kinds of customer, so every edge of
// the query is loaded at both sizes and a flat count means batching, not
// an edge that happened to be empty.
func TestDeepReadStatementsDoNotDependOnPageSize(t *testing.T) {
	e := newDeepReadEnv(t, 220)
	totals := e.categoryTotals()
	const small, large = 10, 200

	t.Run("customers", func(t *testing.T) {
		page := func(first int) (int64, []string) {
			var data struct{ Customers deepConnection }
			n, stmts := e.measure(t, deepReadQuery, map[string]any{"first": first}, &data)
			c := data.Customers
			if len(c.Edges) != first || c.TotalCount != len(e.ids) || !c.PageInfo.HasNextPage {
				t.Fatalf("first %d: %d nodes, totalCount %d, hasNextPage %v", first, len(c.Edges), c.TotalCount, c.PageInfo.HasNextPage)
			}
			checkDeepCustomers(t, c.nodes(), totals)
			return n, stmts
		}
		n10, s10 := page(small)
		n200, s200 := page(large)
		compareStatementCounts(t, "customers(first:)", small, large, n10, n200, s10, s200)
	})

	t.Run("tenant.customers", func(t *testing.T) {
		page := func(first int) (int64, []string) {
			var data struct {
				Tenant struct{ Customers deepConnection }
			}
			n, stmts := e.measure(t, deepReadTenantQuery, map[string]any{"first": first}, &data)
			c := data.Tenant.Customers
			if len(c.Edges) != first || c.TotalCount != len(e.ids) {
				t.Fatalf("first %d: %d nodes, totalCount %d", first, len(c.Edges), c.TotalCount)
			}
			checkDeepCustomers(t, c.nodes(), totals)
			return n, stmts
		}
		n10, s10 := page(small)
		n200, s200 := page(large)
		compareStatementCounts(t, "tenant.customers(first:)", small, large, n10, n200, s10, s200)
	})

	t.Run("nodes and node", func(t *testing.T) {
		byIDs := func(ids []string) (int64, []string) {
			var data struct{ Nodes []deepCustomer }
			n, stmts := e.measure(t, deepReadNodesQuery, map[string]any{"ids": ids}, &data)
			if len(data.Nodes) != len(ids) {
				t.Fatalf("%d nodes for %d ids", len(data.Nodes), len(ids))
			}
			for i, node := range data.Nodes {
				if node.ID != ids[i] {
					t.Fatalf("node %d is %s, want %s", i, node.ID, ids[i])
				}
			}
			checkDeepCustomers(t, data.Nodes, totals)
			return n, stmts
		}
		n10, s10 := byIDs(e.ids[:small])
		n200, s200 := byIDs(e.ids[:large])
		compareStatementCounts(t, "nodes(ids:)", small, large, n10, n200, s10, s200)

		// node(id:) loads as nodes(ids:) does. An individual and an
		// organization differ (ent skips the eager loads under an edge
		// that came back empty: no organization, no representatives
		// query), so each is compared with nodes(ids:) of its own kind.
		var nodes []deepCustomer
		for _, id := range e.ids[:2] {
			var one struct{ Node deepCustomer }
			n, stmts := e.measure(t, deepReadNodeQuery, map[string]any{"id": id}, &one)
			if one.Node.ID != id {
				t.Fatalf("node(id: %s) returned %q", id, one.Node.ID)
			}
			var many struct{ Nodes []deepCustomer }
			nMany, sMany := e.measure(t, deepReadNodesQuery, map[string]any{"ids": []string{id}}, &many)
			compareStatementCounts(t, "node(id: "+one.Node.Type+") against nodes(ids:)", 1, 1, n, nMany, stmts, sMany)
			nodes = append(nodes, one.Node)
		}
		checkDeepCustomers(t, nodes, totals)
	})
}

// deepCategoryTreeQuery is the categorization hierarchy three levels deep,
// each level with its feature relations, and the nested customers
// connection under the roots.
const deepCategoryTreeQuery = `{
  categoryTree {
    code
    featureRelations { enabled feature { code } }
    customers(first: 5) { totalCount edges { node { id name } } }
    children {
      code
      featureRelations { enabled feature { code } }
      children { code featureRelations { feature { code } } }
    }
  }
}`

// deepTreeCategory decodes deepCategoryTreeQuery's categories.
type deepTreeCategory struct {
	Code             string
	FeatureRelations []struct{ Feature struct{ Code string } }
	Customers        *struct {
		TotalCount int
		Edges      []struct{ Node struct{ ID string } }
	}
	Children []deepTreeCategory
}

// TestCategoryTreeStatementsDoNotDependOnItsSize reads the hierarchy
// when every root of the demo catalog has one child with one grandchild,
// then again when every root has three children with two grandchildren
// each, all with feature relations: the same query must run the same
// number of statements. (Both trees have every level the query asks for:
// ent skips the loads under a level that came back empty, which makes a
// flatter tree cheaper, not a wider one dearer.)
func TestCategoryTreeStatementsDoNotDependOnItsSize(t *testing.T) {
	e := newDeepReadEnv(t, 20)
	ctx, client := e.As(e.tenantID), e.Client()
	roots := client.Category.Query().AllX(ctx)
	features := client.Feature.Query().AllX(ctx)
	grow := func(children, grandchildren int) {
		for i, root := range roots {
			for j := range children {
				code := fmt.Sprintf("%s_C%d", root.Code, j)
				child, err := client.Category.Query().Where(category.Code(code)).Only(ctx)
				if ent.IsNotFound(err) {
					child = client.Category.Create().SetCode(code).SetName("child").
						SetCustomerType(root.CustomerType).SetRiskLevel(root.RiskLevel).SetParentID(root.ID).SaveX(ctx)
					client.FeatureRelation.Create().SetCategoryID(child.ID).SetFeatureID(features[(i+j)%len(features)].ID).
						SetParametrization([]schematype.Parameter{{Name: "x", Value: "1"}}).ExecX(ctx)
				} else if err != nil {
					t.Fatal(err)
				}
				for k := range grandchildren {
					code := fmt.Sprintf("%s_C%d_G%d", root.Code, j, k)
					if client.Category.Query().Where(category.Code(code)).ExistX(ctx) {
						continue
					}
					grandchild := client.Category.Create().SetCode(code).SetName("grandchild").
						SetCustomerType(root.CustomerType).SetRiskLevel(root.RiskLevel).SetParentID(child.ID).SaveX(ctx)
					client.FeatureRelation.Create().SetCategoryID(grandchild.ID).SetFeatureID(features[k%len(features)].ID).ExecX(ctx)
				}
			}
		}
	}
	totals := e.categoryTotals()
	read := func(children, grandchildren int) (int64, []string) {
		var data struct{ CategoryTree []deepTreeCategory }
		n, stmts := e.measure(t, deepCategoryTreeQuery, nil, &data)
		if len(data.CategoryTree) != len(roots) {
			t.Fatalf("%d roots, want the demo catalog's %d", len(data.CategoryTree), len(roots))
		}
		for _, root := range data.CategoryTree {
			if len(root.Children) != children || len(root.FeatureRelations) == 0 {
				t.Fatalf("root %s: %d children, %d feature relations", root.Code, len(root.Children), len(root.FeatureRelations))
			}
			if root.Customers == nil || root.Customers.TotalCount != totals[root.Code] ||
				len(root.Customers.Edges) != min(5, totals[root.Code]) {
				t.Fatalf("root %s customers %+v, want totalCount %d", root.Code, root.Customers, totals[root.Code])
			}
			for _, c := range root.Children {
				if len(c.Children) != grandchildren || len(c.FeatureRelations) != 1 || c.Children[0].FeatureRelations[0].Feature.Code == "" {
					t.Fatalf("child %s: %+v", c.Code, c)
				}
			}
		}
		return n, stmts
	}
	grow(1, 1)
	small, sSmall := read(1, 1)
	grow(3, 2)
	large, sLarge := read(3, 2)
	compareStatementCounts(t, "categoryTree", len(roots)*3, len(roots)*(1+3+3*2), small, large, sSmall, sLarge)
}

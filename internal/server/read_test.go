package server_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"onboard/ent/category"
	"onboard/internal/testutil"
	"onboard/schema/schematype"
)

// readEnv is a tenant with the demo catalog and customers seeded directly.
type readEnv struct {
	*registrationEnv
	// reader has customers:read and pii:read, as a BI tool that reads the
	// whole graph; noPII has customers:read alone.
	reader, noPII string
}

func newReadEnv(t *testing.T) *readEnv {
	t.Helper()
	env := newRegistrationEnv(t)
	return &readEnv{registrationEnv: env, reader: env.Token([]string{"acme"}, "customers:read", "pii:read"),
		noPII: env.Token([]string{"acme"}, "customers:read")}
}

// query runs a query with token and decodes its data into v.
func (e *readEnv) query(t *testing.T, token, query string, vars map[string]any, v any) {
	t.Helper()
	e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: query, Variables: vars}).Into(t, v)
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d.Add(9 * time.Hour)
}

// filterCustomers are five customers that the filter and stats tests
// tell apart.
func filterCustomers() []customerSpec {
	return []customerSpec{
		{Name: "Anna Berg", Status: "ACTIVE", Tags: []string{"vip", "eu"}, Category: "MEDIUM_RISK_INDIVIDUAL",
			Country: "LT", Nationality: "LT", Email: "anna@example.com", ExternalReference: "ext-1", CreatedAt: day("2026-01-10")},
		{Name: "bruno Costa", Status: "PENDING_VERIFICATION", Tags: []string{"eu"}, Category: "LOW_RISK_INDIVIDUAL",
			Country: "PT", Nationality: "BR", CreatedAt: day("2026-02-10")},
		{Name: "Carla 100% Dias", Status: "SUSPENDED", Country: "DE", Nationality: "DE", CreatedAt: day("2026-03-10")},
		{Name: "Delta Trading", Organization: true, Status: "ACTIVE", Tags: []string{"vip"}, Category: "SMALL_BUSINESS",
			Country: "LT", RegistrationNumber: "LT-300", Shares: []float64{60, 10}, CreatedAt: day("2026-01-20")},
		{Name: "Echo Holdings", Organization: true, Status: "ACTIVE", Category: "BUSINESS_MEDIUM_RISK",
			Country: "GB", RegistrationNumber: "GB-400", Email: "ops@echo.example.com", Shares: []float64{20, 20},
			CreatedAt: day("2026-02-20")},
	}
}

const customerNames = `query($where: CustomerWhereInput) {
	customers(first: 50, where: $where, orderBy: [{field: NAME}]) { totalCount edges { node { name } } }
}`

type nameConnection struct {
	TotalCount int
	Edges      []struct{ Node struct{ Name string } }
}

// names are the customers' names in alphabetical order (the database's
// collation orders the listing, so case may sort differently on each).
func (c nameConnection) names() string {
	var out []string
	for _, e := range c.Edges {
		out = append(out, e.Node.Name)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return strings.Join(out, ", ")
}

func TestCustomerFilters(t *testing.T) {
	env := newReadEnv(t)
	ctx, c := env.As(env.tenantID), env.Client()
	seedCustomers(t, ctx, c, filterCustomers())
	smallBusiness := categoryID(t, ctx, c, "SMALL_BUSINESS")

	cases := []struct {
		name  string
		where string // JSON
		want  string
	}{
		{"status", `{"status": "ACTIVE"}`, "Anna Berg, Delta Trading, Echo Holdings"},
		{"type", `{"type": "ORGANIZATION"}`, "Delta Trading, Echo Holdings"},
		{"category by code", `{"category": "MEDIUM_RISK_INDIVIDUAL"}`, "Anna Berg"},
		{"category by id", `{"category": "` + smallBusiness + `"}`, "Delta Trading"},
		{"category by external id", `{"category": "business-medium-risk-7f9a"}`, "Echo Holdings"},
		{"category's fields", `{"hasCategoryWith": [{"riskLevel": "LOW"}]}`, "bruno Costa, Delta Trading"},
		{"country of either type", `{"country": "lt"}`, "Anna Berg, Delta Trading"},
		{"country by name", `{"country": "United Kingdom"}`, "Echo Holdings"},
		{"nationality", `{"nationality": "BR"}`, "bruno Costa"},
		{"created from", `{"createdAtGTE": "2026-02-01T00:00:00Z"}`, "bruno Costa, Carla 100% Dias, Echo Holdings"},
		{"created range", `{"createdAtGTE": "2026-01-15T00:00:00Z", "createdAtLT": "2026-02-15T00:00:00Z"}`, "bruno Costa, Delta Trading"},
		{"updated before", `{"updatedAtLT": "2026-01-15T00:00:00Z"}`, "Anna Berg"},
		{"one tag", `{"tags": ["vip"]}`, "Anna Berg, Delta Trading"},
		{"every tag", `{"tags": ["vip", "eu"]}`, "Anna Berg"},
		{"external reference", `{"externalReference": "ext-1"}`, "Anna Berg"},
		{"search ignores case", `{"search": "ANNA"}`, "Anna Berg"},
		{"search in the organization's e-mail", `{"search": "echo.example"}`, "Echo Holdings"},
		{"search takes % literally", `{"search": "%"}`, "Carla 100% Dias"},
		// Representatives' persons are no customer's: their rows must not
		// turn NOT IN into "unknown" (PostgreSQL's id IN (… UNION …)).
		{"not search", `{"not": {"search": "rep0"}}`, "Anna Berg, bruno Costa, Carla 100% Dias, Delta Trading, Echo Holdings"},
		{"search inside or", `{"or": [{"search": "anna"}, {"search": "echo.example"}]}`, "Anna Berg, Echo Holdings"},
		{"registration number", `{"hasOrganizationWith": [{"registrationNumber": "GB-400"}]}`, "Echo Holdings"},
		{"with a beneficial owner", `{"hasOrganizationWith": [{"hasRepresentativesWith": [{"isBeneficialOwner": true}]}]}`, "Delta Trading"},
		{"not", `{"not": {"status": "ACTIVE"}}`, "bruno Costa, Carla 100% Dias"},
		{"custom filters inside or", `{"or": [{"country": "PT"}, {"country": "DE"}]}`, "bruno Costa, Carla 100% Dias"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var where map[string]any
			if err := json.Unmarshal([]byte(tc.where), &where); err != nil {
				t.Fatal(err)
			}
			token := env.reader
			if strings.Contains(tc.where, "search") {
				token = env.token // search matches personal data: it needs pii:read
			}
			var got struct{ Customers nameConnection }
			env.query(t, token, customerNames, map[string]any{"where": where}, &got)
			want(t, "customers", got.Customers.names(), tc.want)
			want(t, "totalCount", got.Customers.TotalCount, len(strings.Split(tc.want, ", ")))
		})
	}

	r := env.Do(testutil.Request{Token: env.reader, TenantKey: "acme", Query: customerNames,
		Variables: map[string]any{"where": map[string]any{"country": "Atlantis"}}})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Reason() != "UNKNOWN_COUNTRY" {
		t.Errorf("an unknown country: %s", r.Raw)
	}
	// More tags than a customer can carry (each is a condition; SQLite's
	// expression depth gave out at 934).
	var tags []any
	for i := range 51 {
		tags = append(tags, fmt.Sprint("t", i))
	}
	r = env.Do(testutil.Request{Token: env.reader, TenantKey: "acme", Query: customerNames,
		Variables: map[string]any{"where": map[string]any{"tags": tags}}})
	if len(r.Errors) != 1 || r.Errors[0].Reason() != "TOO_MANY" || r.Errors[0].Field() != "where.tags" {
		t.Errorf("51 tags: %s", r.Raw)
	}
}

const customerPage = `query($first: Int, $after: Cursor, $last: Int, $before: Cursor, $orderBy: [CustomerOrder!], $where: CustomerWhereInput) {
	customers(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, where: $where) {
		totalCount
		pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
		edges { node { id name createdAt updatedAt } }
	}
}`

type customerPageData struct {
	Customers struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
		Edges []struct {
			Node struct {
				ID, Name             string
				CreatedAt, UpdatedAt time.Time
			}
		}
	}
}

// walk pages through the customers in pages of size, forwards or
// backwards, and returns the ids in the order of the listing.
func (e *readEnv) walk(t *testing.T, size int, forwards bool, vars map[string]any) []string {
	t.Helper()
	var ids []string
	var cursor *string
	for range 100 {
		v := map[string]any{}
		for k, x := range vars {
			v[k] = x
		}
		var page customerPageData
		if forwards {
			v["first"], v["after"] = size, cursor
		} else {
			v["last"], v["before"] = size, cursor
		}
		e.query(t, e.reader, customerPage, v, &page)
		var got []string
		for _, edge := range page.Customers.Edges {
			got = append(got, edge.Node.ID)
		}
		info := page.Customers.PageInfo
		if forwards {
			ids = append(ids, got...)
			cursor = info.EndCursor
			if !info.HasNextPage {
				return ids
			}
		} else {
			ids = append(got, ids...)
			cursor = info.StartCursor
			if !info.HasPreviousPage {
				return ids
			}
		}
	}
	t.Fatal("paging did not end")
	return nil
}

func TestCustomerOrderingAndPagination(t *testing.T) {
	env := newReadEnv(t)
	ctx, c := env.As(env.tenantID), env.Client()
	var specs []customerSpec
	for i, name := range []string{"Same", "Zed", "Same", "Alpha", "Same", "Mid", "Same"} {
		// Ties on the name, on createdAt (pairs) and on updatedAt (all).
		specs = append(specs, customerSpec{Name: name, Country: "LT",
			CreatedAt: day("2026-03-01").Add(time.Duration(i/2) * time.Hour), UpdatedAt: day("2026-04-01")})
	}
	seedCustomers(t, ctx, c, specs)

	for _, order := range []string{"NAME", "CREATED_AT", "UPDATED_AT"} {
		for _, direction := range []string{"ASC", "DESC"} {
			t.Run(order+" "+direction, func(t *testing.T) {
				vars := map[string]any{"orderBy": []any{map[string]any{"field": order, "direction": direction}}}
				var all customerPageData
				env.query(t, env.reader, customerPage, map[string]any{"first": 50, "orderBy": vars["orderBy"]}, &all)
				var full []string
				for i, edge := range all.Customers.Edges {
					full = append(full, edge.Node.ID)
					if i == 0 {
						continue
					}
					prev, cur := all.Customers.Edges[i-1].Node, edge.Node
					cmp := map[string]int{
						"NAME":       strings.Compare(prev.Name, cur.Name),
						"CREATED_AT": prev.CreatedAt.Compare(cur.CreatedAt),
						"UPDATED_AT": prev.UpdatedAt.Compare(cur.UpdatedAt),
					}[order]
					if cmp == 0 {
						// Ties go by id, ascending in either direction.
						if strings.Compare(prev.ID, cur.ID) > 0 {
							t.Errorf("a tie is not broken by id: %s before %s", prev.ID, cur.ID)
						}
						continue
					}
					if (direction == "ASC") != (cmp < 0) {
						t.Errorf("out of order: %+v before %+v", prev, cur)
					}
				}
				want(t, "listed", len(full), len(specs))
				want(t, "forwards in pages of 2", env.walk(t, 2, true, vars), full)
				want(t, "backwards in pages of 3", env.walk(t, 3, false, vars), full)
			})
		}
	}
}

// TestIncrementalSync follows a BI tool that fetches what changed since its
// last run with updatedAtGTE: rows updated at the same instant as the last
// one seen are fetched again, never missed.
func TestIncrementalSync(t *testing.T) {
	env := newReadEnv(t)
	ctx, c := env.As(env.tenantID), env.Client()
	t1, t2, t3 := day("2026-05-01"), day("2026-05-02"), day("2026-05-03")
	ids := seedCustomers(t, ctx, c, []customerSpec{
		{Name: "one", Country: "LT", UpdatedAt: t1},
		{Name: "two a", Country: "LT", UpdatedAt: t2},
		{Name: "two b", Country: "LT", UpdatedAt: t2},
		{Name: "three", Country: "LT", UpdatedAt: t3},
	})
	order := []any{map[string]any{"field": "UPDATED_AT"}}

	// The first run stops after two rows: the last one seen is one of the
	// two updated at t2.
	var first customerPageData
	env.query(t, env.reader, customerPage, map[string]any{"first": 2, "orderBy": order}, &first)
	seen := map[string]bool{}
	var last time.Time
	for _, e := range first.Customers.Edges {
		seen[e.Node.ID] = true
		last = e.Node.UpdatedAt
	}
	want(t, "last seen", last, t2)

	// The next run asks for everything updated at or after that instant.
	next := env.walk(t, 1, true, map[string]any{"orderBy": order, "where": map[string]any{"updatedAtGTE": last}})
	for _, id := range next {
		seen[id] = true
	}
	for _, id := range ids {
		if !seen[id] {
			t.Errorf("customer %s was missed", id)
		}
	}
	want(t, "second run", len(next), 3)
}

const customerStats = `query($where: CustomerWhereInput, $groupBy: [CustomerStatsGroup!]!) {
	customerStats(where: $where, groupBy: $groupBy) {
		status type categoryId categoryCode country riskLevel createdMonth count
	}
}`

func TestCustomerStats(t *testing.T) {
	env := newReadEnv(t)
	ctx, c := env.As(env.tenantID), env.Client()
	seedCustomers(t, ctx, c, filterCustomers())

	// Another tenant's customers are not counted.
	other := env.Tenant("globex")
	seedCustomers(t, env.As(other), c, []customerSpec{{Name: "Elsewhere", Country: "LT", Status: "ACTIVE"}})

	cases := []struct {
		groupBy []any
		where   map[string]any
		want    string
	}{
		{[]any{"STATUS"}, nil, "ACTIVE=3 PENDING_VERIFICATION=1 SUSPENDED=1"},
		{[]any{"TYPE"}, nil, "INDIVIDUAL=3 ORGANIZATION=2"},
		{[]any{"CATEGORY"}, nil, "-=1 BUSINESS_MEDIUM_RISK=1 LOW_RISK_INDIVIDUAL=1 MEDIUM_RISK_INDIVIDUAL=1 SMALL_BUSINESS=1"},
		{[]any{"COUNTRY"}, nil, "DE=1 GB=1 LT=2 PT=1"},
		{[]any{"RISK_LEVEL"}, nil, "-=1 LOW=2 MEDIUM=2"},
		{[]any{"CREATED_MONTH"}, nil, "2026-01=2 2026-02=2 2026-03=1"},
		{[]any{"TYPE", "COUNTRY"}, nil, "INDIVIDUAL/DE=1 INDIVIDUAL/LT=1 INDIVIDUAL/PT=1 ORGANIZATION/GB=1 ORGANIZATION/LT=1"},
		{[]any{"TYPE"}, map[string]any{"status": "ACTIVE"}, "INDIVIDUAL=1 ORGANIZATION=2"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.groupBy, tc.where), func(t *testing.T) {
			var got struct {
				CustomerStats []struct {
					Status, Type, CategoryID, CategoryCode *string
					Country, RiskLevel, CreatedMonth       *string
					Count                                  int
				}
			}
			env.query(t, env.reader, customerStats, map[string]any{"groupBy": tc.groupBy, "where": tc.where}, &got)
			var rows []string
			for _, r := range got.CustomerStats {
				var keys []string
				if (r.CategoryID == nil) != (r.CategoryCode == nil) {
					t.Errorf("category id %v with code %v", r.CategoryID, r.CategoryCode)
				}
				for _, k := range []*string{r.Status, r.Type, r.CategoryCode, r.Country, r.RiskLevel, r.CreatedMonth} {
					if k != nil {
						keys = append(keys, *k)
					}
				}
				if len(keys) < len(tc.groupBy) {
					keys = append(keys, "-")
				}
				rows = append(rows, fmt.Sprintf("%s=%d", strings.Join(keys, "/"), r.Count))
			}
			sort.Strings(rows)
			want(t, "groups", strings.Join(rows, " "), tc.want)
		})
	}

	r := env.Do(testutil.Request{Token: env.reader, TenantKey: "acme", Query: customerStats,
		Variables: map[string]any{"groupBy": []any{}}})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" {
		t.Errorf("no groupBy: %s", r.Raw)
	}
}

const personalData = `{ customers(first: 10, orderBy: [{field: CREATED_AT}]) { edges { node {
	person { dateOfBirth addresses { street line2 } identityDocuments { number } }
	organization { taxID addresses { street } }
} } } }`

type personalDataPage struct {
	Customers struct {
		Edges []struct {
			Node struct {
				Person *struct {
					DateOfBirth       string
					Addresses         []struct{ Street, Line2 string }
					IdentityDocuments []struct{ Number string }
				}
				Organization *struct {
					TaxID     string
					Addresses []struct{ Street string }
				}
			}
		}
	}
}

func (p personalDataPage) values() []string {
	var out []string
	for _, e := range p.Customers.Edges {
		if n := e.Node.Person; n != nil {
			out = append(out, n.DateOfBirth, n.Addresses[0].Street, n.Addresses[0].Line2, n.IdentityDocuments[0].Number)
		}
		if o := e.Node.Organization; o != nil {
			out = append(out, o.TaxID, o.Addresses[0].Street)
		}
	}
	return out
}

func TestPersonalDataIsMaskedWithoutPIIRead(t *testing.T) {
	env := newReadEnv(t)
	ctx, c := env.As(env.tenantID), env.Client()
	ids := seedCustomers(t, ctx, c, []customerSpec{
		{Name: "A person", Country: "LT"},
		{Name: "B organization", Organization: true, Country: "LT"},
	})

	var raw, masked personalDataPage
	env.query(t, env.token, personalData, nil, &raw) // has pii:read
	env.query(t, env.noPII, personalData, nil, &masked)
	wantRaw := []string{"1980-05-15", "12 Sample Street", "Flat 3456", "P" + ids[0][len(ids[0])-10:],
		"TAX" + ids[1][len(ids[1])-8:], "1 Office Road"}
	want(t, "with pii:read", raw.values(), wantRaw)
	got := masked.values()
	for i, v := range got {
		tail := wantRaw[i][len(wantRaw[i])-2:]
		if v != "****"+tail {
			t.Errorf("masked %q as %q, want %q", wantRaw[i], v, "****"+tail)
		}
	}
}

func TestReadIsConfinedToTheTenant(t *testing.T) {
	env := newReadEnv(t)
	c := env.Client()
	mine := seedCustomers(t, env.As(env.tenantID), c, []customerSpec{{Name: "Mine", Country: "LT"}})
	other := env.Tenant("globex")
	theirs := seedCustomers(t, env.As(other), c, []customerSpec{{Name: "Theirs", Country: "LT"}})

	var got struct {
		Node   *struct{ ID string }
		Nodes  []*struct{ ID string }
		Tenant struct {
			Customers struct{ TotalCount int }
		}
		Customers nameConnection
	}
	r := env.Do(testutil.Request{Token: env.reader, TenantKey: "acme", Query: `query($theirs: ID!, $ids: [ID!]!) {
		node(id: $theirs) { id }
		nodes(ids: $ids) { id }
		tenant { customers(first: 10) { totalCount } }
		customers(first: 10) { totalCount edges { node { name } } }
	}`, Variables: map[string]any{"theirs": theirs[0], "ids": []string{mine[0], theirs[0]}}})
	// Their customer is NOT_FOUND twice: by node(id:) and in nodes(ids:).
	if len(r.Errors) != 2 {
		t.Errorf("%d errors, want NOT_FOUND for node and for nodes: %s", len(r.Errors), r.Raw)
	}
	for _, e := range r.Errors {
		if e.Code() != "NOT_FOUND" || strings.Contains(e.Message, "Theirs") {
			t.Errorf("unexpected error: %+v", e)
		}
	}
	if err := json.Unmarshal(r.Data, &got); err != nil {
		t.Fatal(err)
	}
	if got.Node != nil {
		t.Errorf("another tenant's customer by node(id:): %+v", got.Node)
	}
	if len(got.Nodes) != 2 || got.Nodes[0] == nil || got.Nodes[0].ID != mine[0] || got.Nodes[1] != nil {
		t.Errorf("nodes: %+v", got.Nodes)
	}
	want(t, "tenant.customers", got.Tenant.Customers.TotalCount, 1)
	want(t, "customers", got.Customers.names(), "Mine")
}

func TestCatalogQueries(t *testing.T) {
	env := newReadEnv(t)
	ctx, c := env.As(env.tenantID), env.Client()
	parent := categoryID(t, ctx, c, "LOW_RISK_INDIVIDUAL")
	c.Category.Create().SetCode("LOW_RISK_STUDENT").SetName("Low Risk Student").
		SetCustomerType(schematype.CustomerTypeIndividual).SetRiskLevel(category.RiskLevelLOW).SetParentID(parent).ExecX(ctx)
	seedCustomers(t, ctx, c, []customerSpec{{Name: "Student", Country: "LT", Category: "LOW_RISK_STUDENT"}})

	var got struct {
		CategoryTree []struct {
			Code     string
			Children []struct {
				Code      string
				Customers struct{ TotalCount int }
			}
			FeatureRelations []struct{ Feature struct{ Code string } }
		}
		Categories struct{ TotalCount int }
		Features   struct {
			Edges []struct{ Node struct{ Code string } }
		}
	}
	env.query(t, env.reader, `{
		categoryTree(customerType: INDIVIDUAL) {
			code children { code customers(first: 1) { totalCount } } featureRelations { feature { code } }
		}
		categories(first: 10, where: {customerType: ORGANIZATION}) { totalCount }
		features(first: 10, orderBy: {field: CODE}) { edges { node { code } } }
	}`, nil, &got)
	var roots []string
	for _, r := range got.CategoryTree {
		roots = append(roots, r.Code)
		if r.Code == "LOW_RISK_INDIVIDUAL" {
			want(t, "children", len(r.Children) == 1 && r.Children[0].Code == "LOW_RISK_STUDENT" && r.Children[0].Customers.TotalCount == 1, true)
		}
		if r.Code == "MEDIUM_RISK_INDIVIDUAL" && !slices.ContainsFunc(r.FeatureRelations, func(f struct{ Feature struct{ Code string } }) bool {
			return f.Feature.Code == "MEDIUM_RISK_PROFILE"
		}) {
			t.Errorf("MEDIUM_RISK_INDIVIDUAL lacks MEDIUM_RISK_PROFILE: %+v", r.FeatureRelations)
		}
	}
	want(t, "roots", strings.Join(roots, ","), "HIGH_RISK_INDIVIDUAL,LOW_RISK_INDIVIDUAL,MEDIUM_RISK_INDIVIDUAL")
	want(t, "organization categories", got.Categories.TotalCount, 2)
	want(t, "features", len(got.Features.Edges), 4)
}

// TestOtherCustomersNeedReadScope reaches other customers from mutation
// payloads: a registration form's token (customers:register) and a
// catalog editor's (catalog:write) must not list them.
func TestOtherCustomersNeedReadScope(t *testing.T) {
	env := newReadEnv(t)
	ctx, c := env.As(env.tenantID), env.Client()
	seedCustomers(t, ctx, c, []customerSpec{{Name: "Someone Else", Country: "LT", Category: "MEDIUM_RISK_INDIVIDUAL"}})

	register := env.Token([]string{"acme"}, "customers:register")
	r := env.Do(testutil.Request{Token: register, TenantKey: "acme", Query: `mutation($input: RegisterIndividualInput!) {
		registerIndividual(input: $input) { id customer { category { code customers(first: 5) { edges { node { name } } } } } }
	}`, Variables: map[string]any{"input": testutil.Fixture(t, "finhub-individual.json")}})
	catalogEditor := env.Token([]string{"acme"}, "catalog:write")
	r2 := env.Do(testutil.Request{Token: catalogEditor, TenantKey: "acme", Query: `mutation($id: ID!) {
		updateCategory(input: {id: $id, description: "x"}) { category { customers(first: 5) { edges { node { name } } } } }
	}`, Variables: map[string]any{"id": categoryID(t, ctx, c, "MEDIUM_RISK_INDIVIDUAL")}})
	for _, resp := range []*testutil.Response{r, r2} {
		if strings.Contains(resp.Raw, "Someone Else") {
			t.Errorf("another customer leaked: %s", resp.Raw)
		}
		if len(resp.Errors) != 1 || resp.Errors[0].Code() != "FORBIDDEN" {
			t.Errorf("want one FORBIDDEN: %s", resp.Raw)
		}
	}
}

// TestCursorsOfAnotherOrderingAreRefused reuses a cursor with another
// ordering, which the database would fail on (or answer wrongly).
func TestCursorsOfAnotherOrderingAreRefused(t *testing.T) {
	env := newReadEnv(t)
	seedCustomers(t, env.As(env.tenantID), env.Client(), []customerSpec{{Name: "A", Country: "LT"}, {Name: "B", Country: "LT"}})
	byName := []any{map[string]any{"field": "NAME"}}
	var page customerPageData
	env.query(t, env.reader, customerPage, map[string]any{"first": 1, "orderBy": byName}, &page)
	cursor := *page.Customers.PageInfo.EndCursor

	for name, vars := range map[string]map[string]any{
		"another field":    {"first": 1, "after": cursor, "orderBy": []any{map[string]any{"field": "CREATED_AT"}}},
		"more fields":      {"first": 1, "after": cursor, "orderBy": []any{map[string]any{"field": "NAME"}, map[string]any{"field": "CREATED_AT"}}},
		"no order (by id)": {"last": 1, "before": cursor},
	} {
		r := env.Do(testutil.Request{Token: env.reader, TenantKey: "acme", Query: customerPage, Variables: vars})
		if r.Status != 400 || len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Reason() != "INVALID_CURSOR" {
			t.Errorf("%s: want 400 INVALID_CURSOR, got %d %s", name, r.Status, r.Raw)
		}
	}
	// A nested connection, which entgql resolves itself.
	r := env.Do(testutil.Request{Token: env.reader, TenantKey: "acme", Query: `query($after: Cursor) {
		tenant { customers(first: 1, after: $after, orderBy: [{field: CREATED_AT}]) { totalCount } }
	}`, Variables: map[string]any{"after": cursor}})
	if r.Status != 400 || len(r.Errors) != 1 || r.Errors[0].Reason() != "INVALID_CURSOR" {
		t.Errorf("nested: want 400 INVALID_CURSOR, got %d %s", r.Status, r.Raw)
	}

	var again customerPageData
	env.query(t, env.reader, customerPage, map[string]any{"first": 1, "after": cursor, "orderBy": byName}, &again)
	want(t, "the next page by name", again.Customers.Edges[0].Node.Name, "B")
}

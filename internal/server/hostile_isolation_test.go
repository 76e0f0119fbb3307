package server_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// hostileIsolationMarkers are the names tenant A's customers carry; no
// answer to tenant B may hold them.
var hostileIsolationMarkers = []string{"Zephyrine", "Quillfeather", "Obsidian Alpha Holdings", "ALPHA_ONLY", "ALPHA_FEATURE", "ALPHA_ROLE",
	"ALPHA_TERMS", "alpha-kyc-provider"}

// hostileIsolation: tenant A (acme) holds a registered individual, an
// organization with representatives and employees, and a category, a
// feature and a role of its own. Tenant B (rival), with every scope, passes
// A's ids to every argument and input field that takes one, as the schema
// lists them: each must answer NOT_FOUND (never FORBIDDEN, never A's data),
// and a where filter an empty result.
func hostileIsolation(t *testing.T) {
	e := newHostileEnv(t, "isolation", testutil.Options{})
	a := e.seedTenantA(t)
	rivalID := e.tenant("rival")
	tokenB := e.Token([]string{"rival"}, append(slices.Clone(testutil.AllScopes), viewer.ScopeWebhooksManage, viewer.ScopeAPIKeysManage)...)
	b := e.seedTenantB(t, tokenB)
	b.tenantID = rivalID
	secret := append(slices.Clone(a.all), hostileIsolationMarkers...)
	s := hostileSchema()

	// node and nodes, with an id of every type A holds.
	for _, typ := range a.types() {
		id := a.byType[typ]
		e.run(t, hostileCase{name: "node " + typ, req: hostileReq{token: tokenB, tenant: "rival",
			query: `query($id: ID!) { node(id: $id) { id __typename } }`, vars: map[string]any{"id": id}},
			want: hostileWant{statuses: hostileStatusExec, codes: []string{"NOT_FOUND"}, secret: secret}})
	}
	e.run(t, hostileCase{name: "nodes of every type", req: hostileReq{token: tokenB, tenant: "rival",
		query: `query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }`, vars: map[string]any{"ids": a.firstIDs()}},
		want: hostileWant{statuses: hostileStatusExec, codes: []string{"NOT_FOUND"}, secret: secret}})

	// Where filters of the root queries, each where-input type's id
	// fields once.
	seen := map[string]bool{}
	for _, f := range s.Query.Fields {
		for _, arg := range f.Arguments {
			at := s.Types[arg.Type.Name()]
			if at == nil || at.Kind != ast.InputObject {
				continue
			}
			delete(seen, at.Name) // each root's own where-input is covered from every root
			hostileWalkOnce(s, f.Name, arg, seen, func(leaf hostileField) {
				if !hostileIsReference(leaf, true) {
					return
				}
				e.run(t, e.isolationFilterCase(t, s, f, leaf, a, tokenB, secret))
			})
		}
	}

	// Every mutation input field that takes an id.
	bases := e.isolationBases(t, b)
	bases["erasePersonalData"] = func(n int64) map[string]any {
		return map[string]any{"customerId": e.closedCustomer(t, rivalID, n), "reason": "GDPR_REQUEST"}
	}
	bases["addCustomerLogin"] = func(n int64) map[string]any { return e.loginlessCustomer(t, rivalID, n) }
	var controls []hostileCase
	for _, f := range s.Mutation.Fields {
		for _, arg := range f.Arguments {
			var refs []hostileField
			hostileWalkTree(s, f.Name, arg, func(leaf hostileField) {
				if hostileIsReference(leaf, false) {
					refs = append(refs, leaf)
				}
			})
			if len(refs) == 0 {
				continue
			}
			base, ok := bases[f.Name]
			if !ok {
				t.Errorf("%s takes ids (%v) but the suite has no base input for it: add one to isolationBases", f.Name, refs[0])
				continue
			}
			query := fmt.Sprintf(`mutation($input: %s) { %s(input: $input) { __typename } }`, arg.Type.String(), f.Name)
			for _, leaf := range refs {
				typ := hostileEntity(leaf)
				id, ok := a.byType[typ]
				if !ok {
					t.Errorf("%v: refers to %s, of which tenant A holds none (extend seedTenantA or hostileEntityOverrides)", leaf, typ)
					continue
				}
				input := base(e.next())
				var value any = id
				fields := []string{hostilePath(leaf.path)}
				if leaf.list() {
					value = []any{id}
					fields = append(fields, hostilePath(leaf.path)+".0")
				}
				hostileSet(t, input, leaf.path, value)
				e.run(t, hostileCase{name: fmt.Sprintf("%v ← A's %s", leaf, typ),
					req: hostileReq{token: tokenB, tenant: "rival", query: query, vars: map[string]any{"input": input}},
					want: hostileWant{statuses: hostileStatusExec, codes: []string{"NOT_FOUND", "BAD_USER_INPUT"},
						fields: fields, fieldCode: "NOT_FOUND", secret: secret}})
			}
			controls = append(controls, hostileCase{name: "control: " + f.Name + " with B's own input",
				req:  hostileReq{token: tokenB, tenant: "rival", query: query, vars: map[string]any{"input": base(e.next())}},
				want: hostileWant{success: hostileSucceeds(nil), successOnly: true, secret: secret}})
		}
	}

	// References by code and name rather than id.
	for _, c := range []struct {
		name, root string
		path       []any
		value      any
	}{
		{"customerCategory.code", "registerIndividual", []any{"customerCategory", "code"}, "ALPHA_ONLY"},
		{"categorization.code", "registerIndividual", []any{"individualCustomer", "categorization", "code"}, "ALPHA_ONLY"},
		{"feature.code", "registerIndividual", []any{"individualCustomer", "categorization", "categoryFeatureRelations", 0, "feature", "code"}, "ALPHA_FEATURE"},
		{"roleIds by code", "registerIndividual", []any{"roleIds"}, []any{"ALPHA_ROLE"}},
		{"features.featureCode", "createCategory", []any{"features", 0, "featureCode"}, "ALPHA_FEATURE"},
		{"employee.role by code", "addEmployee", []any{"employee", "role"}, "ALPHA_ROLE"},
	} {
		arg := s.Mutation.Fields.ForName(c.root).Arguments.ForName("input")
		input := bases[c.root](e.next())
		if c.root == "registerIndividual" && c.path[0] == "customerCategory" {
			hostileSet(t, input, []any{"customerCategory", "id"}, nil)
			hostileSet(t, input, []any{"customerCategory", "name"}, nil)
		}
		hostileSet(t, input, c.path, c.value)
		fields := []string{hostilePath(c.path)}
		if _, isList := c.value.([]any); isList {
			fields = append(fields, hostilePath(c.path)+".0")
		}
		e.run(t, hostileCase{name: c.root + " " + c.name + " ← A's code",
			req: hostileReq{token: tokenB, tenant: "rival", vars: map[string]any{"input": input},
				query: fmt.Sprintf(`mutation($input: %s) { %s(input: $input) { __typename } }`, arg.Type.String(), c.root)},
			want: hostileWant{statuses: hostileStatusExec, codes: []string{"NOT_FOUND", "BAD_USER_INPUT"},
				fields: fields, fieldCode: "NOT_FOUND", secret: secret}})
	}
	e.run(t, hostileCase{name: "customers where category ← A's code", req: hostileReq{token: tokenB, tenant: "rival",
		query: `{ customers(first: 10, where: {category: "ALPHA_ONLY"}) { totalCount edges { node { id } } } }`},
		want: hostileWant{success: hostileEmpty("customers", true), successOnly: true, secret: secret}})

	// The bases are valid in B: without A's ids each mutation succeeds.
	sort.SliceStable(controls, func(i, j int) bool { // removals last
		return !strings.Contains(controls[i].name, "remove") && strings.Contains(controls[j].name, "remove")
	})
	for _, c := range controls {
		e.run(t, c)
	}
}

const (
	hostileRegisterIndividual   = `mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`
	hostileRegisterOrganization = `mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { id } }`
)

// hostileTenantA is what tenant A holds: one id per GraphQL type, and all
// its ids.
type hostileTenantA struct {
	byType map[string]string
	all    []string
}

func (a hostileTenantA) types() []string {
	out := make([]string, 0, len(a.byType))
	for typ := range a.byType {
		out = append(out, typ)
	}
	sort.Strings(out)
	return out
}

func (a hostileTenantA) firstIDs() []any {
	var out []any
	for _, typ := range a.types() {
		out = append(out, a.byType[typ])
	}
	return out
}

var hostileSafeID = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// seedTenantA registers A's customers through the API and creates its own
// category, feature and role, then reads every id it holds from the
// database (every table with a tenant_id) and their types through node.
func (e *hostileEnv) seedTenantA(t *testing.T) hostileTenantA {
	t.Helper()
	ind := testutil.Fixture(t, "finhub-individual.json")
	hostileReplaceStrings(ind, "Marcus", "Zephyrine")
	hostileReplaceStrings(ind, "Jensen", "Quillfeather")
	hostileReplaceStrings(ind, "marcus.jensen", "zephyrine")
	hostilePersonExtras(ind["individualCustomer"].(map[string]any)["person"].(map[string]any), true)
	r := e.mustSucceed(t, e.token, `mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id personId } }`,
		map[string]any{"input": ind})
	var registered struct{ RegisterIndividual struct{ ID, PersonID string } }
	if err := json.Unmarshal(r.data, &registered); err != nil {
		t.Fatal(err)
	}
	org := testutil.Fixture(t, "finhub-organization-employees.json")
	hostileReplaceStrings(org, "Acme Corporation", "Obsidian Alpha Holdings")
	e.mustSucceed(t, e.token, hostileRegisterOrganization, map[string]any{"input": org})
	e.mustSucceed(t, e.token, `mutation {
		createRole(input: {code: "ALPHA_ROLE", name: "Alpha role"}) { role { id } }
		createFeature(input: {code: "ALPHA_FEATURE", name: "Alpha feature",
			parameters: [{name: "limit", type: INTEGER, min: 0, max: 10}]}) { feature { id } } }`, nil)
	e.mustSucceed(t, e.token, `mutation {
		createCategory(input: {code: "ALPHA_ONLY", name: "Alpha only", customerType: INDIVIDUAL,
			features: [{featureCode: "ALPHA_FEATURE"}]}) { category { id } } }`, nil)

	// A's consent document, an acceptance of it and a verification, so
	// that their ids (and the events they append) are among A's.
	e.mustSucceed(t, e.token, `mutation {
		publishConsentDocument(input: {code: "ALPHA_TERMS", title: "Alpha terms", url: "https://alpha.example/terms"}) {
			consentDocument { id } } }`, nil)
	customerID := registered.RegisterIndividual.ID
	e.mustSucceed(t, e.token, `mutation($id: ID!) { acceptConsents(input: {customerId: $id, consents: [{code: "ALPHA_TERMS", version: 1}]}) {
		consents { id } } }`, map[string]any{"id": customerID})
	e.mustSucceed(t, e.Token([]string{"acme"}, testutil.AllScopes...), `mutation($id: ID!, $subject: ID!) {
		recordVerification(input: {customerId: $id, subjectId: $subject, kind: IDENTITY, outcome: PASSED,
			provider: "alpha-kyc-provider", checkedAt: "2020-01-01T00:00:00Z"}) { verification { id } } }`,
		map[string]any{"id": customerID, "subject": registered.RegisterIndividual.PersonID})

	// A's webhook endpoint, whose id the webhook mutations take; the
	// webhook tables' nodes need webhooks:manage.
	hooksToken := e.Token([]string{"acme"}, append(slices.Clone(testutil.AllScopes), viewer.ScopeWebhooksManage, viewer.ScopeAPIKeysManage)...)
	e.mustSucceed(t, hooksToken, `mutation {
		createWebhookEndpoint(input: {url: "https://alpha.example/hooks"}) { endpoint { id } } }`, nil)
	// And an API key, whose id revokeApiKey takes (its node needs
	// apikeys:manage, which the token above holds too).
	e.mustSucceed(t, hooksToken, `mutation {
		createApiKey(input: {name: "Alpha CRM", scopes: ["customers:read"]}) { apiKey { id } } }`, nil)

	if !hostileSafeID.MatchString(e.tenantID) {
		t.Fatalf("unexpected tenant id %q", e.tenantID)
	}
	ids := []string{e.tenantID}
	for _, table := range e.tables {
		rows, err := e.DB.SQL.Query(fmt.Sprintf(`SELECT id FROM "%s" WHERE tenant_id = '%s' ORDER BY id`, table, e.tenantID))
		if err != nil {
			continue // no id or no tenant_id: a join or bookkeeping table
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err == nil {
				ids = append(ids, id)
			}
		}
		rows.Close()
	}
	vars := make([]any, len(ids))
	for i, id := range ids {
		vars[i] = id
	}
	var data struct {
		Nodes []*struct {
			ID       string `json:"id"`
			Typename string `json:"__typename"`
		} `json:"nodes"`
	}
	for start := 0; start < len(vars); start += 400 {
		end := min(start+400, len(vars))
		var page struct {
			Nodes []*struct {
				ID       string `json:"id"`
				Typename string `json:"__typename"`
			} `json:"nodes"`
		}
		r := e.mustSucceed(t, hooksToken, `query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }`,
			map[string]any{"ids": vars[start:end]})
		if err := json.Unmarshal(r.data, &page); err != nil {
			t.Fatal(err)
		}
		data.Nodes = append(data.Nodes, page.Nodes...)
	}
	a := hostileTenantA{byType: map[string]string{}}
	for _, n := range data.Nodes {
		if n == nil {
			continue
		}
		a.all = append(a.all, n.ID)
		if _, ok := a.byType[n.Typename]; !ok {
			a.byType[n.Typename] = n.ID
		}
	}
	// A's own category, feature and role rather than the demo ones, whose
	// codes B shares.
	for typ, code := range map[string]string{"Category": "ALPHA_ONLY", "Feature": "ALPHA_FEATURE", "Role": "ALPHA_ROLE"} {
		field := map[string]string{"Category": "categories", "Feature": "features"}[typ]
		var q string
		if field != "" {
			q = fmt.Sprintf(`{ %s(first: 1, where: {code: %q}) { edges { node { id } } } }`, field, code)
		} else {
			q = `{ roles { id code } }`
		}
		r := e.mustSucceed(t, e.token, q, nil)
		var d map[string]any
		_ = json.Unmarshal(r.data, &d)
		if field != "" {
			edges := d[field].(map[string]any)["edges"].([]any)
			a.byType[typ] = edges[0].(map[string]any)["node"].(map[string]any)["id"].(string)
			continue
		}
		for _, role := range d["roles"].([]any) {
			if m := role.(map[string]any); m["code"] == code {
				a.byType[typ] = m["id"].(string)
			}
		}
	}
	// A verification's subjectId takes a person, an organization or a
	// representative: A's person stands for them.
	a.byType["Subject"] = a.byType["Person"]
	for _, typ := range []string{"Customer", "Person", "Address", "Contact", "IdentityDocument", "Organization",
		"Representative", "Employee", "Category", "Feature", "FeatureRelation", "CustomerFeature", "Role", "Tenant", "User",
		"ConsentDocument", "Consent", "Verification", "CustomerEvent", "WebhookEndpoint", "ApiKey"} {
		if a.byType[typ] == "" {
			t.Fatalf("tenant A holds no %s: %v", typ, a.byType)
		}
	}
	return a
}

// hostileTenantB is what B's base inputs refer to.
type hostileTenantB struct {
	customer, org, rep, emp, category string
	// individual and orgCustomer are customers the updates change.
	individual, orgCustomer string
	tenantID                string
}

func (e *hostileEnv) seedTenantB(t *testing.T, token string) hostileTenantB {
	t.Helper()
	r := e.mustSucceedIn(t, token, "rival", hostileRegisterMembers,
		map[string]any{"input": testutil.Fixture(t, "finhub-organization-employees.json")})
	var d hostileOrganization
	if err := json.Unmarshal(r.data, &d); err != nil {
		t.Fatal(err)
	}
	b := hostileTenantB{org: d.RegisterOrganization.OrganizationID, rep: d.RegisterOrganization.Directors[0].ID}
	for _, emp := range d.RegisterOrganization.Employees {
		if !strings.Contains(fmt.Sprint(emp.Roles), "ADMIN_USER") {
			b.emp = emp.ID
		}
	}
	r = e.mustSucceedIn(t, token, "rival", `{ categories(first: 1, where: {customerType: INDIVIDUAL}) { edges { node { id } } } }`, nil)
	var c struct {
		Categories struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := json.Unmarshal(r.data, &c); err != nil || len(c.Categories.Edges) == 0 || b.emp == "" {
		t.Fatalf("tenant B: %s %+v", r.raw, b)
	}
	b.category = c.Categories.Edges[0].Node.ID
	r = e.mustSucceedIn(t, token, "rival", `mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`,
		map[string]any{"input": testutil.Fixture(t, "finhub-individual.json")})
	var ind struct{ RegisterIndividual struct{ ID string } }
	_ = json.Unmarshal(r.data, &ind)
	// An organization of its own: the member cases move the first one's
	// version, after its control's input was built.
	second := testutil.Fixture(t, "finhub-organization.json")
	hostileReplaceStrings(second, "@acmecorp.com", "@second.example.com")
	hostileReplaceStrings(second, "REG-1234567890", "REG-B-SECOND")
	r = e.mustSucceedIn(t, token, "rival", `mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { id } }`,
		map[string]any{"input": second})
	var org struct{ RegisterOrganization struct{ ID string } }
	_ = json.Unmarshal(r.data, &org)
	b.individual, b.orgCustomer = ind.RegisterIndividual.ID, org.RegisterOrganization.ID
	if b.individual == "" || b.orgCustomer == "" {
		t.Fatalf("tenant B's customers: %+v", b)
	}
	r = e.mustSucceedIn(t, token, "rival", `{ customers(first: 1, where: {type: ORGANIZATION}) { edges { node { id } } } }`, nil)
	var cu struct {
		Customers struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := json.Unmarshal(r.data, &cu); err != nil || len(cu.Customers.Edges) == 0 {
		t.Fatalf("tenant B's customer: %s", r.raw)
	}
	b.customer = cu.Customers.Edges[0].Node.ID
	e.mustSucceedIn(t, token, "rival", `mutation {
		publishConsentDocument(input: {code: "BETA_TERMS", title: "Beta terms", url: "https://beta.example/terms"}) {
			consentDocument { id } } }`, nil)
	return b
}

// customerVersion reads a customer's current version straight from the
// database (no request, so the row counts of the cases stay meaningful):
// an update's base input sends it as expectedVersion, since other cases
// move it.
func (e *hostileEnv) customerVersion(t *testing.T, tenantID, id string) int {
	t.Helper()
	c, err := e.Client().Customer.Get(e.As(tenantID), id)
	if err != nil {
		t.Fatalf("customer %s: %v", id, err)
	}
	return c.Version
}

// isolationBases are valid inputs in tenant B for the mutations that take
// ids; each call gives unique e-mails, codes and numbers.
func (e *hostileEnv) isolationBases(t *testing.T, b hostileTenantB) map[string]func(n int64) map[string]any {
	individual := testutil.Fixture(t, "finhub-individual.json")
	org := testutil.Fixture(t, "finhub-organization-employees.json")
	bases := map[string]func(n int64) map[string]any{
		"registerIndividual": func(n int64) map[string]any {
			in := hostileClone(individual)
			hostileReplaceStrings(in, "marcus.jensen@", fmt.Sprintf("iso%d@", n))
			return in
		},
		"registerOrganization": func(n int64) map[string]any {
			in := hostileClone(org)
			hostileReplaceStrings(in, "@acmecorp.com", fmt.Sprintf("@iso%d.example.com", n))
			hostileReplaceStrings(in, "REG-1234567890", fmt.Sprintf("REG-ISO-%d", n))
			return in
		},
		"addRepresentative": func(int64) map[string]any {
			return map[string]any{"organizationId": b.org, "representative": newRepresentative(0)}
		},
		"updateRepresentative": func(int64) map[string]any { return map[string]any{"id": b.rep, "position": "CFO"} },
		"removeRepresentative": func(int64) map[string]any { return map[string]any{"id": b.rep} },
		"addEmployee": func(n int64) map[string]any {
			return map[string]any{"organizationId": b.org, "employee": map[string]any{"department": "Ops",
				"person": map[string]any{"firstName": "Eve", "lastName": "Worker", "email": fmt.Sprintf("eve%d@example.com", n)}}}
		},
		"updateEmployee": func(int64) map[string]any { return map[string]any{"id": b.emp, "department": "Ops"} },
		"removeEmployee": func(int64) map[string]any { return map[string]any{"id": b.emp} },
		"createCategory": func(n int64) map[string]any {
			return map[string]any{"code": fmt.Sprintf("ISO_%d", n), "name": "Isolation", "customerType": "INDIVIDUAL"}
		},
		"updateCategory": func(int64) map[string]any { return map[string]any{"id": b.category, "description": "Renamed"} },
		// Updates that change nothing: they succeed without moving the
		// version, and each id in them is one of B's.
		"updateIndividual": func(int64) map[string]any {
			return map[string]any{"customerId": b.individual, "expectedVersion": e.customerVersion(t, b.tenantID, b.individual)}
		},
		"updateOrganization": func(int64) map[string]any {
			return map[string]any{"customerId": b.orgCustomer, "expectedVersion": e.customerVersion(t, b.tenantID, b.orgCustomer)}
		},
		"recordVerification": func(int64) map[string]any {
			return map[string]any{"customerId": b.customer, "subjectId": b.org, "kind": "BUSINESS", "outcome": "PASSED",
				"provider": "Beta KYB", "checkedAt": "2020-01-01T00:00:00Z"}
		},
		"acceptConsents": func(int64) map[string]any {
			return map[string]any{"customerId": b.customer, "consents": []any{map[string]any{"code": "BETA_TERMS", "version": 1}}}
		},
	}
	// The dry runs take the registrations' inputs.
	bases["validateIndividualRegistration"] = bases["registerIndividual"]
	bases["validateOrganizationRegistration"] = bases["registerOrganization"]
	maps.Copy(bases, e.decisionBases(t, b.tenantID, "rival", e.Token([]string{"rival"}, testutil.AllScopes...)))
	hooks, _ := e.webhookBases(t, b.tenantID, "rival")
	maps.Copy(bases, hooks)
	keys, _ := e.apiKeyBases(t, "rival")
	maps.Copy(bases, keys)
	return bases
}

// isolationFilterCase is root(where: {…leaf: A's id…}) as B: an answer
// without A's data, empty unless the predicate is a negation or a range.
func (e *hostileEnv) isolationFilterCase(t *testing.T, s *ast.Schema, root *ast.FieldDefinition, leaf hostileField,
	a hostileTenantA, tokenB string, secret []string) hostileCase {
	typ := hostileEntity(leaf)
	id, ok := a.byType[typ]
	if !ok {
		t.Errorf("%v: refers to %s, of which tenant A holds none (extend seedTenantA or hostileEntityOverrides)", leaf, typ)
		id = a.byType["Customer"]
	}
	var value any = id
	if leaf.list() {
		value = []any{id}
	}
	where := map[string]any{}
	path := leaf.path
	if len(path) > 0 && path[0] == 0 {
		path = path[1:]
	}
	hostileSet(t, where, path, value)
	var arg any = where
	argDef := root.Arguments.ForName(leaf.arg)
	if argDef.Type.Elem != nil {
		arg = []any{where}
	}
	// Other required arguments: an enum list takes its first value.
	var args []string
	var decl []string
	decl = append(decl, "$w: "+argDef.Type.String())
	args = append(args, leaf.arg+": $w")
	for _, other := range root.Arguments {
		if other.Name == leaf.arg {
			continue
		}
		if other.Name == "first" {
			args = append(args, "first: 10")
			continue
		}
		if other.Type.NonNull {
			if et := s.Types[other.Type.Name()]; et != nil && et.Kind == ast.Enum {
				v := et.EnumValues[0].Name
				if other.Type.Elem != nil {
					v = "[" + v + "]"
				}
				args = append(args, other.Name+": "+v)
			}
		}
	}
	ret := s.Types[root.Type.Name()]
	sel := "__typename"
	connection := strings.HasSuffix(ret.Name, "Connection")
	if connection {
		sel = "totalCount edges { node { id } }"
	} else if ret.Fields.ForName("count") != nil {
		sel = "count" // a bounded count (customerCount)
	}
	query := fmt.Sprintf("query(%s) { %s(%s) { %s } }", strings.Join(decl, ", "), root.Name, strings.Join(args, ", "), sel)
	positive := true
	for _, neg := range []string{"NEQ", "NotIn", "GT", "GTE", "LT", "LTE"} {
		if strings.HasSuffix(leaf.name, neg) {
			positive = false
		}
	}
	return hostileCase{name: fmt.Sprintf("%v ← A's %s", leaf, typ),
		req:  hostileReq{token: tokenB, tenant: "rival", query: query, vars: map[string]any{"w": arg}},
		want: hostileWant{success: hostileEmpty(root.Name, positive), successOnly: true, secret: secret}}
}

// hostileEmpty checks that data[field] (a connection or a list) is empty
// when empty is set; the secret check has already looked for A's data.
func hostileEmpty(field string, empty bool) func(t *testing.T, r *hostileResp) {
	return hostileSucceeds(func(t *testing.T, data map[string]any) {
		if !empty {
			return
		}
		switch v := data[field].(type) {
		case map[string]any:
			count, ok := v["totalCount"]
			if !ok {
				count = v["count"]
			}
			if edges, _ := v["edges"].([]any); len(edges) > 0 || count != float64(0) {
				t.Errorf("%s is not empty: %v", field, v)
			}
		case []any:
			if len(v) > 0 {
				t.Errorf("%s is not empty: %v", field, v)
			}
		default:
			t.Errorf("%s: unexpected %T", field, v)
		}
	})
}

// mustSucceed runs a setup request in acme and fails the test on any error.
func (e *hostileEnv) mustSucceed(t *testing.T, token, query string, vars map[string]any) *hostileResp {
	t.Helper()
	return e.mustSucceedIn(t, token, "acme", query, vars)
}

func (e *hostileEnv) mustSucceedIn(t *testing.T, token, tenant, query string, vars map[string]any) *hostileResp {
	t.Helper()
	e.counts = nil
	r := e.send(t, hostileReq{token: token, tenant: tenant, query: query, vars: vars})
	if r.status != 200 || r.jsonErr != nil || len(r.errors) > 0 {
		t.Fatalf("setup request failed: %s", r.summary())
	}
	return r
}

package server_test

import (
	"strings"
	"testing"

	"onboard/internal/testutil"
)

const createRiskFeature = `mutation {
	createFeature(input: {code: "RISK_PROFILE", externalId: "risk-ext", name: "Risk profile", parameters: [
		{name: "riskLevel", type: STRING, mandatory: true, allowedValues: ["LOW", "MEDIUM", "HIGH"], defaultValue: "MEDIUM"},
		{name: "riskScore", type: INTEGER, min: 0, max: 100},
		{name: "pep", type: BOOLEAN, defaultValue: "false"}
	]}) { feature { id code parameters { name type mandatory allowedValues min max defaultValue } } }
}`

func TestCatalogMutations(t *testing.T) {
	env := testutil.New(t)
	env.Tenant("acme")
	token := env.Token([]string{"acme"}, testutil.AllScopes...)
	do := func(q string, vars map[string]any) *testutil.Response {
		return env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: q, Variables: vars})
	}

	var feat struct {
		CreateFeature struct {
			Feature struct {
				ID, Code   string
				Parameters []map[string]any
			}
		}
	}
	do(createRiskFeature, nil).Into(t, &feat)
	if len(feat.CreateFeature.Feature.Parameters) != 3 || feat.CreateFeature.Feature.Parameters[1]["max"] != 100.0 {
		t.Fatalf("feature: %+v", feat)
	}

	t.Run("bad parameter definitions are all reported", func(t *testing.T) {
		r := do(`mutation { createFeature(input: {code: "BAD", name: "Bad", parameters: [
			{name: "a", type: INTEGER, min: 10, max: 1},
			{name: "a", type: BOOLEAN, defaultValue: "maybe"},
			{name: "c", type: STRING, allowedValues: ["X"], defaultValue: "Y"},
			{name: "d", type: INTEGER, allowedValues: ["1", "two"]}
		]}) { feature { id } } }`, nil)
		want := map[string]string{
			"parameters.0.min":             "INVALID_RANGE",
			"parameters.1.name":            "DUPLICATE",
			"parameters.1.defaultValue":    "INVALID_PARAMETER_VALUE",
			"parameters.2.defaultValue":    "PARAMETER_VALUE_NOT_ALLOWED",
			"parameters.3.allowedValues.1": "INVALID_PARAMETER_VALUE",
		}
		assertProblems(t, r, want)
	})

	var low struct {
		CreateCategory struct {
			Category struct {
				ID               string
				IsDefault        bool
				FeatureRelations []struct {
					Enabled         bool
					Parametrization []struct{ Name, Value string }
					Feature         struct{ Code string }
				}
			}
		}
	}
	do(`mutation { createCategory(input: {code: "LOW_RISK", externalId: "low-ext", name: "Low risk", customerType: INDIVIDUAL,
		riskLevel: LOW, isDefault: true,
		features: [{featureCode: "RISK_PROFILE", parametrization: [{name: "riskLevel", value: "LOW"}, {name: "riskScore", value: "20"}]}]})
		{ category { id isDefault featureRelations { enabled parametrization { name value } feature { code } } } } }`, nil).Into(t, &low)
	rel := low.CreateCategory.Category.FeatureRelations
	if !low.CreateCategory.Category.IsDefault || len(rel) != 1 || rel[0].Feature.Code != "RISK_PROFILE" || len(rel[0].Parametrization) != 2 {
		t.Fatalf("category: %+v", low)
	}

	t.Run("bad category input is all reported", func(t *testing.T) {
		r := do(`mutation($parent: ID!) { createCategory(input: {code: "has space", name: "  ", customerType: ORGANIZATION, parentId: $parent,
			isActive: false, isDefault: true,
			features: [
				{featureId: "risk-ext", featureCode: "OTHER"},
				{featureId: "risk-ext", parametrization: [{name: "riskLevel", value: "EXTREME"}, {name: "riskScore", value: "101"}, {name: "nope", value: "1"}]},
				{featureCode: "MISSING"}
			]}) { category { id } } }`, map[string]any{"parent": low.CreateCategory.Category.ID})
		assertProblems(t, r, map[string]string{
			"code":                               "INVALID_FORMAT",
			"name":                               "REQUIRED",
			"isDefault":                          "INACTIVE_DEFAULT",
			"parentId":                           "CUSTOMER_TYPE_MISMATCH",
			"features.0.featureCode":             "NOT_FOUND",
			"features.1.parametrization.0.value": "PARAMETER_VALUE_NOT_ALLOWED",
			"features.1.parametrization.1.value": "PARAMETER_OUT_OF_RANGE",
			"features.1.parametrization.2.name":  "UNKNOWN_PARAMETER",
			"features.2.featureCode":             "NOT_FOUND",
		})
		if n, _ := env.Client().Category.Query().Count(env.As(tenantID(t, env, "acme"))); n != 1 {
			t.Fatalf("%d categories after a rejected create, want 1", n)
		}
	})

	t.Run("a new default replaces the old one", func(t *testing.T) {
		var high struct {
			CreateCategory struct{ Category struct{ ID string } }
		}
		do(`mutation($parent: ID!) { createCategory(input: {code: "HIGH_RISK", name: "High", customerType: INDIVIDUAL, riskLevel: HIGH,
			isDefault: true, parentId: $parent}) { category { id } } }`,
			map[string]any{"parent": low.CreateCategory.Category.ID}).Into(t, &high)
		var check struct {
			Low  struct{ IsDefault bool } `json:"low"`
			High struct {
				IsDefault bool
				Parent    struct{ ID string }
			} `json:"high"`
		}
		do(`query($l: ID!, $h: ID!) { low: node(id: $l) { ... on Category { isDefault } } high: node(id: $h) { ... on Category { isDefault parent { id } } } }`,
			map[string]any{"l": low.CreateCategory.Category.ID, "h": high.CreateCategory.Category.ID}).Into(t, &check)
		if check.Low.IsDefault || !check.High.IsDefault || check.High.Parent.ID != low.CreateCategory.Category.ID {
			t.Fatalf("defaults after the switch: %+v", check)
		}
	})

	t.Run("update replaces relations and refuses cycles", func(t *testing.T) {
		id := low.CreateCategory.Category.ID
		var upd struct {
			UpdateCategory struct {
				Category struct {
					Name             string
					RiskLevel        string
					FeatureRelations []struct{ Enabled bool }
				}
			}
		}
		do(`mutation($id: ID!) { updateCategory(input: {id: $id, name: "Lowest", riskLevel: MEDIUM,
			features: [{featureId: "risk-ext", enabled: false}]}) { category { name riskLevel featureRelations { enabled } } } }`,
			map[string]any{"id": id}).Into(t, &upd)
		c := upd.UpdateCategory.Category
		if c.Name != "Lowest" || c.RiskLevel != "MEDIUM" || len(c.FeatureRelations) != 1 || c.FeatureRelations[0].Enabled {
			t.Fatalf("updated: %+v", upd)
		}
		var child struct {
			CreateCategory struct{ Category struct{ ID string } }
		}
		do(`mutation($p: ID!) { createCategory(input: {code: "CHILD", name: "Child", customerType: INDIVIDUAL, parentId: $p}) { category { id } } }`,
			map[string]any{"p": id}).Into(t, &child)
		r := do(`mutation($id: ID!, $p: ID!) { updateCategory(input: {id: $id, parentId: $p}) { category { id } } }`,
			map[string]any{"id": id, "p": child.CreateCategory.Category.ID})
		assertProblems(t, r, map[string]string{"parentId": "CYCLE"})
	})
}

func tenantID(t *testing.T, env *testutil.Env, key string) string {
	t.Helper()
	var data struct{ Tenant struct{ ID string } }
	env.Do(testutil.Request{Token: env.Token([]string{key}, "customers:read"), TenantKey: key, Query: `{ tenant { id } }`}).Into(t, &data)
	return data.Tenant.ID
}

// assertProblems checks that the response reports exactly the problems in
// want (field path → reason), all BAD_USER_INPUT or NOT_FOUND.
func assertProblems(t *testing.T, r *testutil.Response, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, e := range r.Errors {
		if e.Code() != "BAD_USER_INPUT" && e.Code() != "NOT_FOUND" {
			t.Errorf("unexpected code %s: %+v", e.Code(), e)
		}
		if got[e.Field()] != "" {
			got[e.Field()] += ","
		}
		got[e.Field()] += e.Reason()
	}
	for f, reason := range want {
		if got[f] != reason {
			t.Errorf("field %s: reason %q, want %q", f, got[f], reason)
		}
	}
	for f := range got {
		if _, ok := want[f]; !ok {
			t.Errorf("unexpected problem on %s: %s", f, got[f])
		}
	}
	if t.Failed() {
		t.Logf("response: %s", r.Raw)
	}
	if strings.Contains(r.Raw, `"data":{"`) {
		t.Errorf("a rejected mutation returned data: %s", r.Raw)
	}
}

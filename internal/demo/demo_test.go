package demo_test

import (
	"context"
	"strings"
	"testing"

	"onboard/ent"
	"onboard/ent/category"
	"onboard/internal/apperr"
	"onboard/internal/catalog"
	"onboard/internal/demo"
	"onboard/internal/testutil"
	"onboard/schema/schematype"
)

// counts are the sizes of a tenant's catalog and roles.
type counts struct{ roles, features, categories, relations int }

func countAll(t *testing.T, ctx context.Context, client *ent.Client) counts {
	t.Helper()
	var c counts
	var err error
	for _, step := range []struct {
		n   *int
		run func() (int, error)
	}{
		{&c.roles, func() (int, error) { return client.Role.Query().Count(ctx) }},
		{&c.features, func() (int, error) { return client.Feature.Query().Count(ctx) }},
		{&c.categories, func() (int, error) { return client.Category.Query().Count(ctx) }},
		{&c.relations, func() (int, error) { return client.FeatureRelation.Query().Count(ctx) }},
	} {
		if *step.n, err = step.run(); err != nil {
			t.Fatalf("counting: %v", err)
		}
	}
	return c
}

func TestSeedIsIdempotent(t *testing.T) {
	env := testutil.New(t)
	client := env.Client()
	id, err := demo.Seed(context.Background(), client)
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	if !strings.HasPrefix(id, "ten_") {
		t.Fatalf("Seed returned %q, want a tenant id (ten_…)", id)
	}
	first := countAll(t, env.As(id), client)
	want := counts{roles: len(catalog.StandardRoles), features: 4, categories: 5, relations: 9}
	if first != want {
		t.Fatalf("after the first Seed: %+v, want %+v", first, want)
	}

	again, err := demo.Seed(context.Background(), client)
	if err != nil {
		t.Fatalf("second Seed: %v", err)
	}
	if again != id {
		t.Fatalf("second Seed returned %q, want %q", again, id)
	}
	if second := countAll(t, env.As(id), client); second != first {
		t.Fatalf("second Seed changed the catalog: %+v, was %+v", second, first)
	}
}

func TestSeedCatalogResolvesAndHasOneDefaultPerType(t *testing.T) {
	ctx, client := seeded(t)
	for externalID, code := range map[string]string{
		"e50bb9ad-6a97-41da-8e66-4c3c0f7e2a3d": "MEDIUM_RISK_INDIVIDUAL",
		"fs-cat-b2b-small-001":                 "SMALL_BUSINESS",
		"business-medium-risk-7f9a":            "BUSINESS_MEDIUM_RISK",
	} {
		c, perr := catalog.ResolveCategory(ctx, client, apperr.Path{"category"}, catalog.CategoryRef{ID: &externalID})
		if perr != nil {
			t.Errorf("category %s: %v", externalID, perr)
			continue
		}
		if c.Code != code {
			t.Errorf("category %s is %s, want %s", externalID, c.Code, code)
		}
	}
	for typ, code := range map[schematype.CustomerType]string{
		schematype.CustomerTypeIndividual:   "LOW_RISK_INDIVIDUAL",
		schematype.CustomerTypeOrganization: "SMALL_BUSINESS",
	} {
		defaults, err := client.Category.Query().
			Where(category.CustomerTypeEQ(typ), category.IsDefault(true)).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(defaults) != 1 || defaults[0].Code != code {
			t.Errorf("defaults of %s: %v, want only %s", typ, defaults, code)
		}
	}
}

// TestFixturesFitTheCatalog checks that the category and every feature
// parameter the fixtures name resolve and are accepted, and that each
// mandatory parameter of the category's features has a default.
func TestFixturesFitTheCatalog(t *testing.T) {
	ctx, client := seeded(t)
	for _, name := range []string{"finhub-individual.json", "finhub-organization.json", "finhub-organization-categorized.json"} {
		t.Run(name, func(t *testing.T) {
			fixture := testutil.Fixture(t, name)
			refs := []map[string]any{asMap(fixture["customerCategory"])}
			var categorization map[string]any
			for _, k := range []string{"individualCustomer", "organizationCustomer"} {
				if c := asMap(asMap(fixture[k])["categorization"]); c != nil {
					categorization = c
					refs = append(refs, c)
				}
			}
			var cat *ent.Category
			for _, ref := range refs {
				id, name := str(ref["id"]), str(ref["name"])
				c, perr := catalog.ResolveCategory(ctx, client, apperr.Path{"category"}, catalog.CategoryRef{ID: id, Name: name})
				if perr != nil {
					t.Fatalf("category %v: %v", ref, perr)
				}
				if cat != nil && cat.ID != c.ID {
					t.Fatalf("the fixture names two categories: %s and %s", cat.Code, c.Code)
				}
				cat = c
			}
			rels, err := catalog.Relations(ctx, client, cat.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(rels) == 0 {
				t.Errorf("%s has no features to check", cat.Code)
			}
			for _, rel := range rels {
				for _, def := range rel.Edges.Feature.Parameters {
					if def.Mandatory && def.DefaultValue == nil && !hasParam(rel.Parametrization, def.Name) {
						t.Errorf("%s: mandatory %s.%s has no default", cat.Code, rel.Edges.Feature.Code, def.Name)
					}
				}
			}
			if categorization == nil {
				return
			}
			for _, r := range asSlice(categorization["categoryFeatureRelations"]) {
				ref := asMap(asMap(r)["feature"])
				f, perr := catalog.ResolveFeature(ctx, client, apperr.Path{"feature"},
					catalog.FeatureRef{ID: str(ref["id"]), Code: str(ref["code"])})
				if perr != nil {
					t.Fatalf("feature %v: %v", ref, perr)
				}
				if !attached(rels, f.ID) {
					t.Errorf("category %s has no feature %s", cat.Code, f.Code)
				}
				for _, p := range asSlice(asMap(r)["parametrization"]) {
					pname, pvalue := *str(asMap(p)["name"]), *str(asMap(p)["value"])
					def, ok := catalog.Definition(f.Parameters, pname)
					if !ok {
						t.Errorf("feature %s has no parameter %s", f.Code, pname)
						continue
					}
					if reason, msg := catalog.CheckValue(def, pvalue); reason != "" {
						t.Errorf("%s.%s = %s: %s", f.Code, pname, pvalue, msg)
					}
				}
			}
		})
	}
}

func TestSeedCatalogIntoAnotherTenant(t *testing.T) {
	env := testutil.New(t)
	client := env.Client()
	demoID, err := demo.Seed(context.Background(), client)
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	demoCounts := countAll(t, env.As(demoID), client)

	other := env.As(env.Tenant("other"))
	for i := range 2 {
		if err := demo.SeedCatalog(other, client); err != nil {
			t.Fatalf("SeedCatalog #%d: %v", i+1, err)
		}
		if got := countAll(t, other, client); got != demoCounts {
			t.Fatalf("after SeedCatalog #%d: %+v, want %+v (as the demo tenant)", i+1, got, demoCounts)
		}
	}
	if got := countAll(t, env.As(demoID), client); got != demoCounts {
		t.Fatalf("SeedCatalog into another tenant changed the demo tenant: %+v, was %+v", got, demoCounts)
	}
	if err := demo.SeedCatalog(context.Background(), client); err == nil {
		t.Fatal("SeedCatalog without a tenant in the context succeeded")
	}
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }
func asSlice(v any) []any        { s, _ := v.([]any); return s }

func str(v any) *string {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	return &s
}

func hasParam(params []schematype.Parameter, name string) bool {
	for _, p := range params {
		if p.Name == name {
			return true
		}
	}
	return false
}

func attached(rels []*ent.FeatureRelation, featureID string) bool {
	for _, r := range rels {
		if r.FeatureID == featureID {
			return true
		}
	}
	return false
}

// seeded returns a fresh database with the demo tenant seeded, and a
// context acting in that tenant.
func seeded(t *testing.T) (context.Context, *ent.Client) {
	t.Helper()
	env := testutil.New(t)
	id, err := demo.Seed(context.Background(), env.Client())
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	return env.As(id), env.Client()
}

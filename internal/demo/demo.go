// Package demo seeds the demo tenant: a tenant with the standard roles and
// the catalog (features and categories) that the example requests in
// testdata/ name, so that a fresh installation can register those
// examples unchanged and tests can give any tenant the same catalog.
package demo

import (
	"context"
	"errors"
	"fmt"

	"onboard/ent"
	"onboard/ent/category"
	"onboard/ent/consentdocument"
	"onboard/ent/feature"
	"onboard/ent/privacy"
	"onboard/ent/tenant"
	"onboard/internal/catalog"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// TenantKey is the demo tenant's key (the X-Tenant-ID value clients send).
// It is fixed so that documentation, the playground and client examples can
// name the demo tenant without looking it up.
const TenantKey = "97e7ff29-15f3-49ef-9681-3bbfcce4f6cd"

// tenantName is the demo tenant's display name.
const tenantName = "Demo (FinHub)"

// featureSpec is one feature of the demo catalog.
type featureSpec struct {
	code, externalID, name, description string
	params                              []schematype.ParameterDefinition
}

// value is one default parameter value of a category's feature.
type value struct{ name, value string }

// relationSpec attaches a feature (by code) to a category with defaults.
type relationSpec struct {
	feature string
	values  []value
}

// categorySpec is one category of the demo catalog.
type categorySpec struct {
	code, externalID, name, description string
	customerType                        schematype.CustomerType
	riskLevel                           category.RiskLevel
	isDefault                           bool
	features                            []relationSpec
}

var (
	levels       = []string{"LOW", "MEDIUM", "HIGH"}
	checks       = []string{"BASIC", "STANDARD", "ENHANCED"}
	requirements = []string{"REQUIRED", "OPTIONAL", "WAIVED"}
)

// features are the demo catalog's features. The external ids and codes are
// those the fixtures in testdata/ use; every value the fixtures give must
// pass catalog.CheckValue.
var features = []featureSpec{
	{
		code: "MEDIUM_RISK_PROFILE", externalID: "f7a8b9c0-d1e2-3f4g-5h6i-7j8k9l0m1n2o",
		name: "Risk profile", description: "Risk rating, screening and limits of an individual customer.",
		params: []schematype.ParameterDefinition{
			{Name: "riskLevel", Type: schematype.ParameterTypeString, Mandatory: true, AllowedValues: levels, DefaultValue: ptr("MEDIUM")},
			{Name: "riskScore", Type: schematype.ParameterTypeInteger, Min: ptr(0.0), Max: ptr(100.0), DefaultValue: ptr("50")},
			{Name: "pep", Type: schematype.ParameterTypeBoolean, DefaultValue: ptr("false"), Description: "Politically exposed person."},
			{Name: "sanctionsCheck", Type: schematype.ParameterTypeString, AllowedValues: checks, DefaultValue: ptr("STANDARD")},
			{Name: "monitoring", Type: schematype.ParameterTypeString, AllowedValues: []string{"STANDARD", "ENHANCED"}, DefaultValue: ptr("STANDARD")},
			{Name: "monthlyLimit", Type: schematype.ParameterTypeDecimal, Min: ptr(0.0), Max: ptr(1000000.0), DefaultValue: ptr("10000")},
		},
	},
	{
		code: "BUSINESS_RISK_ASSESSMENT", externalID: "business-risk-assessment-3c4d",
		name: "Business risk assessment", description: "Risk rating and screening of an organization.",
		params: []schematype.ParameterDefinition{
			{Name: "BUSINESS_RISK_LEVEL", Type: schematype.ParameterTypeString, Mandatory: true, AllowedValues: levels},
			{Name: "BUSINESS_RISK_SCORE", Type: schematype.ParameterTypeInteger, Min: ptr(50.0), Max: ptr(70.0), DefaultValue: ptr("60")},
			{Name: "ANNUAL_REVENUE", Type: schematype.ParameterTypeDecimal, Min: ptr(0.0)},
			{Name: "EMPLOYEE_COUNT", Type: schematype.ParameterTypeInteger, Min: ptr(0.0)},
			{Name: "SANCTIONS_CHECK", Type: schematype.ParameterTypeString, AllowedValues: checks, DefaultValue: ptr("STANDARD")},
		},
	},
	{
		code: "BUSINESS_TRANSACTION_LIMITS", externalID: "business-transaction-limits-7e2f",
		name: "Business transaction limits", description: "Transaction limits of an organization.",
		params: []schematype.ParameterDefinition{
			{Name: "MONTHLY_LIMIT", Type: schematype.ParameterTypeDecimal, Min: ptr(0.0), DefaultValue: ptr("50000")},
			{Name: "DAILY_LIMIT", Type: schematype.ParameterTypeDecimal, Min: ptr(0.0), DefaultValue: ptr("10000")},
			{Name: "PER_TRANSACTION_LIMIT", Type: schematype.ParameterTypeDecimal, Min: ptr(0.0), DefaultValue: ptr("5000")},
		},
	},
	{
		code: "BUSINESS_VERIFICATION_REQUIREMENTS", externalID: "business-verification-requirements-9a1b",
		name: "Business verification requirements", description: "Which verifications an organization goes through.",
		params: []schematype.ParameterDefinition{
			{Name: "BUSINESS_VERIFICATION", Type: schematype.ParameterTypeString, AllowedValues: requirements, DefaultValue: ptr("REQUIRED")},
			{Name: "BENEFICIAL_OWNER_VERIFICATION", Type: schematype.ParameterTypeString, AllowedValues: requirements, DefaultValue: ptr("REQUIRED")},
			{Name: "DOCUMENT_VERIFICATION", Type: schematype.ParameterTypeString, AllowedValues: requirements, DefaultValue: ptr("REQUIRED")},
		},
	},
}

// categories are the demo catalog's categories, created after the features
// they name. One per customer type is the default, so that registrations
// naming no category still get a risk profile.
var categories = []categorySpec{
	{
		code: "LOW_RISK_INDIVIDUAL", externalID: "4b1e0c8f-2d7a-4f3e-9a61-5c2d8e7f1a90",
		name: "Low Risk Individual", description: "Low-risk individual customer category",
		customerType: schematype.CustomerTypeIndividual, riskLevel: category.RiskLevelLOW, isDefault: true,
		features: []relationSpec{{"MEDIUM_RISK_PROFILE", []value{
			{"riskLevel", "LOW"}, {"riskScore", "20"}, {"sanctionsCheck", "BASIC"},
			{"monitoring", "STANDARD"}, {"monthlyLimit", "5000"},
		}}},
	},
	{
		code: "MEDIUM_RISK_INDIVIDUAL", externalID: "e50bb9ad-6a97-41da-8e66-4c3c0f7e2a3d",
		name: "Medium Risk Individual", description: "Medium-risk individual customer category",
		customerType: schematype.CustomerTypeIndividual, riskLevel: category.RiskLevelMEDIUM,
		features: []relationSpec{{"MEDIUM_RISK_PROFILE", []value{
			{"riskLevel", "MEDIUM"}, {"riskScore", "50"}, {"sanctionsCheck", "STANDARD"},
			{"monitoring", "ENHANCED"}, {"monthlyLimit", "10000"},
		}}},
	},
	{
		code: "HIGH_RISK_INDIVIDUAL", externalID: "9c3f5a7e-8b1d-4e2f-a6c0-3d9e1b7f5a24",
		name: "High Risk Individual", description: "High-risk individual customer category",
		customerType: schematype.CustomerTypeIndividual, riskLevel: category.RiskLevelHIGH,
		features: []relationSpec{{"MEDIUM_RISK_PROFILE", []value{
			{"riskLevel", "HIGH"}, {"riskScore", "80"}, {"sanctionsCheck", "ENHANCED"},
			{"monitoring", "ENHANCED"}, {"monthlyLimit", "2000"},
		}}},
	},
	{
		code: "SMALL_BUSINESS", externalID: "fs-cat-b2b-small-001",
		name: "Small Business", description: "Low-risk small business customer",
		customerType: schematype.CustomerTypeOrganization, riskLevel: category.RiskLevelLOW, isDefault: true,
		features: []relationSpec{
			{"BUSINESS_RISK_ASSESSMENT", []value{
				{"BUSINESS_RISK_LEVEL", "LOW"}, {"BUSINESS_RISK_SCORE", "50"}, {"SANCTIONS_CHECK", "BASIC"},
			}},
			{"BUSINESS_TRANSACTION_LIMITS", []value{
				{"MONTHLY_LIMIT", "25000"}, {"DAILY_LIMIT", "5000"}, {"PER_TRANSACTION_LIMIT", "2500"},
			}},
			{"BUSINESS_VERIFICATION_REQUIREMENTS", []value{
				{"BUSINESS_VERIFICATION", "REQUIRED"}, {"BENEFICIAL_OWNER_VERIFICATION", "REQUIRED"},
				{"DOCUMENT_VERIFICATION", "REQUIRED"},
			}},
		},
	},
	{
		code: "BUSINESS_MEDIUM_RISK", externalID: "business-medium-risk-7f9a",
		name: "BUSINESS_MEDIUM_RISK", description: "Medium risk business customer",
		customerType: schematype.CustomerTypeOrganization, riskLevel: category.RiskLevelMEDIUM,
		features: []relationSpec{
			{"BUSINESS_RISK_ASSESSMENT", []value{
				{"BUSINESS_RISK_LEVEL", "MEDIUM"}, {"BUSINESS_RISK_SCORE", "60"}, {"ANNUAL_REVENUE", "1000000"},
				{"EMPLOYEE_COUNT", "25"}, {"SANCTIONS_CHECK", "STANDARD"},
			}},
			{"BUSINESS_TRANSACTION_LIMITS", []value{
				{"MONTHLY_LIMIT", "50000"}, {"DAILY_LIMIT", "10000"}, {"PER_TRANSACTION_LIMIT", "5000"},
			}},
			{"BUSINESS_VERIFICATION_REQUIREMENTS", []value{
				{"BUSINESS_VERIFICATION", "REQUIRED"}, {"BENEFICIAL_OWNER_VERIFICATION", "REQUIRED"},
				{"DOCUMENT_VERIFICATION", "REQUIRED"},
			}},
		},
	},
}

// Seed creates, idempotently, the demo tenant with its standard roles and
// the demo catalog, so that the service can call it at every start: a
// second call changes nothing and fails on nothing. It returns the
// tenant's id (ten_…).
func Seed(ctx context.Context, client *ent.Client) (string, error) {
	id, err := ensureTenant(ctx, client)
	if err != nil {
		return "", err
	}
	if err := SeedCatalog(viewer.ForTenant(ctx, id), client); err != nil {
		return "", err
	}
	return id, nil
}

// SeedCatalog creates the demo catalog (features and categories, not the
// tenant) in the tenant that ctx acts in (a viewer context from
// viewer.ForTenant), so tests can give a fresh tenant the catalog the
// fixtures name. Entities whose code already exists are left as they are,
// and a category becomes its customer type's default only when the tenant
// has none yet, so calling it again changes nothing.
func SeedCatalog(ctx context.Context, client *ent.Client) error {
	if v := viewer.FromContext(ctx); v == nil || v.TenantID == "" {
		return errors.New("demo: SeedCatalog needs a context acting in a tenant (viewer.ForTenant)")
	}
	for _, f := range features {
		err := ensure(func() (bool, error) {
			return client.Feature.Query().Where(feature.Code(f.code)).Exist(ctx)
		}, func() error {
			_, err := catalog.CreateFeature(ctx, client, catalog.FeatureInput{
				Code: f.code, ExternalID: &f.externalID, Name: f.name, Description: &f.description, Parameters: f.params,
			})
			return err
		})
		if err != nil {
			return fmt.Errorf("demo: seeding feature %s: %w", f.code, err)
		}
	}
	for _, c := range categories {
		err := ensure(func() (bool, error) {
			return client.Category.Query().Where(category.Code(c.code)).Exist(ctx)
		}, func() error {
			isDefault := false
			if c.isDefault {
				current, err := catalog.DefaultCategory(ctx, client, c.customerType)
				if err != nil {
					return err
				}
				isDefault = current == nil
			}
			_, err := catalog.CreateCategory(ctx, client, catalog.CategoryInput{
				Code: c.code, ExternalID: &c.externalID, Name: c.name, Description: &c.description,
				CustomerType: c.customerType, RiskLevel: c.riskLevel, IsActive: true, IsDefault: isDefault,
				Features: relations(c.features), Policy: policyOf(c),
			})
			return err
		})
		if err != nil {
			return fmt.Errorf("demo: seeding category %s: %w", c.code, err)
		}
	}
	for _, d := range consentDocuments {
		err := ensure(func() (bool, error) {
			return client.ConsentDocument.Query().Where(consentdocument.Code(d.code)).Exist(ctx)
		}, func() error {
			// Created directly: publishing (with its version numbering)
			// is the consents part's mutation; the seed's first version
			// is 1.
			return client.ConsentDocument.Create().
				SetCode(d.code).SetVersion(1).SetTitle(d.title).SetURL(d.url).
				SetCustomerTypes(d.customerTypes).Exec(ctx)
		})
		if err != nil {
			return fmt.Errorf("demo: seeding consent document %s: %w", d.code, err)
		}
	}
	return nil
}

// consentSpec is a consent document of the demo tenant.
type consentSpec struct {
	code, title, url string
	customerTypes    []string
}

// consentDocuments are the documents every demo customer accepts before
// activation: the terms of service, for both customer types.
var consentDocuments = []consentSpec{{
	code: "TERMS", title: "Terms of service", url: "https://finhub.example/legal/terms/v1",
	customerTypes: []string{string(schematype.CustomerTypeIndividual), string(schematype.CustomerTypeOrganization)},
}}

// policyOf is a demo category's onboarding policy, read from the
// verification features the FinHub fixtures give it, so that a category's
// configuration and what its customers need cannot disagree:
//
//   - BUSINESS_VERIFICATION_REQUIREMENTS: BUSINESS_VERIFICATION,
//     BENEFICIAL_OWNER_VERIFICATION and DOCUMENT_VERIFICATION are the
//     verifications BUSINESS, BENEFICIAL_OWNER and DOCUMENT; REQUIRED is
//     due before activation, OPTIONAL eventually, WAIVED not at all;
//   - a sanctions check (MEDIUM_RISK_PROFILE's sanctionsCheck,
//     BUSINESS_RISK_ASSESSMENT's SANCTIONS_CHECK) is a SANCTIONS
//     verification: STANDARD and ENHANCED before activation, BASIC
//     eventually;
//   - ENHANCED monitoring of an individual adds a PEP screening, due
//     before activation.
func policyOf(c categorySpec) *schematype.OnboardingPolicy {
	p := &schematype.OnboardingPolicy{}
	add := func(kind, due string) {
		if due != "" {
			p.Requirements = append(p.Requirements, schematype.PolicyRequirement{
				Kind: schematype.RequirementVerification, Code: kind, Due: due})
		}
	}
	byRequirement := map[string]string{"REQUIRED": schematype.DueBeforeActivation, "OPTIONAL": schematype.DueEventually}
	byCheck := map[string]string{"BASIC": schematype.DueEventually, "STANDARD": schematype.DueBeforeActivation,
		"ENHANCED": schematype.DueBeforeActivation}
	for _, f := range c.features {
		for _, v := range f.values {
			switch f.feature + "." + v.name {
			case "BUSINESS_VERIFICATION_REQUIREMENTS.BUSINESS_VERIFICATION":
				add("BUSINESS", byRequirement[v.value])
			case "BUSINESS_VERIFICATION_REQUIREMENTS.BENEFICIAL_OWNER_VERIFICATION":
				add("BENEFICIAL_OWNER", byRequirement[v.value])
			case "BUSINESS_VERIFICATION_REQUIREMENTS.DOCUMENT_VERIFICATION":
				add("DOCUMENT", byRequirement[v.value])
			case "MEDIUM_RISK_PROFILE.sanctionsCheck", "BUSINESS_RISK_ASSESSMENT.SANCTIONS_CHECK":
				add("SANCTIONS", byCheck[v.value])
			case "MEDIUM_RISK_PROFILE.monitoring":
				if v.value == "ENHANCED" {
					add("PEP", schematype.DueBeforeActivation)
				}
			}
		}
	}
	return p
}

// ensureTenant returns the demo tenant's id, creating the tenant (with its
// standard roles, which catalog.CreateTenant adds) when it is missing.
func ensureTenant(ctx context.Context, client *ent.Client) (string, error) {
	var id string
	find := func() (bool, error) {
		// The Tenant policy only shows the tenant a viewer acts in; finding
		// one by key is internal work, as in authentication.
		t, err := client.Tenant.Query().Where(tenant.Key(TenantKey)).Only(privacy.DecisionContext(ctx, privacy.Allow))
		if ent.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		id = t.ID
		return true, nil
	}
	err := ensure(find, func() error {
		// Only platform operators holding tenants:admin create tenants.
		op := viewer.NewContext(ctx, &viewer.Viewer{
			Subject: "demo-seed", Tenants: []string{viewer.AllTenants}, Scopes: []string{viewer.ScopeTenantsAdmin},
		})
		t, err := catalog.CreateTenant(op, client, catalog.TenantInput{Key: TenantKey, Name: tenantName})
		if err == nil {
			id = t.ID
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("demo: seeding tenant %s: %w", TenantKey, err)
	}
	return id, nil
}

// ensure creates an entity unless exists reports it. A failed create is
// forgiven when the entity exists afterwards: another instance starting at
// the same time seeded it first.
func ensure(exists func() (bool, error), create func() error) error {
	found, err := exists()
	if err != nil || found {
		return err
	}
	if err := create(); err != nil {
		if found, ferr := exists(); ferr == nil && found {
			return nil
		}
		return err
	}
	return nil
}

// relations turns relation specs into the input of catalog.CreateCategory.
func relations(specs []relationSpec) []catalog.CategoryFeature {
	out := make([]catalog.CategoryFeature, len(specs))
	for i, r := range specs {
		params := make([]schematype.Parameter, len(r.values))
		for j, v := range r.values {
			params[j] = schematype.Parameter{Name: v.name, Value: v.value}
		}
		out[i] = catalog.CategoryFeature{Feature: catalog.FeatureRef{Code: &r.feature}, Enabled: true, Parametrization: params}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

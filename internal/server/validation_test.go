package server_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"onboard/ent/privacy"
	"onboard/ent/tenant"
	"onboard/internal/testutil"
)

const (
	validateIndividual = `mutation Validate($input: RegisterIndividualInput!) {
		validateIndividualRegistration(input: $input) { valid } }`
	validateOrganization = `mutation ValidateOrganization($input: RegisterOrganizationInput!) {
		validateOrganizationRegistration(input: $input) { valid } }`
)

// problem is an errors[] entry as a front-end reads it: all of it but the
// response path, which names the mutation.
type problem struct{ Code, Field, Reason, Message string }

func problemsOf(r *testutil.Response) []problem {
	out := make([]problem, len(r.Errors))
	for i, e := range r.Errors {
		out[i] = problem{e.Code(), e.Field(), e.Reason(), e.Message}
	}
	return out
}

// dryRun sends input to a validation mutation, then to the registration
// mutation, and fails unless both answer the same problems in the same
// order with the same HTTP status, and unless the validation left every
// table's row count, the password hash count and the registration
// counters as they were. It returns the validation's answer.
func (e *registrationEnv) dryRun(t *testing.T, validate, register string, input map[string]any, header ...string) *testutil.Response {
	t.Helper()
	rows := &hostileEnv{Env: e.Env, tables: hostileTables(t, e.Env)}
	before := e.effects(t, rows)
	v := e.mutate(validate, input, header...)
	if after := e.effects(t, rows); !reflect.DeepEqual(after, before) {
		t.Errorf("the validation had effects:\nbefore %v\nafter  %v", before, after)
	}
	r := e.mutate(register, input, header...)
	if got, want := problemsOf(v), problemsOf(r); !reflect.DeepEqual(got, want) || v.Status != r.Status {
		t.Errorf("validation answered %d %+v\nregistration answered %d %+v", v.Status, got, r.Status, want)
	}
	return v
}

// effects are what a request may have changed: every table's row count,
// how many passwords were hashed, and how many registrations were counted
// (every outcome).
func (e *registrationEnv) effects(t *testing.T, rows *hostileEnv) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for table, n := range rows.rowCounts(t) {
		out[table] = float64(n)
	}
	fams := scrape(t, e.Handler)
	out["hashes"] = sample(fams, "onboard_password_hash_wait_seconds")
	for _, m := range fams["onboard_registrations_total"].GetMetric() {
		out["registrations"] += m.GetCounter().GetValue()
	}
	return out
}

// validated decodes a validation that found nothing wrong.
func validated(t *testing.T, r *testutil.Response) bool {
	t.Helper()
	var got struct {
		ValidateIndividualRegistration, ValidateOrganizationRegistration *struct{ Valid bool }
	}
	r.Into(t, &got)
	if v := got.ValidateIndividualRegistration; v != nil {
		return v.Valid
	}
	return got.ValidateOrganizationRegistration != nil && got.ValidateOrganizationRegistration.Valid
}

// TestValidationAnswersAsRegistration runs the registration error tables
// through the validation mutations and the registrations: the same
// problems from both, and nothing written, hashed or counted by the
// validation. Valid fixtures validate to {valid: true} and then register.
func TestValidationAnswersAsRegistration(t *testing.T) {
	env := newRegistrationEnv(t)
	seedRuleCatalog(t, env)

	t.Run("individual rules", func(t *testing.T) {
		for _, tc := range individualRuleCases {
			t.Run(tc.name, func(t *testing.T) {
				input := fixtureWith(t, "finhub-individual.json", tc.edits)
				assertProblems(t, env.dryRun(t, validateIndividual, registerIndividual, input), tc.want)
			})
		}
	})
	t.Run("the tenant's minimum age", func(t *testing.T) {
		ctx := privacy.DecisionContext(env.As(env.tenantID), privacy.Allow) // tenants are changed by operators
		env.Client().Tenant.Update().Where(tenant.ID(env.tenantID)).SetMinimumAge(40).ExecX(ctx)
		defer env.Client().Tenant.Update().Where(tenant.ID(env.tenantID)).SetMinimumAge(18).ExecX(ctx)
		assertProblems(t, env.dryRun(t, validateIndividual, registerIndividual, testutil.Fixture(t, "finhub-individual.json")),
			map[string]string{"individualCustomer.person.dateOfBirth": "TOO_YOUNG"})
	})
	t.Run("Idempotency-Key format", func(t *testing.T) {
		for key, reason := range map[string]string{"two words": "INVALID_IDEMPOTENCY_KEY", strings.Repeat("k", 256): "IDEMPOTENCY_KEY_TOO_LONG"} {
			r := env.dryRun(t, validateIndividual, registerIndividual, testutil.Fixture(t, "finhub-individual.json"), "Idempotency-Key", key)
			if len(r.Errors) != 1 || r.Errors[0].Reason() != reason {
				t.Errorf("key %.20q: %s", key, r.Raw)
			}
		}
	})
	t.Run("organization rules", func(t *testing.T) {
		for _, tc := range organizationRuleCases {
			t.Run(tc.name, func(t *testing.T) {
				input := fixtureWith(t, "finhub-organization-employees.json", tc.edits)
				assertProblems(t, env.dryRun(t, validateOrganization, registerOrganization, input), tc.want)
			})
		}
	})

	// A valid input validates, keyed, without claiming the key: the
	// registration with that key is the first, not a replay.
	base := fixtureWith(t, "finhub-individual.json", conflictBaseEdits)
	rows := &hostileEnv{Env: env.Env, tables: hostileTables(t, env.Env)}
	before := env.effects(t, rows)
	if !validated(t, env.mutate(validateIndividual, base, "Idempotency-Key", "dry-run-1")) {
		t.Fatal("the individual fixture is not valid")
	}
	if after := env.effects(t, rows); !reflect.DeepEqual(after, before) {
		t.Errorf("a valid validation had effects:\nbefore %v\nafter  %v", before, after)
	}
	var got registered
	env.register(base, "Idempotency-Key", "dry-run-1").Into(t, &got)
	if got.RegisterIndividual.IdempotentReplay {
		t.Error("the registration after a keyed validation was a replay")
	}
	if !validated(t, env.mutate(validateOrganization, testutil.Fixture(t, "finhub-organization-employees.json"))) {
		t.Fatal("the organization fixture is not valid")
	}
	registerOrganizationConflictBase(t, env)

	// Conflicts are found before the write: by the validation, and by the
	// registration before it hashes the password.
	conflicts := func(t *testing.T, validate, register, fixture string, cases []conflictCase) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				hashes := sample(scrape(t, env.Handler), "onboard_password_hash_wait_seconds")
				r := env.dryRun(t, validate, register, fixtureWith(t, fixture, tc.edits))
				if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Reason() != "ALREADY_EXISTS" ||
					r.Errors[0].Field() != tc.field || r.Status != http.StatusOK {
					t.Errorf("want one CONFLICT ALREADY_EXISTS on %s, got %d %s", tc.field, r.Status, r.Raw)
				}
				if d := sample(scrape(t, env.Handler), "onboard_password_hash_wait_seconds") - hashes; d != 0 {
					t.Errorf("a conflicting registration hashed %v passwords", d)
				}
			})
		}
	}
	t.Run("individual conflicts", func(t *testing.T) {
		conflicts(t, validateIndividual, registerIndividual, "finhub-individual.json", individualConflictCases)
	})
	t.Run("organization conflicts", func(t *testing.T) {
		conflicts(t, validateOrganization, registerOrganization, "finhub-organization-categorized.json", organizationConflictCases)
	})
}

// TestValidationNeedsTheRegisterScope: the dry run is refused where the
// registration is.
func TestValidationNeedsTheRegisterScope(t *testing.T) {
	env := newRegistrationEnv(t)
	reader := env.Token([]string{"acme"}, "customers:read")
	for q, fixture := range map[string]string{validateIndividual: "finhub-individual.json", validateOrganization: "finhub-organization.json"} {
		r := env.Do(testutil.Request{Token: reader, TenantKey: "acme", Query: q,
			Variables: map[string]any{"input": testutil.Fixture(t, fixture)}})
		if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" {
			t.Errorf("without customers:register: %s", r.Raw)
		}
	}
}

// TestValidationsAreCountedApart: each dry run counts in
// onboard_registration_validations_total by customer type and outcome,
// and not as a registration, so that an operator sees a run of CONFLICT
// answers (someone asking which logins exist) for what it is.
func TestValidationsAreCountedApart(t *testing.T) {
	env := newRegistrationEnv(t)
	input := testutil.Fixture(t, "finhub-individual.json")
	count := func(outcome string) float64 {
		return sample(scrape(t, env.Handler), "onboard_registration_validations_total",
			"customer_type", "INDIVIDUAL", "outcome", outcome)
	}
	if !validated(t, env.mutate(validateIndividual, input)) {
		t.Fatal("the fixture is not valid")
	}
	env.register(input).Into(t, &registered{})
	if r := env.mutate(validateIndividual, input); len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" {
		t.Fatalf("validating a registered fixture again: %s", r.Raw)
	}
	if ok, conflict := count("OK"), count("CONFLICT"); ok != 1 || conflict != 1 {
		t.Errorf("validations counted OK %v, CONFLICT %v; want 1 and 1", ok, conflict)
	}
	if n := sample(scrape(t, env.Handler), "onboard_registrations_total", "customer_type", "INDIVIDUAL", "outcome", "OK"); n != 1 {
		t.Errorf("registrations counted OK %v, want 1 (the registration alone)", n)
	}
}

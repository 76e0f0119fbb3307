package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"onboard/internal/testutil"
)

// TestDuplicateSearchesUseTheirIndexes proves the cost of duplicate
// detection on the database's own planner: the statements a registration
// sends to look for duplicates, captured as sent (the plan's search and
// the transaction's recheck), are EXPLAINed over a tenant of some
// thousands of organizations and individuals (statistics gathered), and
// each must read its candidates through the indexes made for it, not the
// tenant's every organization or person: the organizations' stored keys,
// the persons' date of birth and then the documents of those persons
// alone. PostgreSQL also plans with sequential scans disabled, so that a
// statement no index can answer (a normalization computed in SQL, as
// before the keys) shows as a plan that names no such index. SQLite's
// EXPLAIN QUERY PLAN names the index it searches.
func TestDuplicateSearchesUseTheirIndexes(t *testing.T) {
	counter := &sqlCounter{}
	env := newRegistrationEnvWith(t, testutil.Options{WrapDriver: counter.Wrap})
	seedDuplicateCandidates(t, env, 3000)
	for _, c := range []struct {
		name, mutation string
		input          map[string]any
		// marker picks the search out of the registration's statements.
		marker  string
		indexes []string
	}{
		{"organization", registerOrganizationDuplicates, duplicateOrganization(t, 1, "HRB 123-45", "LT 100-001", "LT"),
			"dup_customer", []string{"organization_tenant_id_registration_number_key", "organization_tenant_id_tax_id_key"}},
		{"individual", registerIndividualDuplicates, duplicatePerson(t, 1, "Ada", "Lovelace", "1990-01-02", "+37060000001", "AB 123"),
			"dup_doc", []string{"person_tenant_id_date_of_birth", "identitydocument_person_identity_documents"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			counter.Measure(func() {
				if r := env.mutate(c.mutation, c.input); len(r.Errors) > 0 {
					t.Fatalf("registering: %s", r.Raw)
				}
			})
			var searches []recordedStatement
			for _, s := range counter.Recorded() {
				if strings.HasPrefix(s.Query, "SELECT") && strings.Contains(s.Query, c.marker) {
					searches = append(searches, s)
				}
			}
			if len(searches) != 2 {
				t.Fatalf("%d duplicate searches, want 2 (the plan's and the transaction's recheck):\n%s",
					len(searches), statementSummary(counter.Statements()))
			}
			for _, s := range searches {
				plan := explain(t, env, s)
				t.Logf("plan:\n%s", plan)
				for _, index := range c.indexes {
					if !strings.Contains(plan, index) {
						t.Errorf("the search does not use %s:\n%s\nplan:\n%s", index, s.Query, plan)
					}
				}
			}
		})
	}
}

// explain is the database's plan of s, one line per node.
func explain(t *testing.T, env *registrationEnv, s recordedStatement) string {
	t.Helper()
	ctx := context.Background()
	tx, err := env.DB.SQL.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	prefix := "EXPLAIN QUERY PLAN "
	if env.DB.Dialect == dialect.Postgres {
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
		prefix = "EXPLAIN "
	}
	rows, err := tx.QueryContext(ctx, prefix+s.Query, s.Args...)
	if err != nil {
		t.Fatalf("explaining %s: %v", s.Query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		// The plan's text is the last column (PostgreSQL's only one,
		// SQLite's detail).
		switch v := vals[len(vals)-1].(type) {
		case string:
			lines = append(lines, v)
		case []byte:
			lines = append(lines, string(v))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// seedDuplicateCandidates writes n organization customers and n
// individual customers with a document each into the tenant, in SQL (the
// planner needs rows, not realistic ones), with distinct numbers, tax ids,
// dates of birth and phones, then gathers the tables' statistics.
func seedDuplicateCandidates(t *testing.T, env *registrationEnv, n int) {
	t.Helper()
	ctx := context.Background()
	birth := "date('1940-01-01', '+' || (i % 20000) || ' days')"
	if env.DB.Dialect == dialect.Postgres {
		birth = "DATE '1940-01-01' + (i % 20000)"
	}
	series := fmt.Sprintf("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) ", n)
	tenant := "'" + env.tenantID + "'"
	for _, stmt := range []string{
		series + `INSERT INTO customers (id, created_at, updated_at, type, name, tenant_id)
			SELECT 'cus_seedorg' || i, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'ORGANIZATION', 'Org ' || i, ` + tenant + ` FROM n`,
		series + `INSERT INTO organizations (id, created_at, updated_at, legal_name, registration_number, tax_id,
			registration_number_key, tax_id_key, tenant_id, customer_organization)
			SELECT 'org_seed' || i, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'Org ' || i, 'R-' || i, 'T-' || i,
			'R' || i, 'T' || i, ` + tenant + `, 'cus_seedorg' || i FROM n`,
		series + `INSERT INTO customers (id, created_at, updated_at, type, name, tenant_id)
			SELECT 'cus_seedind' || i, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'INDIVIDUAL', 'Person ' || i, ` + tenant + ` FROM n`,
		series + `INSERT INTO persons (id, created_at, updated_at, first_name, last_name, date_of_birth, phone, tenant_id, customer_person)
			SELECT 'per_seed' || i, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'P', 'Person ' || i, ` + birth + `,
			'+3706' || (1000000 + i), ` + tenant + `, 'cus_seedind' || i FROM n`,
		series + `INSERT INTO identity_documents (id, created_at, updated_at, type, number, tenant_id, person_identity_documents)
			SELECT 'idd_seed' || i, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'PASSPORT', 'D' || i, ` + tenant + `, 'per_seed' || i FROM n`,
		`ANALYZE`,
	} {
		if _, err := env.DB.SQL.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

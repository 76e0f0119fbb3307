package database_test

import (
	"bytes"
	"context"
	"database/sql"
	"testing"

	"entgo.io/ent/dialect"

	"onboard/internal/testutil"
)

// keyCases are organizations registered before the duplicate keys, with the
// keys the backfill must give them: internal/registration's
// normalizedNumber (TestNormalizedNumber), NULL when nothing is left.
var keyCases = []struct {
	id, number, taxID string // "" stands for NULL
	numberKey, taxKey string // "null" for NULL
}{
	{"org_1", "hrb 123-45", "lt-100 001", "HRB12345", "LT100001"},
	{"org_2", "é-1 x", "", "é1X", "null"},
	{"org_3", " - ", "ab", "null", "AB"},
	{"org_4", "--", "", "null", "null"}, // before the keys every organization had a number
}

func insertOldOrganizations(t *testing.T, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}) {
	t.Helper()
	ctx := context.Background()
	now := "CURRENT_TIMESTAMP"
	stmts := []string{
		`INSERT INTO tenants (id, created_at, updated_at, key, name) VALUES ('ten_1', ` + now + `, ` + now + `, 'acme', 'Acme')`,
	}
	for _, c := range keyCases {
		stmts = append(stmts, `INSERT INTO organizations (id, created_at, updated_at, legal_name, registration_number, tax_id, tenant_id) VALUES ('`+
			c.id+`', `+now+`, `+now+`, 'Example', `+nullable(c.number)+`, `+nullable(c.taxID)+`, 'ten_1')`)
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func nullable(s string) string {
	if s == "" {
		return "NULL"
	}
	return "'" + s + "'"
}

func checkKeys(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, placeholder string) {
	t.Helper()
	for _, c := range keyCases {
		var number, tax string
		err := q.QueryRowContext(context.Background(),
			`SELECT coalesce(registration_number_key, 'null'), coalesce(tax_id_key, 'null') FROM organizations WHERE id = `+placeholder, c.id).
			Scan(&number, &tax)
		if err != nil {
			t.Fatal(err)
		}
		if number != c.numberKey || tax != c.taxKey {
			t.Errorf("%s (%q, %q): keys %q, %q, want %q, %q", c.id, c.number, c.taxID, number, tax, c.numberKey, c.taxKey)
		}
	}
}

// TestMigrationBackfillsTheOrganizationsDuplicateKeys stands for a
// PostgreSQL database at the migration before the duplicate keys, with
// organizations in it: the migration that adds the keys fills them as
// normalizedNumber computes them.
func TestMigrationBackfillsTheOrganizationsDuplicateKeys(t *testing.T) {
	base := postgresOnly(t)
	db := openAt(t, testutil.FreshSchema(t, base), &bytes.Buffer{})
	migrateUpTo(t, db, "_add_compat_dropin.sql")
	insertOldOrganizations(t, db.SQL)
	migrateOn(t, db)
	checkKeys(t, db.SQL, "$1")
}

// TestAutoMigrationBackfillsTheOrganizationsDuplicateKeys: an SQLite file
// written before the duplicate keys (here: a current one whose key columns
// are dropped) gets them filled by the automatic migration, and a second
// start changes nothing.
func TestAutoMigrationBackfillsTheOrganizationsDuplicateKeys(t *testing.T) {
	db := openFresh(t, &bytes.Buffer{})
	if db.Dialect == dialect.Postgres {
		t.Skip("PostgreSQL migrates by files: TestMigrationBackfillsTheOrganizationsDuplicateKeys")
	}
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`DROP INDEX organization_tenant_id_registration_number_key`,
		`DROP INDEX organization_tenant_id_tax_id_key`,
		`ALTER TABLE organizations DROP COLUMN registration_number_key`,
		`ALTER TABLE organizations DROP COLUMN tax_id_key`,
	} {
		if _, err := db.SQL.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	insertOldOrganizations(t, db.SQL)
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrating the older file: %v", err)
	}
	checkKeys(t, db.SQL, "?")
	// A key the application wrote since is not recomputed on the next start.
	if _, err := db.SQL.ExecContext(ctx, `UPDATE organizations SET registration_number_key = 'KEPT' WHERE id = 'org_4'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := db.SQL.QueryRowContext(ctx, `SELECT registration_number_key FROM organizations WHERE id = 'org_4'`).Scan(&got); err != nil || got != "KEPT" {
		t.Errorf("after a second start: %q, %v; want the backfill to run once", got, err)
	}
}

package database_test

import (
	"bytes"
	"context"
	"database/sql"
	"testing"

	"entgo.io/ent/dialect"

	"onboard/internal/testutil"
)

// Identity documents written before a document could be primary: person
// per_1 has two (the older one becomes primary), per_2 one, per_3 none.
var oldDocuments = []struct {
	id, person, createdAt string
	primary               bool
}{
	{"doc_1b", "per_1", "2025-01-02 10:00:00", false},
	{"doc_1a", "per_1", "2025-01-01 10:00:00", true},
	{"doc_2", "per_2", "2025-03-01 10:00:00", true},
}

func insertOldDocuments(t *testing.T, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}) {
	t.Helper()
	const now = "CURRENT_TIMESTAMP"
	stmts := []string{`INSERT INTO tenants (id, created_at, updated_at, key, name) VALUES ('ten_1', ` + now + `, ` + now + `, 'acme', 'Acme')`}
	for _, p := range []string{"per_1", "per_2", "per_3"} {
		stmts = append(stmts, `INSERT INTO persons (id, created_at, updated_at, first_name, last_name, tenant_id) VALUES ('`+p+`', `+now+`, `+now+`, 'Ann', 'Example', 'ten_1')`)
	}
	for _, d := range oldDocuments {
		stmts = append(stmts, `INSERT INTO identity_documents (id, created_at, updated_at, type, number, tenant_id, person_identity_documents) VALUES ('`+
			d.id+`', '`+d.createdAt+`', '`+d.createdAt+`', 'PASSPORT', 'X1', 'ten_1', '`+d.person+`')`)
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func checkPrimaryDocuments(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, placeholder string) {
	t.Helper()
	for _, d := range oldDocuments {
		var primary bool
		if err := q.QueryRowContext(context.Background(), `SELECT is_primary FROM identity_documents WHERE id = `+placeholder, d.id).Scan(&primary); err != nil {
			t.Fatal(err)
		}
		if primary != d.primary {
			t.Errorf("%s of %s: primary %v, want %v", d.id, d.person, primary, d.primary)
		}
	}
}

// TestMigrationMarksThePrimaryDocuments stands for a PostgreSQL database at
// the migration before primary documents, with documents in it: the
// migration marks each person's first document primary, as a registration
// does when none is marked.
func TestMigrationMarksThePrimaryDocuments(t *testing.T) {
	base := postgresOnly(t)
	db := openAt(t, testutil.FreshSchema(t, base), &bytes.Buffer{})
	migrateUpTo(t, db, "_add_compat_dropin.sql")
	insertOldDocuments(t, db.SQL)
	migrateOn(t, db)
	checkPrimaryDocuments(t, db.SQL, "$1")
}

// TestAutoMigrationMarksThePrimaryDocuments: an SQLite file written before
// primary documents (a current one whose column is dropped) gets them
// marked by the automatic migration, and a second start changes nothing.
func TestAutoMigrationMarksThePrimaryDocuments(t *testing.T) {
	db := openFresh(t, &bytes.Buffer{})
	if db.Dialect == dialect.Postgres {
		t.Skip("PostgreSQL migrates by files: TestMigrationMarksThePrimaryDocuments")
	}
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`DROP INDEX identity_document_one_primary_per_person`,
		`ALTER TABLE identity_documents DROP COLUMN is_primary`,
	} {
		if _, err := db.SQL.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	insertOldDocuments(t, db.SQL)
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrating the older file: %v", err)
	}
	checkPrimaryDocuments(t, db.SQL, "?")
	// A primary the application moved since is not reset on the next start.
	for _, s := range []string{
		`UPDATE identity_documents SET is_primary = false WHERE id = 'doc_1a'`,
		`UPDATE identity_documents SET is_primary = true WHERE id = 'doc_1b'`,
	} {
		if _, err := db.SQL.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var primary string
	if err := db.SQL.QueryRowContext(ctx, `SELECT id FROM identity_documents WHERE person_identity_documents = 'per_1' AND is_primary`).Scan(&primary); err != nil || primary != "doc_1b" {
		t.Errorf("after a second start the primary is %q, %v; want doc_1b kept", primary, err)
	}
}

package database_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	atlasschema "ariga.io/atlas/sql/schema"

	"onboard/internal/database"
	"onboard/internal/testutil"
)

// TestMigrationFilesMatchTheirSum is the atlas.sum integrity check: a
// migration file edited, added or removed without regenerating the sum
// fails here (and would be refused at start). The files built into the
// binary must be those of the directory.
func TestMigrationFilesMatchTheirSum(t *testing.T) {
	local, err := migrate.NewLocalDir("../../migrations")
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate.Validate(local); err != nil {
		t.Fatalf("migrations/ does not match migrations/atlas.sum (regenerate the file with "+
			"go run ./internal/database/cmd/migration NAME instead of editing it): %v", err)
	}
	embedded, err := database.MigrationDir()
	if err != nil {
		t.Fatal(err)
	}
	lsum, _ := local.Checksum()
	esum, _ := embedded.Checksum()
	if lsum.Sum() != esum.Sum() {
		t.Errorf("the migration files built into the binary are not those of migrations/")
	}
}

// TestMigrationsMatchTheEntSchema replays migrations/ on an empty schema
// and diffs it with the ent schema: a change to schema/ without a new
// migration file fails here, naming the statements the file would hold.
func TestMigrationsMatchTheEntSchema(t *testing.T) {
	base := postgresOnly(t)
	dir, err := database.MigrationDir()
	if err != nil {
		t.Fatal(err)
	}
	before, _ := dir.Files()
	err = database.DiffMigration(context.Background(), testutil.FreshSchema(t, base), dir, "missing")
	if errors.Is(err, migrate.ErrNoPlan) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	after, _ := dir.Files()
	for _, f := range after[len(before):] {
		t.Errorf("the ent schema changed without a migration file: run "+
			"`go run ./internal/database/cmd/migration NAME`, review and commit the file. It would hold:\n%s", f.Bytes())
	}
}

// TestMigrateAnEmptySchema applies every file to an empty schema and
// records each one; a second migration (a restart, `onboard migrate`
// again) finds nothing to do and logs nothing.
func TestMigrateAnEmptySchema(t *testing.T) {
	base := postgresOnly(t)
	ctx := context.Background()
	var logs bytes.Buffer
	db := openAt(t, testutil.FreshSchema(t, base), &logs)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	files := migrationFiles(t)
	if got := appliedVersions(t, db); !slices.Equal(got, versions(files)) {
		t.Errorf("recorded revisions %v, want every file %v", got, versions(files))
	}
	for _, f := range files {
		if !strings.Contains(logs.String(), "applying migration") || !strings.Contains(logs.String(), f.Name()) {
			t.Errorf("the log does not name %s:\n%s", f.Name(), logs.String())
		}
	}
	seed(t, db)
	logs.Reset()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if logs.Len() > 0 {
		t.Errorf("a second migration did something:\n%s", logs.String())
	}
}

// TestMigrateFromThePreviousVersion starts from the schema the last
// release's automatic migration created (testdata/previous-version.sql),
// with rows in it: the migration records it as the baseline, keeps every
// row and ends with the schema a fresh migration builds.
func TestMigrateFromThePreviousVersion(t *testing.T) {
	base := postgresOnly(t)
	ctx := context.Background()
	var logs bytes.Buffer
	prevURL, prevSchema := loadPreviousVersion(t, base)
	db := openAt(t, prevURL, &logs)
	seed(t, db)
	rowsBefore := rowCounts(t, db)
	if rowsBefore["customers"] == 0 || rowsBefore["features"] == 0 {
		t.Fatalf("the previous version's database holds too little to check: %v", rowsBefore)
	}

	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrating the previous version: %v", err)
	}
	wantRows := maps.Clone(rowsBefore)
	wantRows["customer_tallies"] = 1 // the backfill's tally of the seeded customer
	// The lifecycle's, event delivery's, API keys' and duplicates' tables start empty.
	for _, table := range []string{"consent_documents", "consents", "customer_events", "login_throttles", "verifications",
		"webhook_attempts", "webhook_deliveries", "webhook_endpoint_changes", "webhook_endpoints",
		"api_keys", "possible_duplicates"} {
		wantRows[table] = 0
	}
	if got := rowCounts(t, db); !equalCounts(got, wantRows) {
		t.Errorf("rows after the migration %v, want %v", got, wantRows)
	}
	files := migrationFiles(t)
	if got := appliedVersions(t, db); !slices.Equal(got, versions(files)) {
		t.Errorf("recorded revisions %v, want %v (the first as baseline)", got, versions(files))
	}
	var baselineType int
	if err := db.SQL.QueryRow(`SELECT type FROM atlas_schema_revisions ORDER BY version LIMIT 1`).Scan(&baselineType); err != nil {
		t.Fatal(err)
	}
	if migrate.RevisionType(baselineType) != migrate.RevisionTypeBaseline {
		t.Errorf("the first revision is %v, want baseline", migrate.RevisionType(baselineType))
	}
	if !strings.Contains(logs.String(), "baseline") {
		t.Errorf("the log does not say the schema was taken as the baseline:\n%s", logs.String())
	}

	fresh := openAt(t, testutil.FreshSchema(t, base), &bytes.Buffer{})
	if err := fresh.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := schemaDiff(t, db, prevSchema, currentSchema(t, fresh)); diff != "" {
		t.Errorf("the migrated previous version differs from a fresh migration:\n%s", diff)
	}
	logs.Reset()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if logs.Len() > 0 {
		t.Errorf("a second migration did something:\n%s", logs.String())
	}
}

// TestMigrateRefusesAnUnknownSchema: a schema with tables but no revisions
// that is not the previous version's (here: one index short, and one with
// a table of another application) is refused, and left as it was.
func TestMigrateRefusesAnUnknownSchema(t *testing.T) {
	base := postgresOnly(t)
	ctx := context.Background()
	t.Run("previous version without an index", func(t *testing.T) {
		u, _ := loadPreviousVersion(t, base)
		db := openAt(t, u, &bytes.Buffer{})
		if _, err := db.SQL.Exec(`DROP INDEX customer_tenant_id_name_id`); err != nil {
			t.Fatal(err)
		}
		err := db.Migrate(ctx)
		if err == nil || !strings.Contains(err.Error(), `customer_tenant_id_name_id`) {
			t.Fatalf("Migrate = %v, want a refusal naming the missing index", err)
		}
		assertNoRevisionsTable(t, db)
	})
	t.Run("another application's table", func(t *testing.T) {
		db := openAt(t, testutil.FreshSchema(t, base), &bytes.Buffer{})
		if _, err := db.SQL.Exec(`CREATE TABLE invoices (id int PRIMARY KEY)`); err != nil {
			t.Fatal(err)
		}
		err := db.Migrate(ctx)
		if err == nil || !strings.Contains(err.Error(), "no migration revisions") {
			t.Fatalf("Migrate = %v, want a refusal", err)
		}
		assertNoRevisionsTable(t, db)
	})
}

func postgresOnly(t *testing.T) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("versioned migrations are PostgreSQL's: TEST_DATABASE_URL is not set")
	}
	return base
}

func openAt(t *testing.T, url string, logs *bytes.Buffer) *database.DB {
	t.Helper()
	db, err := database.Open(database.Config{URL: url, Logger: slog.New(slog.NewTextHandler(logs, nil))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// loadPreviousVersion creates a fresh schema holding the previous
// release's tables and returns its URL and name.
func loadPreviousVersion(t *testing.T, base string) (string, string) {
	t.Helper()
	dump, err := os.ReadFile("testdata/previous-version.sql")
	if err != nil {
		t.Fatal(err)
	}
	u := testutil.FreshSchema(t, base)
	db := openAt(t, u, &bytes.Buffer{})
	name := currentSchema(t, db)
	if _, err := db.SQL.Exec(strings.ReplaceAll(string(dump), "onboard_previous.", name+".")); err != nil {
		t.Fatalf("loading the previous version: %v", err)
	}
	return u, name
}

// seed writes what a development start writes (the demo tenant and its
// catalog) and a registered customer with its person, through ent; the
// customer in SQL, as the previous release wrote it: the current one also
// writes its tally, whose table a previous release's database lacks.
func seed(t *testing.T, db *database.DB) {
	t.Helper()
	// Plain SQL in the previous version's columns: the ent client writes
	// today's, which that schema lacks (roles.self_assignable, …).
	for _, stmt := range []string{
		`INSERT INTO tenants (id, created_at, updated_at, key, name) VALUES ('ten_prev', now(), now(), 'previous', 'Previous')`,
		`INSERT INTO roles (id, created_at, updated_at, code, name, tenant_id) VALUES
			('rol_admin', now(), now(), 'ADMIN_USER', 'Admin user', 'ten_prev'),
			('rol_user', now(), now(), 'USER', 'User', 'ten_prev')`,
		`INSERT INTO features (id, created_at, updated_at, code, name, tenant_id) VALUES ('fea_limits', now(), now(), 'LIMITS', 'Limits', 'ten_prev')`,
		`INSERT INTO customers (id, created_at, updated_at, type, name, status, tenant_id)
			VALUES ('cus_ada', now(), now(), 'INDIVIDUAL', 'Ada Lovelace', 'PENDING_VERIFICATION', 'ten_prev')`,
		`INSERT INTO persons (id, created_at, updated_at, first_name, last_name, customer_person, tenant_id)
			VALUES ('per_ada', now(), now(), 'Ada', 'Lovelace', 'cus_ada', 'ten_prev')`,
	} {
		if _, err := db.SQL.Exec(stmt); err != nil {
			t.Fatalf("seeding the previous version: %v", err)
		}
	}
}

// TestMigrateMarksStandardRolesNotSelfAssignable: the lifecycle's
// migration gives an existing tenant's ADMIN_USER the default a new
// tenant's gets (not self-assignable) and leaves other roles assignable.
func TestMigrateMarksStandardRolesNotSelfAssignable(t *testing.T) {
	base := postgresOnly(t)
	prevURL, _ := loadPreviousVersion(t, base)
	db := openAt(t, prevURL, &bytes.Buffer{})
	seed(t, db)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]bool{"ADMIN_USER": false, "USER": true} {
		var got bool
		if err := db.SQL.QueryRow(`SELECT self_assignable FROM roles WHERE code = $1`, code).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s self_assignable = %v after the migration, want %v", code, got, want)
		}
	}
}

func rowCounts(t *testing.T, db *database.DB) map[string]int {
	t.Helper()
	rows, err := db.SQL.Query(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name <> 'atlas_schema_revisions'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	counts := map[string]int{}
	for _, table := range tables {
		var n int
		if err := db.SQL.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	return counts
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func migrationFiles(t *testing.T) []migrate.File {
	t.Helper()
	dir, err := database.MigrationDir()
	if err != nil {
		t.Fatal(err)
	}
	files, err := dir.Files()
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func versions(files []migrate.File) []string {
	var v []string
	for _, f := range files {
		v = append(v, f.Version())
	}
	return v
}

func appliedVersions(t *testing.T, db *database.DB) []string {
	t.Helper()
	rows, err := db.SQL.Query(`SELECT version FROM atlas_schema_revisions WHERE applied = total ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var v []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		v = append(v, s)
	}
	return v
}

func assertNoRevisionsTable(t *testing.T, db *database.DB) {
	t.Helper()
	var n int
	if err := db.SQL.QueryRow(`SELECT count(*) FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name = 'atlas_schema_revisions'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		t.Errorf("a refused migration left its revisions table behind")
	}
}

func currentSchema(t *testing.T, db *database.DB) string {
	t.Helper()
	var name string
	if err := db.SQL.QueryRow(`SELECT current_schema()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// schemaDiff lists the statements that would turn schema a into schema b
// (both in db's database), as Atlas plans them.
func schemaDiff(t *testing.T, db *database.DB, a, b string) string {
	t.Helper()
	ctx := context.Background()
	drv, err := postgres.Open(db.SQL)
	if err != nil {
		t.Fatal(err)
	}
	from, err := drv.InspectSchema(ctx, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	to, err := drv.InspectSchema(ctx, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	to.Name = from.Name
	changes, err := drv.SchemaDiff(from, to)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range changes {
		if m, ok := c.(*atlasschema.ModifyTable); ok && m.T.Name == "atlas_schema_revisions" && len(m.Changes) == 0 {
			continue
		}
		plan, err := drv.PlanChanges(ctx, "diff", []atlasschema.Change{c})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range plan.Changes {
			out = append(out, p.Cmd)
		}
	}
	return strings.Join(out, "\n")
}

// migrateUpTo migrates db with the migration files before the one whose
// name ends in suffix, standing for a database of the release before it.
func migrateUpTo(t *testing.T, db *database.DB, suffix string) {
	t.Helper()
	before := &migrate.MemDir{}
	for _, f := range migrationFiles(t) {
		if strings.HasSuffix(f.Name(), suffix) {
			break
		}
		if err := before.WriteFile(f.Name(), f.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := before.Checksum()
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate.WriteSumFile(before, sum); err != nil {
		t.Fatal(err)
	}
	db.UseMigrations(before)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating to the file before *%s: %v", suffix, err)
	}
}

// migrateOn migrates db, stood at an earlier release by migrateUpTo, with
// every migration file.
func migrateOn(t *testing.T, db *database.DB) {
	t.Helper()
	all, err := database.MigrationDir()
	if err != nil {
		t.Fatal(err)
	}
	db.UseMigrations(all)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating on: %v", err)
	}
}

// TestMigrationBackfillsTheCustomersCountry stands for a database at the
// migration before the country copy, with customers in it: the migration that gave customers
// their own copy of their primary address's country fills it from the
// person's primary address for an individual, the organization's for an
// organization, and leaves it null without a primary address (a secondary
// address does not count).
func TestMigrationBackfillsTheCustomersCountry(t *testing.T) {
	base := postgresOnly(t)
	ctx := context.Background()
	db := openAt(t, testutil.FreshSchema(t, base), &bytes.Buffer{})
	migrateUpTo(t, db, "_scale_country_search_indexes.sql")
	for _, stmt := range []string{
		`INSERT INTO tenants (id, created_at, updated_at, key, name) VALUES ('ten_1', now(), now(), 'acme', 'Acme')`,
		`INSERT INTO customers (id, created_at, updated_at, type, name, tenant_id) VALUES
			('cus_ind', now(), now(), 'INDIVIDUAL', 'Ada', 'ten_1'),
			('cus_org', now(), now(), 'ORGANIZATION', 'Example Ltd', 'ten_1'),
			('cus_none', now(), now(), 'INDIVIDUAL', 'Grace', 'ten_1')`,
		`INSERT INTO persons (id, created_at, updated_at, first_name, last_name, tenant_id, customer_person) VALUES
			('per_ind', now(), now(), 'Ada', 'Lovelace', 'ten_1', 'cus_ind'),
			('per_none', now(), now(), 'Grace', 'Hopper', 'ten_1', 'cus_none')`,
		`INSERT INTO organizations (id, created_at, updated_at, legal_name, registration_number, tenant_id, customer_organization) VALUES
			('org_1', now(), now(), 'Example Ltd', 'REG-1', 'ten_1', 'cus_org')`,
		`INSERT INTO addresses (id, created_at, updated_at, type, street, city, country, is_primary, tenant_id, person_addresses, organization_addresses) VALUES
			('adr_1', now(), now(), 'RESIDENTIAL', 'Main St 1', 'Berlin', 'DE', true, 'ten_1', 'per_ind', NULL),
			('adr_2', now(), now(), 'MAILING', 'Rue 2', 'Paris', 'FR', false, 'ten_1', 'per_ind', NULL),
			('adr_3', now(), now(), 'REGISTERED', 'Gatve 3', 'Vilnius', 'LT', true, 'ten_1', NULL, 'org_1'),
			('adr_4', now(), now(), 'MAILING', 'Road 4', 'Oslo', 'NO', false, 'ten_1', 'per_none', NULL)`,
	} {
		if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	migrateOn(t, db)
	for id, want := range map[string]string{"cus_ind": "DE", "cus_org": "LT", "cus_none": "null"} {
		var got string
		if err := db.SQL.QueryRowContext(ctx, `SELECT coalesce(country, 'null') FROM customers WHERE id = $1`, id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: country %s, want %s", id, got, want)
		}
	}
}

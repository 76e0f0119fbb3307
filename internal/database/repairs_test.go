package database_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"

	"onboard/ent"
	"onboard/ent/address"
	"onboard/ent/category"
	"onboard/ent/contact"
	"onboard/ent/representative"
	"onboard/internal/catalog"
	"onboard/internal/database"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
	onboardschema "onboard/schema"
	"onboard/schema/schematype"
)

// oneOfAKindIndexes are the partial unique indexes that keep one default or
// primary per group.
var oneOfAKindIndexes = []string{
	onboardschema.CategoryOneDefaultIndex,
	onboardschema.AddressOnePrimaryPerPersonIndex,
	onboardschema.AddressOnePrimaryPerOrganizationIndex,
	onboardschema.ContactOnePrimaryPerPersonIndex,
	onboardschema.ContactOnePrimaryPerOrganizationIndex,
	onboardschema.RepresentativeOnePrimaryOwnerIndex,
}

// openFresh opens an empty database (SQLite, or a schema of its own on
// TEST_DATABASE_URL) logging to logs.
func openFresh(t *testing.T, logs *bytes.Buffer) *database.DB {
	t.Helper()
	cfg := database.Config{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(logs, nil))}
	if base := os.Getenv("TEST_DATABASE_URL"); base != "" {
		cfg.URL = testutil.FreshSchema(t, base)
	}
	db, err := database.Open(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestMigrateRepairsDuplicatesBeforeUniqueIndexes stands in for a database
// written before the one-of-a-kind indexes, stores several defaults and
// primaries per group, and migrates to a version with the indexes. The
// migration must succeed, keep the oldest of each group, create the indexes
// and log what it changed without any value. SQLite migrates automatically:
// the indexes are dropped after a first migration. PostgreSQL applies
// files: the test stands for a release whose last file creates the indexes.
func TestMigrateRepairsDuplicatesBeforeUniqueIndexes(t *testing.T) {
	var logs bytes.Buffer
	db := openFresh(t, &logs)
	ctx := context.Background()
	var withIndexes migrate.Dir
	if db.Dialect == dialect.Postgres {
		var withoutIndexes migrate.Dir
		withoutIndexes, withIndexes = splitOffIndexes(t, oneOfAKindIndexes)
		db.UseMigrations(withoutIndexes)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if withIndexes != nil {
		db.UseMigrations(withIndexes)
	} else {
		for _, name := range oneOfAKindIndexes {
			if _, err := db.SQL.ExecContext(ctx, `DROP INDEX `+name); err != nil {
				t.Fatalf("dropping %s: %v", name, err)
			}
		}
	}
	for _, name := range oneOfAKindIndexes {
		if indexExists(t, db, name) {
			t.Fatalf("index %s exists before the duplicates are written", name)
		}
	}

	op := viewer.NewContext(ctx, &viewer.Viewer{Subject: "test", Tenants: []string{viewer.AllTenants},
		Scopes: []string{viewer.ScopeTenantsAdmin}})
	ten, err := catalog.CreateTenant(op, db.Client, catalog.TenantInput{Key: "acme", Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	tctx, c := viewer.ForTenant(ctx, ten.ID), db.Client
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Hour) }

	// Three individual defaults, the oldest created last; one organization
	// default, alone in its group.
	var cats []*ent.Category
	for i, hour := range []int{2, 0, 1} {
		cats = append(cats, c.Category.Create().SetCode("IND"+string(rune('A'+i))).SetName("x").
			SetCustomerType(schematype.CustomerTypeIndividual).SetIsDefault(true).SetCreatedAt(at(hour)).SaveX(tctx))
	}
	orgDefault := c.Category.Create().SetCode("ORG").SetName("x").SetCustomerType(schematype.CustomerTypeOrganization).
		SetIsDefault(true).SetCreatedAt(at(5)).SaveX(tctx)

	per := c.Person.Create().SetFirstName("Ada").SetLastName("L").SaveX(tctx)
	org := c.Organization.Create().SetLegalName("Acme").SetRegistrationNumber("R-1").SaveX(tctx)
	var perAddrs, orgAddrs, perMails, orgPhones, owners []string
	for hour := range 3 {
		perAddrs = append(perAddrs, c.Address.Create().SetType(address.TypeHOME).SetStreet("s").SetCity("c").SetCountry("LT").
			SetIsPrimary(true).SetPersonID(per.ID).SetCreatedAt(at(hour)).SaveX(tctx).ID)
		orgAddrs = append(orgAddrs, c.Address.Create().SetType(address.TypeHOME).SetStreet("s").SetCity("c").SetCountry("LT").
			SetIsPrimary(true).SetOrganizationID(org.ID).SetCreatedAt(at(hour)).SaveX(tctx).ID)
		perMails = append(perMails, c.Contact.Create().SetType(contact.TypeEMAIL).SetValue("v").SetIsPrimary(true).
			SetPersonID(per.ID).SetCreatedAt(at(hour)).SaveX(tctx).ID)
		orgPhones = append(orgPhones, c.Contact.Create().SetType(contact.TypePHONE).SetValue("v").SetIsPrimary(true).
			SetOrganizationID(org.ID).SetCreatedAt(at(hour)).SaveX(tctx).ID)
		p := c.Person.Create().SetFirstName("Owner").SetLastName("O").SaveX(tctx)
		owners = append(owners, c.Representative.Create().SetOrganizationID(org.ID).SetPersonID(p.ID).
			SetPosition(representative.PositionSHAREHOLDER).SetIsPrimaryOwner(true).SetCreatedAt(at(hour)).SaveX(tctx).ID)
	}
	// A primary phone of the person: another type, so it stays primary.
	perPhone := c.Contact.Create().SetType(contact.TypePHONE).SetValue("v").SetIsPrimary(true).SetPersonID(per.ID).SaveX(tctx)

	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrating over duplicates: %v", err)
	}

	defaults := c.Category.Query().Where(category.IsDefault(true)).Order(category.ByCode()).IDsX(tctx)
	if want := []string{cats[1].ID, orgDefault.ID}; strings.Join(defaults, ",") != strings.Join(want, ",") {
		t.Errorf("defaults after the repair: %v, want the oldest individual one and the organization's %v", defaults, want)
	}
	moved := c.Category.GetX(tctx, cats[0].ID)
	if !moved.UpdatedAt.After(moved.CreatedAt) {
		t.Errorf("a repaired category's updated_at did not move: %v", moved.UpdatedAt)
	}
	for what, got := range map[string][]string{
		"person's primary addresses":       c.Address.Query().Where(address.IsPrimary(true), address.HasPerson()).IDsX(tctx),
		"organization's primary addresses": c.Address.Query().Where(address.IsPrimary(true), address.HasOrganization()).IDsX(tctx),
		"person's primary e-mails":         c.Contact.Query().Where(contact.IsPrimary(true), contact.TypeEQ(contact.TypeEMAIL)).IDsX(tctx),
		"organization's primary phones":    c.Contact.Query().Where(contact.IsPrimary(true), contact.HasOrganization()).IDsX(tctx),
		"primary owners":                   c.Representative.Query().Where(representative.IsPrimaryOwner(true)).IDsX(tctx),
	} {
		wantID := map[string]string{
			"person's primary addresses": perAddrs[0], "organization's primary addresses": orgAddrs[0],
			"person's primary e-mails": perMails[0], "organization's primary phones": orgPhones[0], "primary owners": owners[0],
		}[what]
		if len(got) != 1 || got[0] != wantID {
			t.Errorf("%s: %v, want only the oldest %s", what, got, wantID)
		}
	}
	if !c.Contact.GetX(tctx, perPhone.ID).IsPrimary {
		t.Errorf("the person's primary phone lost its flag")
	}
	for _, name := range oneOfAKindIndexes {
		if !indexExists(t, db, name) {
			t.Errorf("index %s was not created", name)
		}
	}
	for _, line := range []string{"index=" + onboardschema.CategoryOneDefaultIndex + " table=categories cleared=is_default rows=2",
		"index=" + onboardschema.RepresentativeOnePrimaryOwnerIndex + " table=representatives cleared=is_primary_owner rows=2"} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("the log lacks %q:\n%s", line, logs.String())
		}
	}
	if strings.Contains(logs.String(), "Ada") || strings.Contains(logs.String(), ten.ID) {
		t.Errorf("the log names a value:\n%s", logs.String())
	}
}

// TestMigrateIsStable migrates a fresh database and asks for the changes
// that remain: none. The partial indexes' predicates must read back as
// written, else every start would drop and recreate them.
func TestMigrateIsStable(t *testing.T) {
	var logs bytes.Buffer
	db := openFresh(t, &logs)
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var plan bytes.Buffer
	if err := db.Client.Schema.WriteTo(ctx, &plan, schema.WithDropIndex(true)); err != nil {
		t.Fatal(err)
	}
	var changes []string
	for _, l := range strings.Split(plan.String(), "\n") {
		if l = strings.TrimSpace(l); l != "" && l != "BEGIN;" && l != "COMMIT;" {
			changes = append(changes, l)
		}
	}
	if len(changes) > 0 {
		t.Errorf("a second migration would still change:\n%s", strings.Join(changes, "\n"))
	}
	if strings.Contains(logs.String(), "repaired") {
		t.Errorf("a clean database was repaired:\n%s", logs.String())
	}
	logs.Reset()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if logs.Len() > 0 {
		t.Errorf("a second migration did something:\n%s", logs.String())
	}
}

// splitOffIndexes returns migrations/ without the statements that create
// the named indexes, and the same followed by a last file that creates
// them.
func splitOffIndexes(t *testing.T, names []string) (without, with migrate.Dir) {
	t.Helper()
	files := migrationFiles(t)
	before, after := &migrate.MemDir{}, &migrate.MemDir{}
	var moved []string
	for _, f := range files {
		var kept []string
		for _, line := range strings.Split(string(f.Bytes()), "\n") {
			creates := false
			for _, name := range names {
				creates = creates || strings.Contains(line, `INDEX "`+name+`"`)
			}
			if creates && strings.HasPrefix(line, "CREATE") {
				moved = append(moved, line)
			} else if !creates {
				kept = append(kept, line)
			}
		}
		for _, d := range []*migrate.MemDir{before, after} {
			if err := d.WriteFile(f.Name(), []byte(strings.Join(kept, "\n"))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(moved) != len(names) {
		t.Fatalf("found %d of the %d indexes in migrations/", len(moved), len(names))
	}
	if err := after.WriteFile("99991231235959_one_of_a_kind.sql", []byte(strings.Join(moved, "\n")+"\n")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*migrate.MemDir{before, after} {
		sum, err := d.Checksum()
		if err != nil {
			t.Fatal(err)
		}
		if err := migrate.WriteSumFile(d, sum); err != nil {
			t.Fatal(err)
		}
	}
	return before, after
}

func indexExists(t *testing.T, db *database.DB, name string) bool {
	t.Helper()
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?`
	if db.Dialect == dialect.Postgres {
		q = `SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1`
	}
	var n int
	if err := db.SQL.QueryRow(q, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

package database_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"onboard/ent"
	"onboard/internal/customers"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// TestMigrationBackfillsTheCustomerTallies stands a database at the
// migration before the tallies' one, with customers of two tenants (one
// without country or category, one created late on a month's last day
// west of UTC), and migrates on: the backfill counts each group once, the
// month in UTC, and the statistics from the tallies equal those of the
// scan for every key.
func TestMigrationBackfillsTheCustomerTallies(t *testing.T) {
	base := postgresOnly(t)
	ctx := context.Background()
	db := openAt(t, testutil.FreshSchema(t, base), &bytes.Buffer{})
	migrateUpTo(t, db, "_customer_tallies.sql")
	for _, stmt := range []string{
		`INSERT INTO tenants (id, created_at, updated_at, key, name) VALUES
			('ten_1', now(), now(), 'acme', 'Acme'), ('ten_2', now(), now(), 'globex', 'Globex')`,
		`INSERT INTO categories (id, created_at, updated_at, code, name, customer_type, risk_level, tenant_id) VALUES
			('cat_low', now(), now(), 'LOW', 'Low', 'INDIVIDUAL', 'LOW', 'ten_1')`,
		`INSERT INTO customers (id, created_at, updated_at, type, name, status, country, category_id, tenant_id) VALUES
			('cus_1', '2026-01-05 10:00:00Z', now(), 'INDIVIDUAL', 'Ada', 'ACTIVE', 'DE', 'cat_low', 'ten_1'),
			('cus_2', '2026-01-20 10:00:00Z', now(), 'INDIVIDUAL', 'Bea', 'ACTIVE', 'DE', 'cat_low', 'ten_1'),
			('cus_3', '2026-01-31 23:30:00-02', now(), 'INDIVIDUAL', 'Cleo', 'ACTIVE', 'DE', 'cat_low', 'ten_1'),
			('cus_4', '2026-01-06 10:00:00Z', now(), 'ORGANIZATION', 'Example Ltd', 'PENDING_VERIFICATION', NULL, NULL, 'ten_1'),
			('cus_5', '2026-01-07 10:00:00Z', now(), 'INDIVIDUAL', 'Dora', 'ACTIVE', 'DE', NULL, 'ten_2')`,
	} {
		if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	migrateOn(t, db)

	rows, err := db.SQL.QueryContext(ctx, `SELECT tenant_id || ' ' || type || ' ' || status || ' ' || country || '/' || category_id || ' ' || created_month || ' ' || count
		FROM customer_tallies ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	rows.Close()
	want := []string{
		"ten_1 INDIVIDUAL ACTIVE DE/cat_low 2026-01 2",
		"ten_1 INDIVIDUAL ACTIVE DE/cat_low 2026-02 1",
		"ten_1 ORGANIZATION PENDING_VERIFICATION / 2026-01 1",
		"ten_2 INDIVIDUAL ACTIVE DE/ 2026-01 1",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tallies:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	tctx := viewer.ForTenant(ctx, "ten_1")
	for _, g := range []customers.Group{customers.GroupStatus, customers.GroupType, customers.GroupCategory,
		customers.GroupCountry, customers.GroupRiskLevel, customers.GroupCreatedMonth} {
		tallied, err := customers.Stats(tctx, db.Client, nil, []customers.Group{g})
		if err != nil {
			t.Fatal(err)
		}
		scanned, err := customers.Stats(tctx, db.Client, &ent.CustomerWhereInput{}, []customers.Group{g})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(tallied, scanned) {
			t.Errorf("%s: from the tallies %s, from the customers %s", g, statsText(tallied), statsText(scanned))
		}
	}
}

// statsText shows rows of Stats.
func statsText(rows []*customers.StatsRow) string {
	var b strings.Builder
	for _, r := range rows {
		for _, k := range []*string{(*string)(r.Status), (*string)(r.Type), r.CategoryCode, r.Country, (*string)(r.RiskLevel), r.CreatedMonth} {
			if k != nil {
				b.WriteString(*k + "/")
			}
		}
		fmt.Fprintf(&b, "=%d ", r.Count)
	}
	return b.String()
}

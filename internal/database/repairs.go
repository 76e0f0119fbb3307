package database

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"onboard/schema"
)

// A oneOfAKind is a rule "at most one row of a group has flag set" that a
// partial unique index (named index, on the group's columns, WHERE flag)
// keeps. Versions before the index could break the rule under concurrent
// requests (several default categories after concurrent createCategory),
// and PostgreSQL and SQLite both refuse to create a unique index over
// duplicates, so the migration would fail and the server would not start.
type oneOfAKind struct {
	index, table, flag string
	// group are the columns the index is on; rows with a NULL in any of
	// them do not compete (an address of an organization has no person).
	group []string
}

// oneOfAKinds are the rules with a repair, the indexes declared in schema/.
var oneOfAKinds = []oneOfAKind{
	{schema.CategoryOneDefaultIndex, "categories", "is_default", []string{"tenant_id", "customer_type"}},
	{schema.AddressOnePrimaryPerPersonIndex, "addresses", "is_primary", []string{"person_addresses"}},
	{schema.AddressOnePrimaryPerOrganizationIndex, "addresses", "is_primary", []string{"organization_addresses"}},
	{schema.ContactOnePrimaryPerPersonIndex, "contacts", "is_primary", []string{"type", "person_contacts"}},
	{schema.ContactOnePrimaryPerOrganizationIndex, "contacts", "is_primary", []string{"type", "organization_contacts"}},
	{schema.RepresentativeOnePrimaryOwnerIndex, "representatives", "is_primary_owner", []string{"organization_id"}},
}

// repairDuplicates runs, once per rule, before the rule's index exists:
// of each group holding several flagged rows it keeps the oldest (by
// created_at, then id) and clears the flag of the others, moving their
// updated_at so that an incremental sync sees the change, and logs how many
// rows of which table it changed (never their values). The oldest is kept
// because it is the first one set and, for categories, the one a
// registration most likely received (the default was read without an
// order, which in practice returns the oldest row). Once the index exists
// the repair is skipped, so a normal start costs one catalog lookup per
// rule. A fresh database has no tables yet: nothing to repair. On
// PostgreSQL q is the migration's transaction, so the repairs and the index
// they make room for are committed together.
func (d *DB) repairDuplicates(ctx context.Context, q querier) error {
	now := time.Now().UTC().Truncate(time.Microsecond)
	for _, r := range oneOfAKinds {
		hasTable, err := d.catalogHas(ctx, q, "table", r.table)
		if err != nil {
			return err
		}
		hasIndex, err := d.catalogHas(ctx, q, "index", r.index)
		if err != nil {
			return err
		}
		if !hasTable || hasIndex {
			continue
		}
		res, err := q.ExecContext(ctx, d.placeholders(r.repairSQL()), now)
		if err != nil {
			return fmt.Errorf("%s: %w", r.index, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			d.logger.Warn("repaired duplicates before creating a unique index: kept the oldest of each group",
				"index", r.index, "table", r.table, "cleared", r.flag, "rows", n)
		}
	}
	return nil
}

// repairSQL clears flag on every flagged row that has an older flagged row
// in its group. Both dialects accept it.
func (r oneOfAKind) repairSQL() string {
	var cond []string
	for _, c := range r.group {
		cond = append(cond, fmt.Sprintf("%[1]s.%[2]s IS NOT NULL AND o.%[2]s = %[1]s.%[2]s", r.table, c))
	}
	return fmt.Sprintf(`UPDATE %[1]s SET %[2]s = false, updated_at = ? WHERE %[2]s AND EXISTS (
		SELECT 1 FROM %[1]s o WHERE o.%[2]s AND %[3]s
		AND (o.created_at < %[1]s.created_at OR (o.created_at = %[1]s.created_at AND o.id < %[1]s.id)))`,
		r.table, r.flag, strings.Join(cond, " AND "))
}

// catalogHas reports whether the current schema holds a table or an index
// of that name.
func (d *DB) catalogHas(ctx context.Context, q querier, kind, name string) (bool, error) {
	var stmt string
	switch {
	case d.Dialect != dialect.Postgres:
		stmt = `SELECT count(*) FROM sqlite_master WHERE type = '` + kind + `' AND name = ?`
	case kind == "table":
		stmt = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`
	default:
		stmt = `SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?`
	}
	var n int
	err := q.QueryRowContext(ctx, d.placeholders(stmt), name).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		return false, fmt.Errorf("looking up %s %s: %w", kind, name, err)
	}
	return n > 0, nil
}

// querier runs the repairs: the pool, or the migration's transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// placeholders turns the ? of q into PostgreSQL's $1, $2, … (q holds no
// literal question mark).
func (d *DB) placeholders(q string) string {
	if d.Dialect != dialect.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// lacksColumn reports whether an existing SQLite database has table
// without column: a file created before the column, which the automatic
// migration then adds with its default, and autoMigrate fills once (the
// organizations' duplicate keys, sqliteDuplicateKeysBackfill; the primary
// identity documents, sqlitePrimaryDocumentBackfill). PostgreSQL's
// migration file fills them itself. A database without the table is new:
// nothing to fill.
func (d *DB) lacksColumn(ctx context.Context, table, column string) (bool, error) {
	hasTable, err := d.catalogHas(ctx, d.SQL, "table", table)
	if err != nil || !hasTable {
		return false, err
	}
	var n int
	err = d.SQL.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("looking up %s.%s: %w", table, column, err)
	}
	return n == 0, nil
}

// sqliteDuplicateKeysBackfill computes the organizations' duplicate keys as
// internal/registration's normalizedNumber does: spaces and dashes
// removed, ASCII letters upper-cased (SQLite's UPPER changes no other
// letter), NULL when nothing is left. The PostgreSQL statement is in
// migrations/20261202010958_add_compat_dropin.sql.
const sqliteDuplicateKeysBackfill = `UPDATE organizations SET
	registration_number_key = NULLIF(UPPER(REPLACE(REPLACE(registration_number, ' ', ''), '-', '')), ''),
	tax_id_key = NULLIF(UPPER(REPLACE(REPLACE(tax_id, ' ', ''), '-', '')), '')
	WHERE registration_number IS NOT NULL OR tax_id IS NOT NULL`

// sqlitePrimaryDocumentBackfill marks each person's first identity
// document, by creation, as the primary, as a registration does when none
// is marked. The PostgreSQL statement, the same, is in
// migrations/20261202010958_add_compat_dropin.sql.
const sqlitePrimaryDocumentBackfill = `UPDATE identity_documents SET is_primary = true WHERE id = (
	SELECT d.id FROM identity_documents AS d
	WHERE d.person_identity_documents = identity_documents.person_identity_documents
	ORDER BY d.created_at, d.id LIMIT 1)`

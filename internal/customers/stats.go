package customers

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"onboard/ent"
	"onboard/ent/category"
	"onboard/ent/customer"
	"onboard/ent/customertally"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/schema/schematype"
)

// Group is a key customers are counted by.
type Group string

// The keys of Stats.
const (
	GroupStatus       Group = "STATUS"
	GroupType         Group = "TYPE"
	GroupCategory     Group = "CATEGORY"
	GroupCountry      Group = "COUNTRY"
	GroupRiskLevel    Group = "RISK_LEVEL"
	GroupCreatedMonth Group = "CREATED_MONTH"
)

// StatsRow is one group of customers: the keys grouped by (the others
// nil) and how many customers the group holds.
type StatsRow struct {
	Status *customer.Status
	Type   *schematype.CustomerType
	// CategoryID and CategoryCode name the category (not the loaded
	// category, whose edges would then be read once per row).
	CategoryID   *string
	CategoryCode *string
	Country      *string
	RiskLevel    *category.RiskLevel
	CreatedMonth *string
	Count        int
}

// statsScan is a row as the database returns it; unselected keys stay
// null.
type statsScan struct {
	Status       sql.NullString `sql:"g_status"`
	Type         sql.NullString `sql:"g_type"`
	Category     sql.NullString `sql:"g_category"`
	Country      sql.NullString `sql:"g_country"`
	RiskLevel    sql.NullString `sql:"g_risk_level"`
	CreatedMonth sql.NullString `sql:"g_created_month"`
	Count        int            `sql:"n"`
}

// groupExpr is the SQL expression of a key in a query on customers (s)
// for dialect d, and its column alias.
func groupExpr(g Group, s *sql.Selector, d string) (expr, alias string) {
	switch g {
	case GroupStatus:
		return s.C(customer.FieldStatus), "g_status"
	case GroupType:
		return s.C(customer.FieldType), "g_type"
	case GroupCategory:
		return s.C(customer.FieldCategoryID), "g_category"
	case GroupRiskLevel:
		return fmt.Sprintf(`(SELECT c.%q FROM %q c WHERE c.%q = %s)`,
			category.FieldRiskLevel, category.Table, category.FieldID, s.C(customer.FieldCategoryID)), "g_risk_level"
	case GroupCountry:
		// The customer's copy of its primary address's country.
		return s.C(customer.FieldCountry), "g_country"
	case GroupCreatedMonth:
		if d == dialect.Postgres {
			return fmt.Sprintf(`to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM')`, s.C(customer.FieldCreatedAt)), "g_created_month"
		}
		// SQLite keeps times as text in UTC, "YYYY-MM-DD HH:MM:SS…".
		return fmt.Sprintf(`substr(%s, 1, 7)`, s.C(customer.FieldCreatedAt)), "g_created_month"
	}
	return "", ""
}

// tallyGroupExpr is the SQL expression of a key in a query on the tallies
// (s), giving what groupExpr gives on the customers: null for no country
// or category, the month as "YYYY-MM".
func tallyGroupExpr(g Group, s *sql.Selector, _ string) (expr, alias string) {
	categoryID := fmt.Sprintf(`NULLIF(%s, '')`, s.C(customertally.FieldCategoryID))
	switch g {
	case GroupStatus:
		return s.C(customertally.FieldStatus), "g_status"
	case GroupType:
		return s.C(customertally.FieldType), "g_type"
	case GroupCategory:
		return categoryID, "g_category"
	case GroupRiskLevel:
		return fmt.Sprintf(`(SELECT c.%q FROM %q c WHERE c.%q = %s)`,
			category.FieldRiskLevel, category.Table, category.FieldID, categoryID), "g_risk_level"
	case GroupCountry:
		return fmt.Sprintf(`NULLIF(%s, '')`, s.C(customertally.FieldCountry)), "g_country"
	case GroupCreatedMonth:
		return s.C(customertally.FieldCreatedMonth), "g_created_month"
	}
	return "", ""
}

// groupBy makes s select each key of groups once (by expr) and count (as
// n), grouped and ordered by the keys.
func groupBy(s *sql.Selector, groups []Group, expr func(Group, *sql.Selector, string) (string, string), count string) {
	var aliases []string
	s.Select()
	for _, g := range groups {
		e, alias := expr(g, s, s.Dialect())
		if alias == "" || slices.Contains(aliases, alias) {
			continue
		}
		aliases = append(aliases, alias)
		s.AppendSelectExprAs(sql.Expr(e), alias)
	}
	s.AppendSelectExprAs(sql.Expr(count), "n")
	s.GroupBy(aliases...).OrderBy(aliases...)
}

// Stats counts the customers that where keeps grouped by groups, in one
// SQL query plus one for the codes of the categories named. Rows are
// ordered by their keys. Without a where it reads the tenant's tallies
// (CustomerTally, kept by a hook on every customer mutation): a few
// hundred rows whatever the tenant's size; with one it scans the customers
// it keeps (index-only for the common keys). Both give the same rows.
func Stats(ctx context.Context, client *ent.Client, where *ent.CustomerWhereInput, groups []Group) ([]*StatsRow, error) {
	if len(groups) == 0 {
		return nil, apperr.Invalid(apperr.Path{"groupBy"}, vocab.ReasonRequired, "groupBy needs at least one key")
	}
	var scanned []statsScan
	var err error
	if where == nil {
		err = client.CustomerTally.Query().Modify(func(s *sql.Selector) {
			sum := "SUM(" + s.C(customertally.FieldCount) + ")"
			groupBy(s, groups, tallyGroupExpr, sum)
			s.Having(sql.GT(sum, 0))
		}).Scan(ctx, &scanned)
	} else {
		var q *ent.CustomerQuery
		if q, err = where.Filter(client.Customer.Query()); err != nil {
			return nil, err
		}
		err = q.Modify(func(s *sql.Selector) {
			groupBy(s, groups, groupExpr, "COUNT(*)")
		}).Scan(ctx, &scanned)
	}
	if err != nil {
		return nil, err
	}
	var categoryIDs []string
	for _, r := range scanned {
		if r.Category.Valid {
			categoryIDs = append(categoryIDs, r.Category.String)
		}
	}
	codes := map[string]string{}
	if len(categoryIDs) > 0 {
		found, err := client.Category.Query().Where(category.IDIn(categoryIDs...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range found {
			codes[c.ID] = c.Code
		}
	}
	rows := make([]*StatsRow, len(scanned))
	for i, r := range scanned {
		row := &StatsRow{
			Status:     nullable[customer.Status](r.Status),
			Type:       nullable[schematype.CustomerType](r.Type),
			CategoryID: nullable[string](r.Category),

			Country:      nullable[string](r.Country),
			RiskLevel:    nullable[category.RiskLevel](r.RiskLevel),
			CreatedMonth: nullable[string](r.CreatedMonth),
			Count:        r.Count,
		}
		if code, ok := codes[r.Category.String]; ok {
			row.CategoryCode = &code
		}
		rows[i] = row
	}
	return rows, nil
}

func nullable[T ~string](s sql.NullString) *T {
	if !s.Valid {
		return nil
	}
	v := T(s.String)
	return &v
}

// MaxCountUpTo is the largest bound CountUpTo takes: counting further is
// what the exact totalCount is for.
const MaxCountUpTo = 10_000

// CountUpTo counts the customers of q (already filtered) up to upTo: the
// count, exact when the set holds at most upTo customers, else upTo and
// not exact ("more than 10,000"). It reads at most upTo + 1 ids, so its
// cost is bounded whatever the tenant's size, where an exact count of a
// million filtered customers reads them all. An upTo outside
// 1..MaxCountUpTo is a problem on field.
func CountUpTo(ctx context.Context, q *ent.CustomerQuery, field apperr.Path, upTo int) (count int, exact bool, err error) {
	if upTo < 1 || upTo > MaxCountUpTo {
		return 0, false, apperr.Invalid(field, vocab.ReasonOutOfRange, fmt.Sprintf("upTo must be between 1 and %d", MaxCountUpTo))
	}
	ids, err := q.Limit(upTo + 1).IDs(ctx)
	if err != nil {
		return 0, false, err
	}
	if len(ids) > upTo {
		return upTo, false, nil
	}
	return len(ids), true, nil
}

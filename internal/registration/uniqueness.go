package registration

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent/dialect/sql"

	"onboard/ent/customer"
	"onboard/ent/organization"
	"onboard/ent/user"
	"onboard/internal/apperr"
	"onboard/internal/viewer"
)

// uniqueValue is a value a registration writes into a column that is unique
// per tenant (schema: the users' email and username, the customers'
// external_reference, the organizations' registration_number).
type uniqueValue struct {
	table, column, value string
}

// loginUniques are the login user's unique values, e-mail first.
func loginUniques(l Login) []uniqueValue {
	return []uniqueValue{
		{user.Table, user.FieldEmail, l.LoginEmail},
		{user.Table, user.FieldUsername, l.Username},
	}
}

// uniques are an individual's unique values in the order writeIndividual
// writes them: the user, then the customer.
func (k *individualKind) uniques() []uniqueValue {
	var out []uniqueValue
	if k.ind.HasLogin {
		out = loginUniques(k.ind.Login)
	}
	return append(out, externalReference(k.ind.ExternalReference)...)
}

// uniques are an organization's unique values in the order
// writeOrganization writes them: the organization, the admin user, then
// the customer.
func (k *organizationKind) uniques() []uniqueValue {
	out := []uniqueValue{{organization.Table, organization.FieldRegistrationNumber, k.org.RegistrationNumber}}
	out = append(out, loginUniques(k.org.Login)...)
	return append(out, externalReference(k.org.ExternalReference)...)
}

// externalReference is the customer's external reference as a unique
// value; none when the request gives none (the column is then NULL).
func externalReference(ref string) []uniqueValue {
	if ref == "" {
		return nil
	}
	return []uniqueValue{{customer.Table, customer.FieldExternalReference, ref}}
}

// checkUnique reports the first of k's unique values already used in the
// tenant with the CONFLICT its unique violation would be answered with
// (apperr.FromData with k.fieldOf), so that a registration bound to
// conflict costs no password hash and a dry run knows it. Only the first is
// reported, as the write stops at the first violation. The unique indexes
// stay the rule: a concurrent registration can take a value after this
// check, and its violation inside the transaction answers the same.
func (s *Service) checkUnique(ctx context.Context, k kind) error {
	return s.firstTaken(ctx, k.uniques(), k.fieldOf)
}

// firstTaken is the CONFLICT of the first of unique already used in the
// tenant, on the field fieldOf names; nil when none is.
func (s *Service) firstTaken(ctx context.Context, unique []uniqueValue, fieldOf func(string) apperr.Path) error {
	if len(unique) == 0 {
		return nil
	}
	taken, err := s.takenColumns(ctx, unique)
	if err != nil || len(taken) == 0 {
		return err
	}
	for _, v := range unique {
		if taken[v.table+"."+v.column] {
			return apperr.AlreadyExists(fieldOf(v.column))
		}
	}
	return nil
}

// takenColumns looks up every value in one statement and returns the
// "table.column" of those already used in the viewer's tenant. The
// statement is a UNION ALL of one branch a value, rooted at the first
// users value (or, for a customer without a login, the first customers
// value), where the privacy rules bound it to the tenant as any query; the
// other branches carry the tenant themselves.
func (s *Service) takenColumns(ctx context.Context, values []uniqueValue) (map[string]bool, error) {
	first := slices.IndexFunc(values, func(v uniqueValue) bool { return v.table == user.Table })
	if first < 0 {
		first = slices.IndexFunc(values, func(v uniqueValue) bool { return v.table == customer.Table })
	}
	if first < 0 {
		return nil, fmt.Errorf("registration: no login or customer among the unique values")
	}
	var tenantID string
	if v := viewer.FromContext(ctx); v != nil {
		tenantID = v.TenantID
	}
	modify := func(root *sql.Selector) {
		root.Select(takenLabel(values[first])).Where(sql.EQ(root.C(values[first].column), values[first].value))
		b := sql.Dialect(root.Dialect())
		for i, v := range values {
			if i == first {
				continue
			}
			t := b.Table(v.table)
			root.UnionAll(b.Select(takenLabel(v)).From(t).Where(sql.And(
				sql.EQ(t.C(user.FieldTenantID), tenantID),
				sql.EQ(t.C(v.column), v.value),
			)))
		}
	}
	var labels []string
	var err error
	if values[first].table == user.Table {
		err = s.Client.User.Query().Modify(modify).Scan(ctx, &labels)
	} else {
		err = s.Client.Customer.Query().Modify(modify).Scan(ctx, &labels)
	}
	if err != nil {
		return nil, err
	}
	taken := make(map[string]bool, len(labels))
	for _, l := range labels {
		taken[l] = true
	}
	return taken, nil
}

// takenLabel selects v's "table.column" as a constant: the names come from
// the schema, never from input.
func takenLabel(v uniqueValue) string {
	return "'" + v.table + "." + v.column + "' AS taken"
}
